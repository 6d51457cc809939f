package dsl

// The hundred-and-seventh adversary's suite, aimed at aa9c658: __plain
// (numbers.go wrapPlain/plainValue/plainType) reading kept named strings
// and bools and values known only at run time as plain; let-bound computed
// receivers; a duration's Abs and Round checked (date_step.go
// durationMethod); nil pointers given to methods; host functions refusing
// numbers that do not fit (functions.go fitsNumber). Failing probes first,
// then passing probes kept as regression tests.

import (
	"errors"
	"math"
	"testing"
	"time"
)

type a107Label string

func (l a107Label) Is(s string) bool      { return string(l) == s }
func (l a107Label) Self() a107Label       { return l }
func (l a107Label) R8(n uint8) int        { return int(n) }
func (l a107Label) F32(f float32) float64 { return float64(f) }
func (l a107Label) Maybe(ok bool) *a107Label {
	if ok {
		return &l
	}
	return nil
}
func (l a107Label) Flag() a107Flag { return a107Flag(l == "gold") }

type a107Tier string

type a107Flag bool

func (f a107Flag) Not() a107Flag { return !f }

type a107Box struct {
	L  a107Label  `expr:"l"`
	PL *a107Label `expr:"pl"`
	F  a107Flag   `expr:"f"`
	PF *a107Flag  `expr:"pf"`
}

type a107Env struct {
	Label   a107Label            `expr:"label"`
	PLabel  *a107Label           `expr:"plabel"`
	NilL    *a107Label           `expr:"nill"`
	Labels  []a107Label          `expr:"labels"`
	PLabels []*a107Label         `expr:"plabels"`
	Flag    a107Flag             `expr:"flag"`
	Off     a107Flag             `expr:"off"`
	PFlag   *a107Flag            `expr:"pflag"`
	NilF    *a107Flag            `expr:"nilf"`
	Flags   []a107Flag           `expr:"flags"`
	Box     *a107Box             `expr:"box"`
	NoBox   *a107Box             `expr:"nobox"`
	Boxes   []*a107Box           `expr:"boxes"`
	MB      map[string]a107Box   `expr:"mb"`
	ML      map[string]a107Label `expr:"ml"`
	M       map[string]any       `expr:"m"`
	I       int                  `expr:"i"`
	F       float64              `expr:"f"`
	S       string               `expr:"s"`
	D       time.Duration        `expr:"d"`
	PD      *time.Duration       `expr:"pd"`
	Big     time.Duration        `expr:"big"`
	MinD    time.Duration        `expr:"mind"`
	PMinD   *time.Duration       `expr:"pmind"`
	PBig    *time.Duration       `expr:"pbig"`
	Q       time.Duration        `expr:"q"`
	Q1      time.Duration        `expr:"q1"`
	At      time.Time            `expr:"at"`
	PAt     *time.Time           `expr:"pat"`
	Nan     float64              `expr:"nan"`
	MK      map[string]int       `expr:"mk"`
}

func a107Env0() a107Env {
	l, f := a107Label("gold"), a107Flag(true)
	d, mind, big := time.Hour, time.Duration(math.MinInt64), time.Duration(math.MaxInt64)
	at := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	n, s := 2, "gold"
	tier := a107Tier("gold")
	var nilInt *int
	var nilStr *string
	var nilL *a107Label
	return a107Env{
		Label: l, PLabel: &l, Labels: []a107Label{"gold", "bronze"}, PLabels: []*a107Label{&l, nil},
		Flag: true, PFlag: &f, Flags: []a107Flag{true, false},
		Box:   &a107Box{L: l, PL: &l, F: true, PF: &f},
		Boxes: []*a107Box{{L: l, PL: &l, F: true, PF: &f}, nil},
		MB:    map[string]a107Box{"k": {L: l, F: true}},
		ML:    map[string]a107Label{"k": l},
		M: map[string]any{"l": l, "pl": &l, "nill": nilL, "f": f, "pf": &f, "n": 2, "pn": &n, "nilint": nilInt, "nilstr": nilStr,
			"s": "gold", "ps": &s, "nan": math.NaN(), "ls": []a107Label{"gold"}, "d": time.Hour, "t": at, "list": []any{1, 2}, "map": map[string]any{"a": 1},
			"box": a107Box{L: l}, "pbox": &a107Box{L: l}, "bools": []any{nil, true}, "tr": true, "pt": &tier},
		I: 3, F: 1.5, S: "gold", D: d, PD: &d, Big: big, MinD: mind, PMinD: &mind, PBig: &big,
		MK: map[string]int{"gold": 1}, Q: 1 << 62, Q1: 1<<62 + 1, At: at, PAt: &at, Nan: math.NaN(),
	}
}

