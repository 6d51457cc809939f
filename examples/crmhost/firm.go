package main

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/engagekit/engagekit/engagement"
)

// firm is the generated sample book crmhost seeds a new database with, as
// examples/wealthdesk generates its own: clients in two source systems
// (the CRM and the advice tool, which disagree on some fields), their
// money, a year of weekly stimuli and the clients' responses. Everything
// follows from one seed and the time of generation.
type firm struct {
	seed      uint64
	now       time.Time
	clients   []Client
	settings  []engagement.Setting
	stimuli   []engagement.Stimulus
	perClient int
}

var (
	names        = []string{"Ada", "Bram", "Chen", "Dirk", "Eva", "Femke", "Gijs", "Hana", "Ivo", "Jasmijn", "Koen", "Lotte", "Mees", "Noor", "Omar", "Pien"}
	surnames     = []string{"Jansen", "de Vries", "Li", "Bakker", "Smit", "Visser", "Mulder", "de Boer", "Bos", "Peters"}
	riskProfiles = []string{"defensive", "neutral", "offensive"}
	clickTargets = []string{"website", "webinar", "meeting", "portal"}
)

// generate makes a firm of n clients with about perClient responses each.
func generate(seed uint64, n, perClient int, now time.Time) *firm {
	r := rand.New(rand.NewPCG(seed, 42))
	f := &firm{seed: seed, now: now, perClient: perClient}
	f.journey()
	for i := range n {
		rr := f.rng(i, 0)
		f.clients = append(f.clients, Client{
			ID:          clientID(i),
			Name:        names[rr.IntN(len(names))] + " " + surnames[rr.IntN(len(surnames))],
			Revenue:     float64(200 + r.IntN(15000)),
			CostToServe: float64(300 + r.IntN(6000)),
		})
	}
	return f
}

// clientID is the id of the i-th generated client.
func clientID(i int) string { return fmt.Sprintf("c-%05d", i) }

// rng is client i's own generator for purpose k.
func (f *firm) rng(i int, k uint64) *rand.Rand {
	return rand.New(rand.NewPCG(f.seed, uint64(i)<<4|k))
}

// journey is the firm's settings and a year of weekly stimuli: a LinkedIn
// post, video or article and a newsletter each week.
func (f *firm) journey() {
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
		f.stimuli = append(f.stimuli,
			engagement.Stimulus{ID: fmt.Sprint("li-", w), Setting: "linkedin", Kind: []string{"post", "video", "article"}[w%3],
				Topic: []string{"pensions", "mortgages", "investing"}[w%3], Campaign: "spring", Variant: []string{"a", "b"}[w%2], Time: at},
			engagement.Stimulus{ID: fmt.Sprint("nl-", w), Setting: "newsletter", Kind: "newsletter", Topic: "investing", Time: at})
	}
}
