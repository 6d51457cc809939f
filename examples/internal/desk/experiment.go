package desk

import (
	"context"
	"iter"
	"time"

	"github.com/engagekit/engagekit/engagement"
)

// The firm tests three wordings of its adviser-meeting invitation on a
// cohort of the book over the last eight weeks: the current one, a short
// one and a personal one. Clients are assigned at random, one in two
// hundred was shown a second wording by mistake, and a client converts
// by landing in a meeting within two weeks of first seeing the
// invitation. The personal wording gets one client in thirty to book
// straight from it; the others only convert through their usual
// behaviour.
var invite = engagement.ExperimentConfig{
	Experiment: "meeting-invite",
	Control:    "current",
	Arms:       []engagement.Arm{{Variant: "current", Weight: 1}, {Variant: "short", Weight: 1}, {Variant: "personal", Weight: 1}},
	Window:     14 * 24 * time.Hour,
	Converts:   func(r engagement.Response) bool { return r.Setting == "meeting" },
}

// inviteDraw is client i's own draw for the experiment.
func (f *Firm) inviteDraw(i int) uint64 {
	s := sampler{state: f.seed*0x9E3779B97F4A7C15 ^ uint64(i)<<4 | 3}
	return s.next()
}

// inviteSeen is when client i first saw the invitation, and its wording.
func (f *Firm) inviteSeen(i int) (time.Time, string) {
	d := f.inviteDraw(i)
	start := f.now.AddDate(0, 0, -56)
	return start.Add(time.Duration(d>>8%(49*24)) * time.Hour), invite.Arms[d%3].Variant
}

// exposures is the invitation's log for clients [0, cohort).
func (f *Firm) exposures(cohort int) iter.Seq[engagement.Exposure] {
	return func(yield func(engagement.Exposure) bool) {
		for i := range cohort {
			at, variant := f.inviteSeen(i)
			x := engagement.Exposure{Client: f.ids[i], Experiment: invite.Experiment, Variant: variant, Time: at}
			if !yield(x) {
				return
			}
			if f.inviteDraw(i)>>40%200 == 0 { // shown a second wording a day later
				x.Variant, x.Time = invite.Arms[(f.inviteDraw(i)+1)%3].Variant, at.Add(24*time.Hour)
				if !yield(x) {
					return
				}
			}
		}
	}
}

// inviteResponses is the cohort's year of responses and the bookings
// made straight from the personal invitation.
func (f *Firm) inviteResponses(cohort int) iter.Seq[engagement.Response] {
	return func(yield func(engagement.Response) bool) {
		for r := range f.responses(0, cohort) {
			if !yield(r) {
				return
			}
		}
		for i := range cohort {
			at, variant := f.inviteSeen(i)
			if variant != "personal" || f.inviteDraw(i)>>20%30 != 0 {
				continue
			}
			r := engagement.Response{Client: f.ids[i], Stimulus: "invite", Kind: "book", Setting: "meeting", Time: at.Add(48 * time.Hour)}
			if !yield(r) {
				return
			}
		}
	}
}

// experiment analyses the invitation test on clients [0, cohort) as of
// now.
func experiment(ctx context.Context, f *Firm, cohort int, now time.Time) (engagement.ExperimentReport, error) {
	plan, err := engagement.NewExperimentPlan(invite)
	if err != nil {
		return engagement.ExperimentReport{}, err
	}
	return plan.Analyze(ctx, engagement.ExperimentData{AsOf: now, Exposures: f.exposures(cohort), Responses: f.inviteResponses(cohort)})
}
