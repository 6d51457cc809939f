package dsl

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/expr-lang/expr/builtin"
	"pgregory.net/rapid"
)

// The governed uniq keeps what expr's keeps of the list as a rule reads
// it, in the same order: the two compute one thing, one by keys where it
// can, one by comparing pairs.
func TestUniqMatchesExpr(t *testing.T) {
	var exprUniq func(...any) (any, error)
	for _, f := range builtin.Builtins {
		if f.Name == "uniq" {
			exprUniq = f.Func
		}
	}
	if exprUniq == nil {
		t.Fatal("expr has no uniq")
	}
	type named string
	pool := []any{0, 1, -1, 1.0, 0.5, math.Copysign(0, -1), float32(0.5), float32(0.1), 0.1, int8(1), uint(1), int64(1 << 60), float64(1 << 60),
		1<<53 + 1, float64(1 << 53), "a", "b", "", named("a"), true, false, nil, time.Hour, int64(3600e9),
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), []any{1}, []any{1.0}, map[string]any{"k": 1}, math.Inf(1)}
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 12).Draw(t, "n")
		list := make([]any, n)
		for i := range list {
			list[i] = pool[rapid.IntRange(0, len(pool)-1).Draw(t, "e")]
		}
		g := &governor{maxSteps: 1 << 40, maxMem: 1 << 40}
		got, err := uniqGoverned(list, g)
		if err != nil {
			t.Fatal(err)
		}
		// expr's, of the list as a rule reads it: a host's named type
		// (named("a"), float32(0.5), int8(1)) as what it is read as.
		read := make([]any, len(list))
		for i, e := range list {
			if read[i] = e; readAsNumber(e) {
				if read[i], err = dynamicNumber(e); err != nil {
					t.Fatal(err)
				}
			}
		}
		want, err := exprUniq(read)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("uniq(%v) = %v, expr's %v", list, got, want)
		}
	})
}
