package dsl

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"
)

// findLast and findLastIndex are written as a forward search of the
// indices from the last (find_last.go); this holds them to the search
// done in Go, over random lists, with operands pushed before the call
// (which expr's own backward loop shifted), #index, and a nested
// predicate whose # and #index are its own.
func TestFindLastAgainstGo(t *testing.T) {
	type env struct {
		Xs []int `expr:"xs"`
		K  int   `expr:"k"`
	}
	rapid.Check(t, func(rt *rapid.T) {
		xs := rapid.SliceOfN(rapid.IntRange(-3, 3), 0, 7).Draw(rt, "xs")
		k := rapid.IntRange(-3, 3).Draw(rt, "k")
		last := func(p func(i, x int) bool) (int, bool) {
			for i := len(xs) - 1; i >= 0; i-- {
				if p(i, xs[i]) {
					return i, true
				}
			}
			return -1, false
		}
		has := func(v int) bool {
			for _, x := range xs {
				if x == v {
					return true
				}
			}
			return false
		}
		byValue, okValue := last(func(_, x int) bool { return x > k })
		byIndex, _ := last(func(i, _ int) bool { return i < k+3 })
		nested, okNested := last(func(i, x int) bool { return has(k) && x >= i-3 })
		want := map[string]any{
			`100 + findLastIndex(xs, # > k)`:                        100 + byValue,
			`findLastIndex(xs, #index < k + 3)`:                     byIndex,
			`findLastIndex(xs, any(xs, # == k) && # >= #index - 3)`: nested,
			`[findLastIndex(xs, # > k), findLastIndex(xs, # > k)]`:  []any{byValue, byValue},
		}
		if okValue {
			want[`k - findLast(xs, # > k)`] = k - xs[byValue]
		} else {
			want[`findLast(xs, # > k) == nil`] = true
		}
		if okNested {
			want[`findLast(xs, any(xs, # == k) && # >= #index - 3) * 2`] = xs[nested] * 2
		}
		for src, w := range want {
			for i, o := range [][]Option{nil, {exprOnly}} {
				e, err := Compile[env, any](src, o...)
				if err != nil {
					rt.Fatalf("%s: %s: %v", a22Names[i], src, err)
				}
				got, err := e.Eval(env{xs, k}, a22Now)
				if err != nil || fmt.Sprint(got) != fmt.Sprint(w) {
					rt.Fatalf("%s: %s with xs=%v k=%d: %v, %v; want %v", a22Names[i], src, xs, k, got, err, w)
				}
			}
		}
	})
}
