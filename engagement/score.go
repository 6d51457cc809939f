package engagement

import (
	"math"
	"time"
)

// Weights value each class of response and set how fast old responses
// fade. The zero Weights are replaced by [DefaultWeights].
type Weights struct {
	Escalate  float64       `json:"escalate"`
	Maintain  float64       `json:"maintain"`
	Disengage float64       `json:"disengage"`
	HalfLife  time.Duration `json:"half_life"`
	// ByKind and BySetting multiply a response's class weight by its kind
	// ("register": 2) or by the setting it lands in ("meeting": 3); a
	// kind or setting not listed counts once.
	ByKind    map[string]float64 `json:"by_kind,omitempty"`
	BySetting map[string]float64 `json:"by_setting,omitempty"`
}

// DefaultWeights value escalation most (it shows follow-through),
// maintenance a little, and count disengagement against the client, with a
// 90-day half-life.
func DefaultWeights() Weights {
	return Weights{Escalate: 3, Maintain: 1, Disengage: 2, HalfLife: 90 * 24 * time.Hour}
}

func (w Weights) orDefault() Weights {
	if w.Escalate == 0 && w.Maintain == 0 && w.Disengage == 0 && w.HalfLife == 0 {
		d := DefaultWeights()
		d.ByKind, d.BySetting = w.ByKind, w.BySetting
		return d
	}
	return w
}

// Score is a client's engagement as of a time: each class's weighted
// responses, each decayed by its age with the half-life. Scores are
// mergeable: scores of disjoint sets of responses, computed on different
// shards or days, merge into the score of all of them (up to float
// rounding), and the zero Score is the identity.
type Score struct {
	Client        string        `json:"client"`
	AsOf          time.Time     `json:"as_of"`
	HalfLife      time.Duration `json:"half_life"`
	Escalation    float64       `json:"escalation"`
	Maintenance   float64       `json:"maintenance"`
	Disengagement float64       `json:"disengagement"`
	Responses     int           `json:"responses"`
}

// Total is escalation plus maintenance minus disengagement.
func (s Score) Total() float64 { return s.Escalation + s.Maintenance - s.Disengagement }

// decayBetween is the factor a value loses from a to b (b after a).
func decayBetween(a, b time.Time, halfLife time.Duration) float64 {
	if halfLife <= 0 {
		return 1
	}
	// The time between exactly, to the nanosecond, as Sub gives it: in
	// Unix seconds, converted to floats, it was rounded to steps of
	// 1,024 s near 2^62, and it overflowed (a decay of +Inf) for times
	// far apart or before Unix(MinInt64), where Unix() wraps. Sub
	// saturates at 292 years: times further apart are counted in Unix
	// seconds (a rounding of 1,024 s is nothing beside 292 years), never
	// less than Sub's 292 years should Unix() wrap.
	d := b.Sub(a)
	sec := d.Seconds()
	if d == math.MaxInt64 {
		sec = max(sec, float64(b.Unix())-float64(a.Unix()))
	}
	return math.Exp2(-sec / halfLife.Seconds())
}

// At moves the score to a later time: every component decays by the time
// between. An earlier time returns the score unchanged (scores never grow
// without new responses).
func (s Score) At(t time.Time) Score {
	if !t.After(s.AsOf) || s.AsOf.IsZero() {
		return s
	}
	f := decayBetween(s.AsOf, t, s.HalfLife)
	s.Escalation *= f
	s.Maintenance *= f
	s.Disengagement *= f
	s.AsOf = t
	return s
}

// Merge combines two scores of the same client and half-life into the
// score of both sets of responses, as of the later of their times.
func Merge(a, b Score) Score {
	if a.AsOf.IsZero() && a.Responses == 0 {
		return b
	}
	if b.AsOf.IsZero() && b.Responses == 0 {
		return a
	}
	t := a.AsOf
	switch {
	case b.AsOf.After(t):
		t = b.AsOf
	case b.AsOf.Equal(t):
		t = sameInstant(t, b.AsOf) // Merge(a, b) is Merge(b, a)
	}
	a, b = a.At(t), b.At(t)
	return Score{Client: a.Client, AsOf: t, HalfLife: a.HalfLife, Escalation: a.Escalation + b.Escalation,
		Maintenance: a.Maintenance + b.Maintenance, Disengagement: a.Disengagement + b.Disengagement,
		Responses: a.Responses + b.Responses}
}