var a107Methods = []Option{
	WithMethods[a107Label]("Is", "Self", "R8", "F32", "Maybe", "Flag"),
	WithMethods[a107Flag]("Not"),
	WithFunc1("n8", func(n uint8) int { return int(n) }),
	WithFunc1("i8", func(n int8) int { return int(n) }),
	WithFunc1("f32", func(f float32) float64 { return float64(f) }),
	WithFunc1("un", func(n uint) int { return int(n) }),
	WithFunc1("u64", func(n uint64) float64 { return float64(n) }),
	WithFunc1("isL", func(l a107Label) bool { return l == "gold" }),
	WithFunc1("isF", func(f a107Flag) bool { return bool(f) }),
	WithFunc1("pL", func(l *a107Label) bool { return l != nil }),
	WithFunc1("nilL", func(b bool) *a107Label { return nil }),
	WithFunc1("nilB", func(b bool) any { return nil }),
}

// a107Want runs each condition on both backends with Explain (a93Check:
// no panic, typed and placed errors, Explain agrees with Eval, the
// backends agree) and wants it compiled and decided with hits hits and no
// error.
func a107Want(t *testing.T, hits int, whens []string, why string) {
	t.Helper()
	for _, w := range whens {
		for i, r := range a93Check(t, a22When(w), a107Env0(), a107Methods...) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != hits {
				t.Errorf("%s: %s\n  got %s\n  want %d hit(s), no error: %s", a22Names[i], w, r, hits, why)
			}
		}
	}
}

// a107Fails wants each condition to compile and fail its evaluation with
// kind (errors.Is), on both backends; with compileOK a compile-time error
// is accepted too.
func a107Fails(t *testing.T, kind error, compileOK bool, whens []string, why string) {
	t.Helper()
	for _, w := range whens {
		for i, r := range a93Check(t, a22When(w), a107Env0(), a107Methods...) {
			if r.compileErr != nil {
				if !compileOK {
					t.Errorf("%s: %s: compile error %v; want it to compile and fail with %v", a22Names[i], w, r.compileErr, kind)
				}
				continue
			}
			if !errors.Is(r.err, kind) {
				t.Errorf("%s: %s\n  got %s\n  want an evaluation error %v: %s", a22Names[i], w, r, kind, why)
			}
		}
	}
}

// Contract (doc.go, Numbers): a named string "whose methods the host lets
// rules call keeps its type ... and is read as a string ... wherever a rule
// needs one: a comparison, ..."; `"gold" in tiers` decides as it reads;
// type errors are refused only where there is one (here the list and the
// value are of the same host type).
//
// Broken (regression of aa9c658; all decided at be717f6): with label a
// Label (methods registered) and labels []Label, `label in labels`,
// `"gold" in labels`, `"gold" in [label]`, `plabel in labels`,
// `ml.k in labels` are compile errors: "cannot use string as type
// dsl.a107Label in array".
//
// Mechanism (guess): numbers.go wrapNumbers' BinaryNode case wraps the
// left operand of `in` in __plain (plainType: string) but leaves the list
// as []Label; expr's checker then refuses a string needle in a []Label
// (and a literal "gold" is never converted to the list's element type).
func TestAdversary107_InOverListOfKeptNamedStringsRefused(t *testing.T) {
	a107Want(t, 1, []string{
		`label in ["gold"]`, // control: decides
		`label in labels`,
		`"gold" in labels`,
		`"gold" in [label]`,
		`plabel in labels`,
		`ml.k in labels`,
		`label.Is("gold") && label in labels`,
	}, "label is \"gold\", labels holds \"gold\"")
}

