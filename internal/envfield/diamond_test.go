package envfield

import (
	"reflect"
	"testing"
)

// A diamond of embedded structs, levels deep: dN embeds aN and bN, each
// of which embeds *d(N+1). A depth-first search that searched a struct
// again on every path to it visited 2^levels structs for a missing name.

type d0 struct {
	a0
	b0
}

type a0 struct{ *d1 }

type b0 struct{ *d1 }

type d1 struct {
	a1
	b1
}

type a1 struct{ *d2 }

type b1 struct{ *d2 }

type d2 struct {
	a2
	b2
}

type a2 struct{ *d3 }

type b2 struct{ *d3 }

type d3 struct {
	a3
	b3
}

type a3 struct{ *d4 }

type b3 struct{ *d4 }

type d4 struct {
	a4
	b4
}

type a4 struct{ *d5 }

type b4 struct{ *d5 }

type d5 struct {
	a5
	b5
}

type a5 struct{ *d6 }

type b5 struct{ *d6 }

type d6 struct {
	a6
	b6
}

type a6 struct{ *d7 }

type b6 struct{ *d7 }

type d7 struct {
	a7
	b7
}

type a7 struct{ *d8 }

type b7 struct{ *d8 }

type d8 struct {
	a8
	b8
}

type a8 struct{ *d9 }

type b8 struct{ *d9 }

type d9 struct {
	a9
	b9
}

type a9 struct{ *d10 }

type b9 struct{ *d10 }

type d10 struct {
	a10
	b10
}

type a10 struct{ *d11 }

type b10 struct{ *d11 }

type d11 struct {
	a11
	b11
}

type a11 struct{ *d12 }

type b11 struct{ *d12 }

type d12 struct {
	a12
	b12
}

type a12 struct{ *d13 }

type b12 struct{ *d13 }

type d13 struct {
	a13
	b13
}

type a13 struct{ *d14 }

type b13 struct{ *d14 }

type d14 struct {
	a14
	b14
}

type a14 struct{ *d15 }

type b14 struct{ *d15 }

type d15 struct {
	a15
	b15
}

type a15 struct{ *d16 }

type b15 struct{ *d16 }

type d16 struct {
	a16
	b16
}

type a16 struct{ *d17 }

type b16 struct{ *d17 }

type d17 struct {
	a17
	b17
}

type a17 struct{ *d18 }

type b17 struct{ *d18 }

type d18 struct {
	a18
	b18
}

type a18 struct{ *d19 }

type b18 struct{ *d19 }

type d19 struct {
	a19
	b19
}

type a19 struct{ *d20 }

type b19 struct{ *d20 }

type d20 struct {
	a20
	b20
}

type a20 struct{ *d21 }

type b20 struct{ *d21 }

type d21 struct {
	a21
	b21
}

type a21 struct{ *d22 }

type b21 struct{ *d22 }

type d22 struct {
	a22
	b22
}

type a22 struct{ *d23 }

type b22 struct{ *d23 }

type d23 struct {
	a23
	b23
}

type a23 struct{ *d24 }

type b23 struct{ *d24 }

type d24 struct{ Deep int }

// Each struct is searched once: a missing name over the diamond returns
// at once, and a present one is found by its first path.
func TestLookupSearchesEachStructOnce(t *testing.T) {
	var searched []reflect.Type
	if _, ok := lookup(reflect.TypeFor[d0](), "Missing", &searched); ok {
		t.Fatal("found a field no struct has")
	}
	// d0..d24 and a0..a23, b0..b23, and the pointers *d1..*d24.
	if want := 25 + 2*24 + 24; len(searched) != want {
		t.Fatalf("searched %d types, want each of the %d once", len(searched), want)
	}
	f, ok := Lookup(reflect.TypeFor[d0](), "Deep")
	if !ok || len(f.Index) != 2*24+1 {
		t.Fatalf("Deep: %v %v, want it through the first embedded struct of each level", f.Index, ok)
	}
	for _, i := range f.Index[:len(f.Index)-1] {
		if i != 0 {
			t.Fatalf("Deep's path %v leaves the first embedded struct", f.Index)
		}
	}
}
