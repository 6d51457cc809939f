package canvas

import (
	"cmp"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"pgregory.net/rapid"
)

// The radix sort on keys puts contacts in the order the comparison sort
// gives (tiedOrder), for contacts with few or many distinct numbers, -0
// beside +0, clients with several contacts on one channel, and agendas
// that differ only deep in their items.
func TestPropertySortTiedByKeyEqualsComparison(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		values := []float64{0, math.Copysign(0, -1), 0.25, 0.5, 1}
		clients := rapid.IntRange(1, 40).Draw(t, "clients")
		types := []string{"a", "b"}
		var items []Item
		n := rapid.IntRange(0, 300).Draw(t, "contacts")
		ranks := make([]rank, n)
		for i := range ranks {
			first := int32(len(items))
			for range rapid.IntRange(1, 3).Draw(t, "items") {
				a := &advisory.Alert{Type: rapid.SampledFrom(types).Draw(t, "type"), RuleID: "r"}
				items = append(items, Item{Alert: a, Position: Position{
					Urgency: rapid.SampledFrom(values).Draw(t, "iu"), Sensitivity: rapid.SampledFrom(values).Draw(t, "is")}})
			}
			ranks[i] = rank{
				quadrant:    Quadrant(rapid.IntRange(0, 3).Draw(t, "quadrant")),
				urgency:     rapid.SampledFrom(values).Draw(t, "urgency"),
				sensitivity: rapid.SampledFrom(values).Draw(t, "sensitivity"),
				within:      time.Duration(rapid.IntRange(0, 2).Draw(t, "within")) * 24 * time.Hour,
				client:      int32(rapid.IntRange(0, clients-1).Draw(t, "client")),
				channel:     Channel(rapid.IntRange(0, len(channelNames)-1).Draw(t, "channel")),
				contact:     int32(i),
				first:       first,
				n:           int32(len(items)) - first,
			}
		}
		want := slices.Clone(ranks)
		var texts *alertTexts // written on every comparison
		slices.SortFunc(want, func(a, b rank) int { return texts.tiedOrder(&a, &b, items) })
		if !sortTiedByKey(ranks, items, clients, nil) {
			t.Fatal("the keys of a small plan did not fit in 64 bits")
		}
		for i := range want {
			if want[i].contact != ranks[i].contact {
				t.Fatalf("at %d: contact %d, want %d", i, ranks[i].contact, want[i].contact)
			}
		}
	})
}

// The radix sort is stable and sorts by the bits it is given, whatever
// lies below them.
func TestPropertyRadixSortKeys(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		from := rapid.IntRange(0, 20).Draw(t, "from")
		width := rapid.IntRange(0, 63-from).Draw(t, "width")
		field := func(k uint64) uint64 { return k >> from & (uint64(1)<<width - 1) }
		keys := rapid.SliceOf(rapid.Uint64()).Draw(t, "keys")
		for i := range keys {
			keys[i] &= uint64(1)<<(from+width) - 1 // nothing above the field
		}
		want := slices.Clone(keys)
		slices.SortStableFunc(want, func(a, b uint64) int { return cmp.Compare(field(a), field(b)) })
		if got := radixSortKeys(slices.Clone(keys), from, width); !slices.Equal(got, want) {
			t.Fatalf("got %x, want %x", got, want)
		}
	})
}

// permute moves each rank where the keys say, whatever the permutation.
func TestPropertyPermute(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 200).Draw(t, "n")
		perm := rapid.Permutation(seq(n)).Draw(t, "perm")
		ranks := make([]rank, n)
		keys := make([]uint64, n)
		for i := range ranks {
			ranks[i].contact = int32(i)
			keys[i] = uint64(perm[i]) | uint64(i)<<8 // other bits above the position
		}
		permute(ranks, keys, 8)
		for i := range ranks {
			if ranks[i].contact != int32(perm[i]) || keys[i] != uint64(perm[i])|uint64(i)<<8 {
				t.Fatalf("at %d: contact %d (key %x), want %d", i, ranks[i].contact, keys[i], perm[i])
			}
		}
	})
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
