package engagement

// chunk buffers events and reorders each full buffer by client before it
// is folded. Folding events in arbitrary client order costs a cache miss
// per event once the profiles outgrow the cache (100k clients are 10 MB);
// folding them in client order walks the profiles forwards, which the
// hardware prefetches. The sort is a stable counting sort, so each client's
// events keep their order and the book is bit for bit the book of the
// unsorted stream. Memory is two fixed buffers, not a function of the
// number of events.
type chunk struct {
	buf, tmp []Event
	bits     uint // significant bits of a client number
}

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

func newChunk(clients int) *chunk {
	if clients < sortFrom {
		return nil
	}
	n := min(max(clients, minChunk), maxChunk)
	c := &chunk{buf: make([]Event, 0, n), tmp: make([]Event, n)}
	for c.bits = 1; clients > 1<<c.bits; c.bits++ {
	}
	return c
}

// sorted returns the buffered events ordered by client, stably.
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
	const maxDigit = 11
	passes := (c.bits + maxDigit - 1) / maxDigit
	digit := (c.bits + passes - 1) / passes
	mask := uint32(1)<<digit - 1
	dst := c.tmp[:len(src)]
	var pos [1 << maxDigit]int
	for shift := uint(0); shift < c.bits; shift += digit {
		clear(pos[:mask+1])
		for i := range src {
			pos[src[i].Client>>shift&mask]++
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
