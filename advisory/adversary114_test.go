package advisory_test

// Adversary 114: advisory over the dsl's new reading of pointer, named and
// narrow fields (*string, *bool, *Tier, float32, uint8, named numbers),
// advisory's decoder (convert.go, json_number.go) and dsl's fitsNumber
// (dsl/functions.go) deciding the same number→type conversion.

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/dsl"
)

type tier114 string
type pence114 int64

type client114 struct {
	ID     string   `expr:"id" json:"id"`
	Nick   *string  `expr:"nick" json:"nick"`
	VIP    *bool    `expr:"vip" json:"vip"`
	Tier   *tier114 `expr:"tier" json:"tier"`
	Ratio  float32  `expr:"ratio" json:"ratio"`
	Level  uint8    `expr:"level" json:"level"`
	Fee    pence114 `expr:"fee" json:"fee"`
	Scores []uint8  `expr:"scores" json:"scores"`
	Big    int64    `expr:"big" json:"big"`
	F      float64  `expr:"f" json:"f"`
}

type file114 struct {
	Client client114 `expr:"client" json:"client"`
}

var now114 = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

var policy114 = advisory.Policy{Default: advisory.FieldPolicy{Sources: []string{"crm", "adv"}}}

// decode114 consolidates one crm record of fields and decodes it into a file114.
func decode114(t *testing.T, fields map[string]any) (file114, error) {
	t.Helper()
	c, err := advisory.Consolidate("c", []advisory.Record{{Source: "crm", AsOf: now114, Fields: fields}}, policy114)
	if err != nil {
		t.Fatalf("consolidate %v: %v", fields, err)
	}
	var f file114
	err = advisory.Decode(c, &f)
	return f, err
}

// TestAdversary114JSONNumberFractionRoundsIntoInteger
//
// Contract (doc.go): "Decoding converts exactly or not at all ... never a
// wrapped or rounded value"; convertNumber: "a fraction into an integer
// ... [is an] error"; json_number.go: a json.Number is "the number it
// writes, as exactly".
//
// Observed: json.Number("0.99999999999999999") decodes into a uint8 and an
// int64 field as 1 with no error (a fraction became a whole number), and
// json.Number("9007199254740993.0") (exactly 2^53+1) decodes into an int64
// as 9007199254740992.
//
// Mechanism: convertAt's json.Number case reads the text with
// jsonNumberValue, which falls back to strconv.ParseFloat for anything
// ParseInt refuses (a point or an exponent): the float64 rounding happens
// before convertFloat's whole-number and range checks, which then see a
// whole float64.
func TestAdversary114JSONNumberFractionRoundsIntoInteger(t *testing.T) {
	f, err := decode114(t, map[string]any{"client.level": json.Number("0.99999999999999999"), "client.big": json.Number("0.99999999999999999")})
	if err == nil {
		t.Errorf("json.Number 0.99999999999999999 decoded without error: level=%d big=%d (a fraction rounded into integers)", f.Client.Level, f.Client.Big)
	}
	f, err = decode114(t, map[string]any{"client.big": json.Number("9007199254740993.0")})
	if err == nil && f.Client.Big != 9007199254740993 {
		t.Errorf("json.Number 9007199254740993.0 decoded into int64 as %d, silently rounded", f.Client.Big)
	}
}

// TestAdversary114JSONNumberUnderflowAcceptedIntoFloat32
//
// Contract (convertNumber): "a float that becomes infinite or zero in a
// float32 [is an] error"; doc.go: decoding converts exactly or not at all.
//
// Observed: json.Number("1e-50") into a float32 field is refused
// ("underflows float32"), but the smaller json.Number("1e-400") is
// accepted as 0 (and "-1e-400" as -0), as it is, silently, into a float64.
//
// Mechanism: jsonNumberValue uses strconv.ParseFloat, which returns 0 and
// no error on underflow; convertFloat's underflow check is `g == 0 && f !=
// 0`, and f is already 0.
func TestAdversary114JSONNumberUnderflowAcceptedIntoFloat32(t *testing.T) {
	if _, err := decode114(t, map[string]any{"client.ratio": json.Number("1e-50")}); err == nil {
		t.Fatalf("1e-50 into float32 accepted; premise changed")
	}
	for _, s := range []string{"1e-400", "-1e-400"} {
		f, err := decode114(t, map[string]any{"client.ratio": json.Number(s)})
		if err == nil {
			t.Errorf("json.Number %s into float32 accepted as %v, while the larger 1e-50 underflow is refused", s, f.Client.Ratio)
		}
		f, err = decode114(t, map[string]any{"client.f": json.Number(s)})
		if err == nil && f.Client.F == 0 {
			t.Errorf("json.Number %s into float64 silently became %v", s, f.Client.F)
		}
	}
}

