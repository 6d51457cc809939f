package main

import (
	"strconv"
	"time"
)

// records is client i's file in the CRM and in the advice tool, which
// disagree on some fields: an income told later, a name written short, a
// profile from an older interview, a child the CRM does not know of.
func (f *firm) records(i int) []SourceRecord {
	crm, tool := map[string]any{}, map[string]any{}
	r, id, now := f.rng(i, 1), f.clients[i].ID, f.now
	age := 22 + r.IntN(60)
	birth := now.AddDate(-age, -r.IntN(12), -r.IntN(28)).Truncate(24 * time.Hour)
	name := f.clients[i].Name
	income := float64(25000 + r.IntN(160000))
	pi, dependants := r.IntN(len(riskProfiles)), r.IntN(4)
	crm["client.id"], crm["client.name"], crm["client.birthDate"] = id, name, birth
	crm["client.riskProfile"], crm["client.dependants"] = riskProfiles[pi], dependants
	tool["client.name"], tool["client.birthDate"], tool["client.riskProfile"] = name, birth, riskProfiles[pi]
	if r.IntN(100) > 0 { // one client in a hundred has no income on file
		crm["client.income"], tool["client.income"] = income, income
	}
	if r.IntN(10) == 0 {
		tool["client.income"] = income * (0.8 + r.Float64()*0.4)
	}
	if r.IntN(25) == 0 {
		tool["client.name"] = name[:1] + ". " + surnames[r.IntN(len(surnames))]
	}
	if r.IntN(25) == 0 {
		tool["client.riskProfile"] = riskProfiles[(pi+1+r.IntN(2))%len(riskProfiles)]
	}
	if r.IntN(25) == 0 {
		tool["client.dependants"] = dependants + 1
	}
	f.products(r, tool, income)
	return []SourceRecord{
		{ClientID: id, Source: "crm", AsOf: now.AddDate(0, 0, -r.IntN(60)), Fields: crm},
		{ClientID: id, Source: "advice", AsOf: now.AddDate(0, -r.IntN(18), 0), Fields: tool},
	}
}

// products adds what the advice tool knows of the client's mortgage,
// pension, home and portfolio.
func (f *firm) products(r interface {
	IntN(int) int
	Float64() float64
}, tool map[string]any, income float64) {
	now := f.now
	if r.IntN(2) == 0 {
		tool["mortgage.fixedTermEnd"] = now.AddDate(0, 0, r.IntN(900)-30).Truncate(24 * time.Hour)
		tool["mortgage.rate"] = 0.01 + r.Float64()*0.04
		tool["mortgage.balance"] = float64(100000 + r.IntN(500000))
	}
	if r.IntN(4) > 0 {
		tool["pension.coverage"] = 0.3 + 0.9*r.Float64()
		tool["pension.contribution"] = income * (0.03 + 0.09*r.Float64())
		tool["pension.targetIncome"] = income * (0.48 + 0.5*r.Float64())
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
}

// responses is client i's year of responses in time order, each with an id
// of its own. A client has a propensity; some fans stop in the last two
// months; videos lose their pull in the last quarter.
func (f *firm) responses(i int) []Response {
	r, id := f.rng(i, 2), f.clients[i].ID
	propensity := r.Float64()
	fades := propensity > 0.7 && r.IntN(4) == 0
	answer := min(1, propensity*float64(f.perClient)/(0.5*float64(len(f.stimuli))))
	var out []Response
	for s, st := range f.stimuli {
		if r.Float64() >= answer {
			continue
		}
		age := f.now.Sub(st.Time)
		if fades && age < 60*24*time.Hour {
			continue
		}
		resp := Response{ID: responseID(id, s), Client: id, Stimulus: st.ID, Kind: "like",
			Time: st.Time.Add(time.Duration(r.IntN(72)) * time.Hour)}
		escalate := propensity * 0.5
		if st.Kind == "video" && age < 90*24*time.Hour {
			escalate *= 0.2
		}
		switch x := r.Float64(); {
		case x < escalate:
			resp.Kind, resp.Setting = "click", clickTargets[r.IntN(len(clickTargets))]
		case x > 0.985:
			resp.Kind = "unsubscribe"
		case st.Setting == "newsletter":
			resp.Kind = "read"
		}
		if resp.Time.After(f.now) {
			continue
		}
		out = append(out, resp)
	}
	return out
}

// responseID is the id of a generated response: client and stimulus.
func responseID(client string, stimulus int) string {
	return "seed-" + client + "-" + strconv.Itoa(stimulus)
}
