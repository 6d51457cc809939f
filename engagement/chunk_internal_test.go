package engagement

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

// The chunk hands every event it was given back exactly once, ordered by
// client and, for each client, in the order they came (what keeps the
// book bit for bit the book of the unsorted stream), whether its buckets
// are sorted by counting or by comparison, for uniform clients and for a
// few hot ones whose bucket fills long before the others.
func TestChunkIsAStableSortByClient(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		clients := rapid.IntRange(sortFrom, 1<<18).Draw(t, "clients")
		byComparison := rapid.Bool().Draw(t, "byComparison")
		hot := rapid.SliceOfN(rapid.IntRange(0, clients-1), 0, 3).Draw(t, "hot")
		c := newChunk(nil, clients)
		if byComparison {
			c.count = nil
		}
		var in, out []Event
		flush := func() {
			for d := range c.fill {
				out = append(out, c.sorted(d)...)
			}
			c.reset()
		}
		n := rapid.IntRange(0, 3*c.size).Draw(t, "events")
		r := rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "seed"), 0))
		for i := range n {
			client := r.IntN(clients)
			if len(hot) > 0 && i%2 == 0 {
				client = hot[i%len(hot)]
			}
			// Time numbers the events, so the order each client's
			// events come back in can be checked.
			e := Event{Client: uint32(client), Time: int64(i)}
			in = append(in, e)
			if c.add(&e) {
				flush()
			}
		}
		flush()
		// A flush hands back what was buffered since the last: the
		// expected order is a stable sort of each flush's events, so it
		// is checked per client, where order must be kept across
		// flushes too.
		if len(out) != len(in) {
			t.Fatalf("%d events in, %d out", len(in), len(out))
		}
		perClient := func(es []Event) map[uint32][]int64 {
			m := map[uint32][]int64{}
			for _, e := range es {
				m[e.Client] = append(m[e.Client], e.Time)
			}
			return m
		}
		if d := gocmp.Diff(perClient(in), perClient(out), cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("events per client differ (-in +out):\n%s", d)
		}
	})
}

// Within one flush the events come back sorted by client.
func TestChunkFlushIsSorted(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		clients := rapid.IntRange(sortFrom, 1<<18).Draw(t, "clients")
		c := newChunk(nil, clients)
		if rapid.Bool().Draw(t, "byComparison") {
			c.count = nil
		}
		r := rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "seed"), 0))
		for i := range rapid.IntRange(0, c.size-1).Draw(t, "events") {
			e := Event{Client: uint32(r.IntN(clients)), Time: int64(i)}
			c.add(&e)
		}
		var out []Event
		for d := range c.fill {
			out = append(out, c.sorted(d)...)
		}
		if !slices.IsSortedFunc(out, func(p, q Event) int {
			return cmp.Or(cmp.Compare(p.Client, q.Client), cmp.Compare(p.Time, q.Time))
		}) {
			t.Fatal("a flush is not sorted by client, then arrival")
		}
	})
}
