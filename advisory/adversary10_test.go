package advisory_test

// The tenth adversary's suite: consolidation as a pure function of its
// inputs. Every test here fails on the code it was written against and
// names the promise of doc.go it breaks.

import (
	"fmt"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
)

var a10AsOf = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// TestAdversary10ConsolidateErrorVaries: Consolidate "is a pure function
// of its inputs" (its godoc; README: "The same inputs give the same
// outputs"). A record with two values of unsupported types gets a
// *RecordError naming whichever field map iteration met first: the same
// call names field a, then b, then c.
func TestAdversary10ConsolidateErrorVaries(t *testing.T) {
	rec := advisory.Record{Source: "crm", AsOf: a10AsOf, Fields: map[string]any{
		"a": make(chan int), "b": func() {}, "c": complex(1, 2), "d": make(chan string)}}
	seen := map[string]bool{}
	for range 64 {
		_, err := advisory.Consolidate("c-1", []advisory.Record{rec}, advisory.Policy{})
		seen[fmt.Sprint(err)] = true
	}
	if len(seen) > 1 {
		t.Errorf("one input, %d different errors over 64 calls, e.g.:\n%v", len(seen), seen)
	}
}

// TestAdversary10ConsolidateOrderTieBySprint: Consolidate's godoc: "the
// records' order does not matter, and two records of one source are taken
// as versions, the latest as-of winning". Two versions of one source as of
// the same time are ordered by fmt.Sprint of their values
// (latestPerSource), and "1" (a string) and 1 (an int) print alike, so the
// value kept depends on which record comes first: the string in one order,
// the int in the other (and float32(0.1) vs 0.1 likewise).
func TestAdversary10ConsolidateOrderTieBySprint(t *testing.T) {
	for _, pair := range [][2]any{{"1", 1}, {float32(0.1), 0.1}} {
		r1 := advisory.Record{Source: "crm", AsOf: a10AsOf, Fields: map[string]any{"x": pair[0]}}
		r2 := advisory.Record{Source: "crm", AsOf: a10AsOf, Fields: map[string]any{"x": pair[1]}}
		c1, err1 := advisory.Consolidate("c-1", []advisory.Record{r1, r2}, advisory.Policy{})
		c2, err2 := advisory.Consolidate("c-1", []advisory.Record{r2, r1}, advisory.Policy{})
		a, b := fmt.Sprintf("%T(%v) %v", c1.Fields["x"], c1.Fields["x"], err1), fmt.Sprintf("%T(%v) %v", c2.Fields["x"], c2.Fields["x"], err2)
		if a != b {
			t.Errorf("records %#v and %#v of one source as of one time: field x is %s in one order and %s in the other", pair[0], pair[1], a, b)
		}
	}
}

// TestAdversary10ConsolidateMissesConflictPast2p53: advisory.Record's
// godoc: "numbers compare by value", and a Conflict is "a field on which
// sources hold different values". An int64 2^53+1 from one source and a
// float64 2^53 from another are compared as float64 (sameNumber, floatOf),
// which rounds the int to 2^53: no conflict is reported though the values
// differ. The same for uint64 MaxUint64 against float64 2^64.
func TestAdversary10ConsolidateMissesConflictPast2p53(t *testing.T) {
	crm := advisory.Record{Source: "crm", AsOf: a10AsOf, Fields: map[string]any{
		"x": int64(1<<53 + 1), "y": uint64(1<<64 - 1)}}
	cust := advisory.Record{Source: "custodian", AsOf: a10AsOf, Fields: map[string]any{
		"x": float64(1 << 53), "y": float64(1 << 64)}}
	c, err := advisory.Consolidate("c-1", []advisory.Record{crm, cust}, advisory.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, k := range c.Conflicts {
		got[k.Field] = true
	}
	for _, f := range []string{"x", "y"} {
		if !got[f] {
			t.Errorf("field %s: crm %v vs custodian %v differ, but no conflict is reported (conflicts: %+v)", f, crm.Fields[f], cust.Fields[f], c.Conflicts)
		}
	}
}
