package advisory_test

// The twenty-third adversary's suite. Every test here fails on the code
// it was written against, names the promise it breaks and the minimal
// input that breaks it.

import (
	"context"
	"iter"
	"math"
	"os"
	"os/exec"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
)

var a23At = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// a23Node is a host's linked list: a struct, which a record may hold
// ("a struct, a pointer to one") and which checkValue accepts as it is.
type a23Node struct {
	V    int
	Next *a23Node
}

type a23WithFunc struct{ F func() }

type a23WithIntMap struct{ M map[int]string }

type a23Risk string

type a23Cyclic struct{ M map[string]any }

type a23File struct {
	N int `expr:"n"`
}

// TestAdversary23_ConflictOnIdenticalDeepStruct: a Conflict is "a field
// on which sources hold different values". Two sources holding the very
// same host struct value, a linked list of 20 nodes, were reported as
// disagreeing: sameValue stopped at maxValueDepth (16). Since adversary
// 45 a struct is walked by checkValue as a slice or map is, so the list
// nests deeper than a record's value may and is refused with an error
// naming the field, not reported as a conflict.
func TestAdversary23_ConflictOnIdenticalDeepStruct(t *testing.T) {
	var head *a23Node
	for i := range 20 {
		head = &a23Node{V: i, Next: head}
	}
	a23Refused(t, *head, "deeper than 16")
}

// a23Refused checks that Consolidate refuses v, from both sources, with
// an error naming field x and saying want.
func a23Refused(t *testing.T, v any, want string) {
	t.Helper()
	recs := []advisory.Record{
		{Source: "crm", AsOf: a23At, Fields: map[string]any{"x": v}},
		{Source: "custodian", AsOf: a23At, Fields: map[string]any{"x": v}},
	}
	if _, err := advisory.Consolidate("c", recs, advisory.Policy{}); err == nil || !strings.Contains(err.Error(), "field x") || !strings.Contains(err.Error(), want) {
		t.Errorf("%T: Consolidate: %v; want an error naming field x: %s", v, err, want)
	}
}

// TestAdversary23_ConflictOnIdenticalStructWithUncomparableField: a
// struct value was accepted whole, and two sources holding the same one
// were said to disagree when a field was a nil func or a map with
// non-string keys. Since adversary 45 a record's struct is checked field
// by field ("a value made of these"), so these values are refused.
func TestAdversary23_ConflictOnIdenticalStructWithUncomparableField(t *testing.T) {
	a23Refused(t, a23WithFunc{}, "func()")
	a23Refused(t, a23WithIntMap{M: map[int]string{1: "a"}}, "map[int]string")
}

// TestAdversary23_ConflictOnIdenticalNaNElement: two sources holding one
// and the same list (or map) with a NaN in it are reported as a conflict,
// "sources hold different values": sameNumber compares NaN with ==. (A NaN
// on its own is empty; inside a value it is a value, and both sources hold
// the same one.) Minimal input: x = []float64{NaN} from crm and custodian.
// Since adversary 48 a NaN (or an infinity) inside a value is refused, as
// a number the consolidated record could not write as JSON: an error
// naming the field, not a conflict.
func TestAdversary23_ConflictOnIdenticalNaNElement(t *testing.T) {
	for _, v := range []any{[]float64{math.NaN()}, map[string]any{"k": math.NaN()}} {
		a23Refused(t, v, "NaN inside a value")
	}
}

// TestAdversary23_NamedEmptyStringIsNotEmpty: Record: `Nil, "", NaN, the
// zero time ... are empty: the source does not know the field`, and
// SourceOfTruth takes "the first source in the policy's order that has
// one". A named string type's "" (a host's `type Risk string`, which a
// record may hold) is not treated as empty, so the source of truth's
// blank wins over the fallback's value, and a conflict is raised. Minimal
// input: crm x = Risk(""), custodian x = Risk("high"), sources [crm, custodian].
func TestAdversary23_NamedEmptyStringIsNotEmpty(t *testing.T) {
	recs := []advisory.Record{
		{Source: "crm", AsOf: a23At, Fields: map[string]any{"x": a23Risk("")}},
		{Source: "custodian", AsOf: a23At, Fields: map[string]any{"x": a23Risk("high")}},
	}
	p := advisory.Policy{Default: advisory.FieldPolicy{Sources: []string{"crm", "custodian"}}}
	c, err := advisory.Consolidate("c", recs, p)
	if err != nil {
		t.Fatal(err)
	}
	if c.Fields["x"] != a23Risk("high") || c.Provenance["x"].Source != "custodian" || len(c.Conflicts) != 0 {
		t.Errorf("x = %#v from %s, conflicts %d; want \"high\" from custodian (crm's \"\" says nothing), no conflict",
			c.Fields["x"], c.Provenance["x"].Source, len(c.Conflicts))
	}
}

