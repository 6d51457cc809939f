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
// counts as a reference by depth, as Text writes it.
func digest(v reflect.Value) uint64 {
	d := digester{memo: map[ref]uint64{}, onPath: map[ref]int{}}
	return d.sum(v, 0)
}

type digester struct {
	memo   map[ref]uint64
	onPath map[ref]int
}

func (d *digester) sum(v reflect.Value, depth int) uint64 {
	h := fnv.New64a()
	var buf [8]byte
	num := func(x uint64) { h.Write(binary.LittleEndian.AppendUint64(buf[:0], x)) }
	str := func(s string) { num(uint64(len(s))); h.Write([]byte(s)) }
	if !v.IsValid() {
		str("nil")
		return h.Sum64()
	}
	str(v.Type().String())
	if depth > maxDepth {
		str("…")
		return h.Sum64()
	}
	var at ref
	switch v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice:
		if v.IsNil() {
			str("(nil)")
			return h.Sum64()
		}
		at = ref{v.Type(), v.Pointer(), 0}
		if v.Kind() == reflect.Slice {
			at.n = v.Len()
		}
		if depthAt, ok := d.onPath[at]; ok {
			str("↺")
			num(uint64(depth - depthAt))
			return h.Sum64()
		}
		if sum, ok := d.memo[at]; ok {
			return sum
		}
		d.onPath[at] = depth
		defer delete(d.onPath, at)
	case reflect.Interface:
		if v.IsNil() {
			str("(nil)")
			return h.Sum64()
		}
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		num(d.sum(v.Elem(), depth+1))
	case reflect.Map:
		entries := make([][2]uint64, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			entries = append(entries, [2]uint64{d.sum(it.Key(), depth+1), d.sum(it.Value(), depth+1)})
		}
		slices.SortFunc(entries, func(x, y [2]uint64) int { return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1])) })
		for _, e := range entries {
			num(e[0])
			num(e[1])
		}
	case reflect.Slice, reflect.Array:
		num(uint64(v.Len()))
		for i := range v.Len() {
			num(d.sum(v.Index(i), depth+1))
		}
	case reflect.String:
		str(v.String())
	case reflect.Float32, reflect.Float64:
		num(math.Float64bits(v.Float()))
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
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() && v.CanInterface() {
			t := v.Interface().(time.Time)
			str(t.Format(time.RFC3339Nano) + " " + t.Location().String())
			break
		}
		for i := range v.NumField() {
			str(v.Type().Field(i).Name)
			num(d.sum(v.Field(i), depth+1))
		}
	default:
		str(v.String()) // a func, a chan: its type and address-free text
	}
	sum := h.Sum64()
	if at.typ != nil {
		d.memo[at] = sum
	}
	return sum
}
