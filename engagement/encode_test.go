package engagement_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
	gocmp "github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

// A book encoded and decoded tells exactly what it told, encodes to the
// same bytes again, and merges with books analyzed here, as books of
// other machines do.
func TestPropertyBookRoundTrip(t *testing.T) {
	j := journey(t)
	ctx := context.Background()
	rapid.Check(t, func(t *rapid.T) {
		rs := genHistory(t)
		cut := rapid.IntRange(0, len(rs)).Draw(t, "cut")
		here := must(engagement.Analyze(ctx, j, slices.Values(rs[:cut]), surveyOpts))
		there := must(engagement.Analyze(ctx, j, slices.Values(rs[cut:]), surveyOpts))
		data, err := there.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		back, err := engagement.UnmarshalBook(j, surveyOpts, data)
		if err != nil {
			t.Fatal(err)
		}
		if d := gocmp.Diff(viewOf(there), viewOf(back)); d != "" {
			t.Fatalf("decoded book differs (-encoded +decoded):\n%s", d)
		}
		if again, _ := back.MarshalBinary(); !bytes.Equal(again, data) {
			t.Fatal("a decoded book encodes to other bytes")
		}
		want, _ := engagement.MergeBooks(here, there)
		got, err := engagement.MergeBooks(here, back)
		if err != nil {
			t.Fatal(err)
		}
		if d := gocmp.Diff(viewOf(want), viewOf(got)); d != "" {
			t.Fatalf("merged with a decoded book (-local +decoded):\n%s", d)
		}
	})
}

// A book decodes only against the journey and options it was analyzed
// with, and damaged data is an error, never a panic.
func TestUnmarshalBookRejects(t *testing.T) {
	j := journey(t)
	rs := []engagement.Response{{Client: "ann", Stimulus: "linkedin-1", Kind: "click", Setting: "website", Time: asOf.Add(-time.Hour)}}
	data, _ := must(engagement.Analyze(context.Background(), j, slices.Values(rs), surveyOpts)).MarshalBinary()
	other := surveyOpts
	other.AsOf = asOf.Add(time.Hour)
	if _, err := engagement.UnmarshalBook(j, other, data); !errors.Is(err, engagement.ErrIncompatible) {
		t.Errorf("another as-of: %v, want ErrIncompatible", err)
	}
	for n := range len(data) {
		if _, err := engagement.UnmarshalBook(j, surveyOpts, data[:n]); !errors.Is(err, engagement.ErrCorrupt) {
			t.Fatalf("cut at %d of %d bytes: %v, want ErrCorrupt", n, len(data), err)
		}
	}
	if _, err := engagement.UnmarshalBook(j, surveyOpts, append(slices.Clip(data), 0)); !errors.Is(err, engagement.ErrCorrupt) {
		t.Errorf("trailing byte: %v, want ErrCorrupt", err)
	}
}

// FuzzUnmarshalBook decodes arbitrary bytes: a book or an error, never a
// panic, and a book that decodes can be used and re-encoded.
func FuzzUnmarshalBook(f *testing.F) {
	j := journey(f)
	rs := []engagement.Response{
		{Client: "ann", Stimulus: "linkedin-1", Kind: "click", Setting: "website", Time: asOf.Add(-time.Hour)},
		{Client: "bob", Stimulus: "event-1", Kind: "survey_expected", Value: 7, Time: asOf.Add(-48 * time.Hour)},
	}
	data, _ := must(engagement.Analyze(context.Background(), j, slices.Values(rs), surveyOpts)).MarshalBinary()
	f.Add(data)
	f.Add([]byte("ekbook\x00\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := engagement.UnmarshalBook(j, surveyOpts, data)
		if err != nil {
			return
		}
		viewOf(b)
		b.CrossSells(func(string, string) bool { return false })
		if _, err := b.MarshalBinary(); err != nil {
			t.Fatal(err)
		}
	})
}
