package desk

import (
	"context"
	"errors"
	"iter"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"sync"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
	"github.com/engagekit/engagekit/engagement"
	"github.com/engagekit/engagekit/segment"
)

// Result is everything the job found.
type Result struct {
	Book       segment.Book                `json:"book"`
	Summary    segment.Summary             `json:"summary"`
	Engagement engagement.Report           `json:"engagement"`
	Superfans  []engagement.Superfan       `json:"superfans"`
	AtRisk     []engagement.AtRisk         `json:"at_risk"`
	Changes    []engagement.Change         `json:"changes"`
	Experiment engagement.ExperimentReport `json:"experiment"`
	Alerts     Alerts                      `json:"alerts"`
	// Plan is the firm's plan, or with Options.PlanByTeam empty, and
	// Teams the plan of each adviser team, in team order.
	Plan  canvas.Plan `json:"plan"`
	Teams []TeamPlan  `json:"teams,omitempty"`
	// Stages is how long each stage took, for -v; not part of the
	// (deterministic) result.
	Stages []Stage `json:"-"`
}

// TeamPlan is one adviser team's plan, made with the team's own adviser
// capacity.
type TeamPlan struct {
	Team string      `json:"team"`
	Plan canvas.Plan `json:"plan"`
}

// Stage is one timed stage of the run.
type Stage struct {
	Name string
	Took time.Duration
	// Idle is the share of the cores' time in the stage that ran no Go
	// code (the runtime's estimate): what overlapping stages could use.
	Idle float64
	// Allocated is how many bytes the stage allocated on the heap: at a
	// million clients, memory the system must hand over and clear is
	// much of a stage's time.
	Allocated uint64
}

// Options choose how the job plans.
type Options struct {
	// PlanByTeam plans each adviser team's clients apart, with the
	// team's capacity, as a firm staffs it (and as the Beam pipeline
	// does), rather than the whole firm at once.
	PlanByTeam bool
	// Straightforward prepares the client files through field maps,
	// consolidation and decoding ([Firm.Prepare]), as a host with real
	// source systems does, rather than straight into the typed file
	// ([Firm.PrepareTyped]), and plans on one goroutine; the result is
	// the same (the tests hold the two equal).
	Straightforward bool
	// KeepMemory keeps what the stages before the plan let go of for the
	// plan to reuse, rather than hand it back to the system first: for a
	// host whose heap is on huge pages (see wealthdesk's -hugepages),
	// where memory handed back is faulted in again 4 KiB at a time.
	KeepMemory bool
}

// clock is where the previous stage ended: the time, the cores' idle time
// and the bytes allocated so far.
type clock struct {
	at        time.Time
	idle      float64
	allocated uint64
}

// The runtime's estimate of the cores' time that ran no Go code, in
// seconds since the process started, and the bytes allocated since then.
const (
	idleMetric  = "/cpu/classes/idle:cpu-seconds"
	allocMetric = "/gc/heap/allocs:bytes"
)

func startClock() clock {
	s := []metrics.Sample{{Name: idleMetric}, {Name: allocMetric}}
	metrics.Read(s)
	c := clock{at: time.Now()}
	if s[0].Value.Kind() == metrics.KindFloat64 {
		c.idle = s[0].Value.Float64()
	}
	if s[1].Value.Kind() == metrics.KindUint64 {
		c.allocated = s[1].Value.Uint64()
	}
	return c
}

// lap records the time since the previous lap as the named stage.
func (r *Result) lap(name string, since *clock) {
	now := startClock()
	took := now.at.Sub(since.at)
	idle := 0.0
	if cores := took.Seconds() * float64(runtime.GOMAXPROCS(0)); cores > 0 {
		idle = min(1, max(0, (now.idle-since.idle)/cores))
	}
	r.Stages = append(r.Stages, Stage{name, took, idle, now.allocated - since.allocated})
	*since = now
}

// Kinds are the response kinds an Index of the firm's journey numbers, in
// the order [Firm.Events] numbers them.
func Kinds() []string { return slices.Clone(kinds[:]) }

// Index is the firm's journey, numbered for its events.
func (f *Firm) Index() (*engagement.Index, error) {
	journey, err := engagement.NewJourney(f.settings, f.stimuli)
	if err != nil {
		return nil, err
	}
	return engagement.NewIndex(journey, kinds[:]...)
}

