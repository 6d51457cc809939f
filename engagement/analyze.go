package engagement

import (
	"cmp"
	"context"
	"errors"
	"iter"
	"math"
	"slices"
	"time"

	"github.com/engagekit/engagekit/internal/seqs"
)

// Options configure [Analyze]. AsOf is required; the zero value of the rest
// means defaults. [Options.Validate] checks them.
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

// unixTime says whether t is within the range of Unix seconds in an
// int64, which Event.Time counts: time.Time reaches further, and Unix()
// wraps there (an event after such an as-of was used).
func unixTime(t time.Time) bool {
	// Within 2^62 s of 1970 (146 billion years): the time package's own
	// count of seconds since year one wraps too near the ends of an
	// int64 (time.Unix(math.MinInt64, 0) reads as a year past 292
	// billion), so the two counts agree only well inside them.
	u := t.Unix()
	return u >= -1<<62 && u <= 1<<62 && time.Unix(u, int64(t.Nanosecond())).Equal(t)
}

// Validate reports what is wrong with o, every problem at once as
// *[OptionError] values joined: a zero AsOf (with which every response
// would be rejected as after as-of), negative spans, and weights and
// multipliers that are not finite numbers of at most [MaxWeight] in size.
// [Analyze], [AnalyzeEvents] and [AnalyzeParallel]
// call it first and return its error without reading a response; a zero
// span means its default.
func (o Options) Validate() error {
	var errs []error
	if o.AsOf.IsZero() {
		errs = append(errs, optErr("Options.AsOf", "0001-01-01", "required"))
	} else if !unixTime(o.AsOf) {
		errs = append(errs, optErr("Options.AsOf", o.AsOf, "outside the range of Unix seconds (an int64), where events count time"))
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"Options.Period", o.Period}, {"Options.Recent", o.Recent}, {"Options.Baseline", o.Baseline}, {"Options.Weights.HalfLife", o.Weights.HalfLife}} {
		if d.v < 0 {
			errs = append(errs, optErr(d.name, d.v, "negative"))
		}
	}
	w := o.Weights
	for _, f := range []struct {
		name string
		v    float64
	}{{"Options.Weights.Escalate", w.Escalate}, {"Options.Weights.Maintain", w.Maintain}, {"Options.Weights.Disengage", w.Disengage}} {
		if err := weightErr(f.name, f.v); err != nil {
			errs = append(errs, err)
		}
	}
	for _, m := range []map[string]float64{w.ByKind, w.BySetting} {
		for k, v := range m {
			if err := weightErr("Options.Weights multiplier "+k, v); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if o.ExpectedKind != "" && o.ExpectedKind == o.DeliveredKind {
		// Every answer would count as expected and none as delivered.
		errs = append(errs, optErr("Options.DeliveredKind", o.DeliveredKind, "the same kind as ExpectedKind"))
	}
	return errors.Join(errs...)
}

// MaxWeight bounds the size of a class weight and of a multiplier of
// [Weights]: a response counts at most MaxWeight³ (a class weight times
// a kind's and a setting's multiplier), so no sum of a book's responses,
// however many, overflows to an infinity, whose difference with another
// would be a NaN total.
const MaxWeight = 1e6

// weightErr is the error of a weight or multiplier that is not a finite
// number of at most MaxWeight in size.
func weightErr(name string, v float64) error {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return optErr(name, v, "not a finite number")
	case math.Abs(v) > MaxWeight:
		return optErr(name, v, "larger than MaxWeight (1e6) in size")
	}
	return nil
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
	// UnknownClient and UnknownKind reject an [Event] whose client or
	// kind number is out of range.
	UnknownClient Reason = "unknown_client"
	UnknownKind   Reason = "unknown_kind"
	// BadTime rejects an [Event] whose Nanos is not below a second, a
	// response (or the event [Index.Event] makes of it) at a time more
	// than 2^62 seconds from 1970, which Go's own count of seconds wraps
	// near, and in a [Funnel] a response 292 years or more after the
	// journey's first stimulus.
	BadTime Reason = "bad_time"
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
// client and counts per content group. It is immutable and its methods are
// safe for concurrent use.
type Book struct {
	opts     Options
	j        *Journey
	clients  []string
	profiles []profile // clients[i]'s; a client may have none used (responses == 0)
	// groups counts by content group and client bucket: group g's bucket
	// k is groups[g*numBuckets+k].
	groups []groupCounts
	Report Report `json:"report"`
}

// groupCounts counts responses and escalations in the baseline and recent
// windows.
type groupCounts struct{ baseN, baseEsc, recentN, recentEsc int }

// maxGroupCount is where a content group's counts in a bucket stop in a
// merge (and the most a book's encoding may hold): the change tests add
// 64 buckets and both windows, which then cannot wrap an int.
const maxGroupCount = 1 << 55

// merge adds h's counts, saturating at maxGroupCount; a bucket keeps no
// more escalations than responses, as each side had.
func (g *groupCounts) merge(h groupCounts) {
	add := func(a, b int) int { return min(a+b, maxGroupCount) } // each at most 2^55: no wrap
	g.baseN, g.baseEsc = add(g.baseN, h.baseN), add(g.baseEsc, h.baseEsc)
	g.recentN, g.recentEsc = add(g.recentN, h.recentN), add(g.recentEsc, h.recentEsc)
}

func (r *run) newBook(clients []string) *Book {
	return &Book{opts: r.o, j: r.j, clients: clients, profiles: make([]profile, len(clients)),
		groups: make([]groupCounts, len(r.j.content.groups)*numBuckets)}
}

// Analyze streams responses in any order against a journey and returns the
// book: the same book for any order, but for the last bits of a score,
// which is a float sum of the responses' decayed weights in the order read
// (as [MergeBooks] adds books' scores), and of a client's survey answers'
// sums likewise (what their means, [Book.ExpectationGap], read). Memory grows with clients (one small profile each) and content
// groups, not with responses, but for their ids: each id a response used
// is kept until the analysis ends, to count the same response read again
// as a duplicate (tens of bytes an id; a host streaming billions of
// responses drops replays itself and leaves ID empty, or numbers them for
// [AnalyzeEvents], which keeps none). Bad responses are rejected and counted by
// reason, never silently dropped. When ctx is done, Analyze stops and
// returns what it has with Report.Cancelled set. Invalid options are an
// error (see [Options.Validate]), before any response is read. An
// iterator that goes on yielding after it was told to stop, or calls
// yield after Analyze returned, is answered false and changes nothing
// (as for [AnalyzeEvents], [Funnel] and [CompareResponders]).
//
// Analyze resolves each response's client, stimulus and kind by name; a
// host that can number them ahead scores several times faster with
// [AnalyzeEvents].
func Analyze(ctx context.Context, j *Journey, responses iter.Seq[Response], o Options) (*Book, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if j == nil {
		j = &Journey{}
	}
	if responses == nil {
		responses = func(func(Response) bool) {}
	}
	r := newRun(j, o, nil)
	b := r.newBook(nil)
	s := stream{clientIx: map[string]int{}, seen: claims{}, lastStimIx: -1}
	in, cancelled := 0, false
	seqs.Each(responses, func(resp Response) bool {
		if in&1023 == 0 && ctx.Err() != nil {
			cancelled = true
			return false
		}
		in++
		r.counts[r.response(b, &s, &resp)]++
		if r.o.Progress != nil && in&(1<<20-1) == 0 {
			r.o.Progress(r.report(in, false))
		}
		return true
	})
	b.Report = r.report(in, cancelled)
	return b, nil
}

// claims are the response ids used so far.
type claims map[string]bool

// claim claims id for the response used under it and reports whether it
// was free: a response without an id claims nothing, and one whose id is
// taken is the same response read again (a duplicate).
func (c claims) claim(id string) bool {
	if id == "" {
		return true
	}
	if c[id] {
		return false
	}
	c[id] = true
	return true
}

// stream is what the string path keeps besides the run: names to numbers.
type stream struct {
	clientIx map[string]int
	seen     claims
	// The last client, stimulus and kind seen: a stream sorted by client
	// (or by stimulus) skips most map lookups.
	lastClient       string
	lastIx           int
	lastStim         string
	lastStimIx       int
	lastKind         string
	lastKindIx       int
	lastKindResolved bool
}

// response checks, classifies and folds one response by name.
func (r *run) response(b *Book, s *stream, resp *Response) reason {
	if resp.Client == "" {
		return rNoClient
	}
	if resp.Time.IsZero() {
		return rZeroTime
	}
	if !unixTime(resp.Time) {
		return rBadTime // compared as it wraps, it would be misordered
	}
	si := s.lastStimIx
	if si < 0 || resp.Stimulus != s.lastStim {
		var ok bool
		if si, ok = r.j.stimIx[resp.Stimulus]; !ok {
			return rUnknownStimulus
		}
		s.lastStim, s.lastStimIx = resp.Stimulus, si
	}
	st := &r.j.stimuli[si]
	info := &r.stims[si]
	age := int64(r.o.AsOf.Sub(resp.Time))
	switch {
	case resp.Time.Before(st.Time):
		return rBeforeStimulus
	case age < 0:
		return rAfterAsOf
	case math.IsNaN(resp.Value) || math.IsInf(resp.Value, 0):
		return rNaNValue
	}
	to := info.from
	if resp.Setting != "" && resp.Setting != r.j.settings[to].ID {
		i, ok := r.j.settingIx[resp.Setting]
		if !ok {
			return rUnknownSetting
		}
		to = int32(i)
	}
	if !s.lastKindResolved || resp.Kind != s.lastKind {
		s.lastKind, s.lastKindIx, s.lastKindResolved = resp.Kind, r.kind(resp.Kind), true
	}
	k := &r.kinds[s.lastKindIx]
	var cls Class
	if r.rule {
		// The rule reads the time in as-of's zone, as it does for an
		// Event, which carries no zone of its own.
		seen := *resp
		seen.Time = seen.Time.In(r.o.AsOf.Location())
		c, err := r.o.Classifier.classify(&seen, st, &r.j.settings[info.from], &r.j.settings[to], r.o.AsOf)
		if err != nil {
			return rUnclassified
		}
		cls = c
	} else {
		cls = r.class(k, info.from, to)
	}
	if cls == ClassUnknown {
		return rUnclassified
	}
	// An id is claimed by the response used under it, the last check: a
	// response refused for another reason claims nothing, so which of a
	// refused one and a good one of an id comes first changes nothing.
	if !s.seen.claim(resp.ID) {
		return rDuplicateID
	}
	i, ok := s.lastIx, s.lastClient != "" && resp.Client == s.lastClient
	if !ok {
		if i, ok = s.clientIx[resp.Client]; !ok {
			i = len(b.clients)
			s.clientIx[resp.Client] = i
			b.clients = append(b.clients, resp.Client)
			b.profiles = append(b.profiles, profile{})
			r.buckets = append(r.buckets, bucketOf(resp.Client))
		}
		s.lastClient, s.lastIx = resp.Client, i
	}
	ageSec, ageNsec := r.ageParts(resp.Time.Unix(), uint32(resp.Time.Nanosecond()))
	r.fold(b, i, info, to, k, cls, age, ageSec, ageNsec, resp.Value)
	return used
}

// Scores returns every client's score as of the analysis time, sorted by
// client id.
func (b *Book) Scores() []Score {
	out := make([]Score, 0, len(b.clients))
	for i := range b.clients {
		if s, ok := b.ScoreAt(i); ok {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b Score) int { return cmp.Compare(a.Client, b.Client) })
	return out
}

// Clients returns the book's clients in its own order: for a book from
// [AnalyzeEvents] or [AnalyzeParallel], the clients given, as the events
// number them; for a book from [Analyze], in the order they were first
// seen. It is the order of [Book.ScoreAt]; the derivations are sorted by
// client id instead.
func (b *Book) Clients() []string { return slices.Clone(b.clients) }

// ScoreAt returns the score of the client at position i of
// [Book.Clients]: a host that numbers its clients joins scores by number,
// without a map from id to score. ok is false when i is out of range or
// none of the client's responses was used.
func (b *Book) ScoreAt(i int) (Score, bool) {
	if i < 0 || i >= len(b.clients) || b.profiles[i].responses == 0 {
		return Score{}, false
	}
	p := &b.profiles[i]
	return Score{Client: b.clients[i], AsOf: b.opts.AsOf, HalfLife: b.opts.Weights.HalfLife, Escalation: p.esc(),
		Maintenance: p.maint(), Disengagement: p.dis(), Responses: int(p.responses)}, true
}

// order returns the indexes of the clients with responses, sorted by
// client id.
func (b *Book) order() []int {
	ix := make([]int, 0, len(b.clients))
	for i := range b.clients {
		if b.profiles[i].responses > 0 {
			ix = append(ix, i)
		}
	}
	slices.SortFunc(ix, func(x, y int) int { return cmp.Compare(b.clients[x], b.clients[y]) })
	return ix
}
