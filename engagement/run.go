package engagement

import (
	"math"
	"time"
)

// run is one analysis: the journey and the options resolved into flat
// tables once, so that folding a response in costs slice indexing and
// arithmetic, with no map lookups, no time.Time calls and no exp per
// response. Both [Analyze] and [AnalyzeEvents] fold through it, so the two
// paths cannot drift apart.
type run struct {
	o        Options
	j        *Journey
	asOf     int64 // unix seconds
	period   int64 // seconds
	recent   int64 // seconds: the recent window
	window   int64 // seconds: recent + baseline
	weight   [3]float64
	stims    []stimInfo
	settings []settingInfo
	kinds    []kindInfo
	kindIx   map[string]int
	// pairs is the classifier's setting-pair overrides as a
	// len(settings)² table (0: no override); nil when it has none.
	pairs []Class
	rule  bool
	decay decayTable
	// counts[0] counts used responses, counts[r] rejections for reason r.
	counts [numReasons]int
	// reported is the last million of events Progress was called for.
	reported int
}

// stimInfo is a stimulus as the hot path needs it.
type stimInfo struct {
	time   int64 // unix seconds
	from   int32 // setting number
	topic  int32 // -1: none
	groups [4]int32
}

// settingInfo is a setting as the hot path needs it.
type settingInfo struct {
	depth  int
	post   bool
	factor float64
}

// kindInfo is a response kind as the hot path needs it.
type kindInfo struct {
	// class is the kind's override, or the default disengagement for
	// unfollow, unsubscribe and complaint; 0 leaves it to the depths.
	class  Class
	factor float64
	survey uint8 // surveyExpected or surveyDelivered
}

const (
	surveyExpected = 1 + iota
	surveyDelivered
)

// reason numbers the rejection reasons for the counts array; 0 is "used".
type reason uint8

const (
	used reason = iota
	rNoClient
	rUnknownClient
	rZeroTime
	rUnknownStimulus
	rBeforeStimulus
	rAfterAsOf
	rNaNValue
	rUnknownSetting
	rUnknownKind
	rDuplicateID
	rUnclassified
	numReasons
)

var reasonNames = [numReasons]Reason{"", NoClient, UnknownClient, ZeroTime, UnknownStimulus, BeforeStimulus,
	AfterAsOf, NaNValue, UnknownSetting, UnknownKind, DuplicateID, Unclassified}

// newRun resolves the journey and options; kinds are the response kinds
// known in advance (more may be added with kind).
func newRun(j *Journey, o Options, kinds []string) *run {
	o = o.withDefaults()
	r := &run{o: o, j: j, asOf: o.AsOf.Unix(), period: max(1, int64(o.Period/time.Second)),
		recent: int64(o.Recent / time.Second), rule: o.Classifier.rule != nil, kindIx: map[string]int{}}
	r.window = r.recent + int64(o.Baseline/time.Second)
	w := &o.Weights
	r.weight = [3]float64{Maintain - 1: w.Maintain, Escalate - 1: w.Escalate, Disengage - 1: w.Disengage}
	r.decay.build(w.HalfLife)
	r.settings = make([]settingInfo, len(j.settings))
	for i, s := range j.settings {
		f, ok := w.BySetting[s.ID]
		if !ok {
			f = 1
		}
		r.settings[i] = settingInfo{depth: s.Depth, post: s.Stage == PostSale, factor: f}
	}
	if len(o.Classifier.byPair) > 0 {
		n := len(j.settings)
		r.pairs = make([]Class, n*n)
		for k, c := range o.Classifier.byPair {
			from, ok1 := j.settingIx[k[0]]
			to, ok2 := j.settingIx[k[1]]
			if ok1 && ok2 {
				r.pairs[from*n+to] = c
			}
		}
	}
	for _, k := range kinds {
		r.kind(k)
	}
	r.stims = make([]stimInfo, len(j.stimuli))
	for i, st := range j.stimuli {
		r.stims[i] = stimInfo{time: st.Time.Unix(), from: int32(j.settingIx[st.Setting]),
			topic: j.content.topicOf[i], groups: j.content.groupsOf[i]}
	}
	return r
}

