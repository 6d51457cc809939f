package canvas

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"time"
)

// sortTiedByKey sorts contacts most of which share their numbers (see
// mostlyTied) into plan order with a radix sort on one integer per
// contact, and reports false, leaving ranks as they were, when the
// integer would need more than 63 bits. The integer holds, from the top:
// the place of the contact's numbers (quadrant, urgency, sensitivity,
// due) among the few distinct ones, its client's place in id order
// (rank.client already holds it), and its channel: tiedOrder's first
// keys; below them, the contact's position, which keeps the sort stable
// and says where each contact goes. Only contacts equal in all of the
// keys (one client's several contacts on a channel that does not bundle)
// are left to tieOrder, run by run.
//
// At a million clients the comparison sort moved 48-byte contacts through
// two million comparisons a level; this reads each contact twice, sorts
// 8-byte integers and moves each contact once, in place: the plan's peak
// memory, where the collector works hardest, gains two small arrays.
func sortTiedByKey(ranks []rank, items []Item, clients int, texts *alertTexts) bool {
	n := len(ranks)
	if n < 2 {
		return true
	}
	class, classes := numberClasses(ranks)
	classBits := bits.Len(uint(classes - 1))
	clientBits := bits.Len(uint(max(clients-1, 0)))
	channelBits := bits.Len(uint(len(channelNames) - 1))
	atBits := bits.Len(uint(n - 1))
	width := classBits + clientBits + channelBits
	if width+atBits > 63 {
		return false
	}
	keys := make([]uint64, n)
	for i := range ranks {
		r := &ranks[i]
		key := uint64(class[i])<<(clientBits+channelBits) | uint64(uint32(r.client))<<channelBits | uint64(r.channel)
		keys[i] = key<<atBits | uint64(i)
	}
	class = nil
	keys = radixSortKeys(keys, atBits, width)
	permute(ranks, keys, atBits)
	for i := 0; i < n; {
		j := i + 1
		for j < n && keys[j]>>atBits == keys[i]>>atBits {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(ranks[i:j], func(a, b rank) int { return texts.tieOrder(&a, &b, items) })
		}
		i = j
	}
	return true
}

// permute puts ranks in the order keys give, in place: the low atBits of
// keys[i] say which rank goes to position i. It follows each cycle of the
// permutation once, marking the keys it has placed in their top bit.
func permute(ranks []rank, keys []uint64, atBits int) {
	const done = 1 << 63
	mask := uint64(1)<<atBits - 1
	for i := range ranks {
		if keys[i]&done != 0 {
			continue
		}
		held := ranks[i]
		j := i
		for {
			from := int(keys[j] & mask)
			keys[j] |= done
			if from == i {
				ranks[j] = held
				break
			}
			ranks[j] = ranks[from]
			j = from
		}
	}
	for i := range keys {
		keys[i] &^= done
	}
}

// numbers are the values that order contacts before their client: what
// sortRanks compares first.
type numbers struct {
	quadrant             Quadrant
	urgency, sensitivity uint64 // the float's bits, -0 as +0 and one NaN for all
	within               time.Duration
}

// floatKey is the bits of x as a map key that agrees with cmp.Compare:
// -0 and +0 are one value, and so are all NaNs.
func floatKey(x float64) uint64 {
	if x != x {
		return math.Float64bits(math.NaN())
	}
	return math.Float64bits(x + 0) // -0 + 0 is +0
}

// numberClasses numbers each contact's numbers by their place in plan
// order among the distinct ones (0 first), and returns how many there are.
func numberClasses(ranks []rank) ([]uint32, int) {
	class := make([]uint32, len(ranks))
	ids := map[numbers]uint32{}
	var distinct []numbers
	var last numbers
	lastID := uint32(0)
	for i := range ranks {
		r := &ranks[i]
		k := numbers{r.quadrant, floatKey(r.urgency), floatKey(r.sensitivity), r.within}
		if i == 0 || k != last {
			id, ok := ids[k]
			if !ok {
				id = uint32(len(distinct))
				ids[k] = id
				distinct = append(distinct, k)
			}
			last, lastID = k, id
		}
		class[i] = lastID
	}
	// The distinct numbers in plan order: quadrant, then the more urgent,
	// then the more sensitive, then the sooner due, as sortRanks compares.
	order := make([]uint32, len(distinct))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(a, b uint32) int {
		x, y := &distinct[a], &distinct[b]
		return cmp.Or(
			cmp.Compare(x.quadrant, y.quadrant),
			cmp.Compare(math.Float64frombits(y.urgency), math.Float64frombits(x.urgency)),
			cmp.Compare(math.Float64frombits(y.sensitivity), math.Float64frombits(x.sensitivity)),
			cmp.Compare(x.within, y.within))
	})
	place := make([]uint32, len(distinct))
	for p, id := range order {
		place[id] = uint32(p)
	}
	for i, id := range class {
		class[i] = place[id]
	}
	return class, max(len(distinct), 1)
}

// radixDigit is the width of one pass of radixSortKeys: 2^11 counters fit
// in the cache beside the two buffers' current lines.
const radixDigit = 11

// radixSortKeys sorts keys by their bits [from, from+width), stably (the
// bits below from must not matter to the order, as a position does not),
// and returns the sorted slice (keys or a buffer of its length).
func radixSortKeys(keys []uint64, from, width int) []uint64 {
	if len(keys) < 2 || width == 0 {
		return keys
	}
	buf := make([]uint64, len(keys))
	var count [1 << radixDigit]int
	for shift := from; shift < from+width; shift += radixDigit {
		clear(count[:])
		for _, k := range keys {
			count[k>>shift&(1<<radixDigit-1)]++
		}
		if count[keys[0]>>shift&(1<<radixDigit-1)] == len(keys) {
			continue // every key has this digit: the pass would move nothing
		}
		at := 0
		for d, c := range count {
			count[d] = at
			at += c
		}
		for _, k := range keys {
			d := k >> shift & (1<<radixDigit - 1)
			buf[count[d]] = k
			count[d]++
		}
		keys, buf = buf, keys
	}
	return keys
}