// TestAdversary23_ConsolidateOrderTieZoneName: Consolidate: "the records'
// order does not matter, and two records of one source are taken as
// versions". Two versions of crm as of one time are ordered by their
// values' %#v, and Time.GoString prints a zone by its name only: 10:00 in
// a zone "X" of +1h and 10:00 in a zone "X" of +2h print alike, yet are
// different instants, so the records' order picks the value (09:00Z one
// way, 08:00Z the other).
func TestAdversary23_ConsolidateOrderTieZoneName(t *testing.T) {
	v1 := time.Date(2025, 6, 1, 10, 0, 0, 0, time.FixedZone("X", 3600))
	v2 := time.Date(2025, 6, 1, 10, 0, 0, 0, time.FixedZone("X", 7200))
	r1 := advisory.Record{Source: "crm", AsOf: a23At, Fields: map[string]any{"x": v1}}
	r2 := advisory.Record{Source: "crm", AsOf: a23At, Fields: map[string]any{"x": v2}}
	c1, err1 := advisory.Consolidate("c", []advisory.Record{r1, r2}, advisory.Policy{})
	c2, err2 := advisory.Consolidate("c", []advisory.Record{r2, r1}, advisory.Policy{})
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	a, b := c1.Fields["x"].(time.Time), c2.Fields["x"].(time.Time)
	if !a.Equal(b) {
		t.Errorf("records [r1 r2] give x = %v, [r2 r1] give %v", a.UTC(), b.UTC())
	}
}

// TestAdversary23_ConsolidateCyclicStructOverflowsStack: nothing panics
// (cyclic values). A host struct holding a map that holds itself is
// accepted (checkValue does not walk a struct); two versions of one
// source as of one time are then ordered by fmt's %#v of the values,
// which recurses through the map forever: a fatal stack overflow that no
// recover can catch, killing the host. Minimal input: crm@t x =
// struct{M}{m} with m["self"] = m, and crm@t x = the same with m2.
// Run in a child process, as the failure is fatal.
func TestAdversary23_ConsolidateCyclicStructOverflowsStack(t *testing.T) {
	if os.Getenv("ADVERSARY23_CHILD") == "1" {
		debug.SetMaxStack(32 << 20) // fail fast rather than at 1 GB
		m := map[string]any{}
		m["self"] = m
		m2 := map[string]any{"z": 1}
		m2["self"] = m2
		recs := []advisory.Record{
			{Source: "crm", AsOf: a23At, Fields: map[string]any{"x": a23Cyclic{m}}},
			{Source: "crm", AsOf: a23At, Fields: map[string]any{"x": a23Cyclic{m2}}},
		}
		_, _ = advisory.Consolidate("c", recs, advisory.Policy{}) // a value or an error, either will do
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestAdversary23_ConsolidateCyclicStructOverflowsStack$", "-test.count=1")
	cmd.Env = append(os.Environ(), "ADVERSARY23_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		if len(out) > 600 {
			out = out[:600]
		}
		t.Errorf("Consolidate of two versions holding a cyclic struct crashed the process: %v\n%s", err, out)
	}
}

// TestAdversary23_StalenessMissesAgeBeyondMaxDuration: Staleness turns
// "every older value" into a data.stale alert. With MaxAge the largest
// Duration (~292 years, "never mind unless ancient"), a value as of 1500
// is 526 years old, but now.Sub saturates at that same largest Duration,
// which is not > MaxAge: no alert. Minimal input: provenance as of
// 1500-01-01, MaxAge math.MaxInt64, now 2026-01-01.
func TestAdversary23_StalenessMissesAgeBeyondMaxDuration(t *testing.T) {
	c := advisory.Consolidated{ClientID: "c", Fields: map[string]any{"f": 1},
		Provenance: map[string]advisory.Provenance{"f": {Source: "crm", AsOf: time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC)}}}
	got := advisory.Staleness(c, advisory.Policy{Default: advisory.FieldPolicy{MaxAge: math.MaxInt64}}, a23At)
	if len(got) != 1 || got[0].Type != advisory.TypeStale {
		t.Errorf("a value 526 years old under a MaxAge of 292 years: alerts %+v, want one data.stale", got)
	}
}

// TestAdversary23_DiffNaNUrgencyReportedChanged: a diff "must report a
// change only where there is one". Two alerts paired because their titles
// differ, both with urgency (and sensitivity) NaN: Change.Fields lists "urgency" as changed
// (changedFields uses !=), although contentOrder, which decides pairing,
// holds NaN equal to NaN. Minimal input: old {Urgency NaN, Title "a"},
// new {Urgency NaN, Title "b"}: Fields [urgency title], want [title].
func TestAdversary23_DiffNaNUrgencyReportedChanged(t *testing.T) {
	o := advisory.Alert{ClientID: "c", RuleID: "r", Type: "t", Urgency: math.NaN(), Sensitivity: math.NaN(), Title: "a"}
	n := o
	n.Title = "b"
	d := advisory.DiffAlerts([]advisory.Alert{o}, []advisory.Alert{n})
	if len(d.Changed) != 1 || !slices.Equal(d.Changed[0].Fields, []string{"title"}) {
		t.Errorf("only the title changed; diff %+v", d.Changed)
	}
}

