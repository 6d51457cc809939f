package main

import (
	"context"
	"hash/fnv"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
	"github.com/engagekit/engagekit/segment"
)

// This file is crmhost's use of package canvas: the follow-up plan of the
// book's alerts for the coming weeks, and the canvas as a picture.

// placeCtx is what the canvas's granulation rules read about a client.
type placeCtx struct {
	Age           int       `expr:"age"`
	Discrepancies int       `expr:"discrepancies"`
	TermEnd       time.Time `expr:"termEnd"`
}

// placementRules refine where an alert type sits on the canvas, as in
// wealthdesk.
var placementRules = []canvas.TypeRule{
	{Type: "mortgage.term_end", Base: canvas.Position{Urgency: 0.3, Sensitivity: 0.3},
		Urgency: "client.termEnd.IsZero() ? 0.3 : (daysUntil(client.termEnd) <= 14 ? 0.9 : (daysUntil(client.termEnd) <= 60 ? 0.6 : 0.2))"},
	{Type: "pension.gap", Base: canvas.Position{Urgency: 0.1, Sensitivity: 0.9}, Sensitivity: "client.age < 30 ? 0.7 : 0.9"},
	{Type: "data.discrepancies", Base: canvas.Position{Urgency: 0.2}, Sensitivity: "clamp(0.2 + client.discrepancies * 0.08, 0, 1)"},
}

// consentAll is the channels clients consent to; one in three also allows
// app pushes (the last).
var consentAll = []canvas.Channel{canvas.Email, canvas.PortalNudge, canvas.ReviewMeeting, canvas.AdviserMeeting,
	canvas.PhoneAdviser, canvas.Newsletter, canvas.AppPush}

// planned is the plan and what its page shows.
type planned struct {
	Plan     canvas.Plan
	ThisWeek []canvas.FollowUp
	Picture  []byte
}

// plan schedules the book's alerts: files gives each client's file, for
// the placement rules.
func plan(alerts []advisory.Alert, files map[string]advisory.File, d *derived, now time.Time) (*planned, error) {
	placement, err := canvas.NewPlacement[placeCtx](placementRules)
	if err != nil {
		return nil, err
	}
	planner, err := canvas.NewPlanner(placement, canvas.Options{Now: now, AdviserCapacity: max(10, len(files)/8)})
	if err != nil {
		return nil, err
	}
	policies := segment.DefaultPolicies()
	clients := make(map[string]canvas.Client[placeCtx], len(files))
	for id, f := range files {
		ctx := placeCtx{Age: yearsOld(f.Client.BirthDate, now), Discrepancies: f.Discrepancies}
		if f.Mortgage != nil {
			ctx.TermEnd = f.Mortgage.FixedTermEnd
		}
		// Consent and the touches used are the CRM's; here a hash of
		// the id stands in for them, so the plan is the same every time.
		h := fnv.New32a()
		h.Write([]byte(id))
		n := h.Sum32()
		consent := consentAll
		if n%3 != 0 {
			consent = consentAll[:len(consentAll)-1]
		}
		clients[id] = canvas.Client[placeCtx]{ID: id, Context: ctx, Consent: consent,
			Policy: policies[d.segmentOf[id].Segment], TouchesUsed: int(n % 15)}
	}
	pl, err := planner.Plan(context.Background(), alerts, clients)
	if err != nil {
		return nil, err
	}
	p := &planned{Plan: pl}
	week := now.Add(7 * 24 * time.Hour)
	for _, f := range p.Plan.FollowUps {
		if f.When.Before(week) {
			p.ThisWeek = append(p.ThisWeek, f)
		}
	}
	p.Picture = canvas.PicturePlans(canvas.Thresholds{}, p.Plan)
	return p, nil
}

// yearsOld is whole years from birth to now.
func yearsOld(birth, now time.Time) int {
	if birth.IsZero() {
		return 0
	}
	y := now.Year() - birth.Year()
	if now.YearDay() < birth.YearDay() {
		y--
	}
	return y
}
