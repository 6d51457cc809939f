package advisory

import (
	"testing"
	"time"

	"github.com/engagekit/engagekit/internal/mem"
)

// The fast path takes a record whose values already fit their fields and
// leaves to Decode the rest: a value to convert, a nil, a name it does not
// spell, a whole struct, and two names of one field.
func TestDecodeFastTakesOnlyWhatFits(t *testing.T) {
	at := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	paths := fileDecoder.paths
	for _, tc := range []struct {
		name   string
		fields map[string]any
		fast   bool
	}{
		{"fitting values", map[string]any{"client.name": "Ada", "client.birthDate": at, "client.dependants": 2,
			"mortgage.rate": 0.03, "engagement.atRisk": true}, true},
		{"by lower-cased Go name", map[string]any{"client.birthdate": at}, true},
		{"an int for a float", map[string]any{"client.income": 50000}, false},
		{"a nil", map[string]any{"client.name": nil}, false},
		{"an unknown name", map[string]any{"client.nope": 1.0}, false},
		{"a whole struct", map[string]any{"mortgage": Mortgage{Rate: 0.02}}, false},
		{"two names of one field", map[string]any{"client.birthDate": at, "client.birthdate": at}, false},
	} {
		var f File
		if got := decodeFast(Consolidated{Fields: tc.fields}, mem.Of(&f), paths); got != tc.fast {
			t.Errorf("%s: fast path %v, want %v", tc.name, got, tc.fast)
		}
		if tc.name == "fitting values" && (f.Client.Name != "Ada" || f.Mortgage == nil || f.Mortgage.Rate != 0.03 || f.Engagement == nil || !f.Engagement.AtRisk) {
			t.Errorf("fitting values decoded as %+v", f)
		}
	}
}
