package desk

import (
	_ "embed"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
	"github.com/engagekit/engagekit/segment"
)

// FrameworkRules is the firm's advisory framework: a hundred rules.
//
//go:embed framework.rules
var FrameworkRules []byte

// Grid is the firm's segmentation: top 40% by profit, top 50% by
// engagement.
var Grid = segment.Grid{Profit: segment.Top(0.4), Engagement: segment.Top(0.5)}

// Teams is how many adviser teams the firm has: client i is served by
// team i mod Teams, which has its own adviser capacity.
const Teams = 8

// Team is the name of client i's adviser team.
func Team(i int) string { return fmt.Sprintf("team-%d", i%Teams+1) }

// TeamSize is how many of n clients team t (0-based) serves.
func TeamSize(n, t int) int { return max(0, (n-t+Teams-1)/Teams) }

// PlaceCtx is what the canvas's granulation rules read about a client.
type PlaceCtx struct {
	Age           int       `expr:"age"`
	Discrepancies int       `expr:"discrepancies"`
	TermEnd       time.Time `expr:"termEnd"`
}

var placementRules = []canvas.TypeRule{
	{Type: "mortgage.term_end", Base: canvas.Position{Urgency: 0.3, Sensitivity: 0.3},
		Urgency: "client.termEnd.IsZero() ? 0.3 : (daysUntil(client.termEnd) <= 14 ? 0.9 : (daysUntil(client.termEnd) <= 60 ? 0.6 : 0.2))"},
	{Type: "pension.gap", Base: canvas.Position{Urgency: 0.1, Sensitivity: 0.9}, Sensitivity: "client.age < 30 ? 0.7 : 0.9"},
	{Type: "data.discrepancies", Base: canvas.Position{Urgency: 0.2}, Sensitivity: "clamp(0.2 + client.discrepancies * 0.08, 0, 1)"},
}

// NewPlanner is the firm's planner for a book (or a team) of n clients:
// an adviser contact for one client in eight a period, at least ten.
func NewPlanner(n int, now time.Time) (*canvas.Planner[PlaceCtx], error) {
	return newPlanner(n, now, 0)
}

// newPlanner is NewPlanner planning on workers goroutines (0: all cores).
func newPlanner(n int, now time.Time, workers int) (*canvas.Planner[PlaceCtx], error) {
	placement, err := canvas.NewPlacement[PlaceCtx](placementRules)
	if err != nil {
		return nil, err
	}
	// The firm's lookup reads its slices: safe for concurrent use.
	return canvas.NewPlanner(placement, canvas.Options{Now: now, AdviserCapacity: max(10, n/8), Workers: workers, ConcurrentLookup: true})
}

// Standing is what the job knows of a client when its file is prepared:
// its engagement percentile in the book, whether it is at risk, and its
// segment.
type Standing struct {
	Percentile float64
	AtRisk     bool
	Segment    segment.Assignment
}

// Buffers is what one goroutine reuses to prepare client files, as a CRM
// reads rows into buffers it reuses: the file and the alerts take nothing
// from them.
type Buffers struct {
	records      []advisory.Record
	consolidated advisory.Consolidated
}

// Prepare generates client i's records in the two source systems,
// consolidates them, checks them for staleness and builds the file,
// enriched with the client's standing. It returns the file, the data
// alerts (which lead the client's alerts) and the client's placement
// context.
func (f *Firm) Prepare(i int, st Standing, buf *Buffers) (advisory.File, []advisory.Alert, PlaceCtx, error) {
	buf.records = f.records(i, buf.records)
	c := &buf.consolidated
	if err := advisory.ConsolidateInto(c, f.ids[i], buf.records, policy); err != nil {
		return advisory.File{}, nil, PlaceCtx{}, err
	}
	stale := advisory.Staleness(*c, policy, f.now)
	file, err := advisory.NewFile(*c)
	if err != nil {
		return advisory.File{}, nil, PlaceCtx{}, err
	}
	file.StaleFields = len(stale)
	return f.enrich(file, stale, st)
}

// PlanClient is client i as the planner sees them: their placement
// context, their segment's policy, the channels they consent to (one in
// three also allows app pushes) and the touches used this year.
func (f *Firm) PlanClient(i int, seg segment.Segment, ctx PlaceCtx) canvas.Client[PlaceCtx] {
	consent := consentAll
	if i%3 != 0 {
		consent = consentAll[:len(consentAll)-1]
	}
	return canvas.Client[PlaceCtx]{ID: f.ids[i], Context: ctx, Consent: consent, Policy: policies[seg], TouchesUsed: i % 15}
}