// Contract (doc.go, Numbers): a kept named string "is read as a string
// ... wherever a rule needs one: a comparison, a text operator, a
// condition, &&, a key"; the library's text built-ins take strings.
//
// Broken (regression of aa9c658; all decided at be717f6):
// `upper(label) == "GOLD"` and `lower(label) == "gold"` are compile
// errors ("cannot use dsl.a107Label as argument (type string) to call
// upper"); `mk[label] == 1` (mk a map[string]int) and
// `{"gold": 1}[label] == 1` are compile errors ("cannot use dsl.a107Label
// to get an element from map[string]int").
//
// Mechanism (guess): numbers.go: textCalls holds expr's trim/indexOf…
// only (upper, lower are the library's governed built-ins and are not
// wrapped in __plain), and no case wraps a MemberNode's property (an
// index key) in __plain.
func TestAdversary107_KeptNamedStringAsTextArgumentOrKeyRefused(t *testing.T) {
	a107Want(t, 1, []string{
		`trim(label) == "gold"`, // control: decides
		`upper(label) == "GOLD"`,
		`lower(label) == "gold"`,
		`mk[label] == 1`,
		`{"gold": 1}[label] == 1`,
	}, "label is \"gold\"")
}

// Contract (doc.go, NaN and nil): "give a default (`a?.b ?? 0`, where the
// default is what decides)", `when p?.flag`; (Numbers) a kept named bool
// "is read as ... a bool wherever a rule needs one: ... a condition".
//
// Broken (regression of aa9c658; decided at be717f6): with Flag a named
// bool whose method is registered, `box?.f ?? false`, `nobox?.f ?? false`
// and `pflag ?? false` as a whole condition are compile errors: "the when
// is unknown; it must be a bool". `(box?.f ?? false) && true` decides.
//
// Mechanism (guess): expr types `Flag ?? bool` as interface{} (unknown);
// numbers.go normalizeNumbers wraps the root only where its type is a kept
// bool (keptText), so a root of unknown type is left to the condition
// check, which refuses it (the kept Flag is no longer read as 'b').
func TestAdversary107_OptionalKeptFlagWithDefaultRefused(t *testing.T) {
	a107Want(t, 1, []string{
		`(box?.f ?? false) && true`, // control: decides
		`box?.f ?? false`,
		`pflag ?? false`,
	}, "box.f and *pflag are true")
	a107Want(t, 0, []string{`nobox?.f ?? false`}, "nobox is nil: the default false decides")
}

// Contract (doc.go, Numbers): named strings and bools "decide as they
// read, and so do the same values behind an any or a pointer in one";
// "a value of the wrong kind never silently decides".
//
// Broken (regression of aa9c658; all fired at be717f6): a pointer to a
// string or bool behind an any, as the needle of `in`: with m.pl = &Label
// ("gold"), m.pt = &Tier("gold") (no methods) and m.pf = &Flag(true),
// `m.pl in ["gold"]`, `m.pt in ["gold"]` and `m.pf in [true]` are false
// with no error, both backends, Explain agreeing; `m.pl == "gold"`,
// `m.pt == "gold"` and `m.ps in ["gold"]` (a *string) fire.
//
// Mechanism (guess): aa9c658 dropped strings and bools from
// dynamicNumber's pointer case (numbers.go), and wrapNumbers wraps the
// left of `in` with dynamic=false (eq is only == and !=), so the
// pointer reaches expr's `in`, which compares *Label with "gold".
func TestAdversary107_PointerBehindAnyMissesIn(t *testing.T) {
	a107Want(t, 1, []string{
		`m.pl == "gold" && m.pt == "gold" && m.ps in ["gold"]`, // control: decides
		`m.pl in ["gold"]`,
		`m.pt in ["gold"]`,
		`m.pf in [true]`,
	}, "the pointer behind the any points to \"gold\" (true)")
}

// Contract (doc.go, NaN and nil): "A nil pointer to a string or a bool
// fails where it would be read as "" or false: a text operator or
// built-in (matches, contains, upper), in, !, && and ||"; (Numbers) named
// strings decide "and so do the same values behind an any".
//
// Broken: a nil *Label or *string behind an any as the needle of `in`
// decides silently: `!(m.nill in ["gold"])` and `!(m.nilstr in ["gold"])`
// fire, no error, both backends; `nill in ["gold"]` (the field itself)
// and `m.nill contains "o"` fail with ErrEval.
//
// Mechanism (guess): numbers.go wrapNumbers wraps `in`'s left operand
// with wrapPlain(dynamic=false, strict=false): an any is never wrapped,
// and nothing on the `in` path applies the strict nil rule to a typed nil
// pointer behind an interface.
func TestAdversary107_NilPointerBehindAnyDecidesIn(t *testing.T) {
	a107Fails(t, ErrEval, false, []string{
		`nill in ["gold"]`,    // control: fails
		`m.nill contains "o"`, // control: fails
		`!(m.nill in ["gold"])`,
		`!(m.nilstr in ["gold"])`,
	}, "a nil pointer to a string decides nothing")
}

