package segment

// Policies maps segments to their service policies.
type Policies map[Segment]Policy

// DefaultPolicies returns the default service policy per built-in segment:
//
//	A  100 touches a year, review every 90 days, retain and grow: adviser meetings, adviser calls, email
//	B   60 touches, every 180 days, show the value: email, review meetings, portal nudges
//	C   40 touches, yearly, take cost out: portal nudges, email, newsletter
//	D   20 touches, no scheduled review, let go gracefully: newsletter, mailing, portal nudges
//
// It returns a new map each time; the caller may change it.
func DefaultPolicies() Policies {
	return Policies{
		A: {TouchesPerYear: 100, ReviewEveryDays: 90, Stance: RetainAndGrow, Channels: []string{"adviser_meeting", "phone_adviser", "email"}},
		B: {TouchesPerYear: 60, ReviewEveryDays: 180, Stance: ShowTheValue, Channels: []string{"email", "review_meeting", "portal_nudge"}},
		C: {TouchesPerYear: 40, ReviewEveryDays: 365, Stance: TakeCostOut, Channels: []string{"portal_nudge", "email", "newsletter"}},
		D: {TouchesPerYear: 20, Stance: LetGoGracefully, Channels: []string{"newsletter", "mailing", "portal_nudge"}},
	}
}

// For returns the policy of a segment, and false when there is none.
func (p Policies) For(s Segment) (Policy, bool) {
	pol, ok := p[s]
	return pol, ok
}
