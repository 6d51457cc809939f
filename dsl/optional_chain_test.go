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
