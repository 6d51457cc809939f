package engagement

import (
	"sync"
)

// chunk buffers events and reorders each full buffer by client before it
// is folded. Folding events in arbitrary client order costs a cache miss
// per event once the profiles outgrow the cache (100k clients are 11 MB);
// folding them in client order walks the profiles forwards, which the
// hardware prefetches. The sort is a stable counting sort, so each client's
// events keep their order and the book is bit for bit the book of the
// unsorted stream. Memory is two fixed buffers, not a function of the
// number of events.
//
// Events are buffered whole and checked as they are folded, after the
// sort: the checks then run between the folds' first touches of the
// profiles, and hide their latency. Checking them as they were buffered
// (in compact 24-byte records) made the sort cheaper but left the fold a
// tight loop of cache misses, 14% slower on the whole.
type chunk struct {
	buf, tmp []Event
	bits     uint // significant bits of a client number
	limit    int  // the events buffered before a sort: at most cap(buf)
	// The radix sort's digits: digit bits each, as many as it takes for
	// bits; hist counts the buffered clients by their first two digits,
	// as they are added, which spares the sort two passes over the
	// buffer.
	digit uint
	mask  uint32
	hist  [2][1 << maxDigit]uint32
}

// maxDigit is the most bits a radix digit has: 2K buckets, so that the
// counts stay in the L1 cache.
const maxDigit = 11

// The buffer holds as many events as there are clients, within bounds:
// enough that clients recur within a chunk, and 64 bytes per client at
// most (two buffers of 32-byte events).
const (
	minChunk = 1 << 18
	maxChunk = 1 << 21
)

// sortFrom is the number of clients from which sorting pays: below it,
// the profiles stay in cache anyway.
const sortFrom = 1 << 14

// newChunk returns a chunk for clients clients, or nil when sorting does
// not pay. It
// reuses a chunk from pool when there is one (pool may be nil); give it
// back with free. The pool belongs to an [Index], not to the package:
// allocating (and zeroing) the buffers anew costs as much as sorting them
// once, and a host analyzes with the same index day after day, while a
// package-level pool would be state shared by every host in the process.
func newChunk(pool *sync.Pool, clients int) *chunk {
	if clients < sortFrom {
		return nil
	}
	n := min(max(clients, minChunk), maxChunk)
	var c *chunk
	if pool != nil {
		c, _ = pool.Get().(*chunk)
	}
	if c == nil || cap(c.tmp) < n {
		c = &chunk{buf: make([]Event, 0, n), tmp: make([]Event, n)}
	}
	c.buf, c.tmp, c.limit = c.buf[:0], c.tmp[:n], n
	for c.bits = 1; clients > 1<<c.bits; c.bits++ {
	}
	passes := (c.bits + maxDigit - 1) / maxDigit
	c.digit = (c.bits + passes - 1) / passes
	c.mask = uint32(1)<<c.digit - 1
	c.hist = [2][1 << maxDigit]uint32{}
	return c
}

// free gives the chunk's buffers back to pool for another analysis.
func (c *chunk) free(pool *sync.Pool) {
	if c != nil && pool != nil {
		pool.Put(c)
	}
}

// add buffers an event. The buffer must not be full.
func (c *chunk) add(e *Event) {
	c.buf = append(c.buf, *e)
	c.hist[0][e.Client&c.mask]++
	c.hist[1][e.Client>>c.digit&c.mask]++
}

// reset empties the buffer.
func (c *chunk) reset() {
	c.buf = c.buf[:0]
	c.hist = [2][1 << maxDigit]uint32{}
}

// sorted returns the buffered records ordered by client, stably.
func (c *chunk) sorted() []Event {
	src := c.buf
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
	// A full radix sort (two passes for up to 4M clients) beats a single
	// pass on the top bits: folding then walks the profiles strictly
	// forwards, and the prefetcher streams them in.
	mask := c.mask
	dst := c.tmp[:len(src)]
	var pos [1 << maxDigit]int
	for pass, shift := 0, uint(0); shift < c.bits; pass, shift = pass+1, shift+c.digit {
		if pass < len(c.hist) {
			for d, n := range c.hist[pass][:mask+1] {
				pos[d] = int(n)
			}
		} else {
			clear(pos[:mask+1])
			for i := range src {
				pos[src[i].Client>>shift&mask]++
			}
		}
		at := 0
		for d, n := range pos[:mask+1] {
			pos[d] = at
			at += n
		}
		for i := range src {
			d := src[i].Client >> shift & mask
			dst[pos[d]] = src[i]
			pos[d]++
		}
		src, dst = dst, src
	}
	return src
}
