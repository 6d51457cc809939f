package advisory_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/internal/testguard"
)

const ownedRules = `ruleset owned version 1
rule rich {
  type "t.rich"
  owner "compliance"
  when client.income >= 100000
  urgency 0.3
}
`

// An alert carries its rule's owner; a failed file is an error naming its
// client that unwraps to the rules' errors; Progress gets the package's
// own Counts, the last time with the final counts.
func TestBatchAPIHasNoTraps(t *testing.T) {
	fw, err := advisory.Compile[advisory.File]([]byte(ownedRules))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	items := []advisory.Item[advisory.File]{
		{ClientID: "a", File: advisory.File{Client: advisory.Client{Income: 200000}}},
		{ClientID: "b", Load: func() (advisory.File, []advisory.Alert, error) {
			return advisory.File{}, nil, errors.New("no records")
		}},
	}
	var seen []advisory.Counts
	res := fw.EvaluateAll(context.Background(), slices.Values(items), now, advisory.BatchOptions{
		Progress: func(c advisory.Counts) { seen = append(seen, c) },
	})
	if len(seen) == 0 || seen[len(seen)-1] != res.Counts || res.Counts.In != 2 {
		t.Fatalf("progress %+v, final %+v", seen, res.Counts)
	}
	var owner string
	for _, a := range res.Alerts {
		if a.RuleID == "rich" {
			owner = a.Owner
		}
	}
	if owner != "compliance" {
		t.Errorf("rich's alert has owner %q, want compliance", owner)
	}
	if len(res.Failed) == 0 {
		t.Fatal("no failed files")
	}
	var err2 error = res.Failed[len(res.Failed)-1]
	var le *advisory.LoadError
	if !errors.As(err2, &le) || le.ClientID != "b" || !strings.Contains(err2.Error(), "client b") {
		t.Errorf("FileError %v does not unwrap to the load error", err2)
	}
}

// A cancelled batch still reports its final counts to Progress (it read
// one file, found ctx done and read no further), and an
// empty batch reports zero once.
func TestProgressReportsTheFinalCounts(t *testing.T) {
	fw, err := advisory.Compile[advisory.File]([]byte(ownedRules))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	files := make([]advisory.Item[advisory.File], 10)
	for _, tc := range []struct {
		name  string
		items []advisory.Item[advisory.File]
		want  advisory.Counts
	}{{"cancelled", files, advisory.Counts{In: 1, Cancelled: 1, Unread: true}}, {"empty", nil, advisory.Counts{}}} {
		var last *advisory.Counts
		res := fw.EvaluateAll(ctx, slices.Values(tc.items), time.Time{}, advisory.BatchOptions{
			Progress: func(c advisory.Counts) { last = &c },
		})
		if last == nil || *last != tc.want || res.Counts != tc.want {
			t.Errorf("%s: progress %v, result %+v, want %+v", tc.name, last, res.Counts, tc.want)
		}
	}
}

// A cancel ends a batch over an endless sequence of files (a stream a
// host evaluates until it stops it): the batch reads no further, hands
// over the files evaluated before, and says the rest went unread.
func TestCancelEndsAnEndlessBatch(t *testing.T) {
	fw, err := advisory.Compile[advisory.File]([]byte(ownedRules))
	if err != nil {
		t.Fatal(err)
	}
	testguard.Run(t, 20*time.Second, func() {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		read := 0
		stream := func(yield func(advisory.Item[advisory.File]) bool) {
			for i := 0; ; i++ {
				read++
				if i == 1000 {
					cancel()
				}
				if !yield(advisory.Item[advisory.File]{ClientID: fmt.Sprint("c", i), File: advisory.File{Client: advisory.Client{Income: 200000}}}) {
					return
				}
			}
		}
		handed := 0
		c := fw.EvaluateEach(ctx, stream, time.Time{}, advisory.BatchOptions{}, func(fa advisory.FileAlerts) {
			if fa.Err != nil || len(fa.Alerts) != 1 {
				t.Errorf("file %d handed over as %v, %v", fa.Index, fa.Alerts, fa.Err)
			}
			handed++
		})
		if !c.Unread || c.In != read || c.OK+c.Failed+c.Cancelled != c.In || c.Cancelled == 0 || handed != c.OK {
			t.Errorf("counts %+v, %d read, %d handed over", c, read, handed)
		}
	})
}

