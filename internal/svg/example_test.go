package svg_test

import (
	"fmt"

	"github.com/engagekit/engagekit/internal/svg"
)

func ExampleTicks() {
	fmt.Println(svg.Ticks(0, 1, 5), svg.Ticks(-1150, 9700, 6))
	// Output: [0 0.2 0.4 0.6 0.8 1] [0 2000 4000 6000 8000]
}