// Run is the host's whole job. Each stage streams: engagement reads the
// generated responses as numbered events, a shard per core; the client
// files are generated, consolidated and evaluated on the framework's
// batch workers, one file at a time; only what the stages produce (one
// profile, file summary and the alerts per client) is held.
func Run(f *Firm, now time.Time, o Options) (*Result, error) {
	ctx := context.Background()
	res := &Result{}
	n, shards := len(f.ids), runtime.GOMAXPROCS(0)
	clock := startClock()
	// Engagement: a year of responses, scored and searched for changes.
	x, err := f.Index()
	if err != nil {
		return nil, err
	}
	parts := make([]iter.Seq[engagement.Event], shards)
	for s := range parts {
		parts[s] = f.Events(x, s*n/shards, (s+1)*n/shards)
	}
	book, err := engagement.AnalyzeParallel(ctx, x, f.ids, parts, engagement.Options{AsOf: now})
	if err != nil {
		return nil, err
	}
	res.lap("engagement: generate and score responses", &clock)
	res.Engagement = book.Report
	res.AtRisk, _ = book.AtRisk(engagement.AtRiskRule{}) // the zero rule is valid
	res.lap("engagement: clients at risk", &clock)
	// What only the report reads of the book is worked out beside the
	// segments, whose stage leaves a core idle much of the time, and the
	// files (the book is safe for concurrent use), so that the book is
	// let go before the plan, the stage that holds the most.
	reported := make(chan struct{})
	go func() {
		defer close(reported)
		res.Superfans, _ = book.Superfans(engagement.SuperfanRule{}) // the zero rule is valid
		// The options are constants, valid: Changes cannot fail here.
		res.Changes, _ = book.Changes(engagement.ChangeOptions{Alpha: 0.01, MinN: 50})
		// The invitation test ran on a cohort of the book. Its control
		// is in the generated data unless the book is tiny; without it
		// the report shows no experiment.
		res.Experiment, _ = experiment(ctx, f, min(n, 20_000), now)
	}()
	// The book numbers clients as f.ids does: join by number, not by id.
	engaged := make([]float64, n)
	for i := range n {
		if s, ok := book.ScoreAt(i); ok {
			engaged[i] = s.Total()
		}
	}
	// The files carry each client's percentile of engagement in the book,
	// so the framework's thresholds read the same for any book; they are
	// worked out beside the segments.
	ranked := make(chan []float64, 1)
	go func() { ranked <- Percentiles(engaged) }()
	atRisk := make([]bool, n) // by client number, as the files read it
	for _, a := range res.AtRisk {
		if i, ok := f.Number(a.Client); ok {
			atRisk[i] = true
		}
	}
	// Segments: profitability × engagement, top 40% and top 50%.
	money := make([]segment.Client, n)
	for i := range n {
		money[i] = f.Money(i, engaged[i])
	}
	seg, err := Grid.AssignAll(ctx, money)
	if err != nil {
		return nil, err
	}
	res.Book = seg
	segOf := byNumber(f.ids, seg.Assignments)
	percentiles := <-ranked
	res.lap("segments", &clock)
	// The segment summary is worked out beside the client files (the
	// segments are safe for concurrent use).
	summarized := make(chan struct{})
	go func() {
		defer close(summarized)
		res.Summary = segment.Summarize(seg.Assignments, money)
	}()
	// Client files: consolidated, enriched with the engagement and segment
	// summaries, then the advisory framework over the book.
	fw, err := advisory.Compile[advisory.File](FrameworkRules)
	if err != nil {
		return nil, err
	}
	ctxs := make([]PlaceCtx, n)
	// Each file is prepared on the batch's workers, as it is evaluated:
	// the iterator only names the clients, and the data alerts join each
	// client's alerts.
	l := &loader{f: f, o: o, percentiles: percentiles, atRisk: atRisk, segOf: segOf, ctxs: ctxs,
		buffers: sync.Pool{New: func() any { return &Buffers{} }}}
	files := func(yield func(advisory.Item[advisory.File]) bool) {
		for i, id := range f.ids {
			if !yield(advisory.Item[advisory.File]{ClientID: id, Load: func() (advisory.File, []advisory.Alert, error) { return l.load(i) }}) {
				return
			}
		}
	}
	res.Alerts.Parts = make([][]advisory.Alert, 0, n) // a part a file at most
	res.Alerts.Counts = fw.EvaluateEach(ctx, files, now, advisory.BatchOptions{}, res.Alerts.add)
	res.lap("files: generate, consolidate, evaluate the framework", &clock)
	<-summarized
	<-reported
	res.lap("report: segment summary, superfans, changes, experiment (waited)", &clock)
	// What the stages before let go of (the engagement book, the files'
	// alerts before they were gathered) is handed back to the system at
	// once, so that the plan's arrays are laid out in fresh memory rather
	// than in the gaps of the old heap, page by page, under the memory
	// limit of a large run; unless the host keeps it (on huge pages,
	// where handing it back would break them up, and the plan would fault
	// it in again 4 KiB at a time).
	if !o.KeepMemory {
		debug.FreeOSMemory()
		res.lap("free the memory the stages before let go of", &clock)
	}
	// The firm finds a client by the number in its id, as a CRM finds a
	// row by key: no table of a million clients is built for the plan.
	lookup := func(id string) (canvas.Client[PlaceCtx], bool) {
		i, ok := f.Number(id)
		if !ok {
			return canvas.Client[PlaceCtx]{}, false
		}
		return f.PlanClient(i, segOf[i].Segment, ctxs[i]), true
	}
	if o.PlanByTeam {
		res.Teams, err = planTeams(ctx, f, res.Alerts.Parts, lookup, now)
	} else {
		var planner *canvas.Planner[PlaceCtx]
		workers := 0
		if o.Straightforward {
			workers = 1
		}
		if planner, err = newPlanner(n, now, workers); err == nil {
			res.Plan, err = planner.PlanParts(ctx, res.Alerts.Parts, lookup)
		}
	}
	if err != nil {
		return nil, err
	}
	res.lap("canvas: plan", &clock)
	return res, nil
}

