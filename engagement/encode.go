package engagement

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"math/bits"
	"slices"
	"time"
)

// ErrCorrupt is the cause of the error [UnmarshalBook] returns for data
// that is not a whole book as [Book.MarshalBinary] writes it.
var ErrCorrupt = errors.New("engagement: corrupt book encoding")

// bookMagic starts every encoded book; its last byte is the format's
// version. Version 3 holds the survey sums scaled (see profile); a book
// of version 2, whose sums are not, is read too.
const bookMagic = "ekbook\x00\x03"

// bookMagicV2 starts a book of version 2.
const bookMagicV2 = "ekbook\x00\x02"

// MarshalBinary encodes the book, so that books analyzed in other
// processes or on other machines (a distributed engine's workers, a
// day's run kept for tomorrow) can be merged with [MergeBooks] after
// [UnmarshalBook]. The encoding holds the clients in the book's order,
// their profiles, the content groups' counts and the report; not the
// journey or the options, which the reader supplies: it holds a
// fingerprint of both, which UnmarshalBook checks. The same book always
// encodes to the same bytes. It never fails; the error is there for
// [encoding.BinaryMarshaler].
func (b *Book) MarshalBinary() ([]byte, error) {
	out := make([]byte, 0, len(bookMagic)+8+len(b.clients)*(ProfileBytes()+12)+len(b.groups)*8+64)
	out = append(out, bookMagic...)
	out = binary.LittleEndian.AppendUint64(out, fingerprint(b.j, b.opts))
	out = binary.AppendUvarint(out, uint64(len(b.clients)))
	for i, id := range b.clients {
		out = binary.AppendUvarint(out, uint64(len(id)))
		out = append(out, id...)
		out = b.profiles[i].append(out)
	}
	out = binary.AppendUvarint(out, uint64(len(b.groups)))
	for _, g := range b.groups {
		for _, n := range [4]int{g.baseN, g.baseEsc, g.recentN, g.recentEsc} {
			out = binary.AppendUvarint(out, uint64(n))
		}
	}
	return b.Report.append(out), nil
}

// UnmarshalBook decodes a book that [Book.MarshalBinary] encoded from an
// analysis against journey j with options o, which the caller passes
// again: the book it returns merges with books analyzed here against j
// with o ([MergeBooks] asks for the same *Journey). A book encoded against
// another journey or other options (as of, weights, windows, survey kinds;
// the classifier is the caller's to keep the same) is [ErrIncompatible];
// data that is not a whole book is [ErrCorrupt]. It never panics.
func UnmarshalBook(j *Journey, o Options, data []byte) (*Book, error) {
	if j == nil {
		j = &Journey{}
	}
	// Options out of range are refused as Analyze refuses them, not
	// replaced by defaults (whose fingerprint then matched).
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o = o.withDefaults()
	d := decoder{data: data, expects: o.ExpectedKind != "", delivers: o.DeliveredKind != ""}
	switch string(d.bytes(len(bookMagic))) {
	case bookMagic:
	case bookMagicV2:
		d.unscaledSurveys = true
	default:
		return nil, fmt.Errorf("%w: not a book of this format", ErrCorrupt)
	}
	if d.u64() != fingerprint(j, o) && d.err == nil {
		return nil, ErrIncompatible
	}
	b := &Book{opts: o, j: j}
	n := d.count(1 + 80)
	b.clients, b.profiles = make([]string, 0, n), make([]profile, 0, n)
	for range n {
		b.clients = append(b.clients, string(d.bytes(d.count(1))))
		b.profiles = append(b.profiles, d.profile(len(j.content.topics), int64(o.Period)))
	}
	if groups := d.count(4); d.err == nil && groups != len(j.content.groups)*numBuckets {
		d.fail("content groups")
	} else {
		b.groups = make([]groupCounts, groups)
		for i := range b.groups {
			b.groups[i] = d.groupCounts()
		}
	}
	b.Report = d.report()
	// Every response a profile holds was used: the profiles' responses
	// add up to Used at most (a report of none beside a profile of one
	// was read).
	held := int64(0)
	for i := range b.profiles {
		held = satAdd(held, int64(b.profiles[i].responses))
	}
	if d.err == nil && held > int64(b.Report.Used) {
		d.fail("report counts fewer used responses than the profiles hold")
	}
	if d.err == nil {
		d.consistent(j, b)
	}
	if d.err == nil && len(d.data) > 0 {
		d.fail("trailing bytes")
	}
	if d.err != nil {
		return nil, d.err
	}
	return b, nil
}

