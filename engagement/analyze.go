package engagement

import (
	"cmp"
	"context"
	"iter"
	"math"
	"slices"
	"time"
)

// Options configure [Analyze]. AsOf is required; the zero value of the rest
// means defaults.
type Options struct {
	// AsOf is the time the analysis is as of; responses after it are
	// rejected.
	AsOf time.Time
	// Weights value the classes; zero means DefaultWeights.
	Weights Weights
	// Classifier classifies responses; the zero Classifier is the default.
	Classifier Classifier
	// Period is the unit of activity for patterns, superfans and at-risk;
	// default 30 days. The analysis keeps 64 periods.
	Period time.Duration
	// Recent and Baseline are the spans of the two windows that change
	// detection compares: [AsOf-Recent, AsOf) against the Baseline span
	// before it. Defaults 90 and 180 days.
	Recent, Baseline time.Duration
	// ExpectedKind and DeliveredKind name the survey responses whose
	// Value scores what a client expected and what they felt was delivered
	// ("survey_expected", "survey_delivered"); see [Book.ExpectationGap].
	ExpectedKind, DeliveredKind string
	// Progress, if set, is called every 1<<20 responses with the counts so
	// far, from the goroutine that called Analyze.
	Progress func(Report)
}

func (o Options) withDefaults() Options {
	o.Weights = o.Weights.orDefault()
	if o.Period <= 0 {
		o.Period = 30 * 24 * time.Hour
	}
	if o.Recent <= 0 {
		o.Recent = 90 * 24 * time.Hour
	}
	if o.Baseline <= 0 {
		o.Baseline = 180 * 24 * time.Hour
	}
	return o
}

// Reason is why a response was rejected.
type Reason string

// The rejection reasons.
const (
	UnknownStimulus Reason = "unknown_stimulus"
	UnknownSetting  Reason = "unknown_setting"
	BeforeStimulus  Reason = "before_stimulus"
	ZeroTime        Reason = "zero_time"
	AfterAsOf       Reason = "after_as_of"
	NaNValue        Reason = "nan_value"
	DuplicateID     Reason = "duplicate_id"
	NoClient        Reason = "no_client"
	Unclassified    Reason = "unclassified"
)

// Report accounts for every response: In = Used + the sum of Rejected.
type Report struct {
	In       int            `json:"in"`
	Used     int            `json:"used"`
	Rejected map[Reason]int `json:"rejected,omitempty"`
	// Cancelled is true when ctx ended the run; In then counts the
	// responses read before.
	Cancelled bool `json:"cancelled,omitempty"`
}

// Book is the result of analyzing a stream of responses: a profile per
// client and counts per content dimension. It is immutable and its methods
// are safe for concurrent use.
type Book struct {
	opts     Options
	clients  []string
	profiles []profile
	topics   []string
	groups   map[groupKey]*groupCounts
	Report   Report `json:"report"`
}

type groupKey struct{ dim, value string }

// groupCounts counts responses and escalations in the baseline and recent
// windows.
type groupCounts struct{ baseN, baseEsc, recentN, recentEsc int }

// Analyze streams responses in any order against a journey and returns the
// book. Memory grows with clients (one small profile each) and content
// groups, not with responses. Bad responses are rejected and counted by
// reason, never silently dropped. When ctx is done, Analyze stops and
// returns what it has with Report.Cancelled set.
func Analyze(ctx context.Context, j *Journey, responses iter.Seq[Response], o Options) *Book {
	o = o.withDefaults()
	b := &Book{opts: o, groups: map[groupKey]*groupCounts{}, Report: Report{Rejected: map[Reason]int{}}}
	s := &stream{j: j, clientIx: map[string]int{}, topicIx: map[string]uint16{}, seen: map[string]bool{},
		slots: make(map[string]*stimSlot, len(j.stimuli)), asOf: o.AsOf.Unix()}
	for r := range responses {
		if b.Report.In&1023 == 0 && ctx.Err() != nil {
			b.Report.Cancelled = true
			break
		}
		b.Report.In++
		if reason, ok := b.add(s, r); !ok {
			b.Report.Rejected[reason]++
			continue
		}
		b.Report.Used++
		if o.Progress != nil && b.Report.In&(1<<20-1) == 0 {
			o.Progress(b.Report)
		}
	}
	b.topics = make([]string, len(s.topicIx))
	for t, i := range s.topicIx {
		b.topics[i] = t
	}
	return b
}

// stream is the state of one Analyze run.
type stream struct {
	j        *Journey
	clientIx map[string]int
	topicIx  map[string]uint16
	seen     map[string]bool
	slots    map[string]*stimSlot
	asOf     int64
	// The last client and stimulus seen: a stream sorted by client (or by
	// stimulus) skips most map lookups.
	lastClient string
	lastIx     int
	lastStim   string
	lastSlot   *stimSlot
}

// stimSlot is a stimulus resolved once per run: its setting, its topic's
// index and its content groups, so a response costs one lookup for them.
type stimSlot struct {
	st     Stimulus
	from   Setting
	topic  int // -1: none
	groups [4]*groupCounts
}

