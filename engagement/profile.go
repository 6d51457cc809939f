package engagement

import (
	"math"
	"math/bits"
	"unsafe"
)

// profile is everything the library keeps per client while streaming: a
// small fixed-size value, so memory grows with clients, not responses.
type profile struct {
	// score holds the decayed, weighted sums by class: escalation,
	// maintenance and disengagement (indexed by Class - 1).
	score         [3]float64
	first, last   int64  // unix seconds of the first and last response
	active        uint64 // bit k: a response in period k before as-of
	escalated     uint64 // bit k: an escalation in period k before as-of
	responses     int32
	escalations   int32
	firstPostSale int64 // unix seconds; 0 when none
	// Survey scores of what the client expected and what they felt was
	// delivered, summed, with their counts.
	expected, delivered   float32
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
		p.score[i] += q.score[i]
	}
	p.first, p.last = min(p.first, q.first), max(p.last, q.last)
	p.active |= q.active
	p.escalated |= q.escalated
	p.responses += q.responses
	p.escalations += q.escalations
	if q.firstPostSale != 0 && (p.firstPostSale == 0 || q.firstPostSale < p.firstPostSale) {
		p.firstPostSale = q.firstPostSale
	}
	p.expected += q.expected
	p.delivered += q.delivered
	p.nExpected = uint16(min(int(p.nExpected)+int(q.nExpected), math.MaxUint16))
	p.nDelivered = uint16(min(int(p.nDelivered)+int(q.nDelivered), math.MaxUint16))
	for _, t := range q.topics[:q.nTopics] {
		p.addTopic(t)
	}
}

// addTopic records a topic the client escalated on (up to eight).
func (p *profile) addTopic(t uint16) {
	for i := range p.nTopics {
		if p.topics[i] == t {
			return
		}
	}
	if p.nTopics < uint8(len(p.topics)) {
		p.topics[p.nTopics] = t
		p.nTopics++
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
func ProfileBytes() int { return int(unsafe.Sizeof(profile{})) }