// TestAdversary23_DiffAlertsPairingDependsOnOrder: DiffAlerts pairs
// alerts of one key "by content, identical ones first, whatever the order
// of either list". Old [x], new [x, y] where x and y differ only in their
// evidence: which one is reported as appeared depends on the new list's
// order (y one way; x, the alert identical to the old one, the other).
// Minimal input: x, y of one key, Evidence n=1 and n=2.
func TestAdversary23_DiffAlertsPairingDependsOnOrder(t *testing.T) {
	x := advisory.Alert{ClientID: "c", RuleID: "r", Type: "t", Title: "a", Evidence: []advisory.Evidence{{Name: "n", Value: 1}}}
	y := x
	y.Evidence = []advisory.Evidence{{Name: "n", Value: 2}}
	d1 := advisory.DiffAlerts([]advisory.Alert{x}, []advisory.Alert{x, y})
	d2 := advisory.DiffAlerts([]advisory.Alert{x}, []advisory.Alert{y, x})
	if !reflect.DeepEqual(d1, d2) {
		t.Errorf("new [x y] appeared %+v; new [y x] appeared %+v", d1.Appeared, d2.Appeared)
	}
}

// TestAdversary23_DiffVersionsCancelledReportedDisappeared: DiffVersions
// "covers what both could evaluate". When the context ends before the new
// version evaluates a file (here: at the start of the files' second pass),
// the file is counted cancelled and its old alerts are reported as
// Disappeared, a change the deployment would not make. Minimal input: one
// version diffed against itself over one file {n: 1}, cancelled between
// the passes: Disappeared 1, want 0.
func TestAdversary23_DiffVersionsCancelledReportedDisappeared(t *testing.T) {
	fw, err := advisory.Compile[a23File]([]byte("ruleset s version 1\nrule r {\n  type \"t\"\n  when n > 0\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pass := 0
	var files iter.Seq[advisory.Item[a23File]] = func(yield func(advisory.Item[a23File]) bool) {
		if pass++; pass == 2 {
			cancel()
		}
		yield(advisory.Item[a23File]{ClientID: "c", File: a23File{N: 1}})
	}
	d, err := advisory.DiffVersions(ctx, fw, fw, files, a23At)
	if err == nil {
		t.Error("no error for the cancellation")
	}
	if len(d.Disappeared) != 0 || len(d.Appeared) != 0 || len(d.Changed) != 0 {
		t.Errorf("a framework against itself, the second pass cancelled: disappeared %+v, appeared %+v, changed %+v",
			d.Disappeared, d.Appeared, d.Changed)
	}
}

// TestAdversary23_EvaluateEachHandsOverFileCountedCancelled: EvaluateEach
// promises that a cancelled file is "counted as cancelled and not handed
// over", and In = OK + Failed + Cancelled with Failed the files handed
// over with an error. A Load that fails with context.Canceled of the
// host's own (a cancelled database call) is handed over as a failed file;
// the host, stopping at its first failure, cancels the batch in each; the
// batch then counts that very file as Cancelled (the check is repeated
// after each returns). Minimal input: items [Load -> context.Canceled,
// {n: 1}], each cancels on Err: Counts {OK 1 Failed 0 Cancelled 1} with
// file 0 handed over failed; want Failed 1 (or file 0 not handed over).
func TestAdversary23_EvaluateEachHandsOverFileCountedCancelled(t *testing.T) {
	fw, err := advisory.Compile[a23File]([]byte("ruleset s version 1\nrule r {\n  type \"t\"\n  when n > 0\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	items := []advisory.Item[a23File]{
		{ClientID: "a", Load: func() (a23File, []advisory.Alert, error) { return a23File{}, nil, context.Canceled }},
		{ClientID: "b", File: a23File{N: 1}},
	}
	handedFailed := 0
	counts := fw.EvaluateEach(ctx, slices.Values(items), a23At, advisory.BatchOptions{Workers: 1}, func(fa advisory.FileAlerts) {
		if fa.Err != nil {
			handedFailed++
			cancel()
		}
	})
	if counts.Failed != handedFailed || counts.In != counts.OK+counts.Failed+counts.Cancelled {
		t.Errorf("counts %+v, but %d file(s) handed over as failed", counts, handedFailed)
	}
}
