package mem_test

import (
	"reflect"
	"testing"

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