// Number is the client number of an id, as a CRM finds a row by key.
func (f *Firm) Number(id string) (int, bool) {
	i, err := strconv.Atoi(strings.TrimPrefix(id, "c-"))
	if err != nil || i < 0 || i >= len(f.ids) || f.ids[i] != id {
		return 0, false
	}
	return i, true
}

// Len is the number of clients.
func (f *Firm) Len() int { return len(f.ids) }

// ID is client i's id.
func (f *Firm) ID(i int) string { return f.ids[i] }

// Money is client i's segmentation record, with their engagement.
func (f *Firm) Money(i int, engagement float64) segment.Client {
	return segment.Client{ID: f.ids[i], Revenue: f.revenue[i], CostToServe: f.cost[i], Engagement: engagement}
}

// Percentile is a value's share of the sorted values below it, in [0,1):
// equal values share the lowest rank of their run.
func Percentile(sorted []float64, v float64) float64 {
	k, _ := slices.BinarySearch(sorted, v)
	return float64(k) / float64(len(sorted))
}

// Ranks finds values' percentiles in a sorted book as [Percentile] does,
// faster: a table of where each of 65,536 equal slices of the values'
// range starts narrows each binary search to a few values, where a
// million-client book takes twenty steps, most of them cache misses.
type Ranks struct {
	sorted    []float64
	lo, scale float64
	starts    []int32 // starts[b]: the first value in slice b or later
}

const rankSlices = 1 << 16

// NewRanks indexes sorted values (ascending, as slices.Sort leaves them).
func NewRanks(sorted []float64) *Ranks {
	r := &Ranks{sorted: sorted}
	if len(sorted) < 2 || len(sorted) > math.MaxInt32 {
		return r
	}
	lo, hi := sorted[0], sorted[len(sorted)-1]
	if !(hi > lo) || math.IsInf(lo, 0) || math.IsInf(hi, 0) || math.IsNaN(lo) || math.IsNaN(hi) {
		return r // no range to slice (or not numbers): plain binary search
	}
	r.lo, r.scale = lo, rankSlices/(hi-lo)
	if math.IsInf(r.scale, 0) {
		return r
	}
	r.starts = make([]int32, rankSlices+1)
	b := 0
	for k, v := range sorted {
		for s := r.slice(v); b <= s; b++ {
			r.starts[b] = int32(k)
		}
	}
	for ; b <= rankSlices; b++ {
		r.starts[b] = int32(len(sorted))
	}
	return r
}

// slice is the slice of the range v falls in, clamped; it never decreases
// as v grows, so the values of an earlier slice are all below v.
func (r *Ranks) slice(v float64) int {
	return int(min(rankSlices-1, max(0, (v-r.lo)*r.scale)))
}

// Percentile is [Percentile] of the indexed values.
func (r *Ranks) Percentile(v float64) float64 {
	if r.starts == nil || math.IsNaN(v) {
		return Percentile(r.sorted, v)
	}
	b := r.slice(v)
	lo, hi := int(r.starts[b]), int(r.starts[b+1])
	k, _ := slices.BinarySearch(r.sorted[lo:hi], v)
	return float64(lo+k) / float64(len(r.sorted))
}

// policy is the firm's source of truth per field.
var policy = advisory.Policy{
	Default: advisory.FieldPolicy{Sources: []string{"crm", "advice"}},
	Fields: map[string]advisory.FieldPolicy{
		"pension.coverage":   {Sources: []string{"advice"}, MaxAge: 455 * 24 * time.Hour},
		"portfolio.value":    {Sources: []string{"advice"}, MaxAge: 455 * 24 * time.Hour},
		"home.propertyValue": {MaxAge: 455 * 24 * time.Hour},
		"client.income":      {Strategy: advisory.MostRecent},
	},
}

// policies are the segments' service policies.
var policies = segment.DefaultPolicies()

// consentAll is the channels clients consent to; one in three also allows
// app pushes (the last). Clients share the slice, which planning only
// reads.
var consentAll = []canvas.Channel{canvas.Email, canvas.PortalNudge, canvas.ReviewMeeting, canvas.AdviserMeeting,
	canvas.PhoneAdviser, canvas.Newsletter, canvas.AppPush}
