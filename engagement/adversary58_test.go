package engagement

// Adversary 58: failing tests, one defect each, for package engagement.

import (
	"errors"
	"math"
	"testing"
	"time"
)

// TestAdversary58_MergeBooksOverflowDependsOnOrder
//
// Promise broken: MergeBooks: "A client whose merged score overflows the
// float64 range is an error ([ErrScoreOverflow])"; results are pure
// functions of the inputs independent of their order; merges are
// commutative and associative.
//
// Observed: merge.go, MergeBooks adds the books' scores pairwise in the
// order given and checks for ±Inf only at the end; an intermediate sum
// that overflows stays +Inf whatever is added after. Three books of one
// client (saturated counts, so UnmarshalBook accepts any finite score)
// with maintenance 1.5e308, 1e308 and −1e308, whose total 1.5e308 is
// finite: MergeBooks(a, c, b) gives 1.5e308, MergeBooks(a, b, c) fails
// with ErrScoreOverflow.
//
// Expected: the same outcome for any order of the books (both the
// finite total, or both refused).
func TestAdversary58_MergeBooksOverflowDependsOnOrder(t *testing.T) {
	o := Options{AsOf: adv45AsOf, Weights: Weights{Escalate: 3, Maintain: 1, Disengage: 2, HalfLife: 90 * 24 * time.Hour,
		ByKind: map[string]float64{"dislike": -1}}}
	like := []Response{{Client: "ann", Stimulus: "post", Kind: "like", Time: adv45AsOf.Add(-time.Hour)}}
	j := adv45Journey(t)
	book := func(score float64) *Book {
		_, data := adv48Book(t, o, like, func(b *Book, p *profile) {
			p.responses, p.score[Maintain-1] = math.MaxInt32, score
			b.Report.In, b.Report.Used = math.MaxInt32, math.MaxInt32
		})
		b, err := UnmarshalBook(j, o, data)
		if err != nil {
			t.Fatalf("control: a book of maintenance %g reads back: %v", score, err)
		}
		return b
	}
	a, b, c := book(1.5e308), book(1e308), book(-1e308)
	acb, errACB := MergeBooks(a, c, b)
	_, errABC := MergeBooks(a, b, c)
	if (errACB == nil) != (errABC == nil) {
		var got float64
		if acb != nil {
			got = acb.Scores()[0].Maintenance
		}
		t.Errorf("MergeBooks(a, c, b): maintenance %g, error %v; MergeBooks(a, b, c): error %v (ErrScoreOverflow: %v): the outcome depends on the order of the books",
			got, errACB, errABC, errors.Is(errABC, ErrScoreOverflow))
	}
}
