package rulefile_test

import (
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/dsl/rulefile"
)

// analyzeCompiled parses, analyzes and compiles a rule file of the given
// body over Env, for the adversaries' tests, which hold each finding to
// the compiled rule set; the file must compile.
func analyzeCompiled[Env any](t *testing.T, name, body string) ([]rulefile.Finding, *dsl.RuleSet[Env]) {
	t.Helper()
	src := "ruleset " + name + " version 1\n\n" + body
	f, err := rulefile.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := dsl.CompileRules[Env]([]byte(src))
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return rulefile.Analyze(f), rs
}

// findingOf is the first finding of code about rule whose first related
// place is related ("" for any).
func findingOf(fs []rulefile.Finding, code, rule, related string) *rulefile.Finding {
	for i := range fs {
		if fs[i].Code != code || fs[i].Rule != rule {
			continue
		}
		if related == "" || len(fs[i].Related) > 0 && fs[i].Related[0] == related {
			return &fs[i]
		}
	}
	return nil
}

// tookPath reports whether rule id took path (a row or branch label; ""
// for any hit) evaluating env at now. A rule that fails makes no hit; the
// others' hits stand.
func tookPath[Env any](rs *dsl.RuleSet[Env], env Env, now time.Time, id, path string) bool {
	hits, _ := rs.Eval(env, now)
	for _, h := range hits {
		if h.Rule == id && (path == "" || h.Path == path) {
			return true
		}
	}
	return false
}
