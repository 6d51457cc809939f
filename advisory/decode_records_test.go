package advisory_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/engagekit/engagekit/advisory"
)

// Pence and Currency are a CRM's own types for money.
type (
	Pence    int64
	Currency string
)

// crmFile is a host's client file as a CRM keeps it: narrow and named
// numbers, holdings, accounts by wrapper, and nested products.
type crmFile struct {
	Client struct {
		Name     string   `expr:"name"`
		Age      int8     `expr:"age"`
		Cash     Pence    `expr:"cash"`
		LTV      float32  `expr:"ltv"`
		Big      int32    `expr:"big"`
		Count    uint16   `expr:"count"`
		Currency Currency `expr:"currency"`
		Income   float64  `expr:"income"`
	} `expr:"client"`
	Holdings []holding           `expr:"holdings"`
	Accounts map[string]float64  `expr:"accounts"`
	Wrappers map[string]*wrapper `expr:"wrappers"`
	Tags     []string            `expr:"tags"`
	Pair     [2]int              `expr:"pair"`
	Loan     *struct {
		End time.Time `expr:"end"`
	} `expr:"loan"`
}

type holding struct {
	Asset  string    `expr:"asset"`
	Value  Pence     `expr:"value"`
	Weight float32   `expr:"weight"`
	Bought time.Time `expr:"bought"`
}

type wrapper struct {
	Kind  string  `expr:"kind"`
	Value float64 `expr:"value"`
}

var bought = time.Date(2024, 4, 5, 0, 0, 0, 0, time.UTC)

