package advisorytest_test

import (
	"fmt"

	"github.com/engagekit/engagekit/advisory/advisorytest"
)

func ExampleParseBoundaries() {
	b, err := advisorytest.ParseBoundaries([]byte(`ruleset r version 1
const Adult = 30
rule young {
  type "t"
  when age(client.birthDate) < Adult && client.riskProfile == "offensive"
}
`))
	fmt.Println(b.Numbers, b.Strings, err)
	// Output: [30] [offensive] <nil>
}
