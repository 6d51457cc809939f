package advisory_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
)

var a74At = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type a74Leaf struct{ X, Y int }
type a74Mid struct{ Q *a74Leaf }
type a74Root struct {
	M a74Mid
	P *a74Mid
}

// Contract (decode_fast.go): a Decoder's fast path is taken so that "the
// result is the same" as Decode's: the fast decoder equals the slow one on
// every input. Broken: with a destination whose pointer P points at its
// own value field M (a reused file whose "current" pointer aliases a value
// field), the record {m.q.x: 1, p.q.y: 2} (ints into int fields, so the
// fast path takes it) decodes to M.Q = {1 2} with Decode but {1 0} with
// the Decoder, whatever the map order.
// Mechanism: the slow path decides whether to copy a pointer before
// writing through it by the pointee (owned[ptr]: the *a74Leaf it
// allocated for m.q.x is "owned", so the copy of *P keeps pointing at it
// and p.q.y lands in the leaf M shares), the fast path by the slot
// (made[]: &F.Q in the fresh copy of *P was not written by this decode,
// so the leaf is copied again). The two notions of "made by this decode"
// diverge as soon as a copied struct holds a pointer the decode made.
func TestAdversary74_DecoderFastPathSelfAliasDiffers(t *testing.T) {
	c := advisory.Consolidated{ClientID: "c", Fields: map[string]any{"m.q.x": 1, "p.q.y": 2}}
	var slow a74Root
	slow.P = &slow.M
	if err := advisory.Decode(c, &slow); err != nil {
		t.Fatal(err)
	}
	d, err := advisory.NewDecoder[a74Root]()
	if err != nil {
		t.Fatal(err)
	}
	var fast a74Root
	fast.P = &fast.M
	if err := d.Decode(c, &fast); err != nil {
		t.Fatal(err)
	}
	if slow.M.Q == nil || fast.M.Q == nil || slow.P == nil || fast.P == nil || slow.P.Q == nil || fast.P.Q == nil {
		t.Fatalf("nil leaf: slow %+v, fast %+v", slow, fast)
	}
	if *slow.M.Q != *fast.M.Q || *slow.P.Q != *fast.P.Q {
		t.Errorf("Decoder.Decode differs from Decode on the same record and destination: Decode M.Q=%+v P.Q=%+v, Decoder M.Q=%+v P.Q=%+v",
			*slow.M.Q, *slow.P.Q, *fast.M.Q, *fast.P.Q)
	}
}

// Contract (Conflict/consolidate doc, json_number.go): conflicts are the
// fields on which sources really disagree; numbers compare by value, a
// json.Number against an integer exactly and against a float64 as the
// float64 it reads as. float64 2^53 (source b) and int 2^53+1 (source c)
// disagree — alone they are a conflict. Adding a third source a holding
// json.Number("9007199254740993"), which agrees with each of them, makes
// the conflict disappear: a source that agrees cannot remove a
// disagreement between two others (and renaming a to "z" brings it back,
// so the answer depends on source names).
// Mechanism: disagree() compares every value only with vals[0] (the first
// source by name) and same() is not transitive across json.Number:
// b == a and c == a, so b != c is never looked at.
func TestAdversary74_ConflictHiddenByAgreeingJSONNumber(t *testing.T) {
	b := advisory.Record{Source: "b", AsOf: a74At, Fields: map[string]any{"n": float64(1 << 53)}}
	c := advisory.Record{Source: "c", AsOf: a74At, Fields: map[string]any{"n": 1<<53 + 1}}
	two, err := advisory.Consolidate("x", []advisory.Record{b, c}, advisory.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	if len(two.Conflicts) != 1 {
		t.Fatalf("sanity: b and c alone should conflict, got %v", two.Conflicts)
	}
	a := advisory.Record{Source: "a", AsOf: a74At, Fields: map[string]any{"n": json.Number("9007199254740993")}}
	three, err := advisory.Consolidate("x", []advisory.Record{a, b, c}, advisory.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	if len(three.Conflicts) != 1 {
		t.Errorf("b (2^53 as float64) and c (2^53+1 as int) still disagree, but with a third source a agreeing with both the conflict is gone: %v", three.Conflicts)
	}
}

// Contract (same(): "times by instant"; Record: a value may be a struct or
// a pointer to one, and time.Time is a struct): a source that holds a
// time.Time and one that holds a *time.Time of the same instant do not
// disagree. Consolidate reports a conflict on "t" (a false alarm).
// Mechanism: sameValues.parts compares pointers only with pointers; a
// struct against a pointer falls through to a.Type()==b.Type(), false.
func TestAdversary74_TimeVersusPointerToSameTimeFalseConflict(t *testing.T) {
	at := a74At
	recs := []advisory.Record{
		{Source: "crm", AsOf: a74At, Fields: map[string]any{"t": at}},
		{Source: "tool", AsOf: a74At, Fields: map[string]any{"t": &at}},
	}
	c, err := advisory.Consolidate("x", recs, advisory.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Conflicts) != 0 {
		t.Errorf("the same instant as time.Time and as *time.Time is reported as a conflict: %v", c.Conflicts)
	}
}

// Contract (Record: "a struct, a pointer to one"; Decode treats a value
// and a pointer to it alike; conflicts only where sources really
// disagree): Mortgage{Rate: 0.02} from one source and &Mortgage{Rate:
// 0.02} from another hold the same mortgage, yet Consolidate reports a
// conflict on "mortgage".
// Mechanism: as above, sameValues.parts has no case for a pointer against
// the value it points to.
func TestAdversary74_StructVersusPointerToSameStructFalseConflict(t *testing.T) {
	recs := []advisory.Record{
		{Source: "crm", AsOf: a74At, Fields: map[string]any{"mortgage": advisory.Mortgage{Rate: 0.02}}},
		{Source: "tool", AsOf: a74At, Fields: map[string]any{"mortgage": &advisory.Mortgage{Rate: 0.02}}},
	}
	c, err := advisory.Consolidate("x", recs, advisory.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Conflicts) != 0 {
		t.Errorf("the same mortgage as a value and as a pointer is reported as a conflict: %v", c.Conflicts)
	}
}

type a74Hidden struct {
	Internal int `json:"-"`
}

// Contract (Decode: a segment is matched "by its expr tag, else its json
// tag, else its Go name"; json:"-" is encoding/json's "this field has no
// JSON name"): a record field literally named "-" must not be decoded
// into a field its host hid from JSON; Decode should refuse it with a
// *DecodeError ("has no field -"). Decode instead sets Internal = 3.
// Mechanism: tagName returns the tag's name part verbatim, so "-" becomes
// a name in byTag like any other.
func TestAdversary74_DecodeJSONDashTagIsAName(t *testing.T) {
	var h a74Hidden
	err := advisory.Decode(advisory.Consolidated{ClientID: "c", Fields: map[string]any{"-": 3}}, &h)
	if err == nil {
		t.Errorf(`record field "-" decoded into the json:"-" field Internal (= %d), no DecodeError`, h.Internal)
	}
}