// TestAdversary114JSONNumberNegativeZeroLosesSign
//
// Contract: a json.Number is "the number it writes, as exactly"; "1e2",
// "100" and 100 agree. -0 written as "-0" and as "-0.0" are the same
// number, and encoding/json itself reads "-0" into a float64 as -0.
//
// Observed: json.Number("-0.0") and float64 -0 decode into a float64 field
// as -0; json.Number("-0") decodes as +0 (math.Signbit false): the same
// feed value decodes to two different float64s depending on its text.
//
// Mechanism: jsonNumberValue tries strconv.ParseInt first, which reads
// "-0" as the int64 0; the sign is gone before convertNumber.
func TestAdversary114JSONNumberNegativeZeroLosesSign(t *testing.T) {
	negZero := math.Copysign(0, -1)
	var stdlib any
	if err := json.Unmarshal([]byte("-0"), &stdlib); err != nil || !math.Signbit(stdlib.(float64)) {
		t.Fatalf("premise: encoding/json reads -0 as %v", stdlib)
	}
	signs := map[string]bool{}
	for name, v := range map[string]any{"float64 -0": negZero, `json.Number("-0.0")`: json.Number("-0.0"), `json.Number("-0")`: json.Number("-0")} {
		f, err := decode114(t, map[string]any{"client.f": v})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		signs[name] = math.Signbit(f.Client.F)
	}
	if !signs[`json.Number("-0")`] {
		t.Errorf("-0 decodes by its text: %v (json.Number(\"-0\") lost its sign)", signs)
	}
}

// TestAdversary114AlertJSONNegativeZeroEvidence
//
// Contract: "JSON round trips exactly"; Alert.UnmarshalJSON's comment: an
// alert "written, read and written again" must not change.
//
// Observed: a rule over a float64 field holding -0 gives evidence -0,
// written as "value":-0; read back it is the int 0, and written again it
// is "value":0. The alert changed through the round trip.
//
// Mechanism: readNumbers → jsonNumberValue reads "-0" with ParseInt as 0
// and turns it into an int (the -0 float is indistinguishable from 0).
func TestAdversary114AlertJSONNegativeZeroEvidence(t *testing.T) {
	fw, err := advisory.Compile[file114]([]byte(`ruleset p version 1
rule r1 {
  type "x.zero"
  let z = client.f * 1
  when z == 0
  title "zero"
}
`))
	if err != nil {
		t.Fatal(err)
	}
	as, err := fw.Evaluate("c", file114{client114{F: math.Copysign(0, -1)}}, now114)
	if err != nil || len(as) != 1 {
		t.Fatalf("alerts %v err %v", as, err)
	}
	b1, err := json.Marshal(as[0])
	if err != nil {
		t.Fatal(err)
	}
	var back advisory.Alert
	if err := json.Unmarshal(b1, &back); err != nil {
		t.Fatal(err)
	}
	b2, err := json.Marshal(back)
	if err != nil {
		t.Fatal(err)
	}
	if string(b1) != string(b2) {
		t.Errorf("alert JSON changed through a round trip:\n first: %s\nsecond: %s", b1, b2)
	}
}

