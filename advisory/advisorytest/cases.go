package advisorytest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/dsl"
)

// CaseResult is one case's outcome.
type CaseResult struct {
	Name string `json:"name"`
	Pass bool   `json:"pass"`
	// Diff shows the hits expected against those raised ("-want +got"),
	// empty when they agree. Fields an expectation leaves out are not
	// compared, and an expected title reads "…substring…".
	Diff string `json:"diff,omitempty"`
	// Error is the evaluation's error, or what is wrong with it.
	Error string `json:"error,omitempty"`
}

// Report is the outcome of a cases file: every case in file order, and
// which rules, branches and rows the cases reached (Coverage.Files counts
// the cases; a rule's Fired, the cases in which it fired).
type Report struct {
	Cases    []CaseResult `json:"cases"`
	Passed   int          `json:"passed"`
	Failed   int          `json:"failed"`
	Coverage Coverage     `json:"coverage"`
}

// OK reports whether every case passed.
func (r Report) OK() bool { return r.Failed == 0 }

// String renders the report as a person reads it: the failures with their
// diffs, then a line of counts and the coverage line.
func (r Report) String() string {
	var b strings.Builder
	for _, c := range r.Cases {
		if c.Pass {
			continue
		}
		fmt.Fprintf(&b, "FAIL %s\n", c.Name)
		if c.Error != "" {
			fmt.Fprintf(&b, "  error: %s\n", c.Error)
		}
		if c.Diff != "" {
			fmt.Fprintf(&b, "  hits (-want +got):\n%s", indent(c.Diff, "    "))
		}
	}
	fmt.Fprintf(&b, "%d of %d cases passed\n", r.Passed, len(r.Cases))
	fmt.Fprintf(&b, "%s\n", r.Coverage.Summary())
	return b.String()
}

// Summary is the coverage line: how many of the rules, of the branches
// of decision trees and of the rows of tables fired at least once.
func (c Coverage) Summary() string {
	var rules, rulesFired, branches, branchesFired, rows, rowsFired int
	for _, r := range c.Rules {
		rules++
		if r.Fired > 0 {
			rulesFired++
		}
		for p, n := range r.Paths {
			if strings.HasPrefix(p, "row ") {
				rows++
				if n > 0 {
					rowsFired++
				}
			} else {
				branches++
				if n > 0 {
					branchesFired++
				}
			}
		}
	}
	return fmt.Sprintf("coverage: rules %d/%d, branches %d/%d, rows %d/%d", rulesFired, rules, branchesFired, branches, rowsFired, rows)
}

// RunCases runs a cases file against a framework as subtests of t, one per
// case named by the case, each failing with the diff of its hits; it logs
// the coverage line. A cases file that does not parse fails t at once.
func RunCases[Env any](t *testing.T, fw *advisory.Framework[Env], cases []byte) {
	t.Helper()
	set, err := parseCases[Env](fw, cases)
	if err != nil {
		t.Fatal(err)
	}
	cov := newCoverage(fw.Rules())
	for _, c := range set {
		res, hits := runCase(fw, c)
		cov.add(hits)
		t.Run(c.name, func(t *testing.T) {
			if res.Error != "" {
				t.Error(res.Error)
			}
			if res.Diff != "" {
				t.Errorf("hits (-want +got):\n%s", res.Diff)
			}
		})
	}
	t.Log(cov.Coverage.Summary())
}

// EvaluateCases runs a cases file against a framework and reports every
// case and the coverage, without a test: a host gates a rule file's
// approval on Report.OK. A cases file that is malformed (not JSON, a case
// without a name or "expect", an input that does not fit Env, a rule or
// path the framework does not have) is an error naming the case.
func EvaluateCases[Env any](fw *advisory.Framework[Env], cases []byte) (Report, error) {
	set, err := parseCases[Env](fw, cases)
	if err != nil {
		return Report{}, err
	}
	cov := newCoverage(fw.Rules())
	rep := Report{Cases: make([]CaseResult, 0, len(set))}
	for _, c := range set {
		res, hits := runCase(fw, c)
		cov.add(hits)
		rep.Cases = append(rep.Cases, res)
		if res.Pass {
			rep.Passed++
		} else {
			rep.Failed++
		}
	}
	rep.Coverage = cov.Coverage
	return rep, nil
}

// The file as written.
type casesFile struct {
	Rules     string            `json:"rules"`
	Now       *time.Time        `json:"now"`
	Tolerance *float64          `json:"tolerance"`
	Cases     []json.RawMessage `json:"cases"`
}

type caseSpec struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Now         *time.Time      `json:"now"`
	Input       json.RawMessage `json:"input"`
	Mode        string          `json:"mode"`
	Expect      *[]expectSpec   `json:"expect"`
	Absent      []string        `json:"absent"`
	Error       string          `json:"error"`
}