// kind returns the number of a response kind, adding it when new.
func (r *run) kind(name string) int {
	if k, ok := r.kindIx[name]; ok {
		return k
	}
	c := r.o.Classifier
	info := kindInfo{factor: 1}
	if f, ok := r.o.Weights.ByKind[name]; ok {
		info.factor = f
	}
	if cl, ok := c.byKind[name]; ok {
		info.class = cl
	} else if name == "unfollow" || name == "unsubscribe" || name == "complaint" {
		info.class = Disengage
	}
	switch {
	case name == "":
	case name == r.o.ExpectedKind:
		info.survey = surveyExpected
	case name == r.o.DeliveredKind:
		info.survey = surveyDelivered
	}
	r.kindIx[name] = len(r.kinds)
	r.kinds = append(r.kinds, info)
	return len(r.kinds) - 1
}

// class classifies a response without a rule: a setting pair's override,
// then the kind's, then the depths.
func (r *run) class(k *kindInfo, from, to int32) Class {
	if r.pairs != nil {
		if c := r.pairs[int(from)*len(r.settings)+int(to)]; c != ClassUnknown {
			return c
		}
	}
	if k.class != ClassUnknown {
		return k.class
	}
	if r.settings[to].depth > r.settings[from].depth {
		return Escalate
	}
	return Maintain
}

// fold adds one classified response, at unix second t (not after asOf),
// to a profile and to its stimulus's content groups.
func (r *run) fold(b *Book, p *profile, s *stimInfo, to int32, k *kindInfo, cls Class, t int64, value float32) {
	age := r.asOf - t
	set := &r.settings[to]
	p.score[cls-1] += r.weight[cls-1] * r.decay.at(age) * k.factor * set.factor
	esc := cls == Escalate
	if p.responses == 0 {
		p.first, p.last = t, t
	} else {
		p.first, p.last = min(p.first, t), max(p.last, t)
	}
	p.responses++
	if set.post && (p.firstPostSale == 0 || t < p.firstPostSale) {
		p.firstPostSale = t
	}
	if q := uint64(age) / uint64(r.period); q < 64 {
		p.active |= 1 << q
		if esc {
			p.escalated |= 1 << q
		}
	}
	if esc {
		p.escalations++
		if s.topic >= 0 {
			p.addTopic(uint16(s.topic))
		}
	}
	switch k.survey {
	case surveyExpected:
		if p.nExpected < math.MaxUint16 {
			p.expected += value
			p.nExpected++
		}
	case surveyDelivered:
		if p.nDelivered < math.MaxUint16 {
			p.delivered += value
			p.nDelivered++
		}
	}
	if age >= r.window {
		return
	}
	e := 0
	if esc {
		e = 1
	}
	for _, g := range s.groups {
		if g < 0 {
			continue
		}
		c := &b.groups[g]
		if age < r.recent {
			c.recentN++
			c.recentEsc += e
		} else {
			c.baseN++
			c.baseEsc += e
		}
	}
}

// report turns the counts into a Report.
func (r *run) report(in int, cancelled bool) Report {
	rep := Report{In: in, Used: r.counts[used], Rejected: map[Reason]int{}, Cancelled: cancelled}
	for i := used + 1; i < numReasons; i++ {
		if n := r.counts[i]; n > 0 {
			rep.Rejected[reasonNames[i]] = n
		}
	}
	return rep
}

// decayTable gives 2^(-age/halfLife) for an age in seconds as the product
// of three table entries (11 bits of the age each), so a response costs
// three loads and two multiplications instead of an exp. The result
// differs from math.Exp2 by a few ulps at most; ages past 2^33 s (272
// years) fall back to math.Exp2.
type decayTable struct {
	inv          float64 // 1 / half-life in seconds; 0: no decay
	hi, mid, low [1 << decayBits]float64
}

const decayBits = 11

func (d *decayTable) build(halfLife time.Duration) {
	if halfLife > 0 {
		d.inv = 1 / halfLife.Seconds()
	}
	for i := range d.low {
		d.low[i] = math.Exp2(-float64(i) * d.inv)
		d.mid[i] = math.Exp2(-float64(i<<decayBits) * d.inv)
		d.hi[i] = math.Exp2(-float64(i<<(2*decayBits)) * d.inv)
	}
}

func (d *decayTable) at(age int64) float64 {
	a := uint64(age)
	if a >= 1<<(3*decayBits) {
		return math.Exp2(-float64(a) * d.inv)
	}
	const mask = 1<<decayBits - 1
	return d.hi[a>>(2*decayBits)] * d.mid[(a>>decayBits)&mask] * d.low[a&mask]
}