func (b *Book) slot(s *stream, id string) *stimSlot {
	if s.lastSlot != nil && id == s.lastStim {
		return s.lastSlot
	}
	if sl, ok := s.slots[id]; ok {
		s.lastStim, s.lastSlot = id, sl
		return sl
	}
	st, ok := s.j.stimuli[id]
	if !ok {
		return nil
	}
	sl := &stimSlot{st: st, from: s.j.settings[st.Setting], topic: -1}
	if st.Topic != "" {
		ix, ok := s.topicIx[st.Topic]
		if !ok {
			ix = uint16(len(s.topicIx))
			s.topicIx[st.Topic] = ix
		}
		sl.topic = int(ix)
	}
	for i, k := range []groupKey{{"kind", st.Kind}, {"setting", st.Setting}, {"campaign", st.Campaign}, {"topic", st.Topic}} {
		if k.value == "" {
			continue
		}
		g := b.groups[k]
		if g == nil {
			g = &groupCounts{}
			b.groups[k] = g
		}
		sl.groups[i] = g
	}
	s.slots[id] = sl
	return sl
}

func (b *Book) add(s *stream, r Response) (Reason, bool) {
	sl := b.slot(s, r.Stimulus)
	switch {
	case r.Client == "":
		return NoClient, false
	case r.Time.IsZero():
		return ZeroTime, false
	case sl == nil:
		return UnknownStimulus, false
	case r.Time.Before(sl.st.Time):
		return BeforeStimulus, false
	case r.Time.After(b.opts.AsOf):
		return AfterAsOf, false
	case math.IsNaN(r.Value) || math.IsInf(r.Value, 0):
		return NaNValue, false
	}
	to := sl.from
	if r.Setting != "" && r.Setting != to.ID {
		var ok bool
		if to, ok = s.j.settings[r.Setting]; !ok {
			return UnknownSetting, false
		}
	}
	if r.ID != "" {
		if s.seen[r.ID] {
			return DuplicateID, false
		}
		s.seen[r.ID] = true
	}
	class, err := b.opts.Classifier.classify(&r, &sl.st, &sl.from, &to, b.opts.AsOf)
	if err != nil || class == ClassUnknown {
		return Unclassified, false
	}
	i, ok := s.lastIx, s.lastClient != "" && r.Client == s.lastClient
	if !ok {
		if i, ok = s.clientIx[r.Client]; !ok {
			i = len(b.clients)
			s.clientIx[r.Client] = i
			b.clients = append(b.clients, r.Client)
			b.profiles = append(b.profiles, profile{})
		}
		s.lastClient, s.lastIx = r.Client, i
	}
	b.record(&b.profiles[i], r, sl, to, class, s.asOf)
	return "", true
}

// record folds one classified response into a profile and its groups.
func (b *Book) record(p *profile, r Response, sl *stimSlot, to Setting, class Class, asOf int64) {
	w := &b.opts.Weights
	age := b.opts.AsOf.Sub(r.Time)
	f := decay(age, w.HalfLife)
	if len(w.ByKind)+len(w.BySetting) > 0 {
		f *= w.factor(r.Kind, to.ID)
	}
	t := r.Time.Unix()
	esc := 0
	switch class {
	case Escalate:
		p.esc += w.Escalate * f
		p.escalations++
		esc = 1
	case Maintain:
		p.maint += w.Maintain * f
	case Disengage:
		p.dis += w.Disengage * f
	}
	p.responses++
	if p.first == 0 || t < p.first {
		p.first = t
	}
	p.last = max(p.last, t)
	if to.Stage == PostSale && (p.firstPostSale == 0 || t < p.firstPostSale) {
		p.firstPostSale = t
	}
	if k := (asOf - t) / int64(b.opts.Period/time.Second); k >= 0 && k < 64 {
		p.active |= 1 << uint(k)
		if esc == 1 {
			p.escalated |= 1 << uint(k)
		}
	}
	if esc == 1 && sl.topic >= 0 {
		p.addTopic(uint16(sl.topic))
	}
	switch {
	case r.Kind == "":
	case r.Kind == b.opts.ExpectedKind && p.nExpected < math.MaxUint16:
		p.expected += float32(r.Value)
		p.nExpected++
	case r.Kind == b.opts.DeliveredKind && p.nDelivered < math.MaxUint16:
		p.delivered += float32(r.Value)
		p.nDelivered++
	}
	recent := age < b.opts.Recent
	if !recent && age >= b.opts.Recent+b.opts.Baseline {
		return
	}
	for _, g := range sl.groups {
		if g == nil {
			continue
		}
		if recent {
			g.recentN++
			g.recentEsc += esc
		} else {
			g.baseN++
			g.baseEsc += esc
		}
	}
}

// Scores returns every client's score as of the analysis time, sorted by
// client id.
func (b *Book) Scores() []Score {
	out := make([]Score, len(b.clients))
	for i, c := range b.clients {
		p := &b.profiles[i]
		out[i] = Score{Client: c, AsOf: b.opts.AsOf, HalfLife: b.opts.Weights.HalfLife, Escalation: p.esc,
			Maintenance: p.maint, Disengagement: p.dis, Responses: int(p.responses)}
	}
	slices.SortFunc(out, func(a, b Score) int { return cmp.Compare(a.Client, b.Client) })
	return out
}

// order returns client indexes sorted by client id.
func (b *Book) order() []int {
	ix := make([]int, len(b.clients))
	for i := range ix {
		ix[i] = i
	}
	slices.SortFunc(ix, func(x, y int) int { return cmp.Compare(b.clients[x], b.clients[y]) })
	return ix
}