// Every kind of value a CRM record holds decodes, or fails with a
// *DecodeError naming the field (and the element in it): never a silent
// wrap or rounding.
func TestDecodeRealRecords(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fields map[string]any
		check  func(f crmFile) bool
		errAt  string // the field the *DecodeError names; "" for none
	}{
		{"narrow ints in range", map[string]any{"client.age": 127, "client.big": int64(1 << 30), "client.count": 65535.0},
			func(f crmFile) bool { return f.Client.Age == 127 && f.Client.Big == 1<<30 && f.Client.Count == 65535 }, ""},
		{"int8 ← 300", map[string]any{"client.age": 300}, nil, "client.age"},
		{"int8 ← -129", map[string]any{"client.age": -129.0}, nil, "client.age"},
		{"int32 ← 2^40", map[string]any{"client.big": int64(1 << 40)}, nil, "client.big"},
		{"uint16 ← -1", map[string]any{"client.count": -1}, nil, "client.count"},
		{"uint16 ← 65536", map[string]any{"client.count": uint32(65536)}, nil, "client.count"},
		{"int ← 1.5", map[string]any{"client.age": 1.5}, nil, "client.age"},
		{"int ← 1e300", map[string]any{"client.cash": 1e300}, nil, "client.cash"},
		{"int ← +Inf", map[string]any{"client.cash": math.Inf(1)}, nil, "client.cash"},
		{"named int ← int64, exactly", map[string]any{"client.cash": int64(1<<62 + 1)},
			func(f crmFile) bool { return f.Client.Cash == 1<<62+1 }, ""},
		{"named int ← uint64 past int64", map[string]any{"client.cash": uint64(math.MaxUint64)}, nil, "client.cash"},
		{"float32 ← 0.9, rounded", map[string]any{"client.ltv": 0.9}, func(f crmFile) bool { return f.Client.LTV == float32(0.9) }, ""},
		{"float32 ← 1e300", map[string]any{"client.ltv": 1e300}, nil, "client.ltv"},
		{"float32 ← 1e-300", map[string]any{"client.ltv": 1e-300}, nil, "client.ltv"},
		{"float32 ← 2^24+1", map[string]any{"client.ltv": 1<<24 + 1}, nil, "client.ltv"},
		{"float64 ← 2^53+1", map[string]any{"client.income": int64(1<<53 + 1)}, nil, "client.income"},
		{"float64 ← 2^53", map[string]any{"client.income": int64(1 << 53)}, func(f crmFile) bool { return f.Client.Income == 1<<53 }, ""},
		{"named string", map[string]any{"client.currency": "GBP"}, func(f crmFile) bool { return f.Client.Currency == "GBP" }, ""},
		{"holdings as Go values", map[string]any{"holdings": []holding{{Asset: "VWRL", Value: 120000, Bought: bought}}},
			func(f crmFile) bool {
				return len(f.Holdings) == 1 && f.Holdings[0].Asset == "VWRL" && f.Holdings[0].Value == 120000
			}, ""},
		{"holdings as JSON decodes them", map[string]any{"holdings": []any{
			map[string]any{"asset": "VWRL", "value": 120000.0, "weight": 0.25, "bought": "2024-04-05"},
			map[string]any{"asset": "GILT", "value": 5.0}}},
			func(f crmFile) bool {
				return len(f.Holdings) == 2 && f.Holdings[0].Bought.Equal(bought) && f.Holdings[0].Weight == 0.25 && f.Holdings[1].Value == 5
			}, ""},
		{"a holding that does not fit", map[string]any{"holdings": []any{map[string]any{"asset": "A"}, map[string]any{"value": 0.5}}},
			nil, "holdings[1].value"},
		{"a holding with an unknown field", map[string]any{"holdings": []any{map[string]any{"isin": "X"}}}, nil, "holdings[0].isin"},
		{"an empty list says none", map[string]any{"holdings": []any{}}, func(f crmFile) bool { return f.Holdings != nil && len(f.Holdings) == 0 }, ""},
		{"a whole map", map[string]any{"accounts": map[string]any{"isa": 20000, "sipp": 1.5e5}},
			func(f crmFile) bool { return f.Accounts["isa"] == 20000 && f.Accounts["sipp"] == 1.5e5 }, ""},
		{"into a map by key", map[string]any{"accounts.isa": 20000, "accounts.gia": 7.5},
			func(f crmFile) bool { return len(f.Accounts) == 2 && f.Accounts["gia"] == 7.5 }, ""},
		{"a map key that does not fit", map[string]any{"accounts.isa": "lots"}, nil, "accounts.isa"},
		{"into a struct in a map by key", map[string]any{"wrappers.isa.kind": "stocks", "wrappers.isa.value": 3, "wrappers.sipp.value": 1},
			func(f crmFile) bool {
				return f.Wrappers["isa"] != nil && f.Wrappers["isa"].Kind == "stocks" && f.Wrappers["isa"].Value == 3 && f.Wrappers["sipp"].Value == 1
			}, ""},
		{"strings", map[string]any{"tags": []string{"esg", "isa"}}, func(f crmFile) bool { return strings.Join(f.Tags, ",") == "esg,isa" }, ""},
		{"an array that fits", map[string]any{"pair": []int{1, 2}}, func(f crmFile) bool { return f.Pair == [2]int{1, 2} }, ""},
		{"an array that does not", map[string]any{"pair": []int{1, 2, 3}}, nil, "pair"},
		{"a list into a string", map[string]any{"client.name": []string{"x"}}, nil, "client.name"},
		{"through a list", map[string]any{"tags.first": "x"}, nil, "tags.first"},
		{"a date into a nested pointer", map[string]any{"loan.end": "2027-01-31"},
			func(f crmFile) bool { return f.Loan != nil && f.Loan.End.Month() == time.January }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f crmFile
			err := advisory.Decode(advisory.Consolidated{Fields: tc.fields}, &f)
			if tc.errAt == "" {
				if err != nil || !tc.check(f) {
					t.Fatalf("decoded %+v, %v", f, err)
				}
				return
			}
			var de *advisory.DecodeError
			if !errors.As(err, &de) || de.Field != tc.errAt {
				t.Fatalf("error %v, want a *DecodeError at %s", err, tc.errAt)
			}
		})
	}
}