// Contract (doc.go, Numbers): "Nothing wraps around"; a duration's Abs
// and Round "fail where Go saturates them" — and elsewhere give Go's value.
//
// Broken (regression of aa9c658; fired at be717f6): with q = 2^62 ns and
// q1 = 2^62+1 ns, Go's q.Round(q1) is q1 (q is 1ns from q1, 2^62 from 0),
// but `q.Round(q1) == q1` is false, no error: the library gives 0;
// `(q * -1).Round(q1) == q1 * -1` too.
//
// Mechanism (guess): date_step.go durationMethod tests "less than half"
// as r+r < m in int64; r+r overflows for r >= 2^62 and the negative sum
// is taken for less than half (Go's lessThanHalf adds as uint64).
func TestAdversary107_DurationRoundWrongPastHalfRange(t *testing.T) {
	q, q1 := time.Duration(1<<62), time.Duration(1<<62+1)
	if q.Round(q1) != q1 || (-q).Round(q1) != -q1 {
		t.Fatalf("Go's Round: %v, %v", q.Round(q1), (-q).Round(q1))
	}
	a107Want(t, 1, []string{
		`d.Round(d) == d`, // control
		`q.Round(q1) == q1`,
		`(q * -1).Round(q1) == q1 * -1`,
	}, "Go's Round gives the multiple q1 (no saturation)")
}

// Contract (doc.go, Numbers): "a duration's Abs and Round [fail with
// ErrOverflow] where Go saturates them"; durations' arithmetic is checked
// "through a pointer too (*time.Duration ...)".
//
// Broken: through a *time.Duration the check is skipped: with *pmind the
// smallest duration and *pbig the largest, `pmind.Abs() == big`,
// `pmind?.Abs() == big`, `(let x = pmind; x.Abs()) == big` and
// `pbig.Round(duration("1h")) == big` fire with no error (`mind.Abs()`
// fails with ErrOverflow).
//
// Mechanism (guess): date_step.go boundTimeCall rewrites Abs/Round into
// __dmethod only where m.Node.Type() == durationType, not for a pointer
// receiver (receiverType derefs it, the extra test does not).
func TestAdversary107_DurationAbsRoundThroughPointerSaturate(t *testing.T) {
	a107Fails(t, ErrOverflow, true, []string{
		`mind.Abs() == big`, // control: fails
		`pmind.Abs() == big`,
		`pmind?.Abs() == big`,
		`(let x = pmind; x.Abs()) == big`,
		`pbig.Round(duration("1h")) == big`,
	}, "|minimum duration| and big rounded up to an hour do not fit a duration")
}

// Contract (doc.go, Numbers): "A host function or method that takes the
// named type is given it back; a number given to a narrower parameter
// must fit it (300 for a uint8 fails with [ErrOverflow])"; never a rule
// that compiles and fails every evaluation.
//
// Broken: a registered method with a uint8 parameter, R8(n uint8), given
// an int field or a map value that fits (`label.R8(i) == 3`, i = 3;
// `label.R8(m.n) == 2`) compiles and fails every evaluation with
// "reflect: Call using int as type uint8" (ErrEval, not a type error at
// compile time); given -1 or i * 100 it fails with the same reflect
// message, not ErrOverflow. The host function n8(uint8) decides/fails as
// the doc says. `label.R8(3)` decides.
//
// Mechanism (guess): fitsNumber/convertValue (functions.go) apply to host
// functions only; a method's arguments go to expr's reflect call as they
// are, and expr's checker accepts an int for an integer parameter.
func TestAdversary107_MethodNarrowIntegerParameter(t *testing.T) {
	a107Want(t, 1, []string{
		`label.R8(3) == 3 && n8(i) == 3 && n8(m.n) == 2`, // control
		`label.R8(i) == 3`,
		`label.R8(m.n) == 2`,
	}, "3 and 2 fit a uint8")
	a107Fails(t, ErrOverflow, true, []string{
		`n8(i * 100) == 44`, // control
		`label.R8(i * 100) == 44`,
		`label.R8(m.n - 3) == 255`,
	}, "300 and -1 do not fit a uint8")
}

