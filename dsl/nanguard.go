package dsl

import (
	"math"
	"reflect"
	"unsafe"
)

// fieldPath locates a float field of the host environment for the NaN
// guard: a chain of byte offsets from the environment value, with a pointer
// to follow before each offset where the chain passes through a pointer.
// Offsets are computed once at compile time from the environment's type, so
// checking a path is a few loads, with no reflection on the hot path.
type fieldPath struct {
	name    string
	hops    []hop
	float32 bool
}

type hop struct {
	deref  bool
	offset uintptr
}

// newFieldPath builds the path of the fields at the given index steps from
// type root (the environment type, possibly a pointer). It reports false
// if the path ends in anything but a float.
func newFieldPath(name string, root reflect.Type, steps [][]int) (fieldPath, bool) {
	p := fieldPath{name: name}
	t := root
	pending := false
	for _, step := range steps {
		for _, i := range step {
			for t.Kind() == reflect.Pointer {
				if pending {
					p.hops = append(p.hops, hop{deref: true})
				}
				pending = true
				t = t.Elem()
			}
			f := t.Field(i)
			p.hops = append(p.hops, hop{deref: pending, offset: f.Offset})
			pending = false
			t = f.Type
		}
	}
	switch t.Kind() {
	case reflect.Float64:
	case reflect.Float32:
		p.float32 = true
	default:
		return p, false
	}
	return p, true
}

// nanField reports the first float field on paths that is NaN. A path
// through a nil pointer is skipped: the expression could not have read it.
// env points at the environment value whose type the paths were built for.
func nanField(env unsafe.Pointer, paths []fieldPath) (string, bool) {
	for i := range paths {
		if paths[i].isNaN(env) {
			return paths[i].name, true
		}
	}
	return "", false
}

func (p *fieldPath) isNaN(env unsafe.Pointer) bool {
	ptr := env
	for _, h := range p.hops {
		if h.deref {
			ptr = *(*unsafe.Pointer)(ptr)
			if ptr == nil {
				return false
			}
		}
		ptr = unsafe.Add(ptr, h.offset)
	}
	if p.float32 {
		return math.IsNaN(float64(*(*float32)(ptr)))
	}
	return math.IsNaN(*(*float64)(ptr))
}
