package desk

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/engagement"
)

// Firm is the generated sample: clients in two source systems, their money,
// and a year of stimuli and responses. Everything comes from one seed, and
// each client's records and responses from a generator of their own, so a
// client's data can be produced on demand, in any order, on any core, and
// nothing the size of all responses is ever held: memory follows clients.
type Firm struct {
	seed     uint64
	now      time.Time
	ids      []string
	revenue  []float64
	cost     []float64
	settings []engagement.Setting
	stimuli  []engagement.Stimulus
	// stimTimes, stimVideo and stimNewsletter are what behaviour reads of
	// each stimulus, by number: a year of a million clients' behaviour is
	// hundreds of millions of draws, and copying a Stimulus for each would
	// dominate it.
	stimTimes      []int64 // unix seconds
	stimVideo      []bool
	stimNewsletter []bool
	// answerScale scales the share of stimuli a client answers.
	answerScale float64
}

var names = []string{"Ada", "Bram", "Chen", "Dirk", "Eva", "Femke", "Gijs", "Hana", "Ivo", "Jasmijn", "Koen", "Lotte", "Mees", "Noor", "Omar", "Pien"}
var riskProfiles = []string{"defensive", "neutral", "offensive"}
var surnames = []string{"Jansen", "de Vries", "Li", "Bakker", "Smit", "Visser", "Mulder", "de Boer", "Bos", "Peters"}

// Generate makes a firm of n clients with about perClient responses each
// over the year (the journey gets enough weekly stimuli for that). A
// negative count is none.
func Generate(seed uint64, n, perClient int, now time.Time) *Firm {
	n, perClient = max(n, 0), max(perClient, 0)
	r := rand.New(rand.NewPCG(seed, 42))
	f := &Firm{seed: seed, now: now, ids: make([]string, n), revenue: make([]float64, n), cost: make([]float64, n)}
	f.journey(max(2, (perClient*2+29)/30))
	// A client answers a share of the stimuli that grows with their
	// propensity (0.3 of them on average); scaled so that clients give
	// perClient responses on average.
	f.answerScale = float64(perClient) / (0.3 * float64(len(f.stimuli)))
	// Ids are numbers padded to one width, at least five digits, so that
	// their order is the clients' order at any size: the batch hands the
	// files' alerts over in id order, which the plan reads without a map
	// of the ids and looks the clients up on all cores.
	width := max(5, len(strconv.Itoa(n-1)))
	// The ids are substrings of one string: a million ids are one
	// allocation rather than a million, which the collector would mark
	// at each cycle of the job.
	all := make([]byte, 0, n*(2+width))
	for i := range n {
		var digits [20]byte
		num := strconv.AppendInt(digits[:0], int64(i), 10)
		all = append(all, "c-"...)
		for range width - len(num) {
			all = append(all, '0')
		}
		all = append(all, num...)
		f.revenue[i] = float64(200 + r.IntN(15000))
		f.cost[i] = float64(300 + r.IntN(6000))
	}
	ids := string(all)
	for i := range n {
		f.ids[i] = ids[i*(2+width) : (i+1)*(2+width)]
	}
	return f
}

// rng is client i's own generator of their records.
func (f *Firm) rng(i int) *rand.Rand {
	return rand.New(rand.NewPCG(f.seed, uint64(i)<<4|1))
}

// person draws who a client is, the first draws of both preparations of
// a file (Prepare and PrepareTyped), which must draw alike: the birth
// date, name, income, risk profile (its index) and dependants.
func (f *Firm) person(r *rand.Rand) (birth time.Time, name string, income float64, profile, dependants int) {
	age := 22 + r.IntN(60)
	birth = f.now.AddDate(-age, -r.IntN(12), -r.IntN(28))
	name = names[r.IntN(len(names))] + " " + surnames[r.IntN(len(surnames))]
	income = float64(25000 + r.IntN(160000))
	return birth, name, income, r.IntN(len(riskProfiles)), r.IntN(4)
}

