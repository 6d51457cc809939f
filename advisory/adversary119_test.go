package advisory_test

// Adversary 119: consolidation's self-conflicts under non-transitive
// agreement, and Decode's reach into the host's types (promoted fields of
// embedded structs, a pointer to a struct where the field is the struct).

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
)

var now119 = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// guard119 runs f, turning a panic into a test failure and a hang past 10 s
// into a fatal error.
func guard119(t *testing.T, f func()) {
	t.Helper()
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		f()
	}()
	select {
	case p := <-done:
		if p != nil {
			t.Fatalf("panic: %v", p)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("hung for 10 s")
	}
}

// TestAdversary119_SelfConflictHiddenBehindValueAgreeingWithBoth
//
// Contract (Conflict's doc): "A source that holds two values as of one
// instant (two versions of its record) conflicts with itself, whatever the
// policy: Values then lists it with each." consolidate.go's own comment on
// disagree: "agreement is not transitive across representations (a
// json.Number of 2^53+1 agrees with the float64 2^53 it reads as and with
// the int 2^53+1, which disagree), so comparing each with the first would
// hide a conflict behind a value that agrees with both." Record's doc allows
// arrays, slices, json.Number, ints and floats.
//
// Input: three versions of source "crm", all as of one instant, of field
// "client.scores": [1]json.Number{"9007199254740993"}, []float64{2^53} and
// []int{2^53+1}. The float list and the int list disagree (same() compares
// an int with a float exactly).
//
// Observed: no conflict at all. latestPerSource keeps the version whose text
// sorts first ("[1]json.Number{…}") and compares each tie only with it; the
// json.Number list agrees with both others, so the pair that disagrees is
// never compared, exactly the hiding disagree's comment warns of.
func TestAdversary119_SelfConflictHiddenBehindValueAgreeingWithBoth(t *testing.T) {
	guard119(t, func() {
		for name, first := range map[string]any{
			"array of json.Number":   [1]json.Number{"9007199254740993"},
			"pointer to json.Number": func() any { n := json.Number("9007199254740993"); return &n }(),
		} {
			var second, third any = []float64{1 << 53}, []int{1<<53 + 1}
			if name == "pointer to json.Number" {
				second, third = float64(1<<53), int(1<<53+1)
			}
			recs := []advisory.Record{
				{Source: "crm", AsOf: now119, Fields: map[string]any{"client.scores": first}},
				{Source: "crm", AsOf: now119, Fields: map[string]any{"client.scores": second}},
				{Source: "crm", AsOf: now119, Fields: map[string]any{"client.scores": third}},
			}
			// Sanity: the two that disagree do conflict when alone.
			alone, err := advisory.Consolidate("c", recs[1:], advisory.Policy{})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if len(alone.Conflicts) != 1 {
				t.Fatalf("%s: %v and %v of one source as of one instant: conflicts %+v, want one", name, second, third, alone.Conflicts)
			}
			c, err := advisory.Consolidate("c", recs, advisory.Policy{})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if len(c.Conflicts) != 1 || len(c.Conflicts[0].Values) != 3 {
				t.Errorf("%s: crm holds %v, %v and %v as of one instant (the last two disagree): chosen %v, conflicts %+v; want one conflict listing crm with each value",
					name, first, second, third, c.Fields["client.scores"], c.Conflicts)
			}
		}
	})
}

type base119 struct {
	Income float64 `expr:"income" json:"income"`
}

type Base119 struct {
	Rate float64 `expr:"rate" json:"rate"`
}

type client119 struct {
	base119
	Base119
	Name string `expr:"name" json:"name"`
}

type file119 struct {
	Client client119 `expr:"client" json:"client"`
}

// TestAdversary119_DecodeMissesPromotedFieldsTheRulesRead
//
// Contract (Decode's doc): "A dotted path names nested fields, each segment
// matched to a struct field by its `expr` tag, else its `json` tag, else its
// Go name"; README: "advisory.NewDecoder[YourType]() and d.Decode(c,
// &yours)" is how a host's own type gets its file, and the rules name the
// fields of that same type ("fields by Go name or `expr` tag").
//
// Input: a host type whose client embeds structs (an unexported base119 with
// Income `expr:"income"`, an exported Base119 with Rate `expr:"rate"`), the
// Go way of sharing fields, which encoding/json and the dsl both promote.
// A framework over it compiles `client.income > 1 && client.rate > 0`.
//
// Observed: a record of "client.income" and "client.rate", the very paths
// the rules read, fails to decode ("advisory_test.client119 has no field
// income"), with Decode and with a Decoder alike; for the unexported
// embedded struct no path at all reaches Income. The file the rules run on
// can never be filled from records.
func TestAdversary119_DecodeMissesPromotedFieldsTheRulesRead(t *testing.T) {
	guard119(t, func() {
		src := "ruleset r version 1\nrule rich {\n  type \"x\"\n  when client.income > 1 && client.rate > 0\n}\n"
		fw, err := advisory.Compile[file119]([]byte(src))
		if err != nil {
			t.Fatalf("the rules over promoted fields do not compile: %v", err)
		}
		c, err := advisory.Consolidate("c", []advisory.Record{{Source: "crm", AsOf: now119,
			Fields: map[string]any{"client.income": 5.0, "client.rate": 0.5}}}, advisory.Policy{})
		if err != nil {
			t.Fatal(err)
		}
		var f file119
		errDecode := advisory.Decode(c, &f)
		d, err := advisory.NewDecoder[file119]()
		if err != nil {
			t.Fatal(err)
		}
		var g file119
		errDecoder := d.Decode(c, &g)
		if errDecode != nil || errDecoder != nil || f.Client.Income != 5 || f.Client.Rate != 0.5 || g != f {
			t.Errorf("record fields client.income and client.rate (what rule %q reads) did not decode into the promoted fields: Decode %v (%+v), Decoder %v (%+v)",
				fw.Rules()[0].ID, errDecode, f.Client, errDecoder, g.Client)
		}
		alerts, err := fw.Evaluate("c", f, now119)
		if err == nil && len(alerts) != 1 {
			t.Errorf("the decoded file raised %d alerts, want 1", len(alerts))
		}
	})
}

