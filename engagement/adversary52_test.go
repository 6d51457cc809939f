package engagement

// Adversary 52: failing tests, one defect each, for the engagement
// package (package-internal; the journey, times and book helpers are
// adversaries 45's and 48's).

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
)

// TestAdversary52_MergedSaturatedScoresOverflow
//
// Promise broken: engagement/merge.go, MergeBooks: "scores add exactly
// (up to float rounding)"; encode.go, MarshalBinary: books are encoded
// "so that books analyzed in other processes ... can be merged with
// [MergeBooks] after [UnmarshalBook]" (a merged book reads back); and the
// standard that every type returned marshals to JSON. Since adversary
// 50's fix, decoder.profile reads a saturated count (responses MaxInt32)
// as "any finite score" (possibleScore with n = -1), so a profile of
// MaxInt32 likes with a maintenance score of 1e308 is accepted — though
// an analysis bounds it by MaxInt32·MaxWeight³ ≈ 2e27 — while
// profile.merge adds scores without a bound. Observed: two such books
// each read back; MergeBooks of them gives a maintenance score of +Inf,
// Scores() does not marshal ("unsupported value: +Inf"), and
// UnmarshalBook of the merged book's encoding is ErrCorrupt ("profile
// scores"). Expected: the decoder refuses a score no analysis or merge
// of analyses can reach, or the merge holds the score finite so the
// merged book reads back.
func TestAdversary52_MergedSaturatedScoresOverflow(t *testing.T) {
	// Contract since adversary 54: a saturated count holds any finite
	// score (merges add scores without a bound, so they stay
	// associative), and MergeBooks refuses a sum that overflows
	// (ErrScoreOverflow) rather than give +Inf. Books of scores a merge
	// can add read back merged.
	o := Options{AsOf: adv45AsOf}
	like := []Response{{Client: "ann", Stimulus: "post", Kind: "like", Time: adv45AsOf}}
	book := func(score float64) []byte {
		_, data := adv48Book(t, o, like, func(b *Book, p *profile) {
			if p.responses != 1 || p.escalations != 0 || p.maint() <= 0 {
				t.Fatalf("control: profile %+v", *p)
			}
			p.responses, p.score[Maintain-1] = math.MaxInt32, score
			b.Report.In, b.Report.Used = math.MaxInt32, math.MaxInt32
		})
		return data
	}
	j2 := adv45Journey(t) // one journey for both books
	for _, c := range []struct {
		score    float64
		overflow bool
	}{{1e36, false}, {1e308, true}} {
		data := book(c.score)
		a, errA := UnmarshalBook(j2, o, data)
		b, errB := UnmarshalBook(j2, o, data)
		if errA != nil || errB != nil {
			t.Fatalf("control: the book of maintenance %g reads back: %v, %v", c.score, errA, errB)
		}
		m, err := MergeBooks(a, b)
		if c.overflow {
			if !errors.Is(err, ErrScoreOverflow) {
				t.Errorf("two books of maintenance %g merged: %v; want ErrScoreOverflow", c.score, err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		enc, err := m.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		_, rerr := UnmarshalBook(j2, o, enc)
		_, jerr := json.Marshal(m.Scores())
		if rerr != nil || jerr != nil {
			t.Errorf("MergeBooks of two books UnmarshalBook accepts: maintenance %g; read back: %v (ErrCorrupt %v); JSON of Scores: %v",
				m.profiles[0].maint(), rerr, errors.Is(rerr, ErrCorrupt), jerr)
		}
	}
}