// fingerprint is a hash of what a book's numbers depend on besides its
// responses: the journey's settings, stimuli and content groups, and the
// options (after defaults) that [MergeBooks] compares.
func fingerprint(j *Journey, o Options) uint64 {
	h := fnv.New64a()
	var buf []byte
	str := func(s string) { buf = append(binary.AppendUvarint(buf, uint64(len(s))), s...) }
	num := func(v uint64) { buf = binary.LittleEndian.AppendUint64(buf, v) }
	// An instant as seconds and nanoseconds (UnixNano wraps every 584
	// years), a weight with -0 as 0 (MergeBooks compares them with ==).
	instant := func(t time.Time) { num(uint64(t.Unix())); num(uint64(t.Nanosecond())) }
	float := func(f float64) { num(math.Float64bits(f + 0)) }
	if j != nil {
		for _, s := range j.settings {
			str(s.ID)
			num(uint64(s.Depth))
			num(uint64(s.Stage))
		}
		for _, s := range j.stimuli {
			str(s.ID)
			str(s.Setting)
			instant(s.Time)
		}
		// The content groups and topics by name, and each stimulus's:
		// a book counts into them by number.
		for _, g := range j.content.groups {
			str(g.dim)
			str(g.value)
		}
		for _, t := range j.content.topics {
			str(t)
		}
		for i := range j.content.groupsOf {
			for _, g := range j.content.groupsOf[i] {
				num(uint64(g))
			}
			num(uint64(j.content.topicOf[i]))
		}
	}
	instant(o.AsOf)
	for _, d := range []int64{int64(o.Period), int64(o.Recent), int64(o.Baseline), int64(o.Weights.HalfLife)} {
		num(uint64(d))
	}
	for _, w := range []float64{o.Weights.Escalate, o.Weights.Maintain, o.Weights.Disengage} {
		float(w)
	}
	for _, m := range []map[string]float64{o.Weights.ByKind, o.Weights.BySetting} {
		num(uint64(len(m)))
		for _, k := range slices.Sorted(maps.Keys(m)) {
			str(k)
			float(m[k])
		}
	}
	str(o.ExpectedKind)
	str(o.DeliveredKind)
	h.Write(buf)
	return h.Sum64()
}

// append encodes the profile, field by field.
func (p *profile) append(out []byte) []byte {
	le := binary.LittleEndian
	for _, f := range p.score {
		out = le.AppendUint64(out, math.Float64bits(f))
	}
	for _, v := range []uint64{uint64(p.newest), uint64(p.oldest), p.active, p.escalated, p.postSale,
		math.Float64bits(p.expected), math.Float64bits(p.delivered)} {
		out = le.AppendUint64(out, v)
	}
	out = le.AppendUint32(out, uint32(p.responses))
	out = le.AppendUint32(out, uint32(p.escalations))
	out = le.AppendUint16(out, p.nExpected)
	out = le.AppendUint16(out, p.nDelivered)
	for _, t := range p.topics {
		out = le.AppendUint16(out, t)
	}
	return append(out, p.nTopics)
}

// append encodes the report: its counts, then the rejections by reason in
// the order of the reasons' names.
func (r Report) append(out []byte) []byte {
	out = binary.AppendUvarint(out, uint64(r.In))
	out = binary.AppendUvarint(out, uint64(r.Used))
	cancelled := byte(0)
	if r.Cancelled {
		cancelled = 1
	}
	out = append(out, cancelled)
	out = binary.AppendUvarint(out, uint64(len(r.Rejected)))
	for _, k := range slices.Sorted(maps.Keys(r.Rejected)) {
		out = binary.AppendUvarint(out, uint64(len(k)))
		out = append(out, k...)
		out = binary.AppendUvarint(out, uint64(r.Rejected[k]))
	}
	return out
}