type expectSpec struct {
	Rule        string   `json:"rule"`
	Type        *string  `json:"type"`
	Path        *string  `json:"path"`
	Urgency     *float64 `json:"urgency"`
	Sensitivity *float64 `json:"sensitivity"`
	Tolerance   *float64 `json:"tolerance"`
	Title       string   `json:"title"`
}

// A case ready to run.
type testCase[Env any] struct {
	name     string
	now      time.Time
	input    Env
	includes bool
	expect   []expectSpec
	tol      []float64
	absent   []string
	errSub   string
}

const defaultTolerance = 1e-9

func parseCases[Env any](fw *advisory.Framework[Env], data []byte) ([]testCase[Env], error) {
	var f casesFile
	if err := strictDecode(data, &f, fileAt(data, 0)); err != nil {
		return nil, fmt.Errorf("cases file: %w", err)
	}
	caseAt := valueOffsets(data, "cases")
	if len(f.Cases) == 0 {
		return nil, errors.New(`cases file: no "cases"`)
	}
	tol := defaultTolerance
	if f.Tolerance != nil {
		if !(*f.Tolerance >= 0) {
			return nil, fmt.Errorf("cases file: tolerance %v is negative", *f.Tolerance)
		}
		tol = *f.Tolerance
	}
	paths := map[string][]string{}
	for _, r := range fw.Rules() {
		paths[r.ID] = r.Paths
	}
	seen := map[string]bool{}
	out := make([]testCase[Env], 0, len(f.Cases))
	for i, raw := range f.Cases {
		var name struct {
			Name string `json:"name"`
		}
		_ = json.Unmarshal(raw, &name)
		where := fmt.Sprintf("case %d", i+1)
		if name.Name != "" {
			where = fmt.Sprintf("case %d %q", i+1, name.Name)
		}
		fail := func(format string, args ...any) error {
			return fmt.Errorf("%s: %s", where, fmt.Sprintf(format, args...))
		}
		var s caseSpec
		at := int64(-1) // where the case starts in the file, when found
		if i < len(caseAt) {
			at = caseAt[i]
		}
		if err := strictDecode(raw, &s, fileAt(data, at)); err != nil {
			return nil, fail("%v", err)
		}
		if s.Name == "" {
			return nil, fail(`no "name"`)
		}
		if seen[s.Name] {
			return nil, fail("a second case of this name")
		}
		seen[s.Name] = true
		c := testCase[Env]{name: s.Name, absent: s.Absent, errSub: s.Error}
		switch {
		case s.Now != nil:
			c.now = *s.Now
		case f.Now != nil:
			c.now = *f.Now
		default:
			return nil, fail(`no "now": give the evaluation time in the case or the file`)
		}
		switch s.Mode {
		case "", "only":
		case "includes":
			c.includes = true
		default:
			return nil, fail(`mode %q: want "only" or "includes"`, s.Mode)
		}
		if len(s.Input) == 0 || string(s.Input) == "null" {
			return nil, fail(`no "input": give the client file as a JSON object ({} for an empty one)`)
		}
		inputAt := int64(-1)
		if offs := memberOffset(raw, "input"); at >= 0 && offs >= 0 {
			inputAt = at + offs
		}
		if err := strictDecode(s.Input, &c.input, fileAt(data, inputAt)); err != nil {
			return nil, fail("input: %v (field names are the json tags of %T)", err, c.input)
		}
		if s.Expect == nil {
			return nil, fail(`no "expect": list the hits expected, or [] for no hit`)
		}
		c.expect = *s.Expect
		for j, e := range c.expect {
			ps, ok := paths[e.Rule]
			switch {
			case e.Rule == "":
				return nil, fail(`expect %d: no "rule"`, j+1)
			case !ok:
				return nil, fail("expect %d: the framework has no rule %q", j+1, e.Rule)
			case e.Path != nil && *e.Path != "" && !knownPath(ps, *e.Path):
				return nil, fail("expect %d: rule %q has no path %q (it has %q)", j+1, e.Rule, *e.Path, ps)
			}
			t := tol
			if e.Tolerance != nil {
				if !(*e.Tolerance >= 0) {
					return nil, fail("expect %d: tolerance %v is negative", j+1, *e.Tolerance)
				}
				t = *e.Tolerance
			}
			c.tol = append(c.tol, t)
		}
		for _, r := range s.Absent {
			if _, ok := paths[r]; !ok {
				return nil, fail("absent: the framework has no rule %q", r)
			}
			if slices.ContainsFunc(c.expect, func(e expectSpec) bool { return e.Rule == r }) {
				return nil, fail("rule %q is both expected and absent", r)
			}
		}
		if c.includes && len(c.expect) == 0 && len(c.absent) == 0 {
			return nil, fail(`mode "includes" with no expected hit and none absent checks nothing: to say the case raises no hit, write "expect": [] in mode "only"`)
		}
		out = append(out, c)
	}
	return out, nil
}

