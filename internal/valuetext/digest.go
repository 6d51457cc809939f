package valuetext

import (
	"cmp"
	"encoding/binary"
	"hash/fnv"
	"math"
	"reflect"
	"slices"
	"time"
)

// digest is a 64-bit FNV digest of v's content, as Text writes
// it (types, map entries in any order, the sign of a zero): equal values
// have one digest, and a part v reuses is digested once, so the digest of
// a value that reuses its parts twenty levels deep takes twenty parts'
// work, not 2^20. A part that points back into a part being digested
// counts as a reference by depth, as Text writes it. A list of scalars is
// read whole, whatever its length.
func digest(v reflect.Value) uint64 {
	sum, _ := newDigester().sum(v, 0)
	return sum
}

func newDigester() *digester {
	return &digester{memo: map[ref]uint64{}, onPath: map[ref]int{}, left: maxDigestParts}
}

// maxDigestDepth is how deep the digest follows a value that nests
// without end (Text stops at maxDepth and leaves the rest to it).
const maxDigestDepth = 100_000

// maxDigestParts bounds the parts one digester reads: a part that reaches
// back to an ancestor is not kept (see sum), so a value whose every part
// does, each shared twice, would be read 2^depth times. Past it, parts
// read as "…" (in the same place for the same value, so the digest stays
// a function of the value).
const maxDigestParts = 1 << 20

// isScalar reports a kind whose value holds no other value: a number, a
// bool or a string.
func isScalar(k reflect.Kind) bool {
	switch k {
	case reflect.Bool, reflect.String, reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}

// scalar digests a scalar's content through num and str, and reports
// whether v is one.
func scalar(v reflect.Value, num func(uint64), str func(string)) bool {
	switch v.Kind() {
	case reflect.String:
		str(v.String())
	case reflect.Float32, reflect.Float64:
		num(math.Float64bits(v.Float()))
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		num(math.Float64bits(real(c)))
		num(math.Float64bits(imag(c)))
	case reflect.Bool:
		if v.Bool() {
			num(1)
		} else {
			num(0)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		num(uint64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		num(v.Uint())
	default:
		return false
	}
	return true
}

type digester struct {
	memo   map[ref]uint64
	onPath map[ref]int
	left   int // parts still to read
}

// sum is v's digest, and whether it reads a back-reference: such a
// part's digest depends on where it sits (how far up the reference
// goes), so it is not kept for another place, where a shared and a
// copied part then digested apart.
func (d *digester) sum(v reflect.Value, depth int) (uint64, bool) {
	h := fnv.New64a()
	var buf [8]byte
	num := func(x uint64) { h.Write(binary.LittleEndian.AppendUint64(buf[:0], x)) }
	str := func(s string) { num(uint64(len(s))); h.Write([]byte(s)) }
	back := false
	sub := func(x reflect.Value) {
		s, b := d.sum(x, depth+1)
		num(s)
		back = back || b
	}
	if !v.IsValid() {
		str("nil")
		return h.Sum64(), false
	}
	str(v.Type().String())
	if d.left--; d.left < 0 || depth > maxDigestDepth {
		str("…")
		return h.Sum64(), false
	}
	var at ref
	switch v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice:
		if v.IsNil() {
			str("(nil)")
			return h.Sum64(), false
		}
		at = ref{v.Type(), v.Pointer(), 0}
		if v.Kind() == reflect.Slice {
			at.n = v.Len()
		}
		if depthAt, ok := d.onPath[at]; ok {
			str("↺")
			num(uint64(depth - depthAt))
			return h.Sum64(), true
		}
		if sum, ok := d.memo[at]; ok {
			return sum, false
		}
		d.onPath[at] = depth
		defer delete(d.onPath, at)
	case reflect.Interface:
		if v.IsNil() {
			str("(nil)")
			return h.Sum64(), false
		}
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		sub(v.Elem())
	case reflect.Map:
		// Read in the order of the keys' texts, which does not depend
		// on this digester's state: in iteration order, which entry
		// spent the budget first decided the digest.
		type entry struct {
			kt         string
			key, value reflect.Value
		}
		entries := make([]entry, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			entries = append(entries, entry{keyText(it.Key(), d.onPath, depth+1), it.Key(), it.Value()})
		}
		sums := make([][2]uint64, len(entries))
		slices.SortFunc(entries, func(x, y entry) int { return cmp.Compare(x.kt, y.kt) })
		for i, e := range entries {
			k, bk := d.sum(e.key, depth+1)
			s, bs := d.sum(e.value, depth+1)
			back = back || bk || bs
			sums[i] = [2]uint64{k, s}
		}
		// Keys of one text (NaNs, pointers to equal values) are
		// ordered by their sums.
		slices.SortFunc(sums, func(x, y [2]uint64) int { return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1])) })
		for _, e := range sums {
			num(e[0])
			num(e[1])
		}
	case reflect.Slice, reflect.Array:
		num(uint64(v.Len()))
		if isScalar(v.Type().Elem().Kind()) {
			// A list of scalars: no element can be shared or reach back,
			// so the list is read once, whatever its length, for one
			// part of the budget (a list of a million bytes, one part an
			// element, was cut short: two differing past the millionth
			// element digested alike).
			for i := range v.Len() {
				scalar(v.Index(i), num, str)
			}
			break
		}
		for i := range v.Len() {
			sub(v.Index(i))
		}
	case reflect.Struct:
		if t, ok := timeOf(v); ok {
			str(t.Format(time.RFC3339Nano) + " " + t.Location().String())
			break
		}
		for i := range v.NumField() {
			str(v.Type().Field(i).Name)
			sub(v.Field(i))
		}
	default:
		if !scalar(v, num, str) {
			str("…") // a func, a chan, an unsafe pointer: its type alone, never an address
		}
	}
	sum := h.Sum64()
	if at.typ != nil && !back {
		d.memo[at] = sum
	}
	return sum, back
}
