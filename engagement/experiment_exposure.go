package engagement

import (
	"context"
	"iter"
	"math"
	"time"
)

// Exposure records that a client received a variant of an experiment at
// a time: the assignment log a host keeps, one line per time the client
// saw the variant.
type Exposure struct {
	Client     string    `json:"client"`
	Experiment string    `json:"experiment"`
	Variant    string    `json:"variant"`
	Time       time.Time `json:"time"`
}

// ExperimentData is what one analysis of an [ExperimentPlan] reads. The
// analysis reads each sequence once, in any order, and keeps nothing of
// it; it only reads Pre.
type ExperimentData struct {
	// AsOf is when the analysis is made; required. Exposures and
	// responses at or after it are not counted, so an analysis is
	// reproducible from a full log.
	AsOf      time.Time
	Exposures iter.Seq[Exposure]
	Responses iter.Seq[Response]
	// Pre is each client's pre-period engagement (a score over the
	// months before the experiment, say), the covariate of CUPED; a
	// client missing from it had none (0). nil leaves CUPED out.
	Pre map[string]float64
}

// ExposureCounts accounts for the exposures and responses of an
// analysis.
type ExposureCounts struct {
	// Exposures is how many were read; Used of them were of the
	// experiment, a known variant, valid and before AsOf.
	Exposures int `json:"exposures"`
	Used      int `json:"used"`
	// OtherExperiment, UnknownVariant, Invalid (no client, no time, or
	// a time more than 292 years before AsOf)
	// and AfterAsOf are the exposures not used, by reason.
	OtherExperiment int `json:"other_experiment"`
	UnknownVariant  int `json:"unknown_variant"`
	Invalid         int `json:"invalid"`
	AfterAsOf       int `json:"after_as_of"`
	// Clients is the clients analysed: exposed to exactly one variant.
	// MultiVariant is the clients exposed to several, left out of every
	// arm (counted in none, they cannot bias one).
	Clients      int `json:"clients"`
	MultiVariant int `json:"multi_variant"`
	// Responses is how many were read; Conversions the clients analysed
	// who converted.
	Responses   int `json:"responses"`
	Conversions int `json:"conversions"`
}

// noConversion marks a client who has not converted.
const noConversion = math.MaxInt64

// expClient is one exposed client.
type expClient struct {
	arm int32 // -1: exposed to several variants
	// home is the variant of the first exposure, mixed the first exposure
	// to another (noConversion when none): the sequential test counts the
	// client in home until then.
	home  int32
	first int64 // the first exposure, in nanoseconds from as-of (negative)
	mixed int64
	conv  int64 // the first conversion, likewise, or noConversion
}

// exposed is the clients of one analysis, numbered in order of first
// appearance.
type exposed struct {
	ix      map[string]int32
	ids     []string
	clients []expClient
}

// collect reads the exposures and then the responses of d.
func (p *ExperimentPlan) collect(ctx context.Context, d ExperimentData, n *ExposureCounts) (*exposed, error) {
	// Times are held as nanoseconds from as-of, all before it: UnixNano
	// wraps past 2262 (an analysis as of then lost every exposure), and
	// an analysis spans far less than the 292 years an int64 holds.
	asOf := d.AsOf
	e := &exposed{ix: map[string]int32{}}
	if d.Exposures != nil {
		for x := range d.Exposures {
			if n.Exposures++; n.Exposures&1023 == 0 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			p.expose(e, &x, asOf, n)
		}
	}
	if d.Responses != nil {
		window := int64(p.cfg.Window)
		for r := range d.Responses {
			if n.Responses++; n.Responses&1023 == 0 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			i, ok := e.ix[r.Client]
			if !ok || r.Time.IsZero() {
				continue
			}
			c, t := &e.clients[i], int64(r.Time.Sub(asOf))
			// A client of several variants converts too: the
			// sequential test counts them in their first arm until
			// they saw another.
			if t < c.first || t-c.first >= window || t >= 0 || t >= c.conv || !p.converts(&r) {
				continue
			}
			c.conv = t
		}
	}
	return e, ctx.Err()
}

// expose folds one exposure in.
func (p *ExperimentPlan) expose(e *exposed, x *Exposure, asOf time.Time, n *ExposureCounts) {
	arm, known := p.arms[x.Variant]
	switch {
	case x.Experiment != p.cfg.Experiment:
		n.OtherExperiment++
		return
	case !known:
		n.UnknownVariant++
		return
	case x.Client == "" || x.Time.IsZero():
		n.Invalid++
		return
	}
	t := int64(x.Time.Sub(asOf)) // Sub stops at ±292 years
	switch {
	case t >= 0:
		n.AfterAsOf++
		return
	case t == math.MinInt64:
		n.Invalid++ // more than 292 years before as-of
		return
	}
	n.Used++
	i, seen := e.ix[x.Client]
	if !seen {
		e.ix[x.Client] = int32(len(e.clients))
		e.ids = append(e.ids, x.Client)
		e.clients = append(e.clients, expClient{arm: int32(arm), home: int32(arm), first: t, mixed: noConversion, conv: noConversion})
		return
	}
	// The first exposure names home, whatever the order they are read
	// in; mixed is the first of another variant (the first one's time,
	// when an earlier exposure of another variant displaces it, and a
	// tie mixes the client from the start).
	c := &e.clients[i]
	switch {
	case t < c.first:
		if int32(arm) != c.home {
			c.mixed = c.first
		}
		c.home, c.first = int32(arm), t
	case int32(arm) != c.home:
		c.mixed = min(c.mixed, t)
	}
	if c.mixed != noConversion {
		c.arm = -1
	}
}
