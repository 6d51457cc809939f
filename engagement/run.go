package engagement

import (
	"math"
	"math/big"
	"math/bits"
	"time"
)

// run is one analysis: the journey and the options resolved into flat
// tables once, so that folding a response in costs slice indexing and
// arithmetic, with no map lookups, no time.Time calls and no exp per
// response. Both [Analyze] and [AnalyzeEvents] fold through it, so the two
// paths cannot drift apart.
type run struct {
	o    Options
	j    *Journey
	asOf int64 // unix seconds
	// asOfNsec is the sub-second part of AsOf: ages are kept in
	// nanoseconds, so a response a fraction of a second inside a window
	// or a period is inside it.
	asOfNsec int64
	period   int64 // nanoseconds
	recent   int64 // nanoseconds: the recent window
	window   int64 // nanoseconds: recent + baseline
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
	// buckets caches the clients' buckets (see bucketOf), by blocks of
	// 1<<bucketBlock clients hashed together on the first response of
	// any of them: a tight loop of hashes runs several times faster than
	// the same hashes one by one between folds. Analyze, whose clients
	// arrive as it goes, appends each new client's bucket and leaves
	// bucketsDone nil. The bucket is looked up here only for a response
	// inside the change windows, and never stored in the profile: writing
	// it there would touch the far end of every profile on its client's
	// first response, a second cache line per client.
	buckets     []uint8
	bucketsDone []bool // by block
	// unnamed marks the clients of numbered events whose name is empty:
	// their events are no client's, as a response of no client is to
	// Analyze. nil when every client has a name.
	unnamed map[uint32]bool
}

// bucketBlock is log2 of the clients whose buckets are hashed together.
const bucketBlock = 12

// cacheBuckets sets up the bucket cache for a book over n clients.
func (r *run) cacheBuckets(n int) {
	r.buckets = make([]uint8, n)
	r.bucketsDone = make([]bool, (n+1<<bucketBlock-1)>>bucketBlock)
}

// bucket is the bucket of client i of b.
func (r *run) bucket(b *Book, i int) uint8 {
	if r.bucketsDone != nil && !r.bucketsDone[i>>bucketBlock] {
		return r.hashBuckets(b, i)
	}
	return r.buckets[i]
}

// hashBuckets is bucket when client i's block is not hashed yet: it
// hashes the block.
func (r *run) hashBuckets(b *Book, i int) uint8 {
	blk := i >> bucketBlock
	r.bucketsDone[blk] = true
	from := blk << bucketBlock
	to := min(from+1<<bucketBlock, len(r.buckets))
	for j, id := range b.clients[from:to] {
		r.buckets[from+j] = bucketOf(id)
	}
	return r.buckets[i]
}

// stimInfo is a stimulus as the hot path needs it.
type stimInfo struct {
	// sec and nsec are the stimulus's time: a response before it is
	// rejected, compared as times (ages stop at 292 years).
	sec    int64
	nsec   uint32
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
	rBadTime
	numReasons
)

var reasonNames = [numReasons]Reason{"", NoClient, UnknownClient, ZeroTime, UnknownStimulus, BeforeStimulus,
	AfterAsOf, NaNValue, UnknownSetting, UnknownKind, DuplicateID, Unclassified, BadTime}

