package rulefile

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func codes(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code+"@"+f.Rule)
	}
	return out
}

func TestAnalyze(t *testing.T) {
	cases := []struct {
		name string
		body string
		want []string
	}{
		{"clean", `
rule r {
  type "t"
  let d = x.a
  when d > 1
}`, nil},
		{"unused let and const", `
const Unused = 3
rule r {
  type "t"
  let d = x.a
  when x.b > 1
}`, []string{"unused-const@", "unused-let@r"}},
		{"duplicate id", `
rule r {
  type "t"
}
rule r {
  type "t"
}`, []string{"duplicate-id@r"}},
		{"equivalent conditions", `
rule a {
  type "t"
  when x.age >= 30 && x.cov < 0.6
}
rule b {
  type "t"
  when x.cov < 0.6 && 30 <= x.age
}
rule c {
  type "t"
  when x.cov < 0.5 && 30 <= x.age
}`, []string{"equivalent-when@b"}},
		{"covered branch", `
rule r {
  type "t"
  branch x.age < 50 {
  }
  branch x.age < 30 {
  }
  else {
  }
}`, []string{"unreachable-branch@r"}},
		{"else after exhaustive branches", `
rule r {
  type "t"
  branch x.age < 30 {
  }
  branch x.age >= 30 {
  }
  else {
  }
}`, []string{"unreachable-branch@r"}},
		{"unreadable condition is left alone", `
rule r {
  type "t"
  branch f(x) {
  }
  branch x.age < 30 {
  }
}`, nil},
		{"table: shadowed row and gap", `
table t hit first {
  type "t"
  in x.age, x.tier
  row < 30,  "gold" => urgency 0.1
  row < 20,  "gold" => urgency 0.2
  row >= 30, -      => urgency 0.3
}`, []string{"table-gap@t", "unreachable-row@t"}},
		{"table: unique overlap", `
table t hit unique {
  type "t"
  in x.age
  row [0..30]  => urgency 0.1
  row [30..60) => urgency 0.2
  row -        => urgency 0.3
}`, []string{"unique-overlap@t", "unique-overlap@t", "unique-overlap@t"}},
		{"table: constants resolved", `
const Limit = 30
table t hit first {
  type "t"
  in x.age
  row < Limit  => urgency 0.1
  row >= Limit => urgency 0.2
}`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse([]byte("ruleset x version 1\n" + c.body + "\n"))
			if err != nil {
				t.Fatal(err)
			}
			got := codes(Analyze(f))
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("findings (-want +got):\n%s\n%v", d, Analyze(f))
			}
		})
	}
}

func TestAnalyzeGapWitness(t *testing.T) {
	f, err := Parse([]byte("ruleset x version 1\ntable t hit first {\n  type \"t\"\n  in x.age\n  row < 30 => urgency 0.1\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	fs := Analyze(f)
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "x.age = 30") {
		t.Fatalf("want a gap with witness x.age = 30, got %v", fs)
	}
}

func TestAnalyzeFixtures(t *testing.T) {
	for name, src := range fixtures(t) {
		f, err := Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, fd := range Analyze(f) {
			if fd.Severity == Problem {
				t.Errorf("%s: unexpected problem %+v", name, fd)
			}
		}
	}
}