// decoder reads an encoded book; the first problem sticks in err, after
// which every read gives zero values.
type decoder struct {
	data []byte
	err  error
	// unscaledSurveys: a book of version 2, whose survey sums are not
	// scaled (see profile).
	unscaledSurveys bool
	// expects and delivers: the options name a survey kind of each side
	// (Options.ExpectedKind, DeliveredKind); without one no analysis
	// counts an answer of that side.
	expects, delivers bool
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrCorrupt, what)
	}
	d.data = nil
}

func (d *decoder) bytes(n int) []byte {
	if d.err != nil || n < 0 || n > len(d.data) {
		d.fail("truncated")
		return nil
	}
	b := d.data[:n]
	d.data = d.data[n:]
	return b
}

func (d *decoder) u64() uint64 {
	b := d.bytes(8)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint64(b)
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.data)
	// The shortest form only, as AppendUvarint writes (81 00 is 1 too,
	// and a book must read back to the bytes it was read from).
	if n <= 0 || n != max(1, (bits.Len64(v)+6)/7) {
		d.fail("bad number")
		return 0
	}
	d.data = d.data[n:]
	return v
}

// int reads a count that must fit an int.
func (d *decoder) int() int {
	v := d.uvarint()
	if v > math.MaxInt32*uint64(math.MaxInt32) {
		d.fail("count out of range")
		return 0
	}
	return int(v)
}

// groupCounts reads a content group's counts in one bucket: no more
// escalations than responses in either window (a book counts an
// escalation with its response), and none past maxGroupCount.
func (d *decoder) groupCounts() groupCounts {
	g := groupCounts{d.int(), d.int(), d.int(), d.int()}
	if d.err == nil && (g.baseEsc > g.baseN || g.recentEsc > g.recentN || g.baseN > maxGroupCount || g.recentN > maxGroupCount) {
		d.fail("content group counts")
		return groupCounts{}
	}
	return g
}

// count reads the length of a list whose items take at least each bytes,
// so that a damaged length never makes a large allocation.
func (d *decoder) count(each int) int {
	v := d.uvarint()
	if v > uint64(len(d.data)/each) {
		d.fail("length past the end")
		return 0
	}
	return int(v)
}