// Every JSON name the package writes is snake case, the File's included.
func TestJSONIsSnakeCase(t *testing.T) {
	at := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	values := []any{
		advisory.File{Client: advisory.Client{BirthDate: at}, Mortgage: &advisory.Mortgage{}, Pension: &advisory.Pension{},
			Home: &advisory.Home{}, Portfolio: &advisory.Portfolio{}, Engagement: &advisory.Engagement{}, Segment: &advisory.Segment{}},
		advisory.BatchResult{Failed: []advisory.FileError{{}}},
		advisory.Alert{Owner: "x", Evidence: []advisory.Evidence{{Name: "n"}}},
		&advisory.DecodeError{}, &advisory.RecordError{}, &advisory.LoadError{}, advisory.Consolidated{Conflicts: []advisory.Conflict{{}}},
		advisory.Diff{Changed: []advisory.Change{{}}, ByType: []advisory.TypeDiff{{}}}, advisory.Policy{},
	}
	for _, v := range values {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var walk func(any)
		walk = func(x any) {
			switch x := x.(type) {
			case map[string]any:
				for k, v := range x {
					if k != strings.ToLower(k) || strings.Contains(k, "-") {
						t.Errorf("%T writes key %q", v, k)
					}
					walk(v)
				}
			case []any:
				for _, v := range x {
					walk(v)
				}
			}
		}
		var m any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		walk(m)
	}
}

// A rule's failure is a *dsl.Error with its id, under the FileError.
func TestFileErrorUnwrapsToTheRule(t *testing.T) {
	fw, err := advisory.Compile[advisory.File]([]byte(`ruleset r version 1
rule nan {
  type "t"
  when client.income / client.income > 0.5
}
`))
	if err != nil {
		t.Fatal(err)
	}
	res := fw.EvaluateAll(context.Background(), slices.Values([]advisory.Item[advisory.File]{{ClientID: "z"}}), time.Time{}, advisory.BatchOptions{})
	if len(res.Failed) != 1 {
		t.Fatalf("failed %+v", res.Failed)
	}
	var de *dsl.Error
	if !errors.As(res.Failed[0], &de) || de.RuleID != "nan" {
		t.Errorf("FileError %v: no *dsl.Error of rule nan", res.Failed[0])
	}
}

type recorder struct {
	files    []advisory.FileStats
	progress []advisory.Counts
	done     []advisory.BatchStats
}

func (r *recorder) File(f advisory.FileStats)  { r.files = append(r.files, f) }
func (r *recorder) Progress(c advisory.Counts) { r.progress = append(r.progress, c) }
func (r *recorder) Done(b advisory.BatchStats) { r.done = append(r.done, b) }

// The observer sees every file in order (alerts Load found included, a
// load failure as the file's error), the final counts, and per rule the
// files evaluated, the alerts raised and the failures, which match the
// result.
func TestObserverAccountsForTheBatch(t *testing.T) {
	fw := framework(t)
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	items := seedFiles()
	stale := advisory.Alert{ClientID: "loaded", Type: advisory.TypeStale, RuleID: advisory.StalenessRule}
	items = append(items,
		advisory.Item[advisory.File]{ClientID: "loaded", Load: func() (advisory.File, []advisory.Alert, error) {
			return items[0].File, []advisory.Alert{stale}, nil
		}},
		advisory.Item[advisory.File]{ClientID: "broken", Load: func() (advisory.File, []advisory.Alert, error) {
			return advisory.File{}, nil, errors.New("no records")
		}})
	var r recorder
	res := fw.EvaluateAll(context.Background(), slices.Values(items), now, advisory.BatchOptions{Workers: 2, Observer: &r})
	if len(r.files) != len(items) || len(r.done) != 1 || r.progress[len(r.progress)-1] != res.Counts || r.done[0].Counts != res.Counts {
		t.Fatalf("observed %d files, %d done, progress %v; result %+v", len(r.files), len(r.done), r.progress, res.Counts)
	}
	alerts := 0
	for i, f := range r.files {
		if f.Index != i || f.ClientID != items[i].ClientID {
			t.Errorf("file %d observed as %+v", i, f)
		}
		alerts += f.Alerts
	}
	fires := 0
	for _, rs := range r.done[0].Rules {
		fires += rs.Fires
		if rs.Evaluations != len(items)-1 || rs.Errors != 0 {
			t.Errorf("rule %+v: want %d evaluations, no errors", rs, len(items)-1)
		}
	}
	if alerts != len(res.Alerts) || fires != len(res.Alerts)-1 {
		t.Errorf("%d alerts observed, %d fires; the result has %d alerts (one of them Load's)", alerts, fires, len(res.Alerts))
	}
}

// With a clock, the observer gets each rule's time: here a clock that
// moves a millisecond a call, so every enabled rule takes 1 ms a file.
func TestObserverTimesRulesByTheHostsClock(t *testing.T) {
	fw := framework(t)
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	items := seedFiles()
	var mu sync.Mutex
	tick := now
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		tick = tick.Add(time.Millisecond)
		return tick
	}
	var r recorder
	fw.EvaluateAll(context.Background(), slices.Values(items), now, advisory.BatchOptions{Workers: 1, Observer: &r, Clock: clock})
	enabled := map[string]bool{}
	for _, info := range fw.Rules() {
		enabled[info.ID] = info.Enabled
	}
	for _, rs := range r.done[0].Rules {
		want := time.Duration(0)
		if enabled[rs.Rule] {
			want = time.Duration(len(items)) * time.Millisecond
		}
		if rs.Time != want {
			t.Errorf("rule %s: %v, want %v", rs.Rule, rs.Time, want)
		}
	}
}