// Passing probe. Contract (doc.go, NaN and nil): "Operators that
// short-circuit decide before they look"; "A nil operand of &&, ||, ! or
// a text operator fails: a nil decides nothing"; predicates' conditions
// are conditions. Explain agrees with Eval (a93Check).
func TestAdversary107_ShortCircuitAndStrictNil(t *testing.T) {
	a107Want(t, 0, []string{`false && m.missing`, `false && nilB(true)`, `off && m.missing`},
		"the left operand decides; the nil is never read")
	a107Want(t, 1, []string{`true || m.missing`, `!(false && m.missing)`, `label.Flag() || m.missing`, `flag or nilB(true)`},
		"the left operand decides; the nil is never read")
	a107Fails(t, ErrEval, false, []string{
		`true && m.missing`, `i > 0 && nilB(true)`, `!nilB(true)`, `!m.nill`, `any(m.bools, #)`,
		`filter([1], m.missing) == []`, `i > 0 && (flag ? m.missing : true)`, `label.Maybe(false) contains "g"`,
		`trim(m.nill) == "g"`,
	}, "a nil decides nothing")
}

// Passing probe. Contract (doc.go, NaN and nil; Numbers): == and != on
// values known only at run time read them as the host's types read
// (pointers to numbers, strings and bools as what they point to, a nil
// pointer equal to no value); NaN fails any comparison with ErrNaN; the
// closures agree with expr, Explain with Eval.
func TestAdversary107_DynamicEqualityDecidesAsRead(t *testing.T) {
	a107Want(t, 1, []string{
		`m.pn == 2 && m.pn == m.n && m.pl == "gold" && "gold" == m.pl && m.pl == label && m.pt == "gold"`,
		`m.pf == true && m.pf == flag && m.f in [true] && m.l in ["gold"] && m.l in labels`,
		`m.nill == nil && m.nilint == nil && m.nilstr == nil && m.nill != "gold" && m.nilint != 0`,
		`label != nill && !(label == nill) && flag != nilf && nill != "gold"`,
		`m.d == d && m.t == at && m.list == [1, 2] && m.box == m.box && m.pl != m.nill`,
		`"gold" in m.ls && label in m.ls && m.ls[0] == "gold"`,
	}, "each comparison holds")
	a107Fails(t, ErrNaN, false, []string{`m.nan == m.nan`, `m.nan != 1`, `m.nan in [1]`, `f32(m.nan) != 0`, `nan == m.nan`},
		"a NaN decides no comparison")
}

// Passing probe. Contract (doc.go, Numbers): a kept named string or bool
// keeps its type "so a method is called on it through lets and chains";
// a method on a computed receiver is called (aa9c658); host functions
// taking the named type get it back, a nil pointer where they take one.
func TestAdversary107_KeptNamedValuesThroughLetsChainsAndFunctions(t *testing.T) {
	a107Want(t, 1, []string{
		`label.Self().Is("gold") && (let l = label; l.Self()) == "gold" && (let l = label; l).Is("gold")`,
		`(flag ? label : label).Is("gold") && ([label][0]).Self().Is("gold") && (label.Self() ?? label).Is("gold")`,
		`plabel?.Self()?.Is("gold") && nill?.Self() == nil && (nill?.Self() ?? "x") == "x"`,
		`label.Maybe(false)?.Is("gold") ?? true`,
		`label.Maybe(true).Is("gold") && label.Maybe(false) == nil && label.Maybe(true) == "gold"`,
		`label.Flag() && !label.Flag().Not() && (let x = flag.Not(); x.Not()) && off.Not()`,
		`(label.Flag() ? 1 : 2) == 1 && (off ? false : true) && mb.k.f && ml.k.Is("gold")`,
		`isL(label) && isL(m.l) && isL(label.Self()) && isF(flag) && isF(label.Flag()) && pL(plabel) && !pL(nill)`,
		`label contains "ol" && plabel matches "^g" && trim(label) == "gold" && label + "x" == "goldx" && label[0:1] == "g"`,
		`any(labels, # == "gold") && any(flags, #) && sortBy(labels, #)[0] == "bronze" && len(groupBy(labels, #)) == 2`,
		`(nobox?.l ?? label).Is("gold") && (nobox?.l ?? "x") contains "x"`,
		`(d + d).Abs() > d && (d + d).Round(d) == d + d && (at.Sub(pat)).Abs() == 0 * d`,
	}, "each holds for label = gold, flag = true")
}

