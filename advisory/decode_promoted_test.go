package advisory_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/engagekit/engagekit/advisory"
)

// Host types that share fields the Go way, by embedding: the rules read
// the promoted fields (client.income), so records must fill them.
type sharedBase struct {
	Income float64 `expr:"income"`
	Since  time.Time
}

type SharedRates struct {
	Rate  float64 `json:"rate"`
	Score int
}

type SharedDeep struct {
	SharedRates
	Depth int
}

type embeddingClient struct {
	sharedBase
	*SharedDeep
	Name  string
	Score float64 // its own: shadows SharedRates.Score, promoted two levels down
}

type embeddingFile struct {
	Client embeddingClient `expr:"client"`
	Loop   selfEmbedded    `expr:"loop"`
}

// selfEmbedded embeds a pointer to itself: its promoted fields nest
// without end, and indexing it must end.
type selfEmbedded struct {
	*selfEmbedded
	X int
}

// Read by reflection only, as Decode reads it.
var _ = selfEmbedded{selfEmbedded: nil}

// hiddenPointer embeds a pointer to an unexported struct: Decode cannot
// set it, and what it points to is the host's.
type hiddenPointer struct {
	*sharedBase
	Name string
}

func TestDecodePromotedFields(t *testing.T) {
	at := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	d, err := advisory.NewDecoder[embeddingFile]()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		fields map[string]any
		want   func(*embeddingFile)
		err    string
	}{
		{name: "through an unexported embedded struct, by tag and by name",
			fields: map[string]any{"client.income": 5.0, "client.since": at},
			want:   func(f *embeddingFile) { f.Client.Income, f.Client.Since = 5, at }},
		{name: "two levels down, through an embedded pointer, made",
			fields: map[string]any{"client.rate": 0.5, "client.depth": 2},
			want: func(f *embeddingFile) {
				f.Client.SharedDeep = &SharedDeep{Depth: 2}
				f.Client.Rate = 0.5
			}},
		{name: "the struct's own field before a promoted one",
			fields: map[string]any{"client.score": 1.5},
			want:   func(f *embeddingFile) { f.Client.Score = 1.5 }},
		{name: "the promoted field by its full path",
			fields: map[string]any{"client.shareddeep.sharedrates.score": 3},
			want:   func(f *embeddingFile) { f.Client.SharedDeep = &SharedDeep{SharedRates: SharedRates{Score: 3}} }},
		{name: "a field of a struct that embeds itself",
			fields: map[string]any{"loop.x": 4},
			want:   func(f *embeddingFile) { f.Loop.X = 4 }},
		{name: "promoted in a map decoded whole",
			fields: map[string]any{"client": map[string]any{"income": 7.0, "rate": 0.25}},
			want: func(f *embeddingFile) {
				f.Client.Income = 7
				f.Client.SharedDeep = &SharedDeep{SharedRates: SharedRates{Rate: 0.25}}
			}},
		{name: "two names of one field",
			fields: map[string]any{"client.rate": 0.5, "client.shareddeep.rate": 0.5},
			err:    "names the same field as"},
		{name: "a name nothing promotes",
			fields: map[string]any{"client.nope": 1},
			err:    "has no field nope"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var want embeddingFile
			if c.want != nil {
				c.want(&want)
			}
			var viaDecode, viaDecoder embeddingFile
			errDecode := advisory.Decode(advisory.Consolidated{Fields: c.fields}, &viaDecode)
			errDecoder := d.Decode(advisory.Consolidated{Fields: c.fields}, &viaDecoder)
			for name, got := range map[string]struct {
				f   embeddingFile
				err error
			}{"Decode": {viaDecode, errDecode}, "Decoder": {viaDecoder, errDecoder}} {
				if c.err != "" {
					if got.err == nil || !strings.Contains(got.err.Error(), c.err) {
						t.Errorf("%s: error %v, want one saying %q", name, got.err, c.err)
					}
					continue
				}
				if got.err != nil {
					t.Fatalf("%s: %v", name, got.err)
				}
				if diff := cmp.Diff(want, got.f, cmp.AllowUnexported(embeddingClient{}, embeddingFile{}, selfEmbedded{}, sharedBase{})); diff != "" {
					t.Errorf("%s (-want +got):\n%s", name, diff)
				}
			}
		})
	}
}

// An embedded pointer to an unexported struct cannot be set, nor written
// through (it is the host's): a typed error, nil or not.
func TestDecodeHiddenEmbeddedPointer(t *testing.T) {
	host := &sharedBase{Income: 1}
	for _, dst := range []*hiddenPointer{{}, {sharedBase: host}} {
		err := advisory.Decode(advisory.Consolidated{Fields: map[string]any{"income": 9.0, "name": "Ada"}}, dst)
		if err == nil || !strings.Contains(err.Error(), "embedded pointer to unexported struct") {
			t.Errorf("error %v, want one naming the embedded pointer", err)
		}
		if dst.Name != "Ada" {
			t.Errorf("the other fields are decoded still: name %q", dst.Name)
		}
	}
	if host.Income != 1 {
		t.Errorf("the host's struct was written through: income %v", host.Income)
	}
}

// A Decoder writes records over embedding types exactly as Decode does,
// fast path or not, and neither writes through a pointer the destination
// already held (the host's).
func TestPropertyDecoderEqualsDecodePromoted(t *testing.T) {
	d, err := advisory.NewDecoder[embeddingFile]()
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"client.income", "client.since", "client.rate", "client.depth", "client.score", "client.name",
		"client.shareddeep", "client.shareddeep.depth", "client.shareddeep.rate", "client.sharedrates.rate",
		"client.shareddeep.sharedrates", "client.shareddeep.sharedrates.score", "client", "loop.x", "loop", "client.sharedbase"}
	values := []any{0.5, 3, "Ada", time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), nil, int64(2), 2.5,
		map[string]any{"rate": 0.1, "depth": 1}, map[string]any{"income": 4.0}, &SharedDeep{Depth: 9}, SharedRates{Rate: 1}}
	rapid.Check(t, func(t *rapid.T) {
		fields := map[string]any{}
		for range rapid.IntRange(0, 6).Draw(t, "n") {
			fields[rapid.SampledFrom(paths).Draw(t, "path")] = rapid.SampledFrom(values).Draw(t, "value")
		}
		shared := &SharedDeep{Depth: 5}
		start := embeddingFile{Client: embeddingClient{SharedDeep: shared}}
		if rapid.Bool().Draw(t, "nil pointer") {
			start.Client.SharedDeep = nil
		}
		want, got := start, start
		wantErr := advisory.Decode(advisory.Consolidated{Fields: fields}, &want)
		gotErr := d.Decode(advisory.Consolidated{Fields: fields}, &got)
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(embeddingClient{}, embeddingFile{}, selfEmbedded{}, sharedBase{})); diff != "" || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("%v: Decoder gave %v, Decode %v\n%s", fields, gotErr, wantErr, diff)
		}
		if *shared != (SharedDeep{Depth: 5}) {
			t.Fatalf("%v: the destination's own pointer was written through: %+v", fields, *shared)
		}
	})
}
