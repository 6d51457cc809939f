package desk

import (
	"cmp"
	_ "embed"
	"fmt"
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

// Percentiles is [Percentile] of each value among all of them, by index,
// worked out in one sort: a value's run of equal values starts at its
// percentile. A million clients' binary searches into a sorted million
// were twenty steps each, most of them cache misses, on the workers that
// evaluate the files; this sort runs beside the segments, where the cores
// have time.
func Percentiles(values []float64) []float64 {
	type ranked struct {
		v float64
		i int32
	}
	byValue := make([]ranked, len(values))
	for i, v := range values {
		byValue[i] = ranked{v, int32(i)}
	}
	// In slices.Sort's order (NaN first), so that a run starts where
	// BinarySearch finds its value.
	slices.SortFunc(byValue, func(a, b ranked) int { return cmp.Compare(a.v, b.v) })
	out := make([]float64, len(values))
	for k := 0; k < len(byValue); {
		run := k + 1
		for run < len(byValue) && cmp.Compare(byValue[run].v, byValue[k].v) == 0 {
			run++
		}
		p := float64(k) / float64(len(values))
		for ; k < run; k++ {
			out[byValue[k].i] = p
		}
	}
	return out
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