// profile reads a profile; its topics must be among the journey's topics.
func (d *decoder) profile(topics int, period int64) profile {
	var p profile
	for i := range p.score {
		p.score[i] = math.Float64frombits(d.u64())
	}
	newest, oldest := d.u64(), d.u64()
	p.newest, p.oldest, p.active, p.escalated = int64(newest), int64(oldest), d.u64(), d.u64()
	p.postSale, p.expected, p.delivered = d.u64(), math.Float64frombits(d.u64()), math.Float64frombits(d.u64())
	if d.unscaledSurveys {
		p.expected, p.delivered = p.expected*surveyScale, p.delivered*surveyScale
	}
	rest := d.bytes(4 + 4 + 2 + 2 + 2*len(p.topics) + 1)
	if rest == nil {
		return profile{}
	}
	le := binary.LittleEndian
	p.responses, p.escalations = int32(le.Uint32(rest)), int32(le.Uint32(rest[4:]))
	p.nExpected, p.nDelivered = le.Uint16(rest[8:]), le.Uint16(rest[10:])
	for i := range p.topics {
		p.topics[i] = le.Uint16(rest[12+2*i:])
	}
	tail := rest[12+2*len(p.topics):]
	p.nTopics = tail[0]
	switch {
	case p.responses < 0 || p.escalations < 0 || p.postSale > 1<<63:
		d.fail("profile counts")
	case p.escalations > p.responses || p.escalated&^p.active != 0 ||
		p.responses == 0 && (p.active != 0 || p.nTopics != 0 || p.nExpected != 0 || p.nDelivered != 0 || p.postSale != 0):
		// What an analysis cannot write: escalations without responses,
		// an escalated period that is not active, activity with no
		// response (a superfan of a client with none).
		d.fail("profile counts")
	case !possibleSurvey(p.expected, p.nExpected) || !possibleSurvey(p.delivered, p.nDelivered):
		d.fail("profile survey sums")
	case !possibleScore(p.esc(), countBound(p.escalations)) ||
		!possibleScore(p.maint(), nonEscalating(&p)) || !possibleScore(p.dis(), nonEscalating(&p)):
		// A class's score sums its responses, each decayed (a factor of
		// at most 1: no response is after as-of) and weighted.
		d.fail("profile scores")
	case p.responses == 0 && p != (profile{}):
		d.fail("profile of no response") // what an analysis writes for a client it never heard from
	case p.escalated != 0 && p.escalations == 0, int(p.nTopics) > int(p.escalations):
		// An escalated period needs an escalation, and a topic is added
		// by one (a merge unions the topics as it adds the escalations).
		d.fail("profile counts")
	case !d.expects && (p.nExpected != 0 || p.expected != 0), !d.delivers && (p.nDelivered != 0 || p.delivered != 0):
		d.fail("profile survey counts") // an answer of a survey kind the options do not name
	case bits.OnesCount64(p.active) > int(p.responses):
		d.fail("profile counts") // each response marks one period active
	case bits.OnesCount64(p.escalated) > int(p.escalations):
		d.fail("profile counts") // each escalation marks one period escalated
	case int(p.nExpected)+int(p.nDelivered) > int(p.responses):
		d.fail("profile counts") // each survey answer is a response, of one kind or the other
	case p.responses > 0 && !possiblePeriods(p.active, p.newest, p.oldest, period):
		d.fail("profile periods")
	case p.responses > 0 && (p.newest < 0 || p.oldest < p.newest ||
		p.postSale != 0 && (p.postSale < uint64(p.newest)+1 || p.postSale > uint64(p.oldest)+1)):
		// Ages count back from as-of (a response after it is rejected),
		// the newest first, and the first post-sale one lies between.
		d.fail("profile ages")
	case int(p.nTopics) > len(p.topics):
		d.fail("profile topics")
	default:
		for i, t := range p.topics[:p.nTopics] {
			if int(t) >= topics || slices.Contains(p.topics[:i], t) {
				d.fail("profile topic out of range or repeated")
			}
		}
		for _, t := range p.topics[p.nTopics:] {
			if t != 0 {
				d.fail("profile topic slots") // unused slots are zero: one book, one encoding
			}
		}
	}
	return p
}

// possiblePeriods says whether an analysis can mark the periods active of
// responses aged newest to oldest: the periods of the newest and oldest
// response, and none outside them. An age of farAge (292 years or more)
// is a bound only from below: its period is known to the second, not by
// the nanoseconds a profile keeps.
func possiblePeriods(active uint64, newest, oldest, period int64) bool {
	if period <= 0 || newest < 0 || oldest < newest {
		return false // ages are checked apart; a period is positive
	}
	periodOf := func(age int64) uint64 { return uint64(age) / uint64(period) }
	bit := func(q uint64) uint64 {
		if q >= 64 {
			return 0
		}
		return 1 << q
	}
	lo := periodOf(newest)
	if lo >= 64 && active != 0 || lo < 64 && active&(bit(lo)-1) != 0 {
		return false // a period newer than the newest response's
	}
	if newest != farAge && active&bit(lo) == 0 && lo < 64 {
		return false
	}
	if oldest != farAge {
		hi := periodOf(oldest)
		if hi < 63 && active>>(hi+1) != 0 {
			return false // a period older than the oldest response's
		}
		if hi < 64 && active&bit(hi) == 0 {
			return false
		}
	}
	return true
}

// countBound is the number of responses a count says, or -1 where the
// count is saturated (math.MaxInt32, where a merge holds it): then it is
// a bound only from below, as farAge is for ages.
func countBound(n int32) int64 {
	if n == math.MaxInt32 {
		return -1
	}
	return int64(n)
}

// nonEscalating is the number of responses of a profile that did not
// escalate (which maintenance and disengagement scores sum), or -1 where
// its responses are saturated: a merge saturates responses and
// escalations apart, so their difference then says nothing.
func nonEscalating(p *profile) int64 {
	if p.responses == math.MaxInt32 {
		return -1
	}
	return int64(p.responses) - int64(p.escalations)
}

