package canvas

import (
	"cmp"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// Sorting halves at once and merging them gives what one sort gives, for
// a strict order: here pairs compared by key, then by their unique index.
func TestPropertySortStrictEqualsSort(t *testing.T) {
	type pair struct{ key, index int }
	rapid.Check(t, func(t *rapid.T) {
		keys := rapid.SliceOf(rapid.IntRange(0, 5)).Draw(t, "keys")
		s := make([]pair, len(keys))
		for i, k := range keys {
			s[i] = pair{k, i}
		}
		order := func(a, b pair) int {
			if c := cmp.Compare(a.key, b.key); c != 0 {
				return c
			}
			return cmp.Compare(b.index, a.index)
		}
		want := slices.Clone(s)
		slices.SortFunc(want, order)
		sortStrict(s, order, rapid.IntRange(0, 8).Draw(t, "min"))
		if !slices.Equal(want, s) {
			t.Fatalf("got %v, want %v", s, want)
		}
	})
}