// TestAdversary114AlertJSONByteSliceEvidenceIsBase64
//
// Contract: "JSON round trips exactly"; Alert.Evidence "lists the values
// that made the rule fire"; README/doc: a record carries narrow numbers and
// slices; the decoder fills a []uint8 from a list of numbers.
//
// Observed: a rule reading a []uint8 field (scores, decoded from the list
// [1, 2, 3]) has evidence []uint8{1,2,3}, written as "value":"AQID"
// (base64) and read back as the string "AQID": a list of numbers came back
// as text, and a reader of the JSON cannot see the scores.
//
// Mechanism: encoding/json writes any []byte-kinded slice as base64; the
// alert's MarshalJSON passes evidence to json.Marshal unchanged (jsontime
// even notes "bytes (written as base64)"), and UnmarshalJSON reads a
// string.
func TestAdversary114AlertJSONByteSliceEvidenceIsBase64(t *testing.T) {
	f, err := decode114(t, map[string]any{"client.scores": []any{1, 2, 3}})
	if err != nil {
		t.Fatal(err)
	}
	fw, err := advisory.Compile[file114]([]byte(`ruleset p version 1
rule r1 {
  type "x.scores"
  when len(client.scores) > 2
  title "many scores"
}
`))
	if err != nil {
		t.Fatal(err)
	}
	as, err := fw.Evaluate("c", f, now114)
	if err != nil || len(as) != 1 {
		t.Fatalf("alerts %v err %v", as, err)
	}
	b, err := json.Marshal(as[0])
	if err != nil {
		t.Fatal(err)
	}
	var back advisory.Alert
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	for i, e := range back.Evidence {
		if e.Name != "client.scores" {
			continue
		}
		if _, isString := e.Value.(string); isString {
			t.Errorf("evidence client.scores %v (%T) was written %s and read back as %T %q", as[0].Evidence[i].Value, as[0].Evidence[i].Value, b, e.Value, e.Value)
		}
		return
	}
	t.Errorf("no client.scores evidence in %s", b)
}

// TestAdversary114NamedStringFalseConflict
//
// Contract (record.go, same): "A value and a pointer to one agree as the
// values do: a record may hold either, and Decode writes both alike";
// doc: Consolidate returns "the fields on which sources disagree". A named
// number agrees with the plain number (pence114(5) vs 5), and the dsl now
// reads named strings (and pointers to them) as plain.
//
// Observed: one source holding tier114("gold") (or a *tier114 to it) and
// another "gold" is a Conflict (File.Discrepancies +1), though both decode
// to the same tier field; pence114(5) vs int 5 is no conflict.
//
// Mechanism: sameValues.parts compares strings and bools with `a.Type() ==
// b.Type() && a.Equal(b)`; numbers go through sameNumber by value.
func TestAdversary114NamedStringFalseConflict(t *testing.T) {
	gold := tier114("gold")
	c, err := advisory.Consolidate("c", []advisory.Record{
		{Source: "crm", AsOf: now114, Fields: map[string]any{"client.tier": &gold, "client.nick": tier114("ada"), "client.fee": pence114(5)}},
		{Source: "adv", AsOf: now114, Fields: map[string]any{"client.tier": "gold", "client.nick": "ada", "client.fee": 5}},
	}, policy114)
	if err != nil {
		t.Fatal(err)
	}
	var conflicted []string
	for _, k := range c.Conflicts {
		conflicted = append(conflicted, k.Field)
	}
	for _, k := range conflicted {
		if k == "client.fee" {
			t.Fatalf("premise: named number vs plain conflicts too: %v", conflicted)
		}
	}
	if len(conflicted) > 0 {
		t.Errorf("named string vs the same plain string is a conflict: %v (a named number vs the plain number is not)", conflicted)
	}
}

// evalF32 runs a rule calling a host function with a float32 parameter
// on client.f / client.big, returning whether the call succeeded and what
// the function received.
func evalF32(t *testing.T, file file114, arg string) (float32, error) {
	t.Helper()
	var got float32
	fw, err := advisory.Compile[file114]([]byte(`ruleset p version 1
rule r1 {
  type "x.f32"
  let g = f32(`+arg+`)
  when g >= 0 || g < 0
  title "{g}"
}
`), dsl.WithFunc1("f32", func(x float32) float64 { got = x; return float64(x) }))
	if err != nil {
		t.Fatal(err)
	}
	_, err = fw.Evaluate("c", file, now114)
	return got, err
}

// TestAdversary114FitsNumberVsDecodeNearMaxFloat32
//
// Contract (brief; doc.go: decoding converts "1e300 into a float32" as an
// error, never a rounded value; dsl: a float32 parameter holds a float64
// "as near as it can"): the same number→float32 conversion should decide
// the same way whether the host value reaches a float32 through advisory's
// decoder or through the dsl's host-function parameter.
//
// Observed: v = MaxFloat32·(1+2^-25) (3.4028235677973306e+38, which
// float32(v) rounds to MaxFloat32, finite). Decode into a float32 field
// accepts it (3.4028235e+38); the same value in a float64 field passed to
// a host function f32(x float32) fails every evaluation with "which a
// float32 does not hold: dsl: int overflow".
//
// Mechanism: dsl fitsNumber uses reflect's OverflowFloat (|v| >
// MaxFloat32 ⇒ overflow) while advisory convertFloat checks whether
// float32(v) is infinite; values between MaxFloat32 and the rounding
// midpoint are accepted by one and refused by the other. (And the error
// names an "int overflow" for a float.)
func TestAdversary114FitsNumberVsDecodeNearMaxFloat32(t *testing.T) {
	v := math.MaxFloat32 * (1 + 1.0/(1<<25))
	if math.IsInf(float64(float32(v)), 0) {
		t.Fatalf("premise: float32(%v) is infinite", v)
	}
	f, decErr := decode114(t, map[string]any{"client.ratio": v})
	_, dslErr := evalF32(t, file114{client114{F: v}}, "client.f")
	if (decErr == nil) != (dslErr == nil) {
		t.Errorf("%v → float32: advisory Decode err=%v (field %v), dsl host param err=%v", v, decErr, f.Client.Ratio, dslErr)
	}
}

