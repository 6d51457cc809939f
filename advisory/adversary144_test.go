package advisory_test

// Adversary 144: lost, duplicated or misattributed work in batches (Loads
// that fail, panic, Goexit or block, rules that fail or Goexit, callbacks
// and iterators that misbehave, cancellation before, during and at the
// end, every worker count) and JSON round trips of alerts and of batch
// results. _Pinned tests pass and pin right behaviour; _Pinned ones fail
// and show a defect.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/internal/testguard"
	"pgregory.net/rapid"
)

var now144 = time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)

type env144 struct {
	ID int     `expr:"id"`
	N  int     `expr:"n"`
	X  float64 `expr:"x"`
}

const rules144 = `ruleset r144 version 1
rule a {
  type "t.a"
  when n > 0
  title "a {n}"
  output id id
}
rule b {
  type "t.b"
  when check144(n) > 0
  title "b"
}
rule c {
  type "t.c"
  let half = x / 2
  when n % 2 == 0
  title "c"
  output h half
}
`

func fw144(t testing.TB) *advisory.Framework[env144] {
	fw, err := advisory.Compile[env144]([]byte(rules144), dsl.WithFunction("check144", func(n int) (int, error) {
		if n%5 == 0 {
			return 0, fmt.Errorf("n %d is a multiple of 5", n)
		}
		if n == 7777 {
			runtime.Goexit()
		}
		return n, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	return fw
}

// mode144 is how an item of a generated batch behaves.
type mode144 int

const (
	plain144     mode144 = iota // File given
	loadOK144                   // Load returns the file and k found alerts
	loadErr144                  // Load fails with k found alerts
	loadPanic144                // Load panics
	loadExit144                 // Load calls runtime.Goexit
	ruleFail144                 // a rule's host function fails (n % 5 == 0)
	ruleExit144                 // a rule's host function calls runtime.Goexit
	modes144
)

type spec144 struct {
	id    string
	mode  mode144
	n     int
	found int
}

func found144(id string, i, k int) []advisory.Alert {
	var out []advisory.Alert
	for j := range k {
		out = append(out, advisory.Alert{ClientID: id, Type: advisory.TypeStale, RuleID: advisory.StalenessRule,
			Path: fmt.Sprint("f", j), Title: fmt.Sprintf("found %d.%d", i, j)})
	}
	return out
}

func items144(specs []spec144) []advisory.Item[env144] {
	items := make([]advisory.Item[env144], len(specs))
	for i, s := range specs {
		file := env144{ID: i, N: s.n, X: float64(i)}
		it := advisory.Item[env144]{ClientID: s.id}
		switch s.mode {
		case plain144, ruleFail144, ruleExit144:
			it.File = file
		case loadOK144:
			it.Load = func() (env144, []advisory.Alert, error) { return file, found144(s.id, i, s.found), nil }
		case loadErr144:
			it.Load = func() (env144, []advisory.Alert, error) {
				return env144{}, found144(s.id, i, s.found), fmt.Errorf("db down for %d", i)
			}
		case loadPanic144:
			it.Load = func() (env144, []advisory.Alert, error) { panic(fmt.Sprint("boom ", i)) }
		case loadExit144:
			it.Load = func() (env144, []advisory.Alert, error) { runtime.Goexit(); return env144{}, nil, nil }
		}
		items[i] = it
	}
	return items
}

// want144 is the outcome of one file evaluated alone.
type want144 struct {
	alerts []advisory.Alert
	failed bool
	load   bool // a *LoadError
	exited bool // errors.Is ErrExited
}

func expect144(fw *advisory.Framework[env144], specs []spec144) []want144 {
	out := make([]want144, len(specs))
	for i, s := range specs {
		file := env144{ID: i, N: s.n, X: float64(i)}
		switch s.mode {
		case plain144, ruleFail144, loadOK144:
			al, err := fw.Evaluate(s.id, file, now144)
			var f []advisory.Alert
			if s.mode == loadOK144 {
				f = found144(s.id, i, s.found)
			}
			out[i] = want144{alerts: append(f, al...), failed: err != nil}
		case loadErr144:
			out[i] = want144{alerts: found144(s.id, i, s.found), failed: true, load: true}
		case loadPanic144:
			out[i] = want144{failed: true, load: true}
		case loadExit144:
			out[i] = want144{failed: true, load: true, exited: true}
		case ruleExit144:
			out[i] = want144{failed: true, exited: true}
		}
	}
	return out
}

func genSpecs144(t *rapid.T) []spec144 {
	n := rapid.IntRange(0, 700).Draw(t, "n")
	ids := rapid.IntRange(1, 1000).Draw(t, "ids")
	specs := make([]spec144, n)
	for i := range specs {
		m := mode144(rapid.IntRange(0, int(modes144)-1).Draw(t, "mode"))
		s := spec144{id: fmt.Sprint("c", rapid.IntRange(0, ids-1).Draw(t, "id")), mode: m, found: rapid.IntRange(0, 3).Draw(t, "found")}
		switch m {
		case ruleFail144:
			s.n = 5 * rapid.IntRange(-3, 3).Draw(t, "k")
		case ruleExit144:
			s.n = 7777
		default:
			s.n = rapid.IntRange(-10, 10).Draw(t, "nv")
			if s.n%5 == 0 {
				s.n++
			}
		}
		specs[i] = s
	}
	return specs
}

// TestAdversary144_BatchEveryFileOnceAnyWorkers_Pinned: generated books
// of plain files, Loads that succeed with found alerts, fail, panic or
// Goexit, rules that fail or Goexit, duplicate client ids; every worker
// count (negative, 0, 1, few, beyond MaxWorkers). Each file is handed over
// once, in order, with its index and client id, its alerts those of the
// file evaluated alone (found alerts first), its failure typed; counts add
// up; EvaluateAll agrees with EvaluateEach; the BatchResult's JSON
// round-trips.
func TestAdversary144_BatchEveryFileOnceAnyWorkers_Pinned(t *testing.T) {
	fw := fw144(t)
	testguard.Run(t, 5*time.Minute, func() {
		rapid.Check(t, func(rt *rapid.T) {
			specs := genSpecs144(rt)
			items := items144(specs)
			want := expect144(fw, specs)
			workers := rapid.SampledFrom([]int{-5, 0, 1, 2, 3, 17, 5000}).Draw(rt, "workers")
			var got []advisory.FileAlerts
			c := fw.EvaluateEach(context.Background(), slices.Values(items), now144, advisory.BatchOptions{Workers: workers},
				func(fa advisory.FileAlerts) { got = append(got, fa) })
			nFailed := 0
			for _, w := range want {
				if w.failed {
					nFailed++
				}
			}
			if c != (advisory.Counts{In: len(specs), OK: len(specs) - nFailed, Failed: nFailed}) {
				rt.Fatalf("workers %d: counts %+v, want in %d failed %d", workers, c, len(specs), nFailed)
			}
			if len(got) != len(specs) {
				rt.Fatalf("workers %d: %d files handed over, want %d", workers, len(got), len(specs))
			}
			var flat []advisory.Alert
			var failed []advisory.FileError
			for i, fa := range got {
				w := want[i]
				if fa.Index != i || fa.ClientID != specs[i].id {
					rt.Fatalf("file %d handed over as %d/%s, want %s", i, fa.Index, fa.ClientID, specs[i].id)
				}
				if (fa.Err != nil) != w.failed {
					rt.Fatalf("file %d (mode %d): err %v, want failed %v", i, specs[i].mode, fa.Err, w.failed)
				}
				var le *advisory.LoadError
				if errors.As(fa.Err, &le) != w.load || errors.Is(fa.Err, advisory.ErrExited) != w.exited {
					rt.Fatalf("file %d (mode %d): err %v, want load error %v, exited %v", i, specs[i].mode, fa.Err, w.load, w.exited)
				}
				if le != nil && le.ClientID != specs[i].id {
					rt.Fatalf("file %d: LoadError of client %q, want %q", i, le.ClientID, specs[i].id)
				}
				if !alertsEqual144(fa.Alerts, w.alerts) {
					rt.Fatalf("file %d (mode %d): alerts\n%v\nwant\n%v", i, specs[i].mode, fa.Alerts, w.alerts)
				}
				for _, a := range fa.Alerts {
					if a.ClientID != specs[i].id {
						rt.Fatalf("file %d: alert of client %q handed over as %q's", i, a.ClientID, specs[i].id)
					}
				}
				flat = append(flat, fa.Alerts...)
				if fe, ok := fa.Failure(); ok {
					failed = append(failed, fe)
				}
			}
			res := fw.EvaluateAll(context.Background(), slices.Values(items), now144, advisory.BatchOptions{Workers: workers})
			if res.Counts != c || !alertsEqual144(res.Alerts, flat) || len(res.Failed) != len(failed) {
				rt.Fatalf("EvaluateAll: counts %+v (each %+v), %d alerts (each %d), %d failed (each %d)",
					res.Counts, c, len(res.Alerts), len(flat), len(res.Failed), len(failed))
			}
			for k := range failed {
				if res.Failed[k].Index != failed[k].Index || res.Failed[k].ClientID != failed[k].ClientID || res.Failed[k].Message != failed[k].Message {
					rt.Fatalf("EvaluateAll failed[%d] = %+v, each %+v", k, res.Failed[k], failed[k])
				}
			}
			b1, err := json.Marshal(res)
			if err != nil {
				rt.Fatal(err)
			}
			var back advisory.BatchResult
			if err := json.Unmarshal(b1, &back); err != nil {
				rt.Fatal(err)
			}
			if b2, _ := json.Marshal(back); string(b1) != string(b2) {
				rt.Fatalf("BatchResult JSON does not round-trip:\n%s\n%s", b1, b2)
			}
		})
	})
}

func alertsEqual144(a, b []advisory.Alert) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, _ := json.Marshal(a[i])
		y, _ := json.Marshal(b[i])
		if string(x) != string(y) {
			return false
		}
	}
	return true
}

type recObs144 struct {
	files    []advisory.FileStats
	progress []advisory.Counts
	done     []advisory.BatchStats
}

func (o *recObs144) File(s advisory.FileStats)  { o.files = append(o.files, s) }
func (o *recObs144) Progress(c advisory.Counts) { o.progress = append(o.progress, c) }
func (o *recObs144) Done(s advisory.BatchStats) { o.done = append(o.done, s) }

type count144 struct{ v atomic.Int64 }

func (a *count144) add()       { a.v.Add(1) }
func (a *count144) get() int64 { return a.v.Load() }

func countingItems144(n int, loads *count144) []advisory.Item[env144] {
	items := make([]advisory.Item[env144], n)
	for i := range items {
		items[i] = advisory.Item[env144]{ClientID: fmt.Sprint("c", i), Load: func() (env144, []advisory.Alert, error) {
			loads.add()
			return env144{ID: i, N: 1}, nil, nil
		}}
	}
	return items
}

// TestAdversary144_CancellationAccounted_Pinned: the context ended
// before the batch (no Load runs, every file cancelled, none handed over),
// during it (Loads that block until the context ends: the batch returns
// within a moment, files handed over are OK ones, the Observer saw exactly
// them, its last progress and Done carry the final counts), and right at
// the end (each cancels on the last file: every file OK; the iterator
// cancels after its last yield: counts still add up).
func TestAdversary144_CancellationAccounted_Pinned(t *testing.T) {
	fw := fw144(t)
	testguard.Run(t, 20*time.Second, func() {
		var loads count144
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		handed := 0
		obs := &recObs144{}
		c := fw.EvaluateEach(ctx, slices.Values(countingItems144(700, &loads)), now144, advisory.BatchOptions{Workers: 3, Observer: obs},
			func(advisory.FileAlerts) { handed++ })
		// The batch reads one file, finds ctx done, and reads no further.
		if c != (advisory.Counts{In: 1, Cancelled: 1, Unread: true}) || handed != 0 || loads.get() != 0 {
			t.Errorf("cancelled before: counts %+v, %d handed over, %d Loads", c, handed, loads.get())
		}
		if len(obs.done) != 1 || obs.done[0].Counts != c || len(obs.progress) == 0 || obs.progress[len(obs.progress)-1] != c {
			t.Errorf("cancelled before: observer done %+v, progress %+v", obs.done, obs.progress)
		}
	})
	for _, workers := range []int{1, 2, 8} {
		testguard.Run(t, 20*time.Second, func() {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			items := make([]advisory.Item[env144], 600)
			for i := range items {
				id := fmt.Sprint("c", i)
				items[i] = advisory.Item[env144]{ClientID: id, Load: func() (env144, []advisory.Alert, error) {
					if i%3 == 0 {
						return env144{ID: i, N: 1}, found144(id, i, 1), nil
					}
					<-ctx.Done()
					return env144{}, found144(id, i, 1), ctx.Err()
				}}
			}
			go func() { time.Sleep(30 * time.Millisecond); cancel() }()
			obs := &recObs144{}
			var seen []advisory.FileAlerts
			start := time.Now()
			c := fw.EvaluateEach(ctx, slices.Values(items), now144, advisory.BatchOptions{Workers: workers, Observer: obs},
				func(fa advisory.FileAlerts) { seen = append(seen, fa) })
			if el := time.Since(start); el > 5*time.Second {
				t.Errorf("workers %d: returned %v after the cancel", workers, el)
			}
			if c.In > 600 || (c.In < 600 && !c.Unread) || c.OK+c.Failed+c.Cancelled != c.In || c.Failed != 0 || len(seen) != c.OK || len(obs.files) != len(seen) {
				t.Errorf("workers %d: counts %+v, %d handed over, observer saw %d", workers, c, len(seen), len(obs.files))
			}
			for k, fa := range seen {
				if fa.Index%3 != 0 || fa.Err != nil || len(fa.Alerts) != 3 || fa.Alerts[0].ClientID != fa.ClientID ||
					obs.files[k].Index != fa.Index || obs.files[k].Alerts != 3 {
					t.Errorf("workers %d: handed over %d/%s %v %v (observer %+v)", workers, fa.Index, fa.ClientID, fa.Alerts, fa.Err, obs.files[k])
				}
			}
			if len(obs.done) != 1 || obs.done[0].Counts != c || obs.progress[len(obs.progress)-1] != c {
				t.Errorf("workers %d: observer done %+v, last progress %+v, counts %+v", workers, obs.done, obs.progress[len(obs.progress)-1], c)
			}
		})
	}
	for _, workers := range []int{1, 2, 4} {
		testguard.Run(t, 20*time.Second, func() {
			var loads count144
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			handed := 0
			c := fw.EvaluateEach(ctx, slices.Values(countingItems144(513, &loads)), now144, advisory.BatchOptions{Workers: workers},
				func(fa advisory.FileAlerts) {
					if handed++; fa.Index == 512 {
						cancel()
					}
				})
			if c != (advisory.Counts{In: 513, OK: 513}) || handed != 513 {
				t.Errorf("workers %d, cancel on the last file: counts %+v, %d handed over", workers, c, handed)
			}
		})
		testguard.Run(t, 20*time.Second, func() {
			var loads count144
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			items := countingItems144(513, &loads)
			seq := func(yield func(advisory.Item[env144]) bool) {
				for _, it := range items {
					if !yield(it) {
						return
					}
				}
				cancel()
			}
			handed := 0
			c := fw.EvaluateEach(ctx, seq, now144, advisory.BatchOptions{Workers: workers}, func(advisory.FileAlerts) { handed++ })
			if c.In != 513 || c.OK+c.Cancelled != 513 || c.Failed != 0 || handed != c.OK || loads.get() < int64(c.OK) {
				t.Errorf("workers %d, iterator cancels after its last yield: counts %+v, %d handed over, %d Loads", workers, c, handed, loads.get())
			}
		})
	}
}

// TestAdversary144_CallbacksMisbehave_Pinned: each re-entering the
// framework (a nested batch per 100 files) spoils nothing; each or the
// iterator panicking or ending its goroutine, or the Clock panicking on a
// worker, is raised on the caller's goroutine (recoverable), and no Load
// runs once EvaluateEach has returned.
func TestAdversary144_CallbacksMisbehave_Pinned(t *testing.T) {
	fw := fw144(t)
	testguard.Run(t, 20*time.Second, func() {
		var loads count144
		nested, handed := 0, 0
		c := fw.EvaluateEach(context.Background(), slices.Values(countingItems144(600, &loads)), now144, advisory.BatchOptions{Workers: 2},
			func(fa advisory.FileAlerts) {
				if fa.Index != handed || fa.ClientID != fmt.Sprint("c", handed) || len(fa.Alerts) != 2 {
					t.Errorf("re-entrant: file %d handed over as %d/%s %v", handed, fa.Index, fa.ClientID, fa.Alerts)
				}
				handed++
				if fa.Index%100 == 0 {
					var l2 count144
					r := fw.EvaluateAll(context.Background(), slices.Values(countingItems144(300, &l2)), now144, advisory.BatchOptions{Workers: 3})
					nested += r.Counts.OK
				}
			})
		if c != (advisory.Counts{In: 600, OK: 600}) || nested != 1800 || loads.get() != 600 {
			t.Errorf("re-entrant: counts %+v, nested OK %d, loads %d", c, nested, loads.get())
		}
	})
	for _, kind := range []string{"each-exit", "each-panic", "iter-panic", "iter-exit", "clock-panic"} {
		var loads count144
		items := countingItems144(5000, &loads)
		var recovered any
		testguard.Run(t, 20*time.Second, func() {
			defer func() { recovered = recover() }()
			seq := func(yield func(advisory.Item[env144]) bool) {
				for i, it := range items {
					if i == 1500 {
						switch kind {
						case "iter-panic":
							panic(kind)
						case "iter-exit":
							runtime.Goexit()
						}
					}
					if !yield(it) {
						return
					}
				}
			}
			var opts advisory.BatchOptions
			opts.Workers = 2
			if kind == "clock-panic" {
				var calls count144
				opts.Clock = func() time.Time {
					if calls.add(); calls.get() == 1200 {
						panic(kind)
					}
					return now144
				}
			}
			fw.EvaluateEach(context.Background(), seq, now144, opts, func(fa advisory.FileAlerts) {
				if fa.Index == 700 {
					switch kind {
					case "each-exit":
						runtime.Goexit()
					case "each-panic":
						panic(kind)
					}
				}
			})
		})
		if want := strings.HasSuffix(kind, "panic"); (recovered == kind) != want {
			t.Errorf("%s: recovered %v", kind, recovered)
		}
		at := loads.get()
		time.Sleep(30 * time.Millisecond)
		if after := loads.get(); after != at || at >= 5000 {
			t.Errorf("%s: %d Loads when EvaluateEach returned, %d after", kind, at, after)
		}
	}
}

// TestAdversary144_HugeSlowAndKeptAlerts_Pinned: Loads that sleep a
// random while and find thousands of alerts (the gather copies on several
// goroutines), evaluated on 1 and 4 workers: the same alerts in the same
// order; slices handed over, kept and appended to by the host, are never
// written again by the batch.
func TestAdversary144_HugeSlowAndKeptAlerts_Pinned(t *testing.T) {
	fw := fw144(t)
	testguard.Run(t, 60*time.Second, func() {
		const n = 60
		items := make([]advisory.Item[env144], n)
		for i := range items {
			id := fmt.Sprint("c", i)
			k := (i * 7919) % 5000
			items[i] = advisory.Item[env144]{ClientID: id, Load: func() (env144, []advisory.Alert, error) {
				time.Sleep(time.Duration((i*31)%7) * time.Millisecond)
				return env144{ID: i, N: 1 + i%4}, found144(id, i, k), nil
			}}
		}
		one := fw.EvaluateAll(context.Background(), slices.Values(items), now144, advisory.BatchOptions{Workers: 1})
		four := fw.EvaluateAll(context.Background(), slices.Values(items), now144, advisory.BatchOptions{Workers: 4})
		if one.Counts != four.Counts || one.Counts.OK != n || len(one.Alerts) < 1<<16 || !alertsEqual144(one.Alerts, four.Alerts) {
			t.Errorf("1 worker: %+v, %d alerts; 4 workers: %+v, %d alerts", one.Counts, len(one.Alerts), four.Counts, len(four.Alerts))
		}
		type kept struct {
			s    []advisory.Alert
			json string
		}
		var all []kept
		fw.EvaluateEach(context.Background(), slices.Values(items), now144, advisory.BatchOptions{Workers: 3}, func(fa advisory.FileAlerts) {
			b, _ := json.Marshal(fa.Alerts)
			all = append(all, kept{fa.Alerts, string(b)})
			grown := append(fa.Alerts, advisory.Alert{ClientID: "intruder"})
			_ = grown
		})
		for i, k := range all {
			if b, _ := json.Marshal(k.s); string(b) != k.json {
				t.Errorf("file %d's alerts changed after they were handed over", i)
			}
		}
	})
}

type envBig144 struct {
	Big *big.Int `expr:"big"`
}

// TestAdversary144_AlertJSONBigIntEvidenceChanges_Pinned
//
// Input: a rule `when big != nil` over a host field Big *big.Int = 2^64
// (18446744073709551616). Was (fixed): the alert's evidence is written as
// 18446744073709551616, read back by Alert.UnmarshalJSON as a float64
// and written again as 18446744073709552000: the stored alert shows a
// value the rule never read. Expected: written, read and written again,
// the alert's JSON is the same (UnmarshalJSON's own doc gives that as its
// reason for reading 2^53+1 exactly); an integer beyond uint64 could be
// kept as a json.Number (or its text).
// Location: advisory/alert_json.go:190 (readNumbers) and
// advisory/json_number.go:120 (jsonNumberValue falls back to ParseFloat
// for an integer above the uint64 range or below the int64 one).
func TestAdversary144_AlertJSONBigIntEvidenceChanges_Pinned(t *testing.T) {
	fw, err := advisory.Compile[envBig144]([]byte(`ruleset r version 1
rule big {
  type "t.big"
  when big != nil
  title "big"
}
`))
	if err != nil {
		t.Fatal(err)
	}
	testguard.Run(t, 10*time.Second, func() {
		al, err := fw.Evaluate("c", envBig144{Big: new(big.Int).Lsh(big.NewInt(1), 64)}, now144)
		if err != nil || len(al) != 1 {
			t.Fatalf("Evaluate = %v, %v", al, err)
		}
		b1, err := json.Marshal(al[0])
		if err != nil {
			t.Fatal(err)
		}
		var back advisory.Alert
		if err := json.Unmarshal(b1, &back); err != nil {
			t.Fatal(err)
		}
		if b2, _ := json.Marshal(back); string(b1) != string(b2) {
			t.Errorf("alert JSON changes on a round trip:\n wrote %s\n again %s", b1, b2)
		}
	})
}

// TestAdversary144_AlertJSONNaNUrgencyReadsAsZero_Pinned
//
// Input: a Load finds an alert whose urgency it could not work out
// (math.NaN(); the batch hands it over as is). Was (fixed): MarshalJSON
// writes "urgency":null as documented, UnmarshalJSON reads null as 0, and
// the alert written again says "urgency":0: an unknown urgency became the
// lowest one, and the JSON changed. Expected: null read back as NaN (so
// it is written as null again).
// Location: advisory/alert_json.go:171-174 (UnmarshalJSON decodes into
// alertFields, whose float64 Urgency leaves null as 0).
func TestAdversary144_AlertJSONNaNUrgencyReadsAsZero_Pinned(t *testing.T) {
	fw := fw144(t)
	testguard.Run(t, 10*time.Second, func() {
		items := []advisory.Item[env144]{{ClientID: "c", Load: func() (env144, []advisory.Alert, error) {
			return env144{N: 1}, []advisory.Alert{{ClientID: "c", Type: "x.found", RuleID: "loader", Title: "?", Urgency: math.NaN(), Sensitivity: 0.5}}, nil
		}}}
		res := fw.EvaluateAll(context.Background(), slices.Values(items), now144, advisory.BatchOptions{Workers: 1})
		if len(res.Alerts) == 0 || !math.IsNaN(res.Alerts[0].Urgency) {
			t.Fatalf("the Load's alert not handed over as found: %+v", res.Alerts)
		}
		b1, err := json.Marshal(res.Alerts[0])
		if err != nil {
			t.Fatal(err)
		}
		var back advisory.Alert
		if err := json.Unmarshal(b1, &back); err != nil {
			t.Fatal(err)
		}
		b2, _ := json.Marshal(back)
		if string(b1) != string(b2) || !math.IsNaN(back.Urgency) {
			t.Errorf("alert JSON changes on a round trip (urgency read back as %v):\n wrote %s\n again %s", back.Urgency, b1, b2)
		}
	})
}

// TestAdversary144_FileAlertsJSONLosesFailure_Pinned
//
// Input: the FileAlerts (and FileStats) of a failed file, as EvaluateEach
// hands it over (and the Observer sees it): {Index 3, ClientID "c", Err
// "db down"}, written as JSON and read back. Was (fixed): the JSON holds
// "error":"db down", but reading it back leaves Err nil (no UnmarshalJSON,
// Err is tagged "-"), so Failure() says the file did not fail and the
// JSON written again has no "error": a failed file stored and read back
// is an OK one. FileError, BatchResult's, round-trips (its Message).
// Expected: a FileAlerts (FileStats) read back from its JSON still
// failed, with the cause's text, and writes the same JSON again.
// Location: advisory/errors_json.go:38 and :49 (MarshalJSON without an
// UnmarshalJSON), advisory/framework.go:253 (FileAlerts.Err `json:"-"`).
func TestAdversary144_FileAlertsJSONLosesFailure_Pinned(t *testing.T) {
	testguard.Run(t, 10*time.Second, func() {
		fa := advisory.FileAlerts{Index: 3, ClientID: "c", Err: errors.New("db down")}
		b1, err := json.Marshal(fa)
		if err != nil {
			t.Fatal(err)
		}
		var back advisory.FileAlerts
		if err := json.Unmarshal(b1, &back); err != nil {
			t.Fatal(err)
		}
		b2, _ := json.Marshal(back)
		if fe, failed := back.Failure(); !failed || fe.Message != "db down" || string(b1) != string(b2) {
			t.Errorf("FileAlerts JSON round trip: failed %v (%q)\n wrote %s\n again %s", failed, fe.Message, b1, b2)
		}
		fs := advisory.FileStats{Index: 3, ClientID: "c", Alerts: 1, Err: errors.New("db down")}
		s1, _ := json.Marshal(fs)
		var sback advisory.FileStats
		if err := json.Unmarshal(s1, &sback); err != nil {
			t.Fatal(err)
		}
		if s2, _ := json.Marshal(sback); string(s1) != string(s2) {
			t.Errorf("FileStats JSON round trip:\n wrote %s\n again %s", s1, s2)
		}
	})
}

// TestAdversary144_ObserverGoexitRuleNotCountedFailed_Pinned
//
// Input: one file whose rule b calls a host function that ends its
// goroutine (runtime.Goexit): the file fails with ErrExited. Was (fixed):
// Counts {In 1, Failed 1}, but BatchStats says rule b was evaluated on
// the file with 0 errors and 0 fires (a clean decision not to fire), and
// rule a evaluated with 0 fires though it fired (its alert lost with the
// exit): no rule accounts for the failed file. Expected: rule b's Errors
// 1 (the failure attributed to the rule that was running), as for any
// other failure of a rule; at the least not a clean evaluation.
// Location: advisory/observe.go:105 (rule errors are found only as
// *dsl.Error in err; ErrExited carries none) with observe.go:91 counting
// the decided rule as evaluated; internal/batch/batch.go:229-233 (the
// exit becomes ErrExited, without the rule that was running).
func TestAdversary144_ObserverGoexitRuleNotCountedFailed_Pinned(t *testing.T) {
	fw := fw144(t)
	testguard.Run(t, 10*time.Second, func() {
		obs := &recObs144{}
		c := fw.EvaluateEach(context.Background(), slices.Values([]advisory.Item[env144]{{ClientID: "exit", File: env144{N: 7777}}}), now144,
			advisory.BatchOptions{Workers: 1, Observer: obs}, nil)
		if c != (advisory.Counts{In: 1, Failed: 1}) || len(obs.done) != 1 {
			t.Fatalf("counts %+v, done %+v", c, obs.done)
		}
		errs := 0
		for _, r := range obs.done[0].Rules {
			errs += r.Errors
		}
		if errs != 1 {
			t.Errorf("a file failed by rule b's host function ending its goroutine: rule stats %+v, %d rule errors, want 1 (rule b's)", obs.done[0].Rules, errs)
		}
	})
}

// TestAdversary144_HugeWorkersSmallBatchAllocates_Pinned
//
// Input: a batch of 2 plain files with BatchOptions{Workers: 1024} (the
// documented ceiling; the doc of batch.MaxWorkers sanctions a thousand for
// Loads that wait on a database). Was (fixed): the call allocates about 80
// MB and takes ~50-150 ms (two read-ahead buffers of 256 × 1024 results,
// zeroed, whatever the input's length); on a batch whose Loads wait on
// a context that ends 50 ms later, the allocation outlasts the context and
// not one file is evaluated. Expected: memory and time bounded by the
// input (a few files cost a few files), e.g. under 16 MB here.
// Location: internal/batch/batch.go:70 and :86 (chunk = 256*workers;
// both buffers made at full size before the first input is read).
func TestAdversary144_HugeWorkersSmallBatchAllocates_Pinned(t *testing.T) {
	fw := fw144(t)
	testguard.Run(t, 30*time.Second, func() {
		items := []advisory.Item[env144]{{ClientID: "a", File: env144{N: 1}}, {ClientID: "b", File: env144{N: 2}}}
		var ms0, ms1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms0)
		c := fw.EvaluateEach(context.Background(), slices.Values(items), now144, advisory.BatchOptions{Workers: 1024}, nil)
		runtime.ReadMemStats(&ms1)
		if c != (advisory.Counts{In: 2, OK: 2}) {
			t.Errorf("counts %+v", c)
		}
		if got := ms1.TotalAlloc - ms0.TotalAlloc; got > 16<<20 {
			t.Errorf("a batch of 2 files on 1024 workers allocated %d MB", got>>20)
		}
	})
}