// loader prepares client files on the framework's batch workers. An item's
// Load is a closure over the loader and the client's number alone: a
// million items each capturing the job's slices would be 150 MB of
// closures.
type loader struct {
	f           *Firm
	o           Options
	percentiles []float64 // each client's engagement percentile
	atRisk      []bool
	segOf       []segment.Assignment
	ctxs        []PlaceCtx
	buffers     sync.Pool
}

// load prepares client i's file and keeps its placement context.
func (l *loader) load(i int) (advisory.File, []advisory.Alert, error) {
	buf := l.buffers.Get().(*Buffers)
	defer l.buffers.Put(buf)
	st := Standing{Percentile: l.percentiles[i], AtRisk: l.atRisk[i], Segment: l.segOf[i]}
	prepare := l.f.PrepareTyped
	if l.o.Straightforward {
		prepare = l.f.Prepare
	}
	file, stale, pc, err := prepare(i, st, buf)
	l.ctxs[i] = pc
	return file, stale, err
}

// planTeams plans each adviser team's alerts apart, with the team's
// capacity, the teams on all cores: a team's plan shares nothing with
// another's.
func planTeams(ctx context.Context, f *Firm, parts [][]advisory.Alert, lookup func(string) (canvas.Client[PlaceCtx], bool), now time.Time) ([]TeamPlan, error) {
	team := func(a *advisory.Alert) int {
		if i, ok := f.Number(a.ClientID); ok {
			return i % Teams
		}
		return 0 // an unknown client's alerts go to the first team, deferred there
	}
	byTeam := make([][][]advisory.Alert, Teams)
	for _, part := range parts {
		// A file's alerts are its client's, one team's; were a part to
		// mix clients, its alerts would go each to its own team.
		t, mixed := team(&part[0]), false
		for i := range part[1:] {
			mixed = mixed || part[1+i].ClientID != part[0].ClientID
		}
		if !mixed {
			byTeam[t] = append(byTeam[t], part)
			continue
		}
		for i := range part {
			byTeam[team(&part[i])] = append(byTeam[team(&part[i])], part[i:i+1])
		}
	}
	out := make([]TeamPlan, Teams)
	errs := make([]error, Teams)
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for t := range Teams {
		out[t].Team = Team(t)
		planner, err := newPlanner(TeamSize(len(f.ids), t), now, 1) // the teams share the cores
		if err != nil {
			return nil, err
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[t].Plan, errs[t] = planner.PlanParts(ctx, byTeam[t], lookup)
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// byNumber lines assignments up with the clients' numbers. AssignAll keeps
// its input's order, so they line up unless a client was rejected; then
// they are matched by id.
func byNumber(ids []string, as []segment.Assignment) []segment.Assignment {
	if len(as) == len(ids) {
		aligned := true
		for i := range as {
			if as[i].ClientID != ids[i] {
				aligned = false
				break
			}
		}
		if aligned {
			return as
		}
	}
	byID := make(map[string]segment.Assignment, len(as))
	for _, a := range as {
		byID[a.ClientID] = a
	}
	out := make([]segment.Assignment, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out
}