// TestAdversary114FitsNumberVsDecodeInexactIntToFloat32
//
// Contract: as above; doc.go/convertNumber: "an integer a float cannot hold
// exactly" is an error.
//
// Observed: int64 16777217 (2^24+1) in a field: Decode into a float32
// field refuses it ("loses precision in float32"); the same value passed
// to a host function's float32 parameter is accepted and silently rounded
// to 16777216.
//
// Mechanism: dsl fitsNumber returns true for any integer into a float type
// ("as near as it holds, as a literal is"), advisory convertNumber refuses
// an integer whose float32 differs.
func TestAdversary114FitsNumberVsDecodeInexactIntToFloat32(t *testing.T) {
	const n = 1<<24 + 1
	_, decErr := decode114(t, map[string]any{"client.ratio": int64(n)})
	got, dslErr := evalF32(t, file114{client114{Big: n}}, "client.big")
	if (decErr == nil) != (dslErr == nil) {
		t.Errorf("int64 %d → float32: advisory Decode err=%v, dsl host param err=%v (received %v)", n, decErr, dslErr, got)
	}
}

// TestAdversary114Float32UnderflowErrorSaysIntOverflow
//
// Contract: bad input "gets a clear typed error".
//
// Observed: a float64 field 1e-50 passed to a host function's float32
// parameter fails with "... which a float32 does not hold: dsl: int
// overflow": an underflow of a float reported as an int overflow (advisory's
// decoder says "1e-50 underflows float32").
//
// Mechanism: dsl convertValue wraps every misfit in ErrOverflow, whose text
// is "dsl: int overflow".
func TestAdversary114Float32UnderflowErrorSaysIntOverflow(t *testing.T) {
	_, err := evalF32(t, file114{client114{F: 1e-50}}, "client.f")
	if err == nil {
		t.Fatalf("1e-50 accepted by a float32 parameter")
	}
	if !errors.Is(err, dsl.ErrOverflow) {
		t.Logf("not ErrOverflow: %v", err)
	}
	if strings.Contains(err.Error(), "int overflow") {
		t.Errorf("float32 underflow reported as an int overflow: %v", err)
	}
}

// TestAdversary114PointerFieldsReadAsValues is a regression guard (no
// defect found): *string, *bool, *tier114 fields are read as their values
// in conditions and titles, and evidence lists the values, not pointers
// into the file (the caller owns the alert).
func TestAdversary114PointerFieldsReadAsValues(t *testing.T) {
	fw, err := advisory.Compile[file114]([]byte(`ruleset p version 1
rule r1 {
  type "x.ptr"
  when client.vip && client.tier == "gold" && client.nick != ""
  title "{client.nick} {client.tier} {client.vip}"
}
`))
	if err != nil {
		t.Fatal(err)
	}
	nick, vip, tier := "ada", true, tier114("gold")
	as, err := fw.Evaluate("c", file114{client114{Nick: &nick, VIP: &vip, Tier: &tier}}, now114)
	if err != nil || len(as) != 1 {
		t.Fatalf("alerts %v err %v", as, err)
	}
	if as[0].Title != "ada gold true" {
		t.Errorf("title %q", as[0].Title)
	}
	for _, e := range as[0].Evidence {
		if reflect.ValueOf(e.Value).Kind() == reflect.Pointer {
			t.Errorf("evidence %s is a pointer %T into the file", e.Name, e.Value)
		}
	}
	// a nil *bool that decides fails with an error, not a panic or a silent false
	_, err = fw.Evaluate("c", file114{client114{Nick: &nick, Tier: &tier}}, now114)
	if err == nil {
		t.Errorf("nil *bool deciding the when raised no error")
	}
}
