package dsl

import (
	"math"
	"testing"
	"time"
)

type a110Tier string

type a110Count uint64

func (c a110Count) Double() uint64 { return uint64(c) * 2 }

type a110F32 float32

func (f a110F32) Half() float64 { return float64(f) / 2 }

type a110KF float64

func (f a110KF) Half() float64 { return float64(f) / 2 }

type a110Env struct {
	PS   *string           `expr:"ps"`
	PSn  *string           `expr:"psn"`
	PT   *a110Tier         `expr:"pt"`
	PTn  *a110Tier         `expr:"ptn"`
	PB   *bool             `expr:"pb"`
	PBn  *bool             `expr:"pbn"`
	PBf  *bool             `expr:"pbf"`
	PPS  **string          `expr:"pps"`
	PPSn **string          `expr:"ppsn"`
	PPB  **bool            `expr:"ppb"`
	PPBn **bool            `expr:"ppbn"`
	M    map[string]any    `expr:"m"`
	LPS  []*string         `expr:"lps"`
	LPT  []*a110Tier       `expr:"lpt"`
	LPB  []*bool           `expr:"lpb"`
	A    any               `expr:"a"`
	C    bool              `expr:"c"`
	Big  a110Count         `expr:"big"`
	Cnt  a110Count         `expr:"cnt"`
	Cnts []a110Count       `expr:"cnts"`
	F32  a110F32           `expr:"f32"`
	KNaN a110KF            `expr:"knan"`
	KF   a110KF            `expr:"kf"`
	Xs   []int             `expr:"xs"`
	Ss   []string          `expr:"ss"`
	MI   map[string]int    `expr:"mi"`
	MIS  map[int]string    `expr:"mis"`
	S    string            `expr:"s"`
	I    int               `expr:"i"`
	D    time.Duration     `expr:"d"`
	PD   *time.Duration    `expr:"pd"`
	PDn  *time.Duration    `expr:"pdn"`
	At   time.Time         `expr:"at"`
	PAt  *time.Time        `expr:"pat"`
	Far  time.Time         `expr:"far"`
	Big1 []int             `expr:"big1"`
	MM   map[string]string `expr:"ms"`
}

func a110Env0() a110Env {
	s, t, b, f := "a", a110Tier("gold"), true, false
	ps := &s
	var nilS *string
	var nilB *bool
	pb := &b
	d := time.Hour
	at := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	big := make([]int, 200_000)
	return a110Env{
		PS: &s, PT: &t, PB: &b, PBf: &f, PPS: &ps, PPSn: &nilS, PPB: &pb, PPBn: &nilB,
		M:   map[string]any{"ps": &s, "psn": nilS, "pb": &b, "pbn": nilB, "pt": &t, "ptn": (*a110Tier)(nil), "pps": &ps, "n": nil},
		LPS: []*string{&s, nil},
		LPT: []*a110Tier{&t, nil},
		LPB: []*bool{nil, &b},
		A:   nilS,
		C:   true,
		Big: a110Count(math.MaxUint64), Cnt: 5, Cnts: []a110Count{1, 5, a110Count(math.MaxUint64)},
		F32: 1.5, KNaN: a110KF(math.NaN()), KF: 2.5,
		Xs: []int{3, 1, 2}, Ss: []string{"a", "b", "c"},
		MI: map[string]int{"a": 1}, MIS: map[int]string{0: "x", 1: "y"},
		S: "a", I: 3, D: 90 * time.Minute, PD: &d, At: at, PAt: &at,
		Far:  time.Date(300_000_000, 1, 1, 0, 0, 0, 0, time.UTC),
		Big1: big, MM: map[string]string{"a": "b"},
	}
}

var a110Opts = []Option{
	WithMethods[a110Count]("Double"), WithMethods[a110F32]("Half"), WithMethods[a110KF]("Half"),
	WithFunc1("isA", func(p *string) bool { return p != nil && *p == "a" }),
	WithFunc1("isNilS", func(p *string) bool { return p == nil }),
	WithFunc1("tierOf", func(p *a110Tier) bool { return p == nil }),
	WithFunc1("bOf", func(p *bool) bool { return p != nil && *p }),
}

// Contract (doc.go, Built-ins; find_last.go): expr's own built-ins
// (find, findLast, findLastIndex, ...) are available with expr's meaning,
// and the rewrite of findLast/findLastIndex "tries the same elements in
// the same order"; a type error is a compile error.
//
// Broken: findLast and findLastIndex over a map or a string now compile
// and decide, where find and findIndex (and expr's findLast before the
// rewrite) refuse them at compile time ("builtin findIndex takes only
// array (got map[int]string)"). With mis = map[int]string{0: "x", 1: "y"},
// `findLastIndex(mis, # == "y") == 1` and `findLast(mis, # == "x") == "x"`
// fire, reading the map's values by the keys 0..len-1; with s = "a",
// `findLastIndex(s, true) == 0` fires. Over a map[string]int the rule
// compiles and fails at run time with reflect's own message
// ("reflect.Value.MapIndex: value of type int is not assignable to type
// string") on every non-empty map.
//
// Mechanism (guess): find_last.go rewrites the call to
// `let __lastN = list; find(reverse(0..len(__lastN)-1), p')` with # read
// as __lastN[#] before expr's checker sees findLast; len and [] take maps
// and strings, and find now searches an int range, so the checker's "takes
// only array" test on the original argument is never made.
func TestAdversary110FindLastOverMapOrStringDecides(t *testing.T) {
	for _, w := range []string{
		`findLastIndex(mis, # == "y") == 1`,
		`findLast(mis, # == "x") == "x"`,
		`findLastIndex(s, true) == 0`,
		`findLast(mi, true) == nil`,
	} {
		for i, r := range a93Check(t, a22When(w), a110Env0(), a110Opts...) {
			if r.compileErr == nil {
				t.Errorf("%s: %s compiled (%s); want a compile error as findIndex/find give (builtin takes only array)", a22Names[i], w, r)
			}
		}
	}
	// control: find and findIndex refuse the same arguments
	for _, w := range []string{`findIndex(mis, # == "y") == 1`, `find(mis, # == "x") == "x"`, `findIndex(s, true) == 0`} {
		for i, r := range a93Check(t, a22When(w), a110Env0(), a110Opts...) {
			if r.compileErr == nil {
				t.Errorf("control %s: %s compiled: %s", a22Names[i], w, r)
			}
		}
	}
}
