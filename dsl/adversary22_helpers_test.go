package dsl

// Helpers of the twenty-second adversary's suite (adversary22_test.go):
// an environment of strings, times, durations, maps and lists, and a
// harness that runs one rule file with the closures and with expr alone,
// through Eval and Explain, under small limits, recovering panics and
// timing each run.

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

type a22Item struct {
	Name  string    `expr:"name"`
	Score float64   `expr:"score"`
	N     int       `expr:"n"`
	When  time.Time `expr:"when"`
	Tags  []string  `expr:"tags"`
}

type a22Env struct {
	S     string            `expr:"s"`
	T     string            `expr:"t"`
	PS    *string           `expr:"ps"`
	I     int               `expr:"i"`
	F     float64           `expr:"f"`
	At    time.Time         `expr:"at"`
	Zero  time.Time         `expr:"zero"`
	PAt   *time.Time        `expr:"pat"`
	D     time.Duration     `expr:"d"`
	PD    *time.Duration    `expr:"pd"`
	M     map[string]any    `expr:"m"`
	MI    map[string]int    `expr:"mi"`
	MS    map[string]string `expr:"ms"`
	Xs    []int             `expr:"xs"`
	Fs    []float64         `expr:"fs"`
	Ss    []string          `expr:"ss"`
	Items []a22Item         `expr:"items"`
	PItem *a22Item          `expr:"pitem"`
	Any   any               `expr:"any"`
	Ts    []time.Time       `expr:"ts"`
	MM    map[string][]int  `expr:"mm"`
	B     bool              `expr:"b"`
	PB    *bool             `expr:"pb"`
}

var a22Now = time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC)

func a22Env0() a22Env {
	at := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	return a22Env{
		S: "hello", T: "world", I: 3, F: 1.5, At: at, D: 90 * time.Minute,
		M:  map[string]any{"a": 1, "b": "x", "c": nil, "f": 2.5},
		MI: map[string]int{"a": 1, "b": 2},
		MS: map[string]string{"k": "v"},
		Xs: []int{3, 1, 2}, Fs: []float64{1.5, 0.5}, Ss: []string{"a", "b", "c"},
		Items: []a22Item{{Name: "x", Score: 0.5, N: 1, When: at, Tags: []string{"p"}}, {Name: "y", Score: 0.9, N: 2, When: at.AddDate(0, 1, 0)}},
		Ts:    []time.Time{at},
		MM:    map[string][]int{"a": {1, 2}},
	}
}

// a22Result is what one backend made of one rule file: its hits and error,
// a panic that escaped, what Explain said of every rule, and how long the
// whole took.
type a22Result struct {
	compileErr error
	hits       []Hit
	err        error
	panicked   string
	explain    map[string]*RuleExplanation
	explainErr map[string]error
	took       time.Duration
}

func (r a22Result) String() string {
	switch {
	case r.panicked != "":
		return "PANIC " + r.panicked
	case r.compileErr != nil:
		return "compile error: " + firstLine(r.compileErr.Error())
	}
	s := fmt.Sprintf("%d hits", len(r.hits))
	for _, h := range r.hits {
		s += fmt.Sprintf(" [%s %s title=%q msg=%q u=%v outputs=%v]", h.Rule, h.Path, h.Title, h.Message, h.Urgency, h.Outputs)
	}
	if r.err != nil {
		s += ", error " + firstLine(r.err.Error())
	}
	return s
}

var a22Limits = WithLimits(Limits{MemoryBudget: 200_000, MaxSteps: 50_000})

func a22Run(body string, env a22Env, opts ...Option) (res a22Result) {
	start := time.Now()
	defer func() {
		res.took = time.Since(start)
		if r := recover(); r != nil {
			res.panicked = fmt.Sprint(r)
		}
	}()
	rs, err := CompileRules[a22Env]([]byte("ruleset a22 version 1\n"+body), opts...)
	if err != nil {
		res.compileErr = err
		return res
	}
	res.hits, res.err = rs.Eval(env, a22Now)
	res.explain = map[string]*RuleExplanation{}
	res.explainErr = map[string]error{}
	for _, info := range rs.Rules() {
		x, err := rs.Explain(info.ID, env, a22Now)
		res.explain[info.ID], res.explainErr[info.ID] = x, err
	}
	return res
}

// a22Backends runs body with the closures and with expr alone.
func a22Backends(body string, env a22Env, opts ...Option) [2]a22Result {
	var out [2]a22Result
	for i, o := range [][]Option{
		append([]Option{a22Limits}, opts...),
		append([]Option{a22Limits, exprOnly}, opts...),
	} {
		out[i] = a22Run(body, env, o...)
	}
	return out
}

var a22Names = [2]string{"closures", "expr"}

