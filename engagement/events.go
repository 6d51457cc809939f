package engagement

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/engagekit/engagekit/internal/batch"
	"github.com/engagekit/engagekit/internal/mem"
)

// Event is a [Response] with its names replaced by numbers: the compact
// form a host streams when it scores millions of responses. Client indexes
// the clients given to [AnalyzeEvents]; Stimulus, Kind and Setting are
// numbers from an [Index]. Time is in unix seconds and Nanos the
// nanoseconds within that second (Time and Nanos both 0 mean none, and are
// rejected: the instant the Unix epoch begins is the one time an Event
// cannot carry; Nanos below 1e9,
// else the event is rejected as [BadTime]): boundaries (windows,
// periods, lifecycle stages) are decided to the nanosecond, as [Analyze]
// decides them. Value keeps a float64, as a Response's does. Events
// carry no id, so duplicates cannot be detected: a host that has
// response ids deduplicates before numbering.
type Event struct {
	Time     int64   `json:"time"`
	Value    float64 `json:"value,omitempty"`
	Client   uint32  `json:"client"`
	Stimulus uint32  `json:"stimulus"`
	Kind     uint16  `json:"kind"`
	Setting  uint16  `json:"setting,omitempty"` // 0: the stimulus's own setting
	Nanos    uint32  `json:"nanos,omitempty"`
}

// Index numbers a journey's stimuli and settings and the response kinds a
// host uses, for [Event]. Build it once with [NewIndex]; it is immutable
// and safe for concurrent use.
type Index struct {
	j      *Journey
	kinds  []string
	kindIx map[string]uint16
	// chunks keeps the sort buffers of the analyses over this index
	// between them (see newChunk); a pointer, so copies share it.
	chunks *sync.Pool
}

// Unknown numbers: an Event built by [Index.Event] from a name the index
// does not know carries these, and is rejected with the matching reason.
const (
	NoStimulus = math.MaxUint32
	NoKind     = math.MaxUint16
	NoSetting  = math.MaxUint16
)