// strictDecode decodes one JSON value, refusing unknown fields, trailing
// data, a key given twice and a key that names a field only ignoring case
// (exactKeys).
// at places an offset of data in the cases file ("" when it cannot).
func strictDecode(data []byte, v any, at func(off int64) string) error {
	if err := exactKeys(data, reflect.TypeOf(v)); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return fmt.Errorf("%s%w", at(se.Offset), err)
		case errors.As(err, &te):
			// The offset is just past the value the field cannot take:
			// its line, and the column after it.
			return fmt.Errorf("%s%w", at(te.Offset), err)
		}
		return err
	}
	// Anything but blanks after the value is refused: dec.More says no
	// more for a stray "}" or "]", so the decoder is asked for a token.
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
}

// fileAt places the offsets of a value that starts at base in the cases
// file data as "line L:C: "; nothing when base is not known (-1).
func fileAt(data []byte, base int64) func(off int64) string {
	return func(off int64) string {
		if base < 0 {
			return ""
		}
		line, col := position(data, base+off)
		return fmt.Sprintf("line %d:%d: ", line, col)
	}
}

// valueOffsets is where each element of the array at key of the JSON
// object data starts; nil when it cannot tell.
func valueOffsets(data []byte, key string) []int64 {
	start := memberOffset(data, key)
	if start < 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data[start:]))
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return nil
	}
	var out []int64
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return out
		}
		out = append(out, start+dec.InputOffset()-int64(len(raw)))
	}
	return out
}

// memberOffset is where the value of key starts in the JSON object data,
// -1 when it has none (or data is no object).
func memberOffset(data []byte, key string) int64 {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return -1
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return -1
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return -1
		}
		if t == key {
			return dec.InputOffset() - int64(len(raw))
		}
	}
	return -1
}

func position(data []byte, off int64) (line, col int) {
	off = min(off, int64(len(data)))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = len([]rune(string(before[bytes.LastIndexByte(before, '\n')+1:])))
	return line, max(col, 1)
}

// hitView is the part of a hit a case compares.
type hitView struct {
	Rule        string
	Type        string
	Path        string
	Urgency     float64
	Sensitivity float64
	Title       string
}

func viewOf(a advisory.Alert) hitView {
	return hitView{Rule: a.RuleID, Type: a.Type, Path: a.Path, Urgency: a.Urgency, Sensitivity: a.Sensitivity, Title: a.Title}
}

// runCase evaluates one case and compares its hits.
func runCase[Env any](fw *advisory.Framework[Env], c testCase[Env]) (CaseResult, []advisory.Alert) {
	res := CaseResult{Name: c.name}
	alerts, err := fw.Evaluate(c.name, c.input, c.now)
	switch {
	case err != nil && c.errSub == "":
		res.Error = err.Error()
	case err != nil && !strings.Contains(err.Error(), c.errSub):
		res.Error = fmt.Sprintf("the error %q does not hold %q", err, c.errSub)
	case err == nil && c.errSub != "":
		res.Error = fmt.Sprintf("no error, want one holding %q", c.errSub)
	}
	// Expectations are paired with hits that match them fully, as many
	// as can be (a matching, not the first fit: an expectation taking a
	// hit another needed would fail a right case); one left over takes
	// the first hit of its rule (and path) left, so the diff shows what
	// is wrong.
	pair := fullMatching(c, alerts)
	used := make([]bool, len(alerts))
	for _, k := range pair {
		if k >= 0 {
			used[k] = true
		}
	}
	var want, got []hitView
	for i, e := range c.expect {
		k := pair[i]
		for j, a := range alerts {
			if k >= 0 {
				break
			}
			if !used[j] && a.RuleID == e.Rule && (e.Path == nil || a.Path == *e.Path) {
				k = j
			}
		}
		w := hitView{Rule: e.Rule, Title: "…" + e.Title + "…"}
		if e.Type != nil {
			w.Type = *e.Type
		}
		if e.Path != nil {
			w.Path = *e.Path
		}
		if e.Urgency != nil {
			w.Urgency = *e.Urgency
		}
		if e.Sensitivity != nil {
			w.Sensitivity = *e.Sensitivity
		}
		if e.Title == "" {
			w.Title = ""
		}
		if k < 0 {
			want = append(want, w)
			continue
		}
		used[k] = true
		g := viewOf(alerts[k])
		// What the case leaves out, or gets right within its tolerance,
		// reads as the hit's own value: the diff shows only what is wrong.
		if e.Type == nil {
			w.Type = g.Type
		}
		if e.Path == nil {
			w.Path = g.Path
		}
		if e.Urgency == nil || math.Abs(*e.Urgency-g.Urgency) <= c.tol[i] {
			w.Urgency = g.Urgency
		}
		if e.Sensitivity == nil || math.Abs(*e.Sensitivity-g.Sensitivity) <= c.tol[i] {
			w.Sensitivity = g.Sensitivity
		}
		if strings.Contains(g.Title, e.Title) {
			w.Title = g.Title
		}
		want = append(want, w)
		got = append(got, g)
	}
	for j, a := range alerts {
		if !used[j] && (!c.includes || slices.Contains(c.absent, a.RuleID)) {
			got = append(got, viewOf(a))
		}
	}
	res.Diff = cmp.Diff(want, got)
	res.Pass = res.Error == "" && res.Diff == ""
	return res, alerts
}

