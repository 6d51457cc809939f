package advisory_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
)

type adv65File struct {
	Age   float64
	Score float64
}

const adv65Rules = `ruleset r version 1
rule old {
  type "x.old"
  when Age > 1
  title "old"
}
`

func adv65Framework(t *testing.T) *advisory.Framework[adv65File] {
	t.Helper()
	fw, err := advisory.Compile[adv65File]([]byte(adv65Rules))
	if err != nil {
		t.Fatal(err)
	}
	return fw
}

// Contract (framework.go, Item; doc.go "a batch never drops a client or an
// alert", In = OK + Failed + Cancelled): "A Load that fails, or panics,
// fails its file". A Load that ends its goroutine without returning
// (runtime.Goexit — what t.Fatal, t.SkipNow or log-and-exit helpers do in
// a host's loader) neither returns nor panics: load()'s recover sees nil,
// and the worker goroutine running the chunk just ends. On one worker the
// whole chunk is then reported as OK with zero-valued results: the files
// after it (c2, c3) are never evaluated, their alerts are dropped, and
// every file is handed over with an empty ClientID and counted OK. The
// host sees a clean batch with no alerts.
// Mechanism: advisory/framework.go load (recover cannot see Goexit) and
// internal/batch/batch.go evaluate/Run (an item whose fn did not return is
// left at its zero out and nil error, and counted OK).
func TestAdversary65_LoadGoexitDropsFilesSilently(t *testing.T) {
	fw := adv65Framework(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	items := []advisory.Item[adv65File]{
		{ClientID: "c1", Load: func() (adv65File, []advisory.Alert, error) {
			runtime.Goexit()
			return adv65File{}, nil, nil
		}},
		{ClientID: "c2", File: adv65File{Age: 5}},
		{ClientID: "c3", File: adv65File{Age: 5}},
	}
	var got []advisory.FileAlerts
	done := make(chan advisory.Counts, 1)
	go func() {
		done <- fw.EvaluateEach(context.Background(), slices.Values(items), now, advisory.BatchOptions{Workers: 1},
			func(fa advisory.FileAlerts) { got = append(got, fa) })
	}()
	var counts advisory.Counts
	select {
	case counts = <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("EvaluateEach did not return")
	}
	if counts.OK+counts.Failed+counts.Cancelled != counts.In || counts.In != 3 {
		t.Errorf("counts %+v", counts)
	}
	if counts.OK == 3 {
		t.Errorf("a Load that never returned counted OK with the rest: counts %+v", counts)
	}
	ids := map[string]bool{}
	alerts := 0
	for _, fa := range got {
		ids[fa.ClientID] = true
		alerts += len(fa.Alerts)
	}
	for _, id := range []string{"c2", "c3"} {
		if !ids[id] {
			t.Errorf("client %s was never handed over (got ids %v)", id, ids)
		}
	}
	if alerts < 2 {
		t.Errorf("c2 and c3 each raise x.old; got %d alerts in all: %+v", alerts, got)
	}
	if fa := got[0]; !errors.Is(fa.Err, advisory.ErrExited) || fa.ClientID != "c1" {
		t.Errorf("file 0 (Load did not return): %+v, want client c1 failed with ErrExited", fa)
	}
	// FileError: "A file that could not be loaded has an Err that is a
	// *LoadError", a Load that ended its goroutine too (adversary 126).
	if le := (*advisory.LoadError)(nil); !errors.As(got[0].Err, &le) || le.ClientID != "c1" {
		t.Errorf("file 0 (Load did not return): %v, want a *LoadError of c1", got[0].Err)
	}
}

// adv65NilErr is a host error type whose Error reads its receiver, as most
// do: returned as a typed nil it is the classic non-nil nil error.
type adv65NilErr struct{ op string }

func (e *adv65NilErr) Error() string { return "db: " + e.op }

// Contract (framework.go, Item: "A Load that fails, or panics, fails its
// file, which the result lists in Failed like any other"; standards: never
// a panic). A Load returning a typed-nil error (var err *DBError; return
// f, nil, err) fails its file, but EvaluateAll then builds the FileError's
// Message with fa.Err.Error(): LoadError.Error calls the nil cause's Error,
// which dereferences nil, and the panic reaches the host's goroutine — the
// whole batch is lost, not one file. errText (errors_json.go) already
// guards exactly this for JSON (adversary 61), but the batch path does not.
// Mechanism: advisory/framework.go FileAlerts.Failure (fa.Err.Error()) via
// LoadError.Error (e.Err.Error()).
func TestAdversary65_LoadTypedNilErrorPanicsBatch(t *testing.T) {
	fw := adv65Framework(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	items := []advisory.Item[adv65File]{
		{ClientID: "c1", Load: func() (adv65File, []advisory.Alert, error) {
			var err *adv65NilErr
			return adv65File{}, nil, err
		}},
		{ClientID: "c2", File: adv65File{Age: 5}},
	}
	var res advisory.BatchResult
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("EvaluateAll panicked on a Load's typed-nil error: %v", r)
			}
		}()
		res = fw.EvaluateAll(context.Background(), slices.Values(items), now, advisory.BatchOptions{Workers: 1})
	}()
	if res.Counts.In != 2 || len(res.Alerts) != 1 {
		t.Errorf("batch lost: counts %+v, %d alerts", res.Counts, len(res.Alerts))
	}
}

// Contract (record.go, Record: "A field's value is ... a number (any Go
// integer or float type, named ones too; numbers compare by value)", and
// a json.Number is an accepted value; consolidate.go Conflict: "a field on
// which sources hold different values"). A CRM feed decoded with
// json.Decoder.UseNumber gives json.Number("100"); the custodian gives
// float64(100). The sources agree, yet Consolidate reports a conflict; so
// it does for json.Number("1e2") against json.Number("100"), both the
// number 100. A false conflict is noise every reviewer must clear, and it
// makes Conflicts depend on how a feed was decoded, not on the data.
// Mechanism: advisory/record.go same/sameValues.parts: a json.Number is
// Kind String, so it is compared as a string (by type and text), never as
// a number.
func TestAdversary65_JSONNumberFalseConflict(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	pairs := [][2]any{
		{json.Number("100"), float64(100)},
		{json.Number("100"), 100},
		{json.Number("1e2"), json.Number("100")},
		{json.Number("0.5"), float64(0.5)},
	}
	for _, p := range pairs {
		c, err := advisory.Consolidate("c", []advisory.Record{
			{Source: "crm", AsOf: at, Fields: map[string]any{"n": p[0]}},
			{Source: "custodian", AsOf: at, Fields: map[string]any{"n": p[1]}},
		}, advisory.Policy{})
		if err != nil {
			t.Fatalf("%#v vs %#v: %v", p[0], p[1], err)
		}
		if len(c.Conflicts) != 0 {
			t.Errorf("%s vs %s: the same number, reported as a conflict: %+v", fmt.Sprintf("%T(%v)", p[0], p[0]), fmt.Sprintf("%T(%v)", p[1], p[1]), c.Conflicts)
		}
	}
}
