package advisory_test

// Adversary 123: Decode and the Decoder over host types that embed
// structs (promoted fields), the Decoder's fast path held to Decode, and
// the names the rules read held to the fields Decode writes.

import (
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"reflect"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
)

var now123 = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// guard123 runs f, turning a panic into a test failure and a hang past
// 10 s into a fatal error.
func guard123(t *testing.T, f func()) {
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

func rec123(fields map[string]any) advisory.Consolidated {
	return advisory.Consolidated{ClientID: "c", Fields: fields}
}

func errText123(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// ---------------------------------------------------------------------
// 1. A struct reached only through a (non-embedded) field of an embedded
// struct: NewDecoder panics.

type Mort123 struct{ Rate float64 }
type Inner123 struct{ M Mort123 }
type Root123 struct{ Inner123 }

// TestAdversary123_NewDecoderPanicsOnStructFieldOfEmbeddedStruct
//
// Contract (NewDecoder): "NewDecoder indexes T, which must be a struct
// type, and the struct types its fields reach." (Decoder: "[Decode] for
// one destination type"), and the README: "a rule can never panic the
// host". Decode fills "m.rate" (M promoted from Inner123) fine; NewDecoder
// over the same type panics with a nil pointer dereference.
func TestAdversary123_NewDecoderPanicsOnStructFieldOfEmbeddedStruct(t *testing.T) {
	var viaDecode Root123
	if err := advisory.Decode(rec123(map[string]any{"m.rate": 0.5}), &viaDecode); err != nil || viaDecode.M.Rate != 0.5 {
		t.Fatalf("Decode: %v %+v", err, viaDecode)
	}
	guard123(t, func() {
		d, err := advisory.NewDecoder[Root123]()
		if err != nil {
			t.Errorf("NewDecoder: %v", err)
			return
		}
		var got Root123
		err = d.Decode(rec123(map[string]any{"m.rate": 0.5}), &got)
		if err != nil || !reflect.DeepEqual(got, viaDecode) {
			t.Errorf("Decoder.Decode = %v %+v, Decode = <nil> %+v", err, got, viaDecode)
		}
	})
}

// ---------------------------------------------------------------------
// 2. A capitalised tag on a promoted field vs the struct's own field of
// that name: the fast path and Decode write different fields.

type TagInner123 struct {
	X float64 `json:"Income"`
}
type TagRoot123 struct {
	TagInner123
	Income float64
}

// TestAdversary123_FastPathCapitalisedPromotedTag
//
// Contract (decode_fast.go / Decoder): the Decoder is "[Decode] for one
// destination type" and its fast path is taken only so that "the result
// is the same". Record {"Income": 5}: Decode writes TagRoot123.Income (the
// shallower field, by name), the Decoder writes TagInner123.X (the tag).
func TestAdversary123_FastPathCapitalisedPromotedTag(t *testing.T) {
	guard123(t, func() {
		c := rec123(map[string]any{"Income": 5.0})
		var want TagRoot123
		werr := advisory.Decode(c, &want)
		d, err := advisory.NewDecoder[TagRoot123]()
		if err != nil {
			t.Fatal(err)
		}
		var got TagRoot123
		gerr := d.Decode(c, &got)
		if errText123(werr) != errText123(gerr) || !reflect.DeepEqual(want, got) {
			t.Errorf("Decoder.Decode = %v %+v; Decode = %v %+v", gerr, got, werr, want)
		}
	})
}

// ---------------------------------------------------------------------
// 3. Types that embed each other: the index of one type depends on which
// type was indexed first.

type CycC123 struct{ Z int }
type CycA123 struct {
	*CycB123
	CycC123
}
type CycB123 struct{ *CycA123 }
type CycRoot123 struct {
	A CycA123
	B CycB123
}

// TestAdversary123_EmbeddingCycleIndexDependsOnOrder
//
// Contract (Decode): "The fields of an embedded struct are promoted ...
// after the struct's own fields, depth first, in field order". CycB123
// promotes Z (B → *A → C → Z), and Decode of {"b.z": 1} alone fills it;
// with "a.z" also in the record (CycA123 indexed first, CycB123 indexed
// half-built inside it) "b.z" is "has no field z", and the Decoder fails
// {"b.z": 1} that Decode accepts.
func TestAdversary123_EmbeddingCycleIndexDependsOnOrder(t *testing.T) {
	guard123(t, func() {
		var alone CycRoot123
		if err := advisory.Decode(rec123(map[string]any{"b.z": 1}), &alone); err != nil || alone.B.CycA123 == nil || alone.B.Z != 1 {
			t.Fatalf("Decode {b.z} alone: %v", err)
		}
		var both CycRoot123
		if err := advisory.Decode(rec123(map[string]any{"b.z": 1, "a.z": 2}), &both); err != nil {
			t.Errorf("Decode {a.z, b.z}: %v (the same b.z decoded alone)", err)
		}
		d, err := advisory.NewDecoder[CycRoot123]()
		if err != nil {
			t.Fatal(err)
		}
		var got CycRoot123
		if err := d.Decode(rec123(map[string]any{"b.z": 1}), &got); err != nil {
			t.Errorf("Decoder.Decode {b.z}: %v; Decode: <nil>", err)
		}
	})
}

// ---------------------------------------------------------------------
// 4. The rules read client.income by its expr tag on a promoted field;
// Decode writes client.income into the struct's own Income.

type RuleInner123 struct {
	X float64 `expr:"income"`
}
type RuleClient123 struct {
	RuleInner123
	Income float64
}
type RuleFile123 struct {
	Client RuleClient123 `expr:"client"`
}

// TestAdversary123_RuleReadsOtherFieldThanDecodeWrites
//
// Contract (Decode): "each segment matched to a struct field by its
// `expr` tag, else its `json` tag, else its Go name (ignoring case)" and
// "The fields of an embedded struct are promoted, as the rules read them
// ("client.income" reaches Income in a struct the client's type embeds)".
// A record's client.income = 5: the rule `client.income == 5` must see 5.
func TestAdversary123_RuleReadsOtherFieldThanDecodeWrites(t *testing.T) {
	guard123(t, func() {
		fw, err := advisory.Compile[RuleFile123]([]byte(`ruleset r version 1
rule r1 {
  type "x.income"
  when client.income == 5
  title "income 5"
}
`))
		if err != nil {
			t.Fatal(err)
		}
		var f RuleFile123
		if err := advisory.Decode(rec123(map[string]any{"client.income": 5.0}), &f); err != nil {
			t.Fatal(err)
		}
		as, err := fw.Evaluate("c", f, now123)
		if err != nil || len(as) != 1 {
			t.Errorf("rule client.income == 5 after decoding client.income=5: alerts %v err %v (decoded %+v)", as, err, f)
		}
	})
}

// ---------------------------------------------------------------------
// 5. Differential: random records over a host type with embedded structs,
// embedded pointers (exported and unexported), shadowing, two promotions
// of one name at one depth, tags vs names, a self-embedding type, an
// embedded non-struct, an embedded time.Time, maps and slices of
// embedding structs. The Decoder must give Decode's result and error, and
// neither may write into the host's pointers or the record's values.

type DBase123 struct {
	Income float64 `expr:"income"`
	Since  time.Time
	Name   string
}
type DRates123 struct {
	Rate  float64 `json:"rate"`
	Score int
	Flag  bool
}
type DDeep123 struct {
	DRates123
	Depth int
	Score float64 // shadows DRates123.Score
}
type dhidden123 struct {
	Secret int
	Note   string
}
type DLeft123 struct {
	Dup int
	L   string
}
type DRight123 struct {
	Dup int
	R   string
}
type DSelf123 struct {
	*DSelf123
	X int
}
type DNum123 float64
type DStamp123 struct {
	time.Time
	Label string
}
type DClient123 struct {
	DBase123
	*DDeep123
	*dhidden123
	DLeft123
	DRight123
	DNum123
	Tagged   float64 `json:"name"`
	Accounts map[string]DLeft123
	Holdings []DDeep123
}
type DFile123 struct {
	Client DClient123  `expr:"client"`
	P      *DClient123 `expr:"p"`
	Loop   DSelf123    `expr:"loop"`
	Stamp  DStamp123   `expr:"stamp"`
}

var _ = DClient123{dhidden123: nil}

var paths123 = []string{
	"client.income", "client.since", "client.name", "client.rate", "client.score", "client.flag",
	"client.depth", "client.secret", "client.note", "client.dup", "client.l", "client.r", "client.dnum123",
	"client.dbase123", "client.dbase123.income", "client.dbase123.name", "client.ddeep123", "client.ddeep123.rate",
	"client.ddeep123.drates123.score", "client.drates123", "client.drates123.rate", "client.tagged",
	"client.accounts.isa.dup", "client.accounts.isa", "client.accounts", "client.holdings", "client.Income",
	"client.RATE", "client.dleft123.dup", "client.dright123.dup",
	"p", "p.income", "p.rate", "p.ddeep123.depth", "p.secret", "p.name",
	"loop.x", "loop.dself123.x", "loop.dself123.dself123.x", "loop.dself123",
	"stamp.label", "stamp.time", "stamp",
}

func value123(r *rand.Rand) any {
	switch r.Intn(16) {
	case 0:
		return 1.5
	case 1:
		return 2.0
	case 2:
		return 3
	case 3:
		return int8(4)
	case 4:
		return "s"
	case 5:
		return "2027-01-31"
	case 6:
		return true
	case 7:
		return now123
	case 8:
		return nil
	case 9:
		v := 7.0
		return &v
	case 10:
		return map[string]any{"rate": 0.5, "dup": 2}
	case 11:
		return map[string]any{"income": 9.0, "x": 3}
	case 12:
		return &DDeep123{Depth: 5, DRates123: DRates123{Rate: 0.25}}
	case 13:
		return []any{map[string]any{"rate": 0.75, "depth": 1}}
	case 14:
		return map[string]any{"isa": map[string]any{"dup": 1, "l": "x"}}
	default:
		return 300.0
	}
}

// host123 is a destination that holds the host's pointers.
func host123() (DFile123, *DDeep123, *DClient123, *DSelf123) {
	deep := &DDeep123{Depth: 1, Score: 2, DRates123: DRates123{Rate: 3, Score: 4}}
	p := &DClient123{Tagged: 6, DDeep123: deep, Accounts: map[string]DLeft123{"isa": {Dup: 7}}}
	self := &DSelf123{X: 8}
	return DFile123{Client: DClient123{DDeep123: deep, Accounts: map[string]DLeft123{"isa": {Dup: 9}}}, P: p, Loop: DSelf123{DSelf123: self}}, deep, p, self
}

func TestAdversary123_DecoderMatchesDecodeRandom(t *testing.T) {
	guard123(t, func() {
		d, err := advisory.NewDecoder[DFile123]()
		if err != nil {
			t.Fatal(err)
		}
		fails := 0
		for seed := int64(0); seed < 4000 && fails < 5; seed++ {
			mk := func() map[string]any {
				r := rand.New(rand.NewSource(seed))
				fields := map[string]any{}
				for n := 1 + r.Intn(4); n > 0; n-- {
					fields[paths123[r.Intn(len(paths123))]] = value123(r)
				}
				// often a record of leaves only, the fast path's
				if r.Intn(2) == 0 {
					for f, v := range fields {
						switch v.(type) {
						case float64, int, string, bool, time.Time:
						default:
							delete(fields, f)
						}
					}
				}
				return fields
			}
			for _, fresh := range []bool{true, false} {
				var a, b DFile123
				var deep *DDeep123
				var p *DClient123
				var self *DSelf123
				var deepA *DDeep123
				var pA *DClient123
				var selfA *DSelf123
				if !fresh {
					a, deepA, pA, selfA = host123()
					b, deep, p, self = host123()
				}
				var deepSnap DDeep123
				var pSnap DClient123
				var selfSnap DSelf123
				if deep != nil {
					deepSnap, pSnap, selfSnap = *deep, *p, *self
					pSnap.Accounts = map[string]DLeft123{"isa": p.Accounts["isa"]}
				}
				recA, recB := mk(), mk()
				ea := advisory.Decode(rec123(recA), &a)
				eb := d.Decode(rec123(recB), &b)
				var de *advisory.DecodeError
				if ea != nil && !errors.As(ea, &de) {
					t.Errorf("seed %d: Decode error %T is no *DecodeError", seed, ea)
				}
				if errText123(ea) != errText123(eb) || !reflect.DeepEqual(a, b) {
					fails++
					t.Errorf("seed %d fresh=%v record %v:\nDecode  %v %s\nDecoder %v %s", seed, fresh, mk(), ea, dump123(a), eb, dump123(b))
				}
				if !reflect.DeepEqual(recB, mk()) {
					fails++
					t.Errorf("seed %d: Decoder changed the record: %v", seed, recB)
				}
				if !reflect.DeepEqual(recA, mk()) {
					fails++
					t.Errorf("seed %d: Decode changed the record: %v", seed, recA)
				}
				if deepA != nil && (!reflect.DeepEqual(*deepA, deepSnap) || !reflect.DeepEqual(*selfA, selfSnap) || !reflect.DeepEqual(*pA, pSnap)) {
					fails++
					t.Errorf("seed %d: Decode wrote through the host's pointers (record %v): deep %+v self %+v p %+v", seed, mk(), *deepA, *selfA, *pA)
				}
				if deep != nil && (!reflect.DeepEqual(*deep, deepSnap) || !reflect.DeepEqual(*self, selfSnap) || !reflect.DeepEqual(*p, pSnap)) {
					fails++
					t.Errorf("seed %d: Decoder wrote through the host's pointers (record %v): deep %+v self %+v p %+v", seed, mk(), *deep, *self, *p)
				}
			}
		}
	})
}

func dump123(f DFile123) string {
	s := fmt.Sprintf("%+v", f.Client.DBase123)
	if f.Client.DDeep123 != nil {
		s += fmt.Sprintf(" deep=%+v", *f.Client.DDeep123)
	}
	if f.P != nil {
		s += fmt.Sprintf(" p=%+v", *f.P)
	}
	return s + fmt.Sprintf(" %+v", f)
}

// ---------------------------------------------------------------------
// 1b. The same gap without the panic: a slice of structs in an embedded
// struct. Decode fills it; the Decoder says the element has no field.

type SliceElem123 struct{ V float64 }
type SliceInner123 struct{ Hs []SliceElem123 }
type SliceRoot123 struct{ SliceInner123 }

// TestAdversary123_DecoderMissesStructsBehindEmbeddedStruct
//
// Contract (NewDecoder): "NewDecoder indexes T ... and the struct types
// its fields reach"; Decoder.Decode: "writes a consolidated record into
// dst, as [Decode] does". Record {"hs": [{"v": 1}]}: Decode fills
// Hs[0].V = 1, the Decoder fails "hs[0].v: SliceElem123 has no field v".
func TestAdversary123_DecoderMissesStructsBehindEmbeddedStruct(t *testing.T) {
	guard123(t, func() {
		c := rec123(map[string]any{"hs": []any{map[string]any{"v": 1.0}}})
		var want, got SliceRoot123
		werr := advisory.Decode(c, &want)
		d, err := advisory.NewDecoder[SliceRoot123]()
		if err != nil {
			t.Fatal(err)
		}
		gerr := d.Decode(c, &got)
		if errText123(werr) != errText123(gerr) || !reflect.DeepEqual(want, got) {
			t.Errorf("Decoder.Decode = %v %+v; Decode = %v %+v", gerr, got, werr, want)
		}
	})
}

// ---------------------------------------------------------------------
// 6. The rules over the type of test 3 (two structs that embed pointers
// to each other): compiling a rule that reads the promoted B.Z — a field
// Decode fills from a record's b.z — overflows the stack, a fatal error
// no recover catches. Run in a child process so the crash is observed,
// not suffered.

// TestAdversary123_CompileOverMutualEmbeddingCrashes
//
// Contract (README): "the library compiles them as untrusted input:
// unknown names and wrong types are caught at compile time ... a rule can
// never panic the host"; Decode's doc: promoted fields are filled "as the
// rules read them". Compile[CycRoot123] of `when B.Z == 1` kills the
// process (runtime: goroutine stack exceeds limit, in expr's checker
// findInEmbedded).
func TestAdversary123_CompileOverMutualEmbeddingCrashes(t *testing.T) {
	if os.Getenv("ADVERSARY123_CHILD") == "1" {
		_, err := advisory.Compile[CycRoot123]([]byte(`ruleset r version 1
rule r1 {
  type "x.z"
  when B.Z == 1
  title "z"
}
`))
		fmt.Println("compiled:", err)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestAdversary123_CompileOverMutualEmbeddingCrashes$", "-test.v")
	cmd.Env = append(os.Environ(), "ADVERSARY123_CHILD=1")
	done := make(chan struct{})
	var out []byte
	var err error
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatal("compile hung for 60 s")
	}
	if err != nil {
		head := string(out)
		if len(head) > 400 {
			head = head[:400]
		}
		t.Errorf("Compile over a type with mutually embedded structs killed the process: %v\n%s", err, head)
	}
}
