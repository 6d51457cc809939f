package engagement

import (
	"math"
	"math/bits"
	"reflect"
)

// profile is everything the library keeps per client while streaming: a
// small fixed-size value, so memory grows with clients, not responses.
type profile struct {
	// score holds the decayed, weighted sums by class: escalation,
	// maintenance and disengagement (indexed by Class - 1).
	score [3]float64
	// newest and oldest are the ages of the last and first responses, in
	// nanoseconds before as-of: books merge only when their as-of agree,
	// so ages compare across books.
	newest, oldest int64
	active         uint64 // bit k: a response in period k before as-of
	escalated      uint64 // bit k: an escalation in period k before as-of
	responses      int32
	escalations    int32
	// postSale is 1 + the age of the first (oldest) post-sale response,
	// 0 for none: one word, next to the fields every response updates,
	// where a flag and an age would put the flag at the profile's far end
	// and cost a second cache line per client.
	postSale uint64
	// Survey scores of what the client expected and what they felt was
	// delivered, summed with their counts, each score scaled by
	// surveyScale first: 65,535 answers of the largest float64 then sum
	// to less than the largest float64 (two answers of 1e308 summed to
	// +Inf, and the gap became NaN), and a power of two scales exactly.
	expected, delivered   float64
	nExpected, nDelivered uint16
	topics                [8]uint16
	nTopics               uint8
}

func (p *profile) esc() float64   { return p.score[Escalate-1] }
func (p *profile) maint() float64 { return p.score[Maintain-1] }
func (p *profile) dis() float64   { return p.score[Disengage-1] }

// merge adds another profile of the same client, analyzed as of the same
// time, into p.
func (p *profile) merge(q *profile) {
	if q.responses == 0 {
		return
	}
	if p.responses == 0 {
		*p = *q
		return
	}
	for i := range p.score {
		// Added as they are, so merges stay associative (up to float
		// rounding); MergeBooks refuses a sum that overflows.
		p.score[i] += q.score[i]
	}
	p.newest, p.oldest = min(p.newest, q.newest), max(p.oldest, q.oldest)
	p.active |= q.active
	p.escalated |= q.escalated
	// Counts saturate rather than wrap (a decoded book may carry any).
	p.responses = int32(min(int64(p.responses)+int64(q.responses), math.MaxInt32))
	p.escalations = int32(min(int64(p.escalations)+int64(q.escalations), math.MaxInt32))
	if q.postSale > p.postSale {
		p.postSale = q.postSale
	}
	p.expected, p.nExpected = mergeSurvey(p.expected, p.nExpected, q.expected, q.nExpected)
	p.delivered, p.nDelivered = mergeSurvey(p.delivered, p.nDelivered, q.delivered, q.nDelivered)
	for _, t := range q.topics[:q.nTopics] {
		p.addTopic(t)
	}
}

// mergeSurvey adds two survey tallies. A tally counts 65,535 answers at
// most; past that, the merged sum is scaled to the count kept, so the mean
// is the mean of every answer the two kept (adding the sums in full made a
// mean beyond the largest answer). One analysis keeps its first 65,535
// answers, so past that count a merge is not exactly one analysis.
func mergeSurvey(sum float64, n uint16, qsum float64, qn uint16) (float64, uint16) {
	total := int(n) + int(qn)
	if total <= math.MaxUint16 {
		return sum + qsum, uint16(total)
	}
	// Each scaled before the addition, which could overflow otherwise.
	f := math.MaxUint16 / float64(total)
	return sum*f + qsum*f, math.MaxUint16
}

// surveyScale scales each survey score before it is summed (see profile);
// surveyMean undoes it. Scaling by 2^-16 is exact for every score of
// magnitude 2^-1006 or more.
const surveyScale = 0x1p-16

// surveyMean is the mean score of a scaled sum of n scores, held to the
// float64 range: the mean of finite scores is in it, but a merge past
// 65,535 answers scales the sums, whose rounding may carry it past.
func surveyMean(sum float64, n uint16) float64 {
	return min(max(sum/float64(n)/surveyScale, -math.MaxFloat64), math.MaxFloat64)
}

// addTopic records a topic the client escalated on. A profile keeps eight
// topics at most, the eight first in the journey's order (smallest
// numbers), whatever the order the responses or merges brought them in:
// keeping the first met made a merge depend on its order.
func (p *profile) addTopic(t uint16) {
	largest := -1
	for i := range p.nTopics {
		if p.topics[i] == t {
			return
		}
		if largest < 0 || p.topics[i] > p.topics[largest] {
			largest = int(i)
		}
	}
	switch {
	case p.nTopics < uint8(len(p.topics)):
		p.topics[p.nTopics] = t
		p.nTopics++
	case t < p.topics[largest]:
		p.topics[largest] = t
	}
}

// periodsActive counts active periods among the n most recent.
func periodsIn(mask uint64, from, n int) int {
	if n <= 0 || from >= 64 {
		return 0
	}
	m := mask >> uint(from)
	if n < 64 {
		m &= (1 << uint(n)) - 1
	}
	return bits.OnesCount64(m)
}

// ProfileBytes is the size of the state Analyze keeps per client, for
// capacity planning: memory grows by this much per client, plus the
// client's id.
func ProfileBytes() int { return int(reflect.TypeFor[profile]().Size()) }

// numBuckets is the number of client clusters change detection counts in
// (see [Book.ChangeTests]).
const (
	bucketBits = 6
	numBuckets = 1 << bucketBits
)

// bucketOf is a client's cluster: a hash of its id (FNV-1a, 64 bits,
// then MurmurHash3's finalizer, so that ids differing in one character
// spread over every bucket), so a client lands in the same cluster in
// every shard and every book.
func bucketOf(id string) uint8 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return uint8(h >> (64 - bucketBits))
}