// NewIndex indexes a journey and the response kinds the host will send
// ("like", "click", "register", …), numbered in the order given. Kinds
// must be unique; the empty kind is allowed once, like any other.
func NewIndex(j *Journey, kinds ...string) (*Index, error) {
	if j == nil {
		return nil, &JourneyError{What: "index", Msg: "nil journey"}
	}
	if len(kinds) >= NoKind {
		return nil, &JourneyError{What: "index", Msg: fmt.Sprintf("%d kinds; at most %d", len(kinds), NoKind-1)}
	}
	x := &Index{j: j, kinds: slices.Clone(kinds), kindIx: make(map[string]uint16, len(kinds)), chunks: &sync.Pool{}}
	var errs []error
	for i, k := range kinds {
		if _, dup := x.kindIx[k]; dup {
			errs = append(errs, &JourneyError{What: "kind", ID: k, Msg: "declared twice"})
			continue
		}
		x.kindIx[k] = uint16(i)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return x, nil
}

// The zero Index, and a nil one, index no journey: they know no stimulus,
// setting or kind, as the analyses read them (every event rejected and
// counted).

// Journey returns the indexed journey (nil for the zero Index).
func (x *Index) Journey() *Journey {
	if x == nil {
		return nil
	}
	return x.j
}

// Kinds returns the kinds in number order.
func (x *Index) Kinds() []string {
	if x == nil {
		return nil
	}
	return slices.Clone(x.kinds)
}

// Stimulus returns a stimulus's number.
func (x *Index) Stimulus(id string) (uint32, bool) {
	if x.Journey() == nil {
		return 0, false
	}
	i, ok := x.j.stimIx[id]
	return uint32(i), ok
}

// Setting returns the number an Event carries for a setting: one more than
// the setting's position, since 0 means the stimulus's own.
func (x *Index) Setting(id string) (uint16, bool) {
	if x.Journey() == nil {
		return 0, false
	}
	i, ok := x.j.settingIx[id]
	return uint16(i + 1), ok
}

// Kind returns a response kind's number.
func (x *Index) Kind(name string) (uint16, bool) {
	if x == nil {
		return 0, false
	}
	k, ok := x.kindIx[name]
	return k, ok
}

// Event numbers a response for the client numbered client. It never fails:
// a name the index does not know becomes [NoStimulus], [NoKind] or
// [NoSetting], which the analysis rejects and counts, so converting a
// stream loses nothing; a time [Analyze] refuses as [BadTime] gives an
// event refused so too. The response's id is dropped (see [Event]).
func (x *Index) Event(client uint32, r Response) Event {
	e := Event{Client: client, Stimulus: NoStimulus, Kind: NoKind, Value: r.Value}
	switch {
	case !r.Time.IsZero() && !unixTime(r.Time):
		e.Time, e.Nanos = 1, uint32(time.Second) // a time Analyze refuses as BadTime: an event refused so too
	case !r.Time.IsZero():
		e.Time, e.Nanos = r.Time.Unix(), uint32(r.Time.Nanosecond())
	}
	if s, ok := x.Stimulus(r.Stimulus); ok {
		e.Stimulus = s
	}
	if k, ok := x.Kind(r.Kind); ok {
		e.Kind = k
	}
	if r.Setting != "" {
		e.Setting = NoSetting
		if s, ok := x.Setting(r.Setting); ok {
			e.Setting = s
		}
	}
	return e
}

// AnalyzeEvents is [Analyze] for numbered responses: clients[e.Client] is
// an event's client. It gives the same book as Analyze over the same
// responses, and costs no map lookup per response. Memory is one profile per client in clients, allocated up
// front. The names in clients must be distinct: it is not checked (that
// would cost a map of the names), and a name given twice is two profiles,
// two Scores of one name, where Analyze keeps one profile a name. An event whose numbers are out of range is rejected
// ([UnknownClient], [UnknownStimulus], [UnknownKind], [UnknownSetting]),
// and one of a client whose name is empty is no client's ([NoClient]), as
// for Analyze.
// Invalid options are an error, as for Analyze.
func AnalyzeEvents(ctx context.Context, x *Index, clients []string, events iter.Seq[Event], o Options) (*Book, error) {
	if err := validateForEvents(o); err != nil {
		return nil, err
	}
	return analyzeEvents(ctx, x, slices.Clone(clients), events, o, nil), nil
}

// validateForEvents is Options.Validate for numbered events, which carry
// no response id: a classifier rule reading one would read "" for every
// event and classify them apart from Analyze by name, silently.
func validateForEvents(o Options) error {
	if err := o.Validate(); err != nil {
		return err
	}
	if o.Classifier.readsID() {
		return optErr("Options.Classifier", "a rule reading response.ID", "numbered events carry no response id: analyze these responses by name")
	}
	return nil
}

// AnalyzeParallel analyzes shards of events on one goroutine each and
// merges their books: shards may split the events any way (by client, by
// day, by source), since books merge exactly. Each shard holds a profile
// for every client until the merge, so memory is shards × clients ×
// [ProfileBytes]. Progress, if set, is called with a shard's counts, one
// call at a time. Invalid options are an error, as for Analyze.
func AnalyzeParallel(ctx context.Context, x *Index, clients []string, shards []iter.Seq[Event], o Options) (*Book, error) {
	if err := validateForEvents(o); err != nil {
		return nil, err
	}
	clients = slices.Clone(clients)
	books := make([]*Book, len(shards))
	var mu sync.Mutex
	// A shard's iterator is the host's code: what it does to its
	// goroutine (a panic, runtime.Goexit) is done to the caller's, where
	// the host can take it, as Analyze would on the caller's goroutine.
	batch.Parallel(len(shards), func(i int) {
		books[i] = analyzeEvents(ctx, x, clients, shards[i], o, &mu)
	})
	if len(books) == 0 {
		return analyzeEvents(ctx, x, clients, func(func(Event) bool) {}, o, nil), nil
	}
	out := books[0]
	var ix map[string]int
	for _, b := range books[1:] {
		out.mergeAligned(b, &ix)
	}
	return out, nil
}

// analyzeEvents folds events into a new book over clients (not copied);
// mu, if set, serializes Progress calls between shards.
func analyzeEvents(ctx context.Context, x *Index, clients []string, events iter.Seq[Event], o Options, mu *sync.Mutex) *Book {
	if x == nil || x.j == nil { // nil, or a zero Index: no journey, nothing known
		x = &Index{j: &Journey{}}
	}
	if events == nil {
		events = func(func(Event) bool) {}
	}
	r := newRun(x.j, o, x.kinds)
	for i, name := range clients {
		if name == "" {
			if r.unnamed == nil {
				r.unnamed = map[uint32]bool{}
			}
			r.unnamed[uint32(i)] = true
		}
	}
	b := r.newBook(clients)
	r.cacheBuckets(len(clients))
	// Events arriving in client order are folded as they come; from the
	// first one out of order on, they are buffered and sorted by client
	// (see chunk), when there are clients enough for that to pay.
	c := newChunk(x.chunks, len(clients))
	// What the loop writes at every event is in one allocation of its
	// own, padded to cache lines, and the loop is a plain call of events
	// rather than a range over it. Variables a loop body writes are moved
	// to the heap when the body is a closure handed to an iterator, and
	// small ones (a range loop's own state among them) are packed
	// together by the allocator: two shards of AnalyzeParallel whose
	// goroutines started on one core could have their counters in one
	// cache line, which then moved between the cores at every event
	// (the million-client job's engagement stage took 2.3 times as long
	// in about a quarter of its runs).
	l := &foldLoop{ordered: true}
	defer l.ended.Store(true) // however the loop ends, a panic of events' own included
	events(func(e Event) bool {
		// An iterator may keep yield and call it after the loop ended,
		// from any goroutine: the book is then the caller's, and the
		// chunk back in the Index's pool, maybe another analysis's.
		if l.ended.Load() {
			return false
		}
		if l.read&1023 == 0 && ctx.Err() != nil {
			l.cancelled = true
			return false
		}
		l.read++
		if uint64(e.Client) >= uint64(len(clients)) {
			// Rejected where it is read: the chunk buckets events by
			// their client numbers' top bits, which one out of range
			// overran (a panic).
			r.counts[r.event(b, x, &e)]++
			return true
		}
		if l.ordered = l.ordered && e.Client >= l.last; l.ordered || c == nil {
			l.last = e.Client
			r.counts[r.event(b, x, &e)]++
			// Progress is due once a million events (see progress):
			// the guard, a deferred call, only then.
			if r.o.Progress != nil && l.read>>20 != r.reported {
				l.guard(func() { r.progress(l.read, mu) })
			}
			return true
		}
		if c.add(&e) {
			l.guard(func() { r.foldAll(b, x, c, l.read, mu) })
		}
		return true
	})
	l.ended.Store(true)
	if l.raised != nil {
		panic(*l.raised)
	}
	read, cancelled := l.read, l.cancelled
	if c != nil {
		r.foldAll(b, x, c, read, mu)
		c.free(x.chunks)
	}
	b.Report = r.report(read, cancelled)
	return b
}

// foldLoop is what analyzeEvents's loop writes at every event, with a
// cache line either side so that no other allocation shares its line.
type foldLoop struct {
	_         mem.LinePad
	read      int
	last      uint32
	ordered   bool
	cancelled bool
	ended     atomic.Bool // the loop is over: a yield after it is refused
	// raised is a panic of the host's Progress, raised again once events
	// returns if the iterator recovered it (see guard).
	raised *any
	_      mem.LinePad
}

// guard runs a step of the loop that may call the host's Progress. A
// panic in it goes up through the iterator; an iterator that recovers it
// and yields again is refused, and analyzeEvents raises the panic again
// once the iterator returns, so that no panic is lost and nothing is
// folded after one (a range loop's runtime panicked there).
func (l *foldLoop) guard(step func()) {
	returned := false
	defer func() {
		if returned {
			return
		}
		l.ended.Store(true) // a panic, or runtime.Goexit
		if p := recover(); p != nil {
			l.raised = &p
			panic(p)
		}
	}()
	step()
	returned = true
}

// foldAll checks and folds a chunk's buffered events, sorted by client,
// and empties it; in counts the events read so far, these included.
func (r *run) foldAll(b *Book, x *Index, c *chunk, in int, mu *sync.Mutex) {
	for d := range c.fill {
		sorted := c.sorted(d)
		for i := range sorted {
			r.counts[r.event(b, x, &sorted[i])]++
		}
	}
	c.reset()
	r.progress(in, mu)
}

// progress reports the counts each time another 1<<20 events are in.
func (r *run) progress(in int, mu *sync.Mutex) {
	if r.o.Progress == nil || in>>20 == r.reported {
		return
	}
	r.reported = in >> 20
	if mu != nil {
		mu.Lock()
		defer mu.Unlock()
	}
	r.o.Progress(r.report(in, false))
}

// event checks, classifies and folds one event, as it arrives in client
// order or after its chunk's sort (see chunk).
func (r *run) event(b *Book, x *Index, e *Event) reason {
	if uint64(e.Client) >= uint64(len(b.profiles)) {
		return rUnknownClient
	}
	if r.unnamed != nil && r.unnamed[e.Client] {
		return rNoClient
	}
	if e.Time == 0 && e.Nanos == 0 {
		return rZeroTime
	}
	// The checks run in Analyze's order (run.response), so a response
	// wrong in two ways is refused for one reason by both.
	if e.Nanos >= uint32(time.Second) {
		return rBadTime
	}
	if uint64(e.Stimulus) >= uint64(len(r.stims)) {
		return rUnknownStimulus
	}
	s := &r.stims[e.Stimulus]
	age := r.ageOf(e.Time, e.Nanos)
	switch {
	case e.Time < s.sec || e.Time == s.sec && e.Nanos < s.nsec:
		return rBeforeStimulus
	case age < 0:
		return rAfterAsOf
	case e.Value != e.Value || math.IsInf(e.Value, 0):
		return rNaNValue
	}
	to := s.from
	if e.Setting != 0 {
		if int(e.Setting) > len(r.settings) {
			return rUnknownSetting
		}
		to = int32(e.Setting) - 1
	}
	if int(e.Kind) >= len(r.kinds) {
		return rUnknownKind
	}
	k := &r.kinds[e.Kind]
	var cls Class
	if r.rule {
		cls = r.ruleClass(b, x, e, s, to)
	} else {
		cls = r.class(k, s.from, to)
	}
	if cls == ClassUnknown {
		return rUnclassified
	}
	ageSec, ageNsec := r.ageParts(e.Time, e.Nanos)
	r.fold(b, int(e.Client), s, to, k, cls, age, ageSec, ageNsec, e.Value)
	return used
}

// ruleClass classifies an event with the classifier's rule, which sees the
// response by name.
func (r *run) ruleClass(b *Book, x *Index, e *Event, s *stimInfo, to int32) Class {
	st := &r.j.stimuli[e.Stimulus]
	resp := Response{Client: b.clients[e.Client], Stimulus: st.ID, Kind: x.kinds[e.Kind],
		Time: time.Unix(e.Time, int64(e.Nanos)).In(r.o.AsOf.Location()), Value: e.Value}
	if e.Setting != 0 {
		resp.Setting = r.j.settings[to].ID
	}
	c, err := r.o.Classifier.classify(&resp, st, &r.j.settings[s.from], &r.j.settings[to], r.o.AsOf)
	if err != nil {
		return ClassUnknown
	}
	return c
}