// fullMatching pairs each expectation with a hit it matches fully, as
// many pairs as there can be (augmenting paths; cases are small): the
// hit of expectation i, -1 for none.
func fullMatching[Env any](c testCase[Env], alerts []advisory.Alert) []int {
	ok := func(i, j int) bool {
		e, a := c.expect[i], alerts[j]
		return a.RuleID == e.Rule && (e.Path == nil || a.Path == *e.Path) && matches(e, c.tol[i], a)
	}
	of := make([]int, len(c.expect)) // expectation → hit
	by := make([]int, len(alerts))   // hit → expectation
	for i := range of {
		of[i] = -1
	}
	for j := range by {
		by[j] = -1
	}
	var seen []bool
	var augment func(i int) bool
	augment = func(i int) bool {
		for j := range alerts {
			if seen[j] || !ok(i, j) {
				continue
			}
			seen[j] = true
			if by[j] < 0 || augment(by[j]) {
				of[i], by[j] = j, i
				return true
			}
		}
		return false
	}
	for i := range c.expect {
		seen = make([]bool, len(alerts))
		augment(i)
	}
	return of
}

// knownPath reports whether path is one of the rule's paths, or the rows
// an aggregating table's hit names ("rows 1, 3"), each one of them.
func knownPath(paths []string, path string) bool {
	if slices.Contains(paths, path) {
		return true
	}
	rows, ok := aggregateRows(path)
	if !ok {
		return false
	}
	for _, r := range rows {
		if !slices.Contains(paths, r) {
			return false
		}
	}
	return true
}

// aggregateRows reads the path of an aggregated table's hit, "rows 1, 2",
// as the rows it names ("row 1", "row 2").
func aggregateRows(path string) ([]string, bool) {
	list, ok := strings.CutPrefix(path, "rows ")
	if !ok {
		return nil, false
	}
	var out []string
	for _, n := range strings.Split(list, ", ") {
		out = append(out, "row "+n)
	}
	return out, true
}

func matches(e expectSpec, tol float64, a advisory.Alert) bool {
	return (e.Type == nil || *e.Type == a.Type) &&
		(e.Urgency == nil || math.Abs(*e.Urgency-a.Urgency) <= tol) &&
		(e.Sensitivity == nil || math.Abs(*e.Sensitivity-a.Sensitivity) <= tol) &&
		strings.Contains(a.Title, e.Title)
}

// caseCoverage counts, per case, the rules and paths that fired.
type caseCoverage struct {
	Coverage
	index map[string]int
}

func newCoverage(rules []dsl.RuleInfo) *caseCoverage {
	c := &caseCoverage{index: map[string]int{}}
	for _, r := range rules {
		c.index[r.ID] = len(c.Rules)
		rc := RuleCoverage{Rule: r.ID, Paths: map[string]int{}}
		for _, p := range r.Paths {
			rc.Paths[p] = 0
		}
		c.Rules = append(c.Rules, rc)
	}
	return c
}

func (c *caseCoverage) add(alerts []advisory.Alert) {
	c.Files++
	fired := map[string]bool{}
	for _, a := range alerts {
		i, ok := c.index[a.RuleID]
		if !ok {
			continue
		}
		rc := &c.Rules[i]
		if !fired[a.RuleID] {
			fired[a.RuleID] = true
			rc.Fired++
		}
		reached := []string{a.Path}
		if rows, ok := aggregateRows(a.Path); ok {
			reached = rows // an aggregated hit reaches each row it names
		}
		for _, p := range reached {
			if p != "" && !fired[a.RuleID+"\x00"+p] {
				fired[a.RuleID+"\x00"+p] = true
				rc.Paths[p]++
			}
		}
	}
}

func indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for _, l := range lines {
		if l != "" {
			b.WriteString(prefix + l)
		}
	}
	return b.String()
}
