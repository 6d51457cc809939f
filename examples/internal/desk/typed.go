package desk

import "github.com/engagekit/engagekit/advisory"

// The fast path of the files stage: a client's two records are generated
// straight into the typed file, with the firm's consolidation policy
// applied field by field, rather than into field maps that are then
// consolidated, checked and decoded. It draws what [Firm.records] draws,
// in the same order, and gives the file, data alerts and placement context
// [Firm.Prepare] gives (TestTypedFilesArePrepared holds them equal): the
// straightforward path stays what a host with real source systems does.

// staleFields are the fields the firm's policy ages, the only ones a data
// alert can be about; all come from the advice tool.
var staleFields = []string{"home.propertyValue", "pension.coverage", "portfolio.value"}

// PrepareTyped is [Firm.Prepare] without the field maps.
func (f *Firm) PrepareTyped(i int, st Standing, buf *Buffers) (advisory.File, []advisory.Alert, PlaceCtx, error) {
	r, id, now := f.rng(i), f.ids[i], f.now
	var file advisory.File
	birth, name, income, pi, dependants := f.person(r)
	profile := riskProfiles[pi]
	// What each system holds of the client's own fields; the CRM is the
	// source of truth for all of them but the income, where the most
	// recent record wins.
	toolName, toolBirth, toolProfile := name, birth, profile
	crmIncome, toolIncome := 0.0, 0.0 // 0: not on file (an income is never 0)
	if r.IntN(100) > 0 {
		crmIncome, toolIncome = income, income
	}
	if r.IntN(10) == 0 && income > 0 {
		toolIncome = income * (0.8 + r.Float64()*0.4)
	}
	if r.IntN(25) == 0 {
		toolName = name[:1] + ". " + surnames[r.IntN(len(surnames))]
	}
	if r.IntN(25) == 0 {
		toolProfile = riskProfiles[(pi+1+r.IntN(2))%len(riskProfiles)]
	}
	toolDependants := -1 // not on file
	if r.IntN(25) == 0 {
		toolDependants = dependants + 1
	}
	if r.IntN(50) == 0 {
		toolBirth = birth.AddDate(1, 0, 0)
	}
	if r.IntN(2) == 0 {
		file.Mortgage = &advisory.Mortgage{FixedTermEnd: now.AddDate(0, 0, r.IntN(900)-30), Rate: 0.01 + r.Float64()*0.04,
			Balance: float64(100000 + r.IntN(500000))}
	}
	if r.IntN(4) > 0 {
		file.Pension = &advisory.Pension{Coverage: 0.3 + 0.9*r.Float64(), Contribution: income * (0.03 + 0.09*r.Float64())}
		if r.IntN(25) > 0 {
			file.Pension.TargetIncome = income * (0.48 + 0.5*r.Float64())
		}
	}
	if r.IntN(2) == 0 {
		v := float64(200000 + r.IntN(900000))
		file.Home = &advisory.Home{PropertyValue: v, Cover: v * (0.78 + r.Float64()*0.37)}
	}
	if r.IntN(3) == 0 {
		file.Portfolio = &advisory.Portfolio{Value: float64(10000 + r.IntN(2000000))}
		d := r.Float64()
		file.Portfolio.Drift = d * d * 0.15
	}
	toolAsOf := now.AddDate(0, -r.IntN(18), 0)
	crmAsOf := now.AddDate(0, 0, -r.IntN(60))
	// Consolidation: the CRM's value, and a discrepancy where the advice
	// tool disagrees.
	file.Client = advisory.Client{ID: id, Name: name, BirthDate: birth, RiskProfile: profile, Dependants: dependants}
	conflicts := 0
	if toolName != name {
		conflicts++
	}
	if !toolBirth.Equal(birth) {
		conflicts++
	}
	if toolProfile != profile {
		conflicts++
	}
	if toolDependants >= 0 && toolDependants != dependants {
		conflicts++
	}
	switch {
	case crmIncome > 0 && toolIncome > 0:
		// The most recent record wins; on the same day the advice tool,
		// the first source by name.
		file.Client.Income = toolIncome
		if crmAsOf.After(toolAsOf) {
			file.Client.Income = crmIncome
		}
		if crmIncome != toolIncome {
			conflicts++
		}
	case crmIncome > 0:
		file.Client.Income = crmIncome
	case toolIncome > 0:
		file.Client.Income = toolIncome
	}
	file.Discrepancies = conflicts
	// Staleness reads the provenance of the aged fields.
	c := &buf.consolidated
	c.ClientID = id
	clear(c.Fields)
	if c.Provenance == nil {
		c.Provenance = make(map[string]advisory.Provenance, len(staleFields))
	}
	clear(c.Provenance)
	c.Conflicts = nil
	var stale []advisory.Alert
	if file.Home != nil || file.Pension != nil || file.Portfolio != nil {
		tool := advisory.Provenance{Source: "advice", AsOf: toolAsOf}
		for _, held := range []struct {
			field string
			ok    bool
		}{{staleFields[0], file.Home != nil}, {staleFields[1], file.Pension != nil}, {staleFields[2], file.Portfolio != nil}} {
			if held.ok {
				c.Provenance[held.field] = tool
			}
		}
		stale = advisory.Staleness(*c, policy, now)
	}
	file.StaleFields = len(stale)
	return f.enrich(file, stale, st)
}

// enrich adds the client's standing to a file and works out its placement
// context.
func (f *Firm) enrich(file advisory.File, stale []advisory.Alert, st Standing) (advisory.File, []advisory.Alert, PlaceCtx, error) {
	file.Engagement = &advisory.Engagement{Score: st.Percentile, AtRisk: st.AtRisk}
	file.Segment = &advisory.Segment{Name: string(st.Segment.Segment), Profit: st.Segment.Profit}
	ctx := PlaceCtx{Age: f.now.Year() - file.Client.BirthDate.Year(), Discrepancies: file.Discrepancies}
	if file.Mortgage != nil {
		ctx.TermEnd = file.Mortgage.FixedTermEnd
	}
	return file, stale, ctx, nil
}
