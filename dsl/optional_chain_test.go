package dsl

import (
	"testing"
	"time"
)

type optChainInner struct {
	At time.Time `expr:"at"`
}
type optChainEnv struct {
	P *time.Time     `expr:"p"`
	Q *optChainInner `expr:"q"`
	D time.Duration  `expr:"d"`
	// P2 is set.
	P2 *time.Time `expr:"p2"`
}

// A method called through an optional member ends the whole chain where
// its receiver is nil, what follows the call included, as expr's chain of
// members does (optional_method.go).
func TestOptionalChainMethodEndsTheWholeChain(t *testing.T) {
	at := time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC)
	for _, w := range []string{`p?.Add(d).Year() == nil`, `q?.at.Year() == nil`, `q?.at.Add(d).Year() == nil`, `p?.Year() == nil`, `(p?.Add(d).Year() ?? 5) == 5`, `p?.Add(d)?.Add(d).Year() == nil`, `q?.at.Add(d)?.Year() == nil`, `p2?.Add(d).Year() == 2027`, `p2?.Add(d)?.AddDate(1, 0, 0).Year() == 2028`} {
		for i, r := range a93Check(t, a22When(w), optChainEnv{D: 24 * time.Hour, P2: &at}) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: %s: %s", a22Names[i], w, r)
			}
		}
	}
}

// An optional chain that stops gives nil on either side of ??, as it does
// alone: on the right it gave the typed nil it stopped at (a *T holding
// nil), which a host reading an any result takes for a value. Eval on both
// backends and Explain agree.
func TestOptionalChainRightOfCoalesceIsNil(t *testing.T) {
	type inner2 struct{ V int }
	type inner struct{ Q *inner2 }
	type env struct {
		P *inner
		A any
	}
	for _, src := range []string{`A ?? P?.Q?.V`, `A ?? (P?.Q?.V)`, `A ?? A ?? P?.Q?.V`, `nil ?? P?.Q`, `(P?.Q?.V ?? A) ?? P?.Q?.V`, `let x = A ?? P?.Q?.V; x`} {
		for _, opts := range [][]Option{nil, {exprOnly}} {
			e, err := Compile[env, any](src, opts...)
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			v, err := e.Eval(env{P: &inner{}}, time.Time{})
			if err != nil || v != nil {
				t.Errorf("%s (%d options): Eval = %#v, %v; want a plain nil", src, len(opts), v, err)
			}
			x, err := e.Explain(env{P: &inner{}}, time.Time{})
			if err != nil || x.Value != nil {
				t.Errorf("%s (%d options): Explain = %#v, %v; want a plain nil", src, len(opts), x, err)
			}
		}
		// Where the chain does not stop, its value comes through.
		e, _ := Compile[env, any](src)
		v, err := e.Eval(env{P: &inner{Q: &inner2{V: 7}}}, time.Time{})
		if q, ok := v.(inner2); ok {
			v = q.V // nil ?? P?.Q: the struct the chain reached, read as results are
		}
		if err != nil || v != 7 {
			t.Errorf("%s: Eval over a whole chain = %#v, %v; want 7", src, v, err)
		}
	}
}
