package canvas

import (
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
		slices.SortFunc(want, func(a, b rank) int { return tiedOrder(&a, &b, items) })
		if !sortTiedByKey(ranks, items, clients) {
			t.Fatal("the keys of a small plan did not fit in 64 bits")
		}
		for i := range want {
			if want[i].contact != ranks[i].contact {
				t.Fatalf("at %d: contact %d, want %d", i, ranks[i].contact, want[i].contact)
			}
		}
	})
}

// The radix sort is stable and sorts by every bit it is given.
func TestPropertyRadixSortKeys(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		width := rapid.IntRange(0, 64).Draw(t, "width")
		mask := uint64(1)<<width - 1
		if width == 64 {
			mask = math.MaxUint64
		}
		keys := rapid.SliceOf(rapid.Uint64()).Draw(t, "keys")
		in := make([]rankKey, len(keys))
		for i, k := range keys {
			in[i] = rankKey{key: k & mask, at: int32(i)}
		}
		want := slices.Clone(in)
		slices.SortStableFunc(want, func(a, b rankKey) int {
			switch {
			case a.key < b.key:
				return -1
			case a.key > b.key:
				return 1
			}
			return 0
		})
		if got := radixSortKeys(in, width); !slices.Equal(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	})
}
