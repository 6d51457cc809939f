package advisory

// Adversary 50: failing tests, one defect each, for the advisory package
// (package-internal, so the helpers are named adv50).

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

var adv50Now = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)

// TestAdversary50_ConsolidateTimeBeyondJSONRange
//
// Promise broken: advisory/doc.go, JSON: "Every type the package returns
// marshals to JSON"; record.go, Record: "An infinity, and a NaN inside a
// value, are refused: a consolidated record is written as JSON, which has
// neither"; consolidate.go, Consolidate: "A record with a value of an
// unsupported type is an error naming it". checkValue passes every
// time.Time, but encoding/json writes only years 0 to 9999 (RFC 3339). A
// CRM's fixed-term end keyed as year 20261 (a typo of 2026) is taken as
// the field's value. Observed: Consolidate returns no error, and
// json.Marshal of the Consolidated fails ("Time.MarshalJSON: year outside
// of range [0,9999]"). Expected: a *RecordError naming the field, as for
// an infinity, or a result that marshals.
func TestAdversary50_ConsolidateTimeBeyondJSONRange(t *testing.T) {
	end := time.Date(20261, 1, 1, 0, 0, 0, 0, time.UTC)
	recs := []Record{{Source: "crm", AsOf: adv50Now, Fields: map[string]any{"mortgage.fixedTermEnd": end}}}
	c, err := Consolidate("c-1", recs, Policy{})
	if err != nil {
		return // refused: what the contract allows
	}
	if _, jerr := json.Marshal(c); jerr != nil {
		t.Errorf("Consolidate took a fixed-term end in year 20261 (fields %v) and its result does not marshal: %v", c.Fields, jerr)
	}
}

// TestAdversary50_ConsolidateProvenanceLocationDependsOnOrder
//
// Promise broken: advisory/doc.go: Consolidate "is a pure function,
// independent of the order of the records"; consolidate.go,
// latestPerSource (adversary 48's fix): "The same instant written in two
// zones: the provenance keeps one, the same whatever the order". The
// tie-break compares the as-ofs' valuetext, which writes a time as its
// instant and its location's name: time.UTC and a fixed zone named "UTC"
// (what a host's own parsing or a time.FixedZone("UTC", 0) gives) read
// alike, so the sort leaves the two versions in input order and
// CompactFunc keeps the first. Observed: [utc, fixed] keeps time.UTC as
// the provenance's location, [fixed, utc] the fixed zone:
// reflect.DeepEqual of the two results is false (their Provenance AsOf
// differ, == on the times too). Expected: one result for one set of
// records.
func TestAdversary50_ConsolidateProvenanceLocationDependsOnOrder(t *testing.T) {
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	utc := Record{Source: "crm", AsOf: at, Fields: map[string]any{"client.name": "Ann"}}
	fixed := Record{Source: "crm", AsOf: at.In(time.FixedZone("UTC", 0)), Fields: map[string]any{"client.name": "Ann"}}
	c1, err1 := Consolidate("c-1", []Record{utc, fixed}, Policy{})
	c2, err2 := Consolidate("c-1", []Record{fixed, utc}, Policy{})
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	p1, p2 := c1.Provenance["client.name"], c2.Provenance["client.name"]
	if !reflect.DeepEqual(c1, c2) {
		t.Errorf("one set of records in two orders consolidates two ways: provenance as-of %v (UTC location %v) and %v (UTC location %v)",
			p1.AsOf, p1.AsOf.Location() == time.UTC, p2.AsOf, p2.AsOf.Location() == time.UTC)
	}
}
