package mem_test

import (
	"fmt"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/engagekit/engagekit/internal/mem"
)

type inner struct{ X float64 }

type outer struct {
	A   int
	In  *inner
	Val inner
}

func TestLoadsAndStoresFollowOffsets(t *testing.T) {
	o := outer{A: 7, In: &inner{X: 2.5}, Val: inner{X: 1.5}}
	typ := reflect.TypeFor[outer]()
	p := mem.Of(&o)
	if got := mem.Load[int](p, typ.Field(0).Offset); got != 7 {
		t.Fatalf("A = %d", got)
	}
	in := mem.LoadPtr(p, typ.Field(1).Offset)
	if in.IsNil() || mem.Load[float64](in, 0) != 2.5 {
		t.Fatal("In.X not read through the pointer")
	}
	if got := mem.Load[float64](p.Add(typ.Field(2).Offset), 0); got != 1.5 {
		t.Fatalf("Val.X = %v", got)
	}
	mem.Store(p, typ.Field(0).Offset, 9)
	if o.A != 9 {
		t.Fatalf("store: A = %d", o.A)
	}
	if x := mem.Interface(reflect.TypeFor[inner](), in).(*inner); x != o.In {
		t.Fatal("Interface does not give the same pointer")
	}
	o.In = nil
	if !mem.LoadPtr(p, typ.Field(1).Offset).IsNil() {
		t.Fatal("a nil pointer reads as set")
	}
}

// TestBoxedIsTheValue: an interface Boxed makes over an element of a heap
// block equals, in type and value, the interface the runtime boxes, and
// keeps the block alive after every other reference to it is gone.
func TestBoxedIsTheValue(t *testing.T) {
	floats := make([]float64, 0, 4)
	floats = append(floats, 2.5)
	times := []time.Time{time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)}
	strs := []string{"gone quiet"}
	ints := []int{1 << 40}
	boxes := []any{mem.Boxed(&floats[0]), mem.Boxed(&times[0]), mem.Boxed(&strs[0]), mem.Boxed(&ints[0])}
	want := []any{2.5, times[0], "gone quiet", 1 << 40}
	floats, times, strs, ints = nil, nil, nil, nil
	runtime.GC()
	runtime.GC()
	for i := range boxes {
		if boxes[i] != want[i] || reflect.TypeOf(boxes[i]) != reflect.TypeOf(want[i]) || fmt.Sprint(boxes[i]) != fmt.Sprint(want[i]) {
			t.Errorf("box %d: %T %v, want %T %v", i, boxes[i], boxes[i], want[i], want[i])
		}
	}
}
