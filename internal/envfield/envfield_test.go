package envfield

import (
	"reflect"
	"testing"
)

type inner struct {
	Score float64
	Rate  float64 `expr:"rate"`
}

type other struct {
	Score int
	Depth int
}

type host struct {
	inner
	other
	age     int
	Age     float64 `expr:"age"`
	Skipped int     `expr:"-"`
	Plain   string
}

// selfEmbedding embeds a pointer to itself: its promoted fields nest
// without end.
type selfEmbedding struct {
	*selfEmbedding
	X int
}

// The unexported fields are read by reflection only; this keeps them
// from reading as dead code.
var _ = []any{host{age: 1}, selfEmbedding{selfEmbedding: nil}}

func TestLookup(t *testing.T) {
	for _, c := range []struct {
		t     reflect.Type
		name  string
		index []int
		typ   reflect.Type
	}{
		{reflect.TypeFor[host](), "Plain", []int{5}, reflect.TypeFor[string]()},
		// An exported field of the name before an unexported one.
		{reflect.TypeFor[host](), "age", []int{3}, reflect.TypeFor[float64]()},
		// Promoted fields depth first: the first embedded struct's.
		{reflect.TypeFor[host](), "Score", []int{0, 0}, reflect.TypeFor[float64]()},
		{reflect.TypeFor[host](), "rate", []int{0, 1}, reflect.TypeFor[float64]()},
		{reflect.TypeFor[host](), "Depth", []int{1, 1}, reflect.TypeFor[int]()},
		{reflect.TypeFor[*host](), "Plain", []int{5}, reflect.TypeFor[string]()},
		{reflect.TypeFor[host](), "Rate", nil, nil}, // named by its tag only
		{reflect.TypeFor[host](), "-", nil, nil},
		{reflect.TypeFor[host](), "Skipped", nil, nil},
		{reflect.TypeFor[int](), "X", nil, nil},
		{reflect.TypeFor[selfEmbedding](), "X", []int{1}, reflect.TypeFor[int]()},
		{reflect.TypeFor[selfEmbedding](), "Missing", nil, nil}, // bounded, not a stack overflow
	} {
		f, ok := Lookup(c.t, c.name)
		if ok != (c.index != nil) || ok && (!reflect.DeepEqual(f.Index, c.index) || f.Type != c.typ) {
			t.Errorf("Lookup(%v, %q) = %v %v %v, want %v %v", c.t, c.name, f.Index, f.Type, ok, c.index, c.typ)
		}
	}
}

func TestName(t *testing.T) {
	ht := reflect.TypeFor[host]()
	for i, want := range []string{"inner", "other", "age", "age", "-", "Plain"} {
		if got := Name(ht.Field(i)); got != want {
			t.Errorf("Name(field %d) = %q, want %q", i, got, want)
		}
	}
}