// Passing probe. Contract (doc.go, Numbers): a host function's number
// "must fit" its parameter: ErrOverflow (or a compile error for a
// literal), never the wrapped value; a value that fits is given.
func TestAdversary107_HostFunctionNarrowParameters(t *testing.T) {
	a107Want(t, 1, []string{`n8(3) == 3 && n8(m.n) == 2 && un(i) == 3 && u64(m.n) == 2 && i8(127) == 127`},
		"each argument fits")
	a107Fails(t, ErrOverflow, true, []string{`n8(300) == 44`, `n8(-1) == 255`, `n8(i * 100) == 44`, `un(-1) == 0`,
		`u64(m.n - 3) > 0`, `i8(m.n * 100) == -56`}, "the argument does not fit the parameter")
}

// Passing probe. Contract (doc.go, Rule files): tables read inputs
// through pointers and compare kept named strings and bools as plain
// ones; a nil input passes only - and nil; a decision's kept output is
// read as a string and keeps its methods; Explain agrees (a93Check).
func TestAdversary107_KeptNamedValuesInTables(t *testing.T) {
	for _, c := range []struct {
		body string
		hits int
	}{
		{"table tb hit first {\n  type \"t\"\n  in label, plabel, flag, pflag\n  row \"gold\", \"gold\", true, true => urgency 0.5\n}\n", 1},
		{"table tb hit first {\n  type \"t\"\n  in nill, nilf\n  row \"gold\", - => urgency 0.5\n  row nil, nil => urgency 0.2\n}\n", 1},
		{"table tb hit first {\n  type \"t\"\n  in label.Self(), label.Flag(), off\n  row \"gold\", true, false => urgency 0.5\n}\n", 1},
		{"table tb hit first {\n  type \"t\"\n  in label\n  row > \"a\" => urgency 0.5\n}\n", 1},
		{"table tb hit unique {\n  type \"t\"\n  in flag\n  row true => output band label\n}\nrule r {\n  type \"x\"\n  when tb.band contains \"ol\" && tb.band == \"gold\" && tb.band.Is(\"gold\")\n}\n", 2},
		{"rule d {\n  type \"t\"\n  when flag\n  let l = label.Self()\n  urgency l == \"gold\" ? 0.5 : 0.1\n  title \"{l}\"\n}\n", 1},
	} {
		for i, r := range a93Check(t, c.body, a107Env0(), a107Methods...) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != c.hits {
				t.Errorf("%s: %s\n  got %s; want %d hits", a22Names[i], c.body, r, c.hits)
			}
		}
	}
}

// Passing probe. Contract (doc.go, Errors): every error is placed: rule,
// statement, line and column of the part that failed (a nil read through
// a let is placed where the let is read; __plain, __dmethod add no place
// of their own).
func TestAdversary107_ErrorPositionsOfNewWrappers(t *testing.T) {
	for _, c := range []struct {
		body      string
		line, col int
	}{
		{"rule r {\n  type \"t\"\n  let x = m.missing\n  when i > 0 &&\n       x\n}\n", 6, 8},
		{"rule r {\n  type \"t\"\n  when i > 0 &&\n       (flag ? m.missing : true)\n}\n", 5, 32},
		{"rule r {\n  type \"t\"\n  when i > 0 &&\n       q.Round(q1) > mind.Abs()\n}\n", 5, 27},
		{"rule r {\n  type \"t\"\n  when i > 0 && trim(m.nill) == \"g\"\n}\n", 4, 22},
		{"rule r {\n  type \"t\"\n  when i > 0 && any(m.bools, #)\n}\n", 4, 30},
	} {
		for i, o := range [][]Option{a107Methods, append([]Option{exprOnly}, a107Methods...)} {
			rs, err := CompileRules[a107Env]([]byte("ruleset a107 version 1\n"+c.body), o...)
			if err != nil {
				t.Fatalf("%s: %s: %v", a22Names[i], c.body, err)
			}
			_, err = rs.Eval(a107Env0(), a22Now)
			var de *Error
			if !errors.As(err, &de) || de.RuleID != "r" || de.Statement != "when" || de.Line != c.line || de.Column != c.col {
				t.Errorf("%s: %s: %v; want an *Error of rule r, when, at %d:%d", a22Names[i], c.body, err, c.line, c.col)
			}
		}
	}
}
