package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/engagekit/engagekit/examples/internal/desk"
)

var adv82Now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// Contract: the -json output is valid JSON that reads back: decoded into
// the desk.Result it was written from and written again, it is the same
// document. Here a 20-client run's alerts vanish on the way back (the
// re-encoded "alerts" section has none, and counts differ).
// Mechanism guess: desk.Alerts has a MarshalJSON that writes the shape of
// advisory.BatchResult ({"alerts": [...], "failed", "counts"}) from Parts,
// but no UnmarshalJSON: decoding matches no JSON key to the Parts field,
// so Parts stays nil and the alerts are dropped on read-back.
func TestAdversary82_JSONRoundTripDropsAlerts(t *testing.T) {
	res, err := desk.Run(desk.Generate(1, 20, 30, adv82Now), adv82Now, desk.Options{})
	if err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var back desk.Result
	if err := json.Unmarshal(j, &back); err != nil {
		t.Fatalf("the -json output does not read back: %v", err)
	}
	if back.Alerts.Len() != res.Alerts.Len() {
		t.Errorf("read back %d alerts of the %d written", back.Alerts.Len(), res.Alerts.Len())
	}
	j2, err := json.Marshal(&back)
	if err != nil {
		t.Fatal(err)
	}
	// The same JSON value, keys in any order: an evidence value a host
	// typed `any` (a struct) reads back as a map, which JSON writes with
	// its keys sorted.
	var v1, v2 any
	if err := json.Unmarshal(j, &v1); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(j2, &v2); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(v1, v2) {
		t.Errorf("round trip differs: %d bytes written, %d after reading back and writing again", len(j), len(j2))
	}
}

// Contract: hostile flag values fail with a clear message or work, never
// panic. `wealthdesk -clients -1` panics in desk.Generate ("makeslice: len
// out of range") with a goroutine dump; main passes -clients to Generate
// unchecked and Generate does make([]string, n) with n < 0.
func TestAdversary82_NegativeClientsPanics(t *testing.T) {
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		_, err = desk.Run(desk.Generate(1, -1, 30, adv82Now), adv82Now, desk.Options{})
		return err
	}()
	if err != nil && len(err.Error()) >= 6 && err.Error()[:6] == "panic:" {
		t.Fatalf("-clients -1: %v (want a clear error, not a panic)", err)
	}
}

// Contract: hostile flag values fail with a clear message or work. A
// negative -responses neither fails nor behaves as "no responses": 100
// clients with -responses -3 give about 99 responses each (≈ 9,900), more
// than -responses 30 asks for, and -responses -1000 gives ≈ 5,000.
// Mechanism guess: Generate sets answerScale = perClient/(0.3·stimuli),
// negative here, and behaviour converts min(propensity·0.6·answerScale, …)
// · 65536 to uint16: Go's conversion of an out-of-range (negative) float to
// an unsigned integer is implementation-defined, and on amd64 it wraps to
// a large threshold, so most stimuli are answered.
func TestAdversary82_NegativeResponsesGiveMany(t *testing.T) {
	zero, err := desk.Run(desk.Generate(1, 100, 0, adv82Now), adv82Now, desk.Options{})
	if err != nil {
		t.Fatal(err)
	}
	neg, err := desk.Run(desk.Generate(1, 100, -3, adv82Now), adv82Now, desk.Options{})
	if err != nil {
		return // refusing a negative -responses would be fine
	}
	if neg.Engagement.In > zero.Engagement.In {
		t.Errorf("-responses -3: %d responses for 100 clients; -responses 0 gives %d (want no more than that, or an error)",
			neg.Engagement.In, zero.Engagement.In)
	}
}