// possibleScore says whether an analysis can write a class's score of n
// responses: 0 for none, else a finite sum of n responses of at most
// MaxWeight³ each; any finite score for n = -1 (a count unknown, see
// countBound: merges of books add their scores without a bound, and
// MergeBooks refuses only a sum that overflows).
func possibleScore(score float64, n int64) bool {
	if n < 0 {
		return !math.IsInf(score, 0) && !math.IsNaN(score)
	}
	if n == 0 {
		return score == 0
	}
	// Within the rounding of a sum of n terms, each rounded too: at most
	// n ulps of the total, relatively (a merge's sums round alike).
	return math.Abs(score) <= float64(n)*(MaxWeight*MaxWeight*MaxWeight)*(1+float64(n)*0x1p-52+0x1p-40)
}

// possibleSurvey says whether an analysis can write a scaled survey sum
// of n scores: 0 for none, else at most n of the largest score.
func possibleSurvey(sum float64, n uint16) bool {
	if n == 0 {
		return sum == 0
	}
	// Within rounding of n scores of the largest float64 (a merge's
	// scaled sums round, and surveyMean holds their mean in range).
	return math.Abs(sum) <= float64(n)*(math.MaxFloat64*surveyScale)*(1+float64(n)*0x1p-52+0x1p-40)
}

// report reads a report: its counts add up (In = Used + the rejections,
// summed as a merge sums them, saturating), its flag is 0 or 1, and its
// reasons are distinct, in order, each counting some response, as
// Report.append writes them.
func (d *decoder) report() Report {
	r := Report{In: d.total(), Used: d.total()}
	if c := d.bytes(1); c != nil {
		if c[0] > 1 {
			d.fail("report flag")
		}
		r.Cancelled = c[0] == 1
	}
	n := d.count(2)
	r.Rejected = make(map[Reason]int, n)
	sum, last := r.Used, Reason("")
	for i := range n {
		k := Reason(d.bytes(d.count(1)))
		v := d.total()
		if d.err == nil && (i > 0 && k <= last || v == 0 || !slices.Contains(reasonNames[used+1:], k)) {
			d.fail("report reasons")
		}
		last = k
		r.Rejected[k] = v
		sum = int(satAdd(int64(sum), int64(v)))
	}
	if d.err == nil && sum != r.In {
		d.fail("report counts do not add up")
	}
	return r
}

// total reads a report's count: any int64 that is not negative (a merge
// of books saturates there).
func (d *decoder) total() int {
	v := d.uvarint()
	if v > math.MaxInt64 {
		d.fail("count out of range")
		return 0
	}
	return int(v)
}

// consistent refuses what no analysis writes across a book's parts, each
// of which read well on its own: a client of no name that holds
// responses (no response of no client is used), a client that answered
// after a sale where the journey has no post-sale setting, and content
// group counts in a bucket no client holding responses falls in, or of
// more responses than were used.
func (d *decoder) consistent(j *Journey, b *Book) {
	post := slices.ContainsFunc(j.settings, func(s Setting) bool { return s.Stage == PostSale })
	var held [numBuckets]bool
	for i := range b.profiles {
		p := &b.profiles[i]
		switch {
		case p.responses == 0:
			continue
		case b.clients[i] == "":
			d.fail("a client of no name holds responses")
			return
		case p.postSale != 0 && !post:
			d.fail("a client answered after a sale in a journey with no post-sale setting")
			return
		}
		held[bucketOf(b.clients[i])] = true
	}
	for g := 0; g < len(b.groups); g += numBuckets {
		total := int64(0)
		for k, c := range b.groups[g : g+numBuckets] {
			n := int64(c.baseN) + int64(c.recentN)
			if n > 0 && !held[k] {
				d.fail("content group counts in a bucket of no client with responses")
				return
			}
			total = satAdd(total, n)
		}
		if total > int64(b.Report.Used) {
			d.fail("a content group counts more responses than were used")
			return
		}
	}
}