// journey is the firm's settings, from a social feed to an adviser
// meeting, and a year of weekly stimuli: perWeek of them, alternating
// LinkedIn content and newsletters.
func (f *Firm) journey(perWeek int) {
	f.settings = []engagement.Setting{
		{ID: "linkedin", Kind: "social", Stage: engagement.PreSale, Depth: 1},
		{ID: "newsletter", Kind: "inbox", Stage: engagement.PostSale, Depth: 2},
		{ID: "website", Kind: "owned", Stage: engagement.PreSale, Depth: 2},
		{ID: "webinar", Kind: "event", Stage: engagement.PreSale, Depth: 3},
		{ID: "portal", Kind: "portal", Stage: engagement.PostSale, Depth: 3},
		{ID: "meeting", Kind: "meeting", Stage: engagement.PostSale, Depth: 5},
	}
	for w := range 52 {
		at := f.now.AddDate(0, 0, -7*(52-w))
		for k := 0; k < perWeek; k += 2 {
			kind := []string{"post", "video", "article"}[(w+k/2)%3]
			f.stimuli = append(f.stimuli,
				engagement.Stimulus{ID: fmt.Sprint("li-", w, "-", k/2), Setting: "linkedin", Kind: kind, Topic: []string{"pensions", "mortgages", "investing"}[(w+k/2)%3],
					Campaign: "spring", Variant: []string{"a", "b"}[w%2], Time: at},
				engagement.Stimulus{ID: fmt.Sprint("nl-", w, "-", k/2), Setting: "newsletter", Kind: "newsletter", Topic: "investing", Time: at})
		}
	}
	for _, st := range f.stimuli {
		f.stimTimes = append(f.stimTimes, st.Time.Unix())
		f.stimVideo = append(f.stimVideo, st.Kind == "video")
		f.stimNewsletter = append(f.stimNewsletter, st.Setting == "newsletter")
	}
}

// records is client i's file in the CRM and in the advice tool, which
// disagree on some fields. The records are written into into's maps when
// it has two records (a host reusing its buffers), else into new ones.
func (f *Firm) records(i int, into []advisory.Record) []advisory.Record {
	if len(into) != 2 {
		into = []advisory.Record{{Fields: map[string]any{}}, {Fields: map[string]any{}}}
	}
	crm, tool := into[0].Fields, into[1].Fields
	clear(crm)
	clear(tool)
	r, id, now := f.rng(i), f.ids[i], f.now
	birth, name, income, pi, dependants := f.person(r)
	profile := riskProfiles[pi]
	crm["client.id"], crm["client.name"], crm["client.birthDate"] = id, name, birth
	crm["client.riskProfile"], crm["client.dependants"] = profile, dependants
	tool["client.name"], tool["client.birthDate"], tool["client.riskProfile"] = name, birth, profile
	if r.IntN(100) > 0 { // one client in a hundred has no income on file
		crm["client.income"], tool["client.income"] = income, income
	}
	// The advice tool disagrees on some fields: an income it was told
	// later, a name written short, a profile from an older interview, a
	// child the CRM does not know of, a birth date typed a year off.
	if r.IntN(10) == 0 && income > 0 {
		tool["client.income"] = income * (0.8 + r.Float64()*0.4)
	}
	if r.IntN(25) == 0 {
		tool["client.name"] = name[:1] + ". " + surnames[r.IntN(len(surnames))]
	}
	if r.IntN(25) == 0 {
		tool["client.riskProfile"] = riskProfiles[(pi+1+r.IntN(2))%len(riskProfiles)] // one of the others
	}
	if r.IntN(25) == 0 {
		tool["client.dependants"] = dependants + 1
	}
	if r.IntN(50) == 0 {
		tool["client.birthDate"] = birth.AddDate(1, 0, 0)
	}
	if r.IntN(2) == 0 {
		tool["mortgage.fixedTermEnd"] = now.AddDate(0, 0, r.IntN(900)-30)
		tool["mortgage.rate"] = 0.01 + r.Float64()*0.04
		tool["mortgage.balance"] = float64(100000 + r.IntN(500000))
	}
	if r.IntN(4) > 0 {
		tool["pension.coverage"] = 0.3 + 0.9*r.Float64()
		tool["pension.contribution"] = income * (0.03 + 0.09*r.Float64())
		if r.IntN(25) > 0 { // some advice files lack a target
			tool["pension.targetIncome"] = income * (0.48 + 0.5*r.Float64())
		}
	}
	if r.IntN(2) == 0 {
		v := float64(200000 + r.IntN(900000))
		tool["home.propertyValue"] = v
		tool["home.cover"] = v * (0.78 + r.Float64()*0.37)
	}
	if r.IntN(3) == 0 {
		tool["portfolio.value"] = float64(10000 + r.IntN(2000000))
		d := r.Float64()
		tool["portfolio.drift"] = d * d * 0.15
	}
	toolAsOf := now.AddDate(0, -r.IntN(18), 0)
	into[0].Source, into[0].AsOf = "crm", now.AddDate(0, 0, -r.IntN(60))
	into[1].Source, into[1].AsOf = "advice", toolAsOf
	return into
}