// newRun resolves the journey and options; kinds are the response kinds
// known in advance (more may be added with kind).
func newRun(j *Journey, o Options, kinds []string) *run {
	o = o.withDefaults()
	r := &run{o: o, j: j, asOf: o.AsOf.Unix(), asOfNsec: int64(o.AsOf.Nanosecond()), period: int64(o.Period),
		recent: int64(o.Recent), rule: o.Classifier.rule != nil, kindIx: map[string]int{}}
	r.window = satAdd(r.recent, int64(o.Baseline))
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
		r.stims[i] = stimInfo{sec: st.Time.Unix(), nsec: uint32(st.Time.Nanosecond()), from: int32(j.settingIx[st.Setting]),
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

// fold adds one classified response, age nanoseconds before as-of (not
// negative; it stops at 292 years, as the windows need no more), aged
// ageSec seconds and ageNsec nanoseconds to the decay, to the profile of
// client i and to its stimulus's content groups.
func (r *run) fold(b *Book, i int, s *stimInfo, to int32, k *kindInfo, cls Class, age, ageSec, ageNsec int64, value float64) {
	p := &b.profiles[i]
	set := &r.settings[to]
	p.score[cls-1] += r.weight[cls-1] * r.decay.atAge(ageSec, ageNsec) * k.factor * set.factor
	esc := cls == Escalate
	if p.responses == 0 {
		p.newest, p.oldest = age, age
	} else {
		p.newest, p.oldest = min(p.newest, age), max(p.oldest, age)
	}
	if p.responses < math.MaxInt32 {
		p.responses++
	}
	if set.post && uint64(age)+1 > p.postSale {
		p.postSale = uint64(age) + 1
	}
	if q := r.periodOf(age, ageSec, ageNsec); q < 64 {
		p.active |= 1 << q
		if esc {
			p.escalated |= 1 << q
		}
	}
	if esc {
		if p.escalations < math.MaxInt32 {
			p.escalations++
		}
		if s.topic >= 0 {
			p.addTopic(uint16(s.topic))
		}
	}
	switch k.survey {
	case surveyExpected:
		if p.nExpected < math.MaxUint16 {
			p.expected += value * surveyScale
			p.nExpected++
		}
	case surveyDelivered:
		if p.nDelivered < math.MaxUint16 {
			p.delivered += value * surveyScale
			p.nDelivered++
		}
	}
	// The windows are half-open, [AsOf-Recent, AsOf) and the Baseline
	// before it, so analyses as of consecutive times tile time: a
	// response exactly at as-of is in neither.
	if age > r.window || age == 0 || age == farAge {
		return
	}
	e := 0
	if esc {
		e = 1
	}
	bucket := int(r.bucket(b, i))
	for _, g := range s.groups {
		if g < 0 {
			continue
		}
		c := &b.groups[int(g)*numBuckets+bucket]
		if age <= r.recent {
			c.recentN++
			c.recentEsc += e
		} else {
			c.baseN++
			c.baseEsc += e
		}
	}
}

// satAdd adds two non-negative nanosecond counts, saturating.
func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// maxAgeSec bounds the ages in whole seconds computed in an int64 without
// a check: below it, the nanoseconds and a second's more fit.
const maxAgeSec = math.MaxInt64/int64(time.Second) - 1

// ageOf is the nanoseconds from unix time sec + nsec to as-of, saturated
// at ±(2^63−1) ns as time.Time.Sub saturates: exactly, so that the
// numbered path and Analyze by name agree on a response 2^63 ns old to
// the nanosecond (a check in whole seconds made every age past
// 9,223,372,036 s far, 0.85 s early, and overflowed for an as-of near the
// ends of time).
func (r *run) ageOf(sec int64, nsec uint32) int64 {
	d := r.asOf - sec
	// d did not overflow when as-of and sec have one sign or d has
	// as-of's; within maxAgeSec, the nanoseconds fit.
	if ((r.asOf^sec) >= 0 || (r.asOf^d) >= 0) && d > -maxAgeSec && d < maxAgeSec {
		return d*int64(time.Second) + r.asOfNsec - int64(nsec)
	}
	age := new(big.Int).Sub(big.NewInt(r.asOf), big.NewInt(sec))
	age.Mul(age, big.NewInt(int64(time.Second)))
	age.Add(age, big.NewInt(r.asOfNsec-int64(nsec)))
	switch {
	case age.IsInt64():
		return age.Int64()
	case age.Sign() > 0:
		return math.MaxInt64
	}
	return math.MinInt64
}

// farAge is the age in nanoseconds of a response 2^63 ns (292 years) or
// more before as-of, where the nanoseconds stop: it is beyond every window
// and limit, which are Durations, even one of MaxInt64.
const farAge = math.MaxInt64

// periodOf is the period an age falls in: age / Period, or for a far age
// its seconds and nanoseconds over the Period in 128 bits (a period of 100
// years put a 500-year-old response in period 2).
func (r *run) periodOf(age, ageSec, ageNsec int64) uint64 {
	if age != farAge {
		return uint64(age) / uint64(r.period)
	}
	hi, lo := bits.Mul64(uint64(ageSec), uint64(time.Second))
	lo, carry := bits.Add64(lo, uint64(ageNsec), 0)
	hi += carry
	if hi >= uint64(r.period) {
		return math.MaxUint64 // a quotient past 64 bits: far past any period kept
	}
	q, _ := bits.Div64(hi, lo, uint64(r.period))
	return q
}

// ageParts is the age before as-of of an instant sec seconds and nsec
// nanoseconds into the Unix epoch, not after as-of, in whole seconds and
// the nanoseconds past them, as the decay reads it: to the nanosecond and
// of any length (an age in nanoseconds stops at 292 years, so a response
// 600 years old decayed as one of 292). Past 2^62 seconds it is 2^62
// seconds, whose decay is 0 at any half-life.
func (r *run) ageParts(sec int64, nsec uint32) (int64, int64) {
	d := r.asOf - sec
	if sec < 0 && d < r.asOf || d > 1<<62 {
		d = 1 << 62 // wrapped, or beyond any half-life's reach
	}
	ns := r.asOfNsec - int64(nsec)
	if ns < 0 {
		ns += int64(time.Second)
		d--
	}
	return d, ns
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
	// The part of a second, in nanoseconds: three tables of 10 bits.
	ns2, ns1, ns0 [1 << 10]float64
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
	for i := range d.ns0 {
		d.ns0[i] = math.Exp2(-float64(i) * 1e-9 * d.inv)
		d.ns1[i] = math.Exp2(-float64(i<<10) * 1e-9 * d.inv)
		d.ns2[i] = math.Exp2(-float64(i<<20) * 1e-9 * d.inv)
	}
}

// atAge is the decay of an age of sec seconds and nsec nanoseconds (in
// [0, 1e9)): at(sec), times the part of a second's, which whole-second
// data (most of it) skips.
func (d *decayTable) atAge(sec, nsec int64) float64 {
	f := d.at(sec)
	if nsec != 0 {
		n := uint64(nsec)
		f *= d.ns2[(n>>20)&1023] * d.ns1[(n>>10)&1023] * d.ns0[n&1023]
	}
	return f
}

func (d *decayTable) at(age int64) float64 {
	a := uint64(age)
	if a >= 1<<(3*decayBits) {
		return math.Exp2(-float64(a) * d.inv)
	}
	const mask = 1<<decayBits - 1
	return d.hi[a>>(2*decayBits)] * d.mid[(a>>decayBits)&mask] * d.low[a&mask]
}
