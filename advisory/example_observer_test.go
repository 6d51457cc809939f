package advisory_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"slices"
	"sync/atomic"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/dsl"
)

// slogObserver binds a batch's observations to log/slog; a Prometheus or
// OpenTelemetry observer would add to counters and histograms instead.
type slogObserver struct{ log *slog.Logger }

func (o slogObserver) File(f advisory.FileStats) {
	var rule *dsl.Error
	if errors.As(f.Err, &rule) {
		o.log.Warn("file failed", "client", f.ClientID, "alerts", f.Alerts, "elapsed", f.Elapsed, "rule", rule.RuleID, "kind", rule.Kind)
		return
	}
	o.log.Debug("file", "client", f.ClientID, "alerts", f.Alerts, "elapsed", f.Elapsed)
}

func (o slogObserver) Progress(c advisory.Counts) {
	o.log.Info("progress", "in", c.In, "ok", c.OK, "failed", c.Failed, "cancelled", c.Cancelled)
}

func (o slogObserver) Done(b advisory.BatchStats) {
	for _, r := range b.Rules {
		o.log.Info("rule", "rule", r.Rule, "evaluations", r.Evaluations, "fires", r.Fires, "errors", r.Errors, "took", r.Time)
	}
}

// An Observer logs each file, the progress and each rule's evaluations,
// fires, errors and time with log/slog. The clock is the host's: here one
// that ticks a millisecond a call (twice a rule, and twice a file), so the
// output is the same on every run.
func ExampleObserver() {
	fw, err := advisory.Compile[advisory.File]([]byte(`ruleset retail version 1
rule high_income {
  type "client.high_income"
  when client.income >= 100000
}
rule rate_share {
  type "mortgage.rate_share"
  when mortgage != nil && mortgage.balance / client.income > 4
}
`))
	if err != nil {
		panic(err)
	}
	items := []advisory.Item[advisory.File]{
		{ClientID: "c-1", File: advisory.File{Client: advisory.Client{Income: 150000}}},
		{ClientID: "c-2", File: advisory.File{Client: advisory.Client{Income: 0}, Mortgage: &advisory.Mortgage{Balance: 0}}},
		{ClientID: "c-3", File: advisory.File{Client: advisory.Client{Income: 50000}, Mortgage: &advisory.Mortgage{Balance: 300000}}},
	}
	var tick atomic.Int64
	clock := func() time.Time { return time.Unix(0, tick.Add(1)*int64(time.Millisecond)) }
	log := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // the example's output must not depend on the wall clock
			}
			return a
		},
	}))
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	fw.EvaluateAll(context.Background(), slices.Values(items), now, advisory.BatchOptions{
		Workers: 1, Observer: slogObserver{log}, Clock: clock})
	// Output:
	// level=DEBUG msg=file client=c-1 alerts=1 elapsed=5ms
	// level=WARN msg="file failed" client=c-2 alerts=0 elapsed=5ms rule=rate_share kind=eval
	// level=DEBUG msg=file client=c-3 alerts=1 elapsed=5ms
	// level=INFO msg=progress in=3 ok=2 failed=1 cancelled=0
	// level=INFO msg=rule rule=high_income evaluations=3 fires=1 errors=0 took=3ms
	// level=INFO msg=rule rule=rate_share evaluations=3 fires=1 errors=1 took=3ms
}
