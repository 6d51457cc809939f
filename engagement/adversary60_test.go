package engagement

// Adversary 60: failing tests, one defect each, for package engagement
// (package-internal; helpers of adversary 45 reused).

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"
)

// TestAdversary60_ExpectationGapJSONFails
//
// Promise broken: README, Design: "every result marshals to JSON" (the
// library's promise that every returned type marshals). ExpectationGap's
// own doc concedes a gap "is ±Inf ... where it is beyond the float64
// range", which contradicts it: Analyze accepts every finite survey
// Value, so a book of two used answers yields a result JSON refuses.
// Observed: derive.go, ExpectationGap writes Gap: e - d for a client
// whose expected mean is 1e308 and delivered mean −1e308 (each a finite
// answer Analyze used): the gap is +Inf, and json.Marshal of the gaps
// ExpectationGap returns fails ("json: unsupported value: +Inf"), so a
// host cannot write the result it was given.
// Expected: a result that encodes (the gap held to ±MaxFloat64, as
// surveyMean holds the means, or the client reported apart), never a
// value JSON refuses.
func TestAdversary60_ExpectationGapJSONFails(t *testing.T) {
	o := Options{AsOf: adv45AsOf, ExpectedKind: "survey_expected", DeliveredKind: "survey_delivered"}
	rs := []Response{
		{Client: "ann", Stimulus: "agenda", Kind: "survey_expected", Time: adv45AsOf.Add(-2 * time.Hour), Value: 1e308},
		{Client: "ann", Stimulus: "agenda", Kind: "survey_delivered", Time: adv45AsOf.Add(-time.Hour), Value: -1e308},
	}
	b, err := Analyze(context.Background(), adv45Journey(t), slices.Values(rs), o)
	if err != nil {
		t.Fatal(err)
	}
	gaps, mean := b.ExpectationGap()
	if len(gaps) != 1 {
		t.Fatalf("control: gaps %+v (report %+v)", gaps, b.Report)
	}
	if _, err := json.Marshal(gaps); err != nil {
		t.Errorf("ExpectationGap gives %+v (mean %v), and json.Marshal of it fails: %v", gaps, mean, err)
	}
}

// TestAdversary60_MergeBooksAsOfZoneDependsOnOrder
//
// Promise broken: MergeBooks combines books "as if one analysis had seen
// every response"; merges are commutative, results pure functions
// independent of input order (and every result marshals to JSON the
// same way for the same inputs).
// Observed: merge.go, sameOptions accepts books whose AsOf are the same
// instant in different zones (a.AsOf.Equal(b.AsOf)): a shard analyzed
// in UTC and one analyzed by an office's host in CET. MergeBooks then
// keeps the first book's opts (out := &Book{opts: first.opts, ...}), so
// every Score of the merged book carries the first book's zone:
// MergeBooks(utc, cet).Scores() writes "as_of":"2026-11-24T00:00:00Z",
// MergeBooks(cet, utc).Scores() "as_of":"2026-11-24T01:00:00+01:00"
// for the same clients and scores. Merge(a, b) of two Scores does the
// same (t := a.AsOf unless b's is After).
// Expected: the same merged book for either order (one canonical zone,
// e.g. UTC, or books of different zones refused as ErrIncompatible).
func TestAdversary60_MergeBooksAsOfZoneDependsOnOrder(t *testing.T) {
	j := adv45Journey(t)
	cet := adv45AsOf.In(time.FixedZone("CET", 3600))
	book := func(asOf time.Time, client string) *Book {
		rs := []Response{{Client: client, Stimulus: "post", Kind: "like", Time: adv45AsOf.Add(-time.Hour)}}
		b, err := Analyze(context.Background(), j, slices.Values(rs), Options{AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	utcBook, cetBook := book(adv45AsOf, "ann"), book(cet, "bob")
	ab, err1 := MergeBooks(utcBook, cetBook)
	ba, err2 := MergeBooks(cetBook, utcBook)
	if err1 != nil || err2 != nil {
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("the merge succeeds in one order only: %v / %v", err1, err2)
		}
		return // refused both ways: consistent
	}
	j1, _ := json.Marshal(ab.Scores())
	j2, _ := json.Marshal(ba.Scores())
	if string(j1) != string(j2) {
		t.Errorf("MergeBooks(utc, cet).Scores() = %s\nMergeBooks(cet, utc).Scores() = %s\nthe merged book depends on the order of the books", j1, j2)
	}
}