// The response kinds and the settings a click lands in. They are arrays:
// a draw per response picks a target by its length, a constant the
// compiler turns into a mask rather than a division.
var (
	kinds        = [...]string{"like", "read", "click", "unsubscribe"}
	clickTargets = [...]string{"website", "webinar", "meeting", "portal"}
)

// act is one generated response: stimulus number, kind and landing
// setting (indexes into kinds and clickTargets; -1: the stimulus's own),
// and unix time.
type act struct {
	stimulus, kind, target int
	at                     int64
}

// behaviour yields client i's year of responses in time order. A client
// has a propensity; some fans stop in the last two months; videos lose
// their pull in the last quarter, so change detection has a story.
func (f *Firm) behaviour(i int, yield func(act) bool) bool {
	r := sampler{state: f.seed*0x9E3779B97F4A7C15 ^ uint64(i)<<4 | 2}
	now := f.now.Unix()
	const day = 24 * 3600
	propensity := r.float()
	fades := propensity > 0.7 && r.intN(4) == 0 // a fan who stops
	answers := uint16(min(propensity*0.6*f.answerScale, 1-0x1p-16) * (1 << 16))
	// Whether the client answers a stimulus is a 16-bit draw, four from
	// one draw of the generator: the draw for stimuli s to s+3 is made at
	// s, before the draws of their responses (the order sampler.u16 gave
	// them in, kept so that the firm stays the same).
	var bits uint64
	for s, at := range f.stimTimes {
		if s%4 == 0 {
			bits = r.next()
		} else {
			bits >>= 16
		}
		if uint16(bits) >= answers {
			continue
		}
		age := now - at
		if fades && age < 60*day {
			continue
		}
		// One draw gives the response's hour (its low 16 bits), its
		// landing setting (the next 16) and what it is (the high 32).
		d := r.next()
		a := act{stimulus: s, kind: 0, target: -1, at: at + int64(uint16(d)%72)*3600}
		escalate := propensity * 0.5
		if f.stimVideo[s] && age < 90*day {
			escalate *= 0.2
		}
		switch x := float64(d>>32) * 0x1p-32; {
		case x < escalate:
			a.kind, a.target = 2, int(uint16(d>>16))%len(clickTargets)
		case x > 0.985:
			a.kind = 3
		case f.stimNewsletter[s]:
			a.kind = 1
		}
		if a.at > now {
			continue
		}
		if !yield(a) {
			return false
		}
	}
	return true
}

// sampler is a splitmix64 generator: a client's year of behaviour is a
// draw per stimulus, most of the generation work, and this costs a
// fraction of a PCG draw (behaviour takes four 16-bit draws from one).
type sampler struct {
	state uint64
}

func (g *sampler) next() uint64 {
	g.state += 0x9E3779B97F4A7C15
	z := g.state
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}

func (g *sampler) float() float64 { return float64(g.next()>>11) * 0x1p-53 }

func (g *sampler) intN(n int) int { return int((g.next() >> 32) * uint64(n) >> 32) }

// responses yields the responses of clients [from, to) by name.
func (f *Firm) responses(from, to int) iter.Seq[engagement.Response] {
	return func(yield func(engagement.Response) bool) {
		for i := from; i < to; i++ {
			ok := f.behaviour(i, func(a act) bool {
				resp := engagement.Response{Client: f.ids[i], Stimulus: f.stimuli[a.stimulus].ID, Kind: kinds[a.kind],
					Time: time.Unix(a.at, 0).UTC()}
				if a.target >= 0 {
					resp.Setting = clickTargets[a.target]
				}
				return yield(resp)
			})
			if !ok {
				return
			}
		}
	}
}

// Events yields the responses of clients [from, to) numbered for x, which
// must index the firm's journey with kinds in the order of kinds.
func (f *Firm) Events(x *engagement.Index, from, to int) iter.Seq[engagement.Event] {
	var targets [4]uint16
	for k, s := range clickTargets {
		targets[k], _ = x.Setting(s)
	}
	return func(yield func(engagement.Event) bool) {
		for i := from; i < to; i++ {
			ok := f.behaviour(i, func(a act) bool {
				e := engagement.Event{Client: uint32(i), Stimulus: uint32(a.stimulus), Kind: uint16(a.kind), Time: a.at}
				if a.target >= 0 {
					e.Setting = targets[a.target]
				}
				return yield(e)
			})
			if !ok {
				return
			}
		}
	}
}
