package advisorytest

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/dsl"
	"pgregory.net/rapid"
)

// Check runs the properties every framework should have over generated
// files, failing t with a reproducible seed when one breaks: evaluation
// never fails, it is deterministic, urgency and sensitivity are in [0,1],
// and every alert of a rule with a condition carries evidence. t is any
// [rapid.TB]: a *testing.T, a *testing.B, or the *rapid.T of an enclosing
// property.
func Check[Env any](t rapid.TB, fw *advisory.Framework[Env], files *rapid.Generator[Env], now time.Time) {
	t.Helper()
	rapid.Check(t, func(t *rapid.T) {
		if err := CheckFile(fw, files.Draw(t, "file"), now); err != nil {
			t.Fatal(err)
		}
	})
}

// CheckFile checks one file as [Check] does and returns what is wrong.
func CheckFile[Env any](fw *advisory.Framework[Env], file Env, now time.Time) error {
	a, err := fw.Evaluate("client", file, now)
	if err != nil {
		return fmt.Errorf("the framework failed on a generated file: %w", err)
	}
	b, _ := fw.Evaluate("client", file, now)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		return fmt.Errorf("two evaluations of the same file differ")
	}
	for _, al := range a {
		if al.Urgency < 0 || al.Urgency > 1 || al.Sensitivity < 0 || al.Sensitivity > 1 {
			return fmt.Errorf("%s: urgency %v, sensitivity %v outside [0,1]", al.RuleID, al.Urgency, al.Sensitivity)
		}
		if len(al.Evidence) == 0 && hasCondition(fw, al.RuleID) {
			return fmt.Errorf("%s fired without evidence", al.RuleID)
		}
	}
	return nil
}

func hasCondition[Env any](fw *advisory.Framework[Env], rule string) bool {
	for _, r := range fw.Rules() {
		if r.ID == rule {
			return len(r.Reads) > 0
		}
	}
	return false
}

// Coverage counts, over a generated population, how often each rule and
// each of its branches or rows fired.
type Coverage struct {
	Files int            `json:"files"`
	Rules []RuleCoverage `json:"rules"`
}

// RuleCoverage is one rule's line of a [Coverage].
type RuleCoverage struct {
	Rule  string         `json:"rule"`
	Fired int            `json:"fired"`
	Paths map[string]int `json:"paths,omitempty"`
	// Errors counts the files on which the rule failed.
	Errors int `json:"errors"`
}

// Cover evaluates the framework over n files drawn from files (with a
// fixed seed, so the table is reproducible) and counts what fired.
func Cover[Env any](fw *advisory.Framework[Env], files *rapid.Generator[Env], n int, now time.Time) Coverage {
	cov := Coverage{Files: n}
	index := map[string]int{}
	for _, r := range fw.Rules() {
		index[r.ID] = len(cov.Rules)
		rc := RuleCoverage{Rule: r.ID, Paths: map[string]int{}}
		for _, p := range r.Paths {
			rc.Paths[p] = 0
		}
		cov.Rules = append(cov.Rules, rc)
	}
	for i := range n {
		file := files.Example(i)
		alerts, err := fw.Evaluate("client", file, now)
		for _, e := range ruleErrors(err) {
			if i, ok := index[e.RuleID]; ok {
				cov.Rules[i].Errors++
			}
		}
		seen := map[string]bool{}
		for _, a := range alerts {
			rc := &cov.Rules[index[a.RuleID]]
			if !seen[a.RuleID] {
				rc.Fired++
				seen[a.RuleID] = true
			}
			if a.Path != "" {
				rc.Paths[a.Path]++
			}
		}
	}
	return cov
}

// Unfired lists the rules, and branches or rows as "rule/path", that never
// fired.
func (c Coverage) Unfired() []string {
	var out []string
	for _, r := range c.Rules {
		if r.Fired == 0 {
			out = append(out, r.Rule)
		}
		for p, n := range r.Paths {
			if n == 0 {
				out = append(out, r.Rule+"/"+p)
			}
		}
	}
	slices.Sort(out)
	return out
}

// String renders the coverage as a table a person reads.
func (c Coverage) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-28s %8s %7s\n", "rule (path)", "fired", "share")
	for _, r := range c.Rules {
		fmt.Fprintf(&b, "%-28s %8d %6.1f%%", r.Rule, r.Fired, 100*float64(r.Fired)/float64(max(1, c.Files)))
		if r.Errors > 0 {
			fmt.Fprintf(&b, "  %d failed", r.Errors)
		}
		b.WriteByte('\n')
		paths := make([]string, 0, len(r.Paths))
		for p := range r.Paths {
			paths = append(paths, p)
		}
		slices.SortFunc(paths, func(a, b string) int { return cmp.Compare(a, b) })
		for _, p := range paths {
			fmt.Fprintf(&b, "  %-26s %8d\n", p, r.Paths[p])
		}
	}
	return b.String()
}

// Differential evaluates two versions of a framework over the same n
// generated files and diffs their alerts, and the files on which the two
// fail differently: a version that fails a rule where the other does not
// changes what a client is told as surely as an alert does.
func Differential[Env any](old, new *advisory.Framework[Env], files *rapid.Generator[Env], n int, now time.Time) Differences {
	var a, b []advisory.Alert
	var failures []FailureChange
	for i := range n {
		file := files.Example(i)
		id := fmt.Sprint("file-", i)
		x, errOld := old.Evaluate(id, file, now)
		y, errNew := new.Evaluate(id, file, now)
		a, b = append(a, x...), append(b, y...)
		if o, n := errorText(errOld), errorText(errNew); o != n {
			failures = append(failures, FailureChange{File: id, Old: o, New: n})
		}
	}
	return Differences{Diff: advisory.DiffAlerts(a, b), Failures: failures}
}

// Differences is what [Differential] finds: the alerts' diff, and the
// files each version fails differently.
type Differences struct {
	advisory.Diff
	Failures []FailureChange `json:"failures,omitempty"`
}

// FailureChange is a generated file on which the two versions fail
// differently: each version's error text, empty where it did not fail.
type FailureChange struct {
	File string `json:"file"`
	Old  string `json:"old,omitempty"`
	New  string `json:"new,omitempty"`
}

// errorText is an evaluation's error as text, "" for none.
func errorText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// ruleErrors lists the *dsl.Error values in err, which joins one per
// failed rule.
func ruleErrors(err error) []*dsl.Error {
	var out []*dsl.Error
	var walk func(error)
	walk = func(err error) {
		var de *dsl.Error
		switch x := err.(type) {
		case nil:
		case interface{ Unwrap() []error }:
			for _, e := range x.Unwrap() {
				walk(e)
			}
		default:
			if errors.As(err, &de) {
				out = append(out, de)
			}
		}
	}
	walk(err)
	return out
}
