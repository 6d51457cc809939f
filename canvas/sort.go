package canvas

import "slices"

// parallelSortMin is the length from which sortStrict sorts two halves at
// once: below it a goroutine costs more than it saves.
const parallelSortMin = 1 << 15

// sortStrict sorts s by cmp, which must be a strict total order (no two
// distinct elements compare equal), sorting two halves on two goroutines
// and merging them when s has at least min elements. With a strict order
// the result is the one slices.SortFunc gives, so the plan does not depend
// on how it was sorted.
func sortStrict[T any](s []T, cmp func(a, b T) int, min int) {
	if len(s) < max(min, 2) {
		slices.SortFunc(s, cmp)
		return
	}
	mid := len(s) / 2
	done := make(chan struct{})
	go func() {
		defer close(done)
		slices.SortFunc(s[:mid], cmp)
	}()
	slices.SortFunc(s[mid:], cmp)
	<-done
	merged := make([]T, len(s))
	i, j, k := 0, mid, 0
	for i < mid && j < len(s) {
		if cmp(s[j], s[i]) < 0 {
			merged[k] = s[j]
			j++
		} else {
			merged[k] = s[i]
			i++
		}
		k++
	}
	k += copy(merged[k:], s[i:mid])
	copy(merged[k:], s[j:])
	copy(s, merged)
}
