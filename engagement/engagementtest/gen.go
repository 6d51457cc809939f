package engagementtest

import (
	"fmt"
	"math"
	"time"

	"github.com/engagekit/engagekit/engagement"
	"pgregory.net/rapid"
)

// Kinds are the response kinds histories draw from by default: ones that
// maintain, ones that escalate when they lead deeper, and the three the
// default classifier counts as disengagement.
var Kinds = []string{"like", "share", "comment", "read", "click", "register", "book", "unfollow", "unsubscribe", "complaint"}

const day = 24 * time.Hour

// Journeys generates valid journeys: two to eight settings with depths
// from 0 to 6 (ties allowed) in either stage, and one to twenty stimuli on
// them with kinds, campaigns, variants and topics, all within the two
// years before asOf.
func Journeys(asOf time.Time) *rapid.Generator[*engagement.Journey] {
	return rapid.Custom(func(t *rapid.T) *engagement.Journey {
		n := rapid.IntRange(2, 8).Draw(t, "settings")
		settings := make([]engagement.Setting, n)
		for i := range settings {
			settings[i] = engagement.Setting{ID: fmt.Sprint("setting-", i), Kind: rapid.SampledFrom([]string{"social", "owned", "event", "meeting"}).Draw(t, "kind"),
				Stage: rapid.SampledFrom([]engagement.Stage{engagement.PreSale, engagement.PostSale}).Draw(t, "stage"),
				Depth: rapid.IntRange(0, 6).Draw(t, "depth")}
		}
		stimuli := make([]engagement.Stimulus, rapid.IntRange(1, 20).Draw(t, "stimuli"))
		for i := range stimuli {
			stimuli[i] = engagement.Stimulus{ID: fmt.Sprint("stimulus-", i), Setting: settings[rapid.IntRange(0, n-1).Draw(t, "on")].ID,
				Kind:     rapid.SampledFrom([]string{"post", "video", "article", "newsletter", "invite"}).Draw(t, "kind"),
				Campaign: rapid.SampledFrom([]string{"", "spring", "autumn"}).Draw(t, "campaign"),
				Variant:  rapid.SampledFrom([]string{"", "a", "b"}).Draw(t, "variant"),
				Topic:    rapid.SampledFrom([]string{"", "pensions", "mortgages", "investing"}).Draw(t, "topic"),
				Time:     asOf.Add(-time.Duration(rapid.IntRange(1, 730*24).Draw(t, "hours")) * time.Hour)}
		}
		j, err := engagement.NewJourney(settings, stimuli)
		if err != nil {
			t.Fatalf("engagementtest: generated an invalid journey: %v", err)
		}
		return j
	})
}

// HistoryOptions shape [Histories]; zero fields mean defaults.
type HistoryOptions struct {
	// Clients is how many clients respond (default 5); Max the most
	// responses in a history (default 60).
	Clients, Max int
	// Kinds are the response kinds drawn (default [Kinds]).
	Kinds []string
	// Bad is the share of responses made bad on purpose, one way each:
	// an unknown stimulus or setting, no client, no time, a time before
	// the stimulus or after as-of, a NaN value, a repeated id.
	Bad float64
	// Period is the analysis period whose boundaries responses are put
	// on (default 30 days, the analysis's default).
	Period time.Duration
}

// Histories generates responses of a few clients to j's stimuli, in no
// particular order. Times fall between each stimulus and asOf, a good
// share of them on the edges: exactly at the stimulus, exactly at asOf,
// exactly a whole number of periods before asOf. Responses sometimes lead
// into another setting of the journey, and carry ids and values.
func Histories(j *engagement.Journey, asOf time.Time, o HistoryOptions) *rapid.Generator[[]engagement.Response] {
	if o.Clients <= 0 {
		o.Clients = 5
	}
	if o.Max <= 0 {
		o.Max = 60
	}
	if len(o.Kinds) == 0 {
		o.Kinds = Kinds
	}
	if o.Period <= 0 {
		o.Period = 30 * day
	}
	stimuli, settings := j.Stimuli(), j.Settings()
	return rapid.Custom(func(t *rapid.T) []engagement.Response {
		n := rapid.IntRange(0, o.Max).Draw(t, "responses")
		out := make([]engagement.Response, n)
		for i := range out {
			st := stimuli[rapid.IntRange(0, len(stimuli)-1).Draw(t, "stimulus")]
			r := engagement.Response{ID: fmt.Sprint("r", i), Client: fmt.Sprint("client-", rapid.IntRange(0, o.Clients-1).Draw(t, "client")),
				Stimulus: st.ID, Kind: rapid.SampledFrom(o.Kinds).Draw(t, "kind"), Time: responseTime(t, st.Time, asOf, o.Period)}
			if rapid.IntRange(0, 2).Draw(t, "leads") == 0 {
				r.Setting = settings[rapid.IntRange(0, len(settings)-1).Draw(t, "to")].ID
			}
			if rapid.IntRange(0, 3).Draw(t, "valued") == 0 {
				// A score out of ten, as surveys give: whole numbers add
				// up exactly, in any order.
				r.Value = float64(rapid.IntRange(0, 10).Draw(t, "value"))
			}
			if o.Bad > 0 && rapid.Float64Range(0, 1).Draw(t, "bad?") < o.Bad {
				spoil(t, &r, st, asOf)
			}
			out[i] = r
		}
		return out
	})
}

// responseTime is a time in [from, asOf], often on an edge.
func responseTime(t *rapid.T, from, asOf time.Time, period time.Duration) time.Time {
	span := asOf.Sub(from)
	switch rapid.IntRange(0, 5).Draw(t, "edge") {
	case 0:
		return from
	case 1:
		return asOf
	case 2:
		if k := time.Duration(rapid.IntRange(1, 24).Draw(t, "periods")); k*period <= span {
			return asOf.Add(-k * period)
		}
	}
	return from.Add(time.Duration(rapid.Int64Range(0, int64(span/time.Second)).Draw(t, "at")) * time.Second)
}

// spoil makes a response bad in one way.
func spoil(t *rapid.T, r *engagement.Response, st engagement.Stimulus, asOf time.Time) {
	switch rapid.IntRange(0, 7).Draw(t, "how") {
	case 0:
		r.Stimulus = "no-such-stimulus"
	case 1:
		r.Setting = "no-such-setting"
	case 2:
		r.Client = ""
	case 3:
		r.Time = time.Time{}
	case 4:
		r.Time = st.Time.Add(-time.Second)
	case 5:
		r.Time = asOf.Add(time.Second)
	case 6:
		r.Value = math.NaN()
	case 7:
		r.ID = "r0" // the first response's id, again
	}
}
