package main

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/engagement"
)

// firm is the generated sample: clients in two source systems, their money,
// and a year of stimuli and responses. Everything comes from one seed, so
// the same flags give the same firm.
type firm struct {
	ids       []string
	records   map[string][]advisory.Record
	revenue   map[string]float64
	cost      map[string]float64
	settings  []engagement.Setting
	stimuli   []engagement.Stimulus
	responses []engagement.Response
}

var names = []string{"Ada", "Bram", "Chen", "Dirk", "Eva", "Femke", "Gijs", "Hana", "Ivo", "Jasmijn", "Koen", "Lotte", "Mees", "Noor", "Omar", "Pien"}
var surnames = []string{"Jansen", "de Vries", "Li", "Bakker", "Smit", "Visser", "Mulder", "de Boer", "Bos", "Peters"}

func generate(seed uint64, n int, now time.Time) *firm {
	r := rand.New(rand.NewPCG(seed, 42))
	f := &firm{records: map[string][]advisory.Record{}, revenue: map[string]float64{}, cost: map[string]float64{}}
	f.journey(r, now)
	for i := range n {
		id := fmt.Sprintf("c-%05d", i)
		f.ids = append(f.ids, id)
		f.client(r, id, now)
		f.behaviour(r, id, now)
	}
	return f
}

// journey is the firm's settings, from a social feed to an adviser
// meeting, and a year of weekly stimuli.
func (f *firm) journey(r *rand.Rand, now time.Time) {
	f.settings = []engagement.Setting{
		{ID: "linkedin", Kind: "social", Stage: engagement.PreSale, Depth: 1},
		{ID: "newsletter", Kind: "inbox", Stage: engagement.PostSale, Depth: 2},
		{ID: "website", Kind: "owned", Stage: engagement.PreSale, Depth: 2},
		{ID: "webinar", Kind: "event", Stage: engagement.PreSale, Depth: 3},
		{ID: "portal", Kind: "portal", Stage: engagement.PostSale, Depth: 3},
		{ID: "meeting", Kind: "meeting", Stage: engagement.PostSale, Depth: 5},
	}
	for w := range 52 {
		at := now.AddDate(0, 0, -7*(52-w))
		kind := []string{"post", "video", "article"}[w%3]
		f.stimuli = append(f.stimuli,
			engagement.Stimulus{ID: fmt.Sprint("li-", w), Setting: "linkedin", Kind: kind, Topic: []string{"pensions", "mortgages", "investing"}[w%3],
				Campaign: "spring", Variant: []string{"a", "b"}[w%2], Time: at},
			engagement.Stimulus{ID: fmt.Sprint("nl-", w), Setting: "newsletter", Kind: "newsletter", Topic: "investing", Time: at})
	}
}

func (f *firm) client(r *rand.Rand, id string, now time.Time) {
	age := 22 + r.IntN(60)
	birth := now.AddDate(-age, -r.IntN(12), -r.IntN(28))
	name := names[r.IntN(len(names))] + " " + surnames[r.IntN(len(surnames))]
	crm := map[string]any{"client.id": id, "client.name": name, "client.birthDate": birth,
		"client.income": float64(25000 + r.IntN(160000)), "client.riskProfile": []string{"defensive", "neutral", "offensive"}[r.IntN(3)]}
	tool := map[string]any{"client.name": name, "client.birthDate": birth, "client.income": crm["client.income"]}
	if r.IntN(5) == 0 { // the advice tool disagrees on some fields
		tool["client.income"] = crm["client.income"].(float64) * (0.8 + r.Float64()*0.4)
		if r.IntN(2) == 0 {
			tool["client.name"] = name[:1] + ". " + surnames[r.IntN(len(surnames))]
		}
	}
	if r.IntN(2) == 0 {
		tool["mortgage.fixedTermEnd"] = now.AddDate(0, 0, r.IntN(900)-30)
		tool["mortgage.rate"] = 0.01 + r.Float64()*0.04
		tool["mortgage.balance"] = float64(100000 + r.IntN(500000))
	}
	if r.IntN(4) > 0 {
		tool["pension.coverage"] = r.Float64()
	}
	if r.IntN(2) == 0 {
		v := float64(200000 + r.IntN(700000))
		tool["home.propertyValue"] = v
		tool["home.cover"] = v * (0.7 + r.Float64()*0.5)
	}
	if r.IntN(3) == 0 {
		tool["portfolio.value"] = float64(10000 + r.IntN(2000000))
		tool["portfolio.drift"] = r.Float64() * 0.15
	}
	toolAsOf := now.AddDate(0, -r.IntN(30), 0)
	f.records[id] = []advisory.Record{{Source: "crm", AsOf: now.AddDate(0, 0, -r.IntN(60)), Fields: crm}, {Source: "advice", AsOf: toolAsOf, Fields: tool}}
	f.revenue[id] = float64(200 + r.IntN(15000))
	f.cost[id] = float64(300 + r.IntN(6000))
}

// behaviour gives each client a propensity and a year of responses. Videos
// lose their pull in the last quarter, so change detection has a story.
func (f *firm) behaviour(r *rand.Rand, id string, now time.Time) {
	propensity := r.Float64()
	fades := propensity > 0.7 && r.IntN(4) == 0 // a fan who stops
	for _, st := range f.stimuli {
		if r.Float64() > propensity*0.6 {
			continue
		}
		recent := now.Sub(st.Time) < 90*24*time.Hour
		if fades && now.Sub(st.Time) < 60*24*time.Hour {
			continue
		}
		at := st.Time.Add(time.Duration(r.IntN(72)) * time.Hour)
		resp := engagement.Response{Client: id, Stimulus: st.ID, Kind: "like", Time: at}
		escalate := propensity * 0.5
		if st.Kind == "video" && recent {
			escalate *= 0.2
		}
		switch x := r.Float64(); {
		case x < escalate:
			resp.Kind, resp.Setting = "click", []string{"website", "webinar", "meeting", "portal"}[r.IntN(4)]
		case x > 0.985:
			resp.Kind = "unsubscribe"
		case st.Setting == "newsletter":
			resp.Kind = "read"
		}
		if at.After(now) {
			continue
		}
		f.responses = append(f.responses, resp)
	}
}
