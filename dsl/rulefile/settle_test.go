package rulefile_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/engagekit/engagekit/dsl/rulefile"
)

// settleFile is a decision d whose when is never false, read by table t
// over d.fired with one row (true): t has no gap once d is proved to
// always fire. Before them, decision big, which d reads, has branches
// branches over three fields.
func settleFile(branches int) string {
	var b strings.Builder
	b.WriteString("ruleset settle version 1\n\nrule big {\n  type \"big\"\n  emit false\n")
	for i := range branches {
		fmt.Fprintf(&b, "  branch x.a == %d && x.b == %d && x.c != %d {\n    title \"b\"\n  }\n", i, i, i)
	}
	b.WriteString("}\n\nrule d {\n  type \"d\"\n  emit false\n  when big.fired || !big.fired || x.a == nil || x.a != nil\n}\n\n")
	b.WriteString("table t hit first {\n  type \"t\"\n  in d.fired\n  row true => title \"always\"\n}\n")
	return b.String()
}

// A decision read by another is proved before its reader is analyzed;
// where the proof's bounded work runs out first, what the reader's table
// would claim at the unproved value is unknown, never a gap.
func TestSettleDecisionsClaimsNothingUnproved(t *testing.T) {
	for _, n := range []int{3, 9000} {
		if n > 3 && (raceEnabled || testing.Short()) {
			continue // two analyses' whole budgets: seconds, ten times that under the race detector
		}
		f, err := rulefile.Parse([]byte(settleFile(n)))
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, x := range rulefile.Analyze(f) {
			if x.Rule == "t" {
				codes = append(codes, x.Code+": "+x.Message)
			}
		}
		t.Logf("%d branches: t's findings %v", n, codes)
		for _, c := range codes {
			if strings.HasPrefix(c, "table-gap") {
				t.Errorf("%d branches: t claims a gap, but d always fires", n)
			}
		}
		if n == 3 && len(codes) > 0 {
			t.Errorf("small file: t's findings %v; want none (d is proved to always fire)", codes)
		}
	}
}