// a22RuleErr is the part of an evaluation's error that names rule id.
func a22RuleErr(err error, id string) error {
	if err == nil {
		return nil
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		var de *Error
		if errors.As(e, &de) && de.RuleID == id {
			return e
		}
	}
	return nil
}

// a22Problems lists everything wrong with one result: a panic, a slow run,
// an untyped or unplaced error, and Explain disagreeing with Eval.
func a22Problems(r a22Result) []string {
	var p []string
	if r.panicked != "" {
		return []string{"panic out of the library: " + r.panicked}
	}
	if r.took > 3*time.Second {
		p = append(p, fmt.Sprintf("took %v", r.took))
	}
	if r.compileErr != nil {
		return p
	}
	if r.err != nil {
		var errs []error
		if j, ok := r.err.(interface{ Unwrap() []error }); ok {
			errs = j.Unwrap()
		} else {
			errs = []error{r.err}
		}
		for _, e := range errs {
			var de *Error
			if !errors.As(e, &de) {
				p = append(p, fmt.Sprintf("untyped error %T: %v", e, e))
				continue
			}
			if de.RuleID == "" || de.Statement == "" || de.Line == 0 || de.Column == 0 {
				p = append(p, fmt.Sprintf("error without its place (rule %q, statement %q, %d:%d): %v", de.RuleID, de.Statement, de.Line, de.Column, e))
			}
		}
	}
	for id, x := range r.explain {
		if x == nil {
			p = append(p, fmt.Sprintf("Explain(%s): nil, %v", id, r.explainErr[id]))
			continue
		}
		if x.Silent {
			// A decision that only feeds others (emit false) reports its
			// failure through its readers in Eval, not as its own.
			continue
		}
		ruleErr := a22RuleErr(r.err, id)
		var hits []Hit
		for _, h := range r.hits {
			if h.Rule == id {
				hits = append(hits, h)
			}
		}
		if (ruleErr == nil) != (x.Err == "") {
			p = append(p, fmt.Sprintf("Explain(%s) error %q, Eval error %v", id, x.Err, ruleErr))
			continue
		}
		if ruleErr != nil {
			var de *Error
			if errors.As(ruleErr, &de) && de.Kind != x.ErrKind {
				p = append(p, fmt.Sprintf("Explain(%s) error kind %v, Eval %v (%q vs %v)", id, x.ErrKind, de.Kind, x.Err, ruleErr))
			}
			continue
		}
		if x.Fired != (len(hits) > 0) {
			p = append(p, fmt.Sprintf("Explain(%s) fired %v, Eval %d hits", id, x.Fired, len(hits)))
			continue
		}
		if !a22SameHits(x.Hits, hits) {
			p = append(p, fmt.Sprintf("Explain(%s) hits %s, Eval %s", id, a22HitsString(x.Hits), a22HitsString(hits)))
		}
	}
	return p
}

func a22HitsString(hs []Hit) string {
	var b strings.Builder
	for _, h := range hs {
		fmt.Fprintf(&b, "[%s %s title=%q msg=%q u=%v s=%v outputs=%v evidence=%v]", h.Rule, h.Path, h.Title, h.Message, h.Urgency, h.Sensitivity, h.Outputs, h.Evidence)
	}
	return b.String()
}

func a22SameHits(a, b []Hit) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Rule != y.Rule || x.Type != y.Type || x.Path != y.Path || x.Title != y.Title || x.Message != y.Message ||
			x.Urgency != y.Urgency || x.Sensitivity != y.Sensitivity || !reflect.DeepEqual(x.Outputs, y.Outputs) {
			return false
		}
	}
	return true
}

// a22Outcome is what matters of a result for comparing two backends.
func a22Outcome(r a22Result) string {
	switch {
	case r.panicked != "":
		return "panic"
	case r.compileErr != nil:
		return "compile error"
	}
	s := a22HitsString(r.hits)
	if r.err != nil {
		var de *Error
		if errors.As(r.err, &de) {
			s += fmt.Sprintf(" error kind %v", de.Kind)
		} else {
			s += " untyped error"
		}
	}
	return s
}

// a22Check runs body on both backends and reports every problem of each
// and every disagreement between them.
func a22Check(t *testing.T, body string, env a22Env, opts ...Option) [2]a22Result {
	t.Helper()
	rs := a22Backends(body, env, opts...)
	for i, r := range rs {
		for _, p := range a22Problems(r) {
			t.Errorf("%s: %s\n  %s", a22Names[i], strings.TrimSpace(body), p)
		}
	}
	if a, b := a22Outcome(rs[0]), a22Outcome(rs[1]); a != b {
		t.Errorf("closures and expr disagree on %s\n  closures: %s\n  expr:     %s", strings.TrimSpace(body), rs[0], rs[1])
	}
	return rs
}

func a22When(when string) string {
	return "rule r {\n  type \"t\"\n  when " + when + "\n}\n"
}
