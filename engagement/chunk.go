package engagement

import (
	"cmp"
	"slices"
	"sync"
)

// chunk buffers events that arrive out of client order and hands them
// back in client order to be folded. Folding events in arbitrary client
// order costs a cache miss per event once the profiles outgrow the cache
// (100k clients are 11 MB); folding them in client order walks the
// profiles forwards, which the hardware prefetches.
//
// The buffer is split into buckets by the top bits of the client number,
// and each event goes straight into its bucket as it arrives: that is
// the first pass of a radix sort, done without a copy of its own. When a
// bucket is full, the buckets are taken in order, and each is sorted by
// the rest of the client number where it sits, in the cache (a bucket
// holds the events of 4,096 clients at most, a few hundred kilobytes),
// then folded. The sorts are
// stable, so each client's events keep their order and the book is bit
// for bit the book of the unsorted stream. Memory is fixed, not a
// function of the number of events.
//
// Buffering whole events and checking them as they are folded, after the
// sort, runs the checks between the folds' first touches of the profiles
// and hides their latency. An earlier version copied the events into one
// buffer and sorted it in two radix passes, which moved every event
// through memory six times (in, two passes of a read and a write, the
// fold's read): with 32-byte events that made random order 14% slower
// than with the 24-byte events before them. This one moves each twice
// (into its bucket, and back out of it once the bucket, sorted in the
// cache, is folded) and is as fast as the old sort of 24-byte events.
type chunk struct {
	part []Event  // bucket d is part[d*size : d*size+fill[d]]
	fill []uint32 // the events in each bucket
	size int      // a bucket's capacity
	top  uint     // a client's bucket is its number >> top
	// tmp and count serve the sort of one bucket by the low bits of the
	// client number (top of them): count has 1<<top entries, or is nil
	// when that is too many (then the bucket is sorted by comparison).
	tmp   []Event
	count []uint32
}

// The buffer holds about twice as many events as there are clients,
// within bounds: enough that clients recur within a chunk, and 64 bytes
// per client at most.
const (
	minChunk = 1 << 17
	maxChunk = 1 << 22
)

// Buckets hold 1<<lowBits clients each (more, when there are more than
// 1<<(lowBits+maxTopBits) clients), so that a bucket's events and its
// clients' profiles stay in the L2 cache while it is sorted and folded;
// maxCountBits bounds the counting sort's table. The figures are
// measured: with 256 clients a bucket (and 4x the buckets to write to)
// the sort was 5-10% slower.
const (
	lowBits      = 12
	maxTopBits   = 11
	maxCountBits = 16
)

// sortFrom is the number of clients from which sorting pays: below it,
// the profiles stay in cache anyway.
const sortFrom = 1 << 14

// A chunk's clients have more bits than a bucket's low bits (newChunk
// subtracts them): the compiler refuses a sortFrom below 1<<lowBits.
var _ [sortFrom - 1<<lowBits]struct{}

// newChunk returns a chunk for clients clients, or nil when sorting does
// not pay. It reuses a chunk from pool when there is one (pool may be
// nil); give it back with free. The pool belongs to an [Index], not to
// the package: allocating (and zeroing) the buffers anew costs as much as
// sorting them once, and a host analyzes with the same index day after
// day, while a package-level pool would be state shared by every host in
// the process.
func newChunk(pool *sync.Pool, clients int) *chunk {
	if clients < sortFrom {
		return nil
	}
	bits := uint(1)
	for clients > 1<<bits {
		bits++
	}
	buckets := 1 << min(bits-lowBits, maxTopBits)
	low := bits - uint(min(bits-lowBits, maxTopBits))
	total := min(max(2*clients, minChunk), maxChunk)
	size := total / buckets
	var c *chunk
	if pool != nil {
		c, _ = pool.Get().(*chunk)
	}
	if c == nil || cap(c.part) < buckets*size || cap(c.fill) < buckets || cap(c.tmp) < size {
		c = &chunk{part: make([]Event, buckets*size), fill: make([]uint32, buckets), tmp: make([]Event, size)}
	}
	c.part, c.fill, c.tmp = c.part[:buckets*size], c.fill[:buckets], c.tmp[:size]
	switch {
	case low > maxCountBits:
		c.count = nil
	case cap(c.count) < 1<<low:
		c.count = make([]uint32, 1<<low)
	default:
		c.count = c.count[:1<<low] // all zero: sorted clears what it counts
	}
	c.size, c.top = size, low
	clear(c.fill)
	return c
}

// free gives the chunk's buffers back to pool for another analysis.
func (c *chunk) free(pool *sync.Pool) {
	if c != nil && pool != nil {
		pool.Put(c)
	}
}

// add buffers an event and reports whether its bucket is now full, when
// the chunk must be folded and reset before the next add.
func (c *chunk) add(e *Event) (full bool) {
	d := int(e.Client >> c.top)
	n := c.fill[d]
	c.part[d*c.size+int(n)] = *e
	c.fill[d] = n + 1
	return int(n)+1 == c.size
}

// reset empties the buffer.
func (c *chunk) reset() { clear(c.fill) }

// sorted returns bucket d's events ordered by client, stably.
func (c *chunk) sorted(d int) []Event {
	src := c.part[d*c.size : d*c.size+int(c.fill[d])]
	ordered := true
	for i := 1; i < len(src); i++ {
		if src[i].Client < src[i-1].Client {
			ordered = false
			break
		}
	}
	if ordered {
		return src
	}
	if c.count == nil {
		slices.SortStableFunc(src, func(p, q Event) int { return cmp.Compare(p.Client, q.Client) })
		return src
	}
	// A counting sort by the low bits, which is all the bucket's events
	// differ in. count has as many entries as a bucket has clients, no
	// more than it has events (see newChunk), so walking it is cheap.
	count := c.count
	mask := uint32(len(count) - 1)
	for i := range src {
		count[src[i].Client&mask]++
	}
	at := uint32(0)
	for k, n := range count {
		count[k] = at
		at += n
	}
	dst := c.tmp[:len(src)]
	for i := range src {
		k := src[i].Client & mask
		dst[count[k]] = src[i]
		count[k]++
	}
	clear(count)
	return dst
}
