package engagement

import (
	"math"
	"sync"
)

// chunk buffers events and reorders each full buffer by client before it
// is folded. Folding events in arbitrary client order costs a cache miss
// per event once the profiles outgrow the cache (100k clients are 10 MB);
// folding them in client order walks the profiles forwards, which the
// hardware prefetches. The sort is a stable counting sort, so each client's
// events keep their order and the book is bit for bit the book of the
// unsorted stream. Memory is two fixed buffers, not a function of the
// number of events.
//
// An event is checked and classified as it is buffered (see run.check),
// and only what the fold needs is kept, in a 24-byte record: a rejected
// event is counted at once (counts add up in any order), and a used one
// is buffered with its age in nanoseconds rather than its time, so the
// sort moves 24 bytes an event, not an Event's 32.
type chunk struct {
	buf, tmp []record
	// wide holds the survey values a float32 does not hold exactly, in
	// the order buffered; a record's val points into it.
	wide  []float64
	bits  uint // significant bits of a client number
	limit int  // the events buffered before a sort: at most cap(buf)
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

// record is a checked, classified event as the fold needs it.
type record struct {
	age    int64 // nanoseconds before as-of
	client uint32
	// stimCls is the stimulus's number << 2 | the event's Class.
	stimCls uint32
	kind    uint16
	setting uint16 // the Event's: 0 is the stimulus's own setting
	// val is a survey value's float32 bits when the float32 holds it
	// exactly, else wideVal | its index in chunk.wide (a NaN's bits: a
	// used value is never NaN). 0 for the kinds that are not surveys.
	val uint32
}

// wideVal marks a record's val as an index into chunk.wide: a quiet
// NaN's bits, with 22 bits of payload for the index (the buffer holds
// at most maxChunk events).
const (
	wideVal  = 0x7fc00000
	wideMask = 1<<22 - 1
)

// The buffer holds as many events as there are clients, within bounds:
// enough that clients recur within a chunk, and 48 bytes per client at
// most, half a profile.
const (
	minChunk = 1 << 18
	maxChunk = 1 << 21
)

// sortFrom is the number of clients from which sorting pays: below it,
// the profiles stay in cache anyway.
const sortFrom = 1 << 14

// maxChunkStims is the most stimuli a record's stimCls holds.
const maxChunkStims = 1 << 30

// newChunk returns a chunk for clients clients and stims stimuli, or nil
// when sorting does not pay (or a record cannot hold the stimuli). It
// reuses a chunk from pool when there is one (pool may be nil); give it
// back with free. The pool belongs to an [Index], not to the package:
// allocating (and zeroing) the buffers anew costs as much as sorting them
// once, and a host analyzes with the same index day after day, while a
// package-level pool would be state shared by every host in the process.
func newChunk(pool *sync.Pool, clients, stims int) *chunk {
	if clients < sortFrom || stims > maxChunkStims {
		return nil
	}
	n := min(max(clients, minChunk), maxChunk)
	var c *chunk
	if pool != nil {
		c, _ = pool.Get().(*chunk)
	}
	if c == nil || cap(c.tmp) < n {
		c = &chunk{buf: make([]record, 0, n), tmp: make([]record, n)}
	}
	c.buf, c.tmp, c.wide, c.limit = c.buf[:0], c.tmp[:n], c.wide[:0], n
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

// add buffers a used event; value matters only for a survey kind, and is
// finite. The buffer must not be full.
func (c *chunk) add(client, stim uint32, cls Class, kind, setting uint16, age int64, survey bool, value float64) {
	rec := record{age: age, client: client, stimCls: stim<<2 | uint32(cls), kind: kind, setting: setting}
	if survey {
		if f := float32(value); float64(f) == value {
			rec.val = math.Float32bits(f)
		} else {
			rec.val = wideVal | uint32(len(c.wide))
			c.wide = append(c.wide, value)
		}
	}
	c.buf = append(c.buf, rec)
	c.hist[0][client&c.mask]++
	c.hist[1][client>>c.digit&c.mask]++
}

// value is a record's survey value.
func (c *chunk) value(v uint32) float64 {
	if v&wideVal == wideVal {
		return c.wide[v&wideMask]
	}
	return float64(math.Float32frombits(v))
}

// reset empties the buffer.
func (c *chunk) reset() {
	c.buf = c.buf[:0]
	c.wide = c.wide[:0]
	c.hist = [2][1 << maxDigit]uint32{}
}

// sorted returns the buffered records ordered by client, stably.
func (c *chunk) sorted() []record {
	src := c.buf
	ordered := true
	for i := 1; i < len(src); i++ {
		if src[i].client < src[i-1].client {
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
				pos[src[i].client>>shift&mask]++
			}
		}
		at := 0
		for d, n := range pos[:mask+1] {
			pos[d] = at
			at += n
		}
		for i := range src {
			d := src[i].client >> shift & mask
			dst[pos[d]] = src[i]
			pos[d]++
		}
		src, dst = dst, src
	}
	return src
}
