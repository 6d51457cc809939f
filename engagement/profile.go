package engagement

import (
	"math/bits"
	"unsafe"
)

// profile is everything the library keeps per client while streaming: a
// small fixed-size value, so memory grows with clients, not responses.
type profile struct {
	esc, maint, dis float64
	responses       int32
	escalations     int32
	first, last     int64  // unix seconds of the first and last response
	firstPostSale   int64  // unix seconds; 0 when none
	active          uint64 // bit k: a response in period k before as-of
	escalated       uint64 // bit k: an escalation in period k before as-of
	topics          [8]uint16
	nTopics         uint8
	// Survey scores of what the client expected and what they felt was
	// delivered, summed, with their counts.
	expected, delivered   float32
	nExpected, nDelivered uint16
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
