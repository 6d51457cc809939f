package advisory_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/engagekit/engagekit/advisory"
)

// A Decoder writes every record exactly as Decode does, whether its fast
// path takes the record or not: values of the field's own type, values to
// convert or reject, names by tag and by Go name, names that alias one
// field, unknown names and whole structs.
func TestPropertyDecoderEqualsDecode(t *testing.T) {
	d, err := advisory.NewDecoder[advisory.File]()
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"client.name", "client.birthDate", "client.birthdate", "client.income", "client.dependants",
		"client.Income", "mortgage.rate", "mortgage.fixedTermEnd", "pension.coverage", "home.cover", "discrepancies",
		"engagement.atRisk", "engagement.superfan", "segment.name", "client", "mortgage", "nope.x", "client.nope", "household.members"}
	at := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	fitting := map[string]any{"client.name": "Ada", "client.birthDate": at, "client.birthdate": at.AddDate(-1, 0, 0),
		"client.income": 5e4, "client.dependants": 2, "client.Income": 6e4, "mortgage.rate": 0.03, "mortgage.fixedTermEnd": at,
		"pension.coverage": 0.4, "home.cover": 1e5, "discrepancies": 3, "engagement.atRisk": true, "engagement.superfan": false,
		"segment.name": "A", "household.members": 4}
	values := []any{0.5, 3, "Ada", at, nil, true, "2027-01-31", 2.5, int64(4), float32(1.5), advisory.Mortgage{Rate: 0.02},
		int64(1<<53 + 1), uint64(1 << 63), 1e300, math.Inf(-1), []float64{1}, map[string]any{"rate": 0.01, "balance": 3}}
	rapid.Check(t, func(t *rapid.T) {
		fields := map[string]any{}
		typed := rapid.Bool().Draw(t, "typed") // most values of the field's own type
		for range rapid.IntRange(0, 8).Draw(t, "n") {
			path := rapid.SampledFrom(paths).Draw(t, "path")
			v := rapid.SampledFrom(values).Draw(t, "value")
			if own, ok := fitting[path]; ok && typed && rapid.IntRange(0, 9).Draw(t, "odd") > 0 {
				v = own
			}
			fields[path] = v
		}
		c := advisory.Consolidated{Fields: fields}
		var want, got advisory.File
		wantErr := advisory.Decode(c, &want)
		gotErr := d.Decode(c, &got)
		if diff := cmp.Diff(want, got); diff != "" || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("%v: Decoder gave %v, Decode %v\n%s", fields, gotErr, wantErr, diff)
		}
	})
}

// BenchmarkDecodeFile decodes a consolidated two-source record into a File:
// the fast path (values of the fields' own types) against Decode.
func BenchmarkDecodeFile(b *testing.B) {
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	c := advisory.Consolidated{Fields: map[string]any{"client.id": "c-1", "client.name": "Ada Jansen",
		"client.birthDate": at.AddDate(-40, 0, 0), "client.income": 85000.0, "client.riskProfile": "neutral",
		"client.dependants": 2, "mortgage.fixedTermEnd": at.AddDate(1, 0, 0), "mortgage.rate": 0.031,
		"mortgage.balance": 310000.0, "pension.coverage": 0.62, "home.propertyValue": 460000.0, "home.cover": 400000.0,
		"portfolio.value": 120000.0, "portfolio.drift": 0.04}}
	d, _ := advisory.NewDecoder[advisory.File]()
	for _, tc := range []struct {
		name string
		dec  func(*advisory.File) error
	}{{"decoder", func(f *advisory.File) error { return d.Decode(c, f) }}, {"decode", func(f *advisory.File) error { return advisory.Decode(c, f) }}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var f advisory.File
				if err := tc.dec(&f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
