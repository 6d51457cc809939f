package engagement

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"
)

// A book of version 2 holds its survey sums unscaled; it is read as the
// book version 3 writes of the same answers, so a day's book kept from
// before the scaling still merges and reads alike.
func TestUnmarshalBookVersion2Surveys(t *testing.T) {
	asOf := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	j, err := NewJourney([]Setting{{ID: "meeting", Stage: PostSale, Depth: 5}},
		[]Stimulus{{ID: "m", Setting: "meeting", Kind: "agenda", Time: asOf.AddDate(0, 0, -30)}})
	if err != nil {
		t.Fatal(err)
	}
	o := Options{AsOf: asOf, ExpectedKind: "survey_expected", DeliveredKind: "survey_delivered"}
	var rs []Response
	for i, v := range []float64{7, 8.5, 3, 0.1} {
		kind := []string{"survey_expected", "survey_delivered"}[i%2]
		rs = append(rs, Response{Client: []string{"a", "b"}[i/2], Stimulus: "m", Kind: kind, Value: v, Time: asOf.AddDate(0, 0, -i-1)})
	}
	b, err := Analyze(context.Background(), j, slices.Values(rs), o)
	if err != nil {
		t.Fatal(err)
	}
	want, wantMean := b.ExpectationGap()
	// The version 2 encoding of the same book: the sums unscaled.
	old := &Book{opts: b.opts, j: b.j, clients: b.clients, profiles: slices.Clone(b.profiles), groups: b.groups, Report: b.Report}
	for i := range old.profiles {
		old.profiles[i].expected /= surveyScale
		old.profiles[i].delivered /= surveyScale
	}
	data, _ := old.MarshalBinary()
	copy(data, bookMagicV2)
	got, err := UnmarshalBook(j, o, data)
	if err != nil {
		t.Fatal(err)
	}
	if g, m := got.ExpectationGap(); !slices.Equal(g, want) || m != wantMean {
		t.Errorf("version 2 book: %v, %v; want %v, %v", g, m, want, wantMean)
	}
	// A sum whose mean is not finite is not what an analysis writes.
	old.profiles[0].expected = math.Inf(1)
	data, _ = old.MarshalBinary()
	copy(data, bookMagicV2)
	if _, err := UnmarshalBook(j, o, data); err == nil {
		t.Error("a version 2 book with an infinite survey sum was read")
	}
}