// Holdings and accounts consolidate like any field: chosen whole from one
// source, compared by value (numbers of any type, times by instant), with
// a conflict when sources differ; parts named as fields of their own have
// their own provenance.
func TestConsolidateRealRecords(t *testing.T) {
	asOf := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	crm := advisory.Record{Source: "crm", AsOf: asOf, Fields: map[string]any{
		"holdings":     []holding{{Asset: "VWRL", Value: 100, Bought: bought}},
		"accounts.isa": 20000, "tags": []string{"esg"}, "wrappers": map[string]any{"isa": map[string]any{"value": 3}},
	}}
	custodian := advisory.Record{Source: "custodian", AsOf: asOf.AddDate(0, 0, -1), Fields: map[string]any{
		"holdings":      []holding{{Asset: "VWRL", Value: 100, Bought: bought.In(time.FixedZone("X", 3600))}},
		"accounts.sipp": 1.5e5, "tags": []string{"esg", "isa"}, "wrappers": map[string]any{"isa": map[string]any{"value": int8(3)}},
	}}
	c, err := advisory.Consolidate("c1", []advisory.Record{crm, custodian}, advisory.Policy{
		Default: advisory.FieldPolicy{Sources: []string{"custodian", "crm"}}})
	if err != nil {
		t.Fatal(err)
	}
	var conflicts []string
	for _, x := range c.Conflicts {
		conflicts = append(conflicts, x.Field)
	}
	if fmt.Sprint(conflicts) != "[tags]" {
		t.Errorf("conflicts %v, want [tags] (the holdings and wrappers agree by value)", conflicts)
	}
	if c.Provenance["accounts.isa"].Source != "crm" || c.Provenance["accounts.sipp"].Source != "custodian" || c.Provenance["holdings"].Source != "custodian" {
		t.Errorf("provenance %+v", c.Provenance)
	}
	var f crmFile
	if err := advisory.Decode(c, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Accounts) != 2 || len(f.Holdings) != 1 || len(f.Tags) != 2 || f.Wrappers["isa"].Value != 3 {
		t.Errorf("decoded %+v", f)
	}
}

// A Decoder decodes a CRM's records, slices, maps and numbers that do not
// fit included, exactly as Decode does; its fast path takes only what
// already fits.
func TestPropertyDecoderEqualsDecodeOnRealRecords(t *testing.T) {
	d, err := advisory.NewDecoder[crmFile]()
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"client.name", "client.age", "client.cash", "client.ltv", "client.big", "client.count", "client.currency",
		"client.income", "holdings", "accounts", "accounts.isa", "wrappers", "wrappers.isa.value", "wrappers.isa.kind", "tags",
		"pair", "loan.end", "loan", "client"}
	values := []any{0, 1, 300, -1, 1.5, 0.9, 1e300, 1e-300, int64(1 << 40), int64(1<<53 + 1), uint64(math.MaxUint64), int8(-3),
		float32(0.5), "GBP", "2027-01-31", bought, true, nil, Pence(7), Currency("EUR"),
		[]holding{{Asset: "A", Value: 1}}, []any{map[string]any{"asset": "B", "value": 2.0}}, []any{map[string]any{"value": 0.5}},
		map[string]any{"isa": 1, "gia": 2.5}, map[string]any{"isa": map[string]any{"kind": "k"}}, []string{"x"}, []int{1, 2}, []int{1, 2, 3},
		map[string]float64{"isa": 3}}
	rapid.Check(t, func(t *rapid.T) {
		fields := map[string]any{}
		for range rapid.IntRange(0, 6).Draw(t, "n") {
			fields[rapid.SampledFrom(paths).Draw(t, "path")] = rapid.SampledFrom(values).Draw(t, "value")
		}
		c := advisory.Consolidated{Fields: fields}
		var want, got crmFile
		wantErr := advisory.Decode(c, &want)
		gotErr := d.Decode(c, &got)
		if diff := cmp.Diff(want, got); diff != "" || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("%v: Decoder gave %v, Decode %v\n%s", fields, gotErr, wantErr, diff)
		}
	})
}