type holder119 struct {
	Mortgage advisory.Mortgage `expr:"mortgage" json:"mortgage"`
}

// TestAdversary119_PointerToStructAgreesButDoesNotDecode
//
// Contract (Record's doc): a field's value may be "a struct, a pointer to
// one"; record.go's same(): "A value and a pointer to one agree as the
// values do: a record may hold either, and Decode writes both alike."
//
// Input: source "crm" (the source of truth) says mortgage =
// &Mortgage{Balance: 100}, source "adv" says Mortgage{Balance: 100}: no
// conflict (they agree), and crm's pointer is chosen. The host's field is
// a Mortgage (not a pointer).
//
// Observed: Decode fails with "cannot put *advisory.Mortgage into
// advisory.Mortgage", while the value adv gave decodes: which source the
// policy prefers decides whether an agreed value can be used at all.
func TestAdversary119_PointerToStructAgreesButDoesNotDecode(t *testing.T) {
	guard119(t, func() {
		recs := []advisory.Record{
			{Source: "crm", AsOf: now119, Fields: map[string]any{"mortgage": &advisory.Mortgage{Balance: 100}}},
			{Source: "adv", AsOf: now119, Fields: map[string]any{"mortgage": advisory.Mortgage{Balance: 100}}},
		}
		for _, order := range [][]string{{"crm", "adv"}, {"adv", "crm"}} {
			c, err := advisory.Consolidate("c", recs, advisory.Policy{Default: advisory.FieldPolicy{Sources: order}})
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Conflicts) != 0 {
				t.Fatalf("a value and a pointer to it conflict: %+v", c.Conflicts)
			}
			var h holder119
			if err := advisory.Decode(c, &h); err != nil || h.Mortgage.Balance != 100 {
				t.Errorf("sources %v: the agreed mortgage (%T from %s) did not decode: %v, %+v", order, c.Fields["mortgage"], c.Provenance["mortgage"].Source, err, h.Mortgage)
			}
		}
	})
}

// perms119 lists the permutations of 0..n-1.
func perms119(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for _, p := range perms119(n - 1) {
		for i := 0; i <= len(p); i++ {
			out = append(out, append(append(append([]int{}, p[:i]...), n-1), p[i:]...))
		}
	}
	return out
}

// TestAdversary119_ConsolidateOrderIndependentNonTransitive pins (passing)
// Consolidate's doc: "It is a pure function of its inputs: the records'
// order does not matter", over versions of one source as of one instant in
// two zones, values that agree non-transitively (json.Number, float64, int
// around 2^53), an empty value, and all three strategies: every order of
// five records gives the same JSON and the same field values.
func TestAdversary119_ConsolidateOrderIndependentNonTransitive(t *testing.T) {
	guard119(t, func() {
		z := time.FixedZone("z", 3600)
		recs := []advisory.Record{
			{Source: "a", AsOf: now119, Fields: map[string]any{"f": json.Number("9007199254740993"), "g": "x", "h": 1}},
			{Source: "a", AsOf: now119.In(z), Fields: map[string]any{"f": float64(1 << 53), "g": "y", "h": 1.0}},
			{Source: "b", AsOf: now119, Fields: map[string]any{"f": int(1<<53 + 1), "g": nil, "h": json.Number("1.0")}},
			{Source: "c", AsOf: now119.Add(-time.Hour), Fields: map[string]any{"f": int64(1<<53 + 1), "g": "x", "h": uint8(1)}},
			{Source: "b", AsOf: now119.In(z), Fields: map[string]any{"f": json.Number("9007199254740992"), "h": float32(1)}},
		}
		for _, pol := range []advisory.Policy{{}, {Default: advisory.FieldPolicy{Strategy: advisory.MostRecent}},
			{Default: advisory.FieldPolicy{Strategy: advisory.FirstNonEmpty, Sources: []string{"c"}}}} {
			first := ""
			for _, p := range perms119(len(recs)) {
				rs := make([]advisory.Record, len(p))
				for i, j := range p {
					rs[i] = recs[j]
				}
				c, err := advisory.Consolidate("x", rs, pol)
				b, _ := json.Marshal(c)
				s := fmt.Sprintf("%v %s %#v", err, b, c.Fields)
				if first == "" {
					first = s
				} else if s != first {
					t.Fatalf("policy %+v, order %v:\n%s\nvs the first order's\n%s", pol, p, s, first)
				}
			}
		}
	})
}
