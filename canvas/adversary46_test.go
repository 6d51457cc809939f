package canvas

// Adversary 46: failing tests, one defect each, for package canvas.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
)

type a46Ctx struct {
	Age int `expr:"age"`
}

var a46Now = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)

// a46Alerts is alerts of clients c00..c(n-1), two each, grouped by client
// in ascending id order, as a batch sorted by id hands them over.
func a46Alerts(n int) []advisory.Alert {
	var alerts []advisory.Alert
	for i := range n {
		for k := range 2 {
			alerts = append(alerts, advisory.Alert{ClientID: fmt.Sprintf("c%02d", i), Type: "t", RuleID: fmt.Sprint("r", k), Urgency: 0.9, Sensitivity: 0.1})
		}
	}
	return alerts
}

// TestAdversary46_ConcurrentLookupPanicKillsProcess
//
// Promise broken: canvas/options.go, ConcurrentLookup: "The plan is the
// same either way"; the standard "nothing panics out of the library"
// (and, where a host's callback runs on a library worker, the library
// catches it: advisory's load "turning a panic into an error: it runs on
// a batch worker, where a panic could not be recovered by the host").
// Observed: a host lookup that panics (a nil entry in its cache) panics
// out of PlanLookup on the calling goroutine, where the host recovers it,
// when the clients are looked up there; with ConcurrentLookup the same
// lookup runs on lookupRuns's worker goroutines (onWorkers), where no
// one recovers, and the whole process dies ("panic: cache entry is nil",
// exit status 2). Expected: the two ways alike: the panic recoverable by
// the caller of PlanLookup (or an error), never a crash of the process.
// The plan is made in a child process so the crash is observed, not
// suffered.
func TestAdversary46_ConcurrentLookupPanicKillsProcess(t *testing.T) {
	if os.Getenv("A46_LOOKUP_PANIC_CHILD") == "1" {
		a46LookupPanicChild()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestAdversary46_ConcurrentLookupPanicKillsProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), "A46_LOOKUP_PANIC_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("a panicking lookup with ConcurrentLookup killed the process (%v), where without it the caller recovers the panic:\n%.600s", err, out)
	}
}

// a46LookupPanicChild plans with a lookup that panics for the first
// client, first on one goroutine (the control), then with
// ConcurrentLookup on two workers; it returns normally only if the host
// could recover both.
func a46LookupPanicChild() {
	lookup := func(id string) (Client[a46Ctx], bool) {
		if id == "c00" {
			panic("cache entry is nil")
		}
		return Client[a46Ctx]{ID: id, Consent: []Channel{AppPush}}, true
	}
	alerts := a46Alerts(8)
	for _, concurrent := range []bool{false, true} {
		p, err := NewPlanner[a46Ctx](nil, Options{Now: a46Now, ConcurrentLookup: concurrent})
		if err != nil {
			panic(err)
		}
		func() {
			defer func() { _ = recover() }()
			_, _ = Parallel(p, 2, 0).PlanLookup(context.Background(), alerts, lookup)
		}()
	}
}
