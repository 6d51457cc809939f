package dsl

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"
)

// copyRecord is a record of 4 KB held by value.
type copyRecord struct {
	Name string      `expr:"name"`
	Pad  [510]int64  `expr:"pad"`
	At   time.Time   `expr:"at"`
	Tags []string    `expr:"tags"`
	Sub  *copyRecord `expr:"sub"`
}

// Label is a method of a large receiver, allowed by the test.
func (r copyRecord) Label() string { return "<" + r.Name + ">" }

type copyEnv struct {
	Rec  copyRecord            `expr:"rec"`
	Recs []copyRecord          `expr:"recs"`
	M    map[string]copyRecord `expr:"m"`
	Arr  [8192]byte            `expr:"arr"`
	Ptr  *copyRecord           `expr:"ptr"`
}

func copyData() copyEnv {
	e := copyEnv{Rec: copyRecord{Name: "rec", Tags: []string{"a"}}, M: map[string]copyRecord{"a": {Name: "ma"}}}
	for i := range 4 {
		e.Recs = append(e.Recs, copyRecord{Name: fmt.Sprint("r", i)})
	}
	e.Arr[3] = 7
	e.Ptr = &e.Recs[1]
	return e
}

// Reads of large values by value are charged where expr copies them, and
// the charge changes no answer: each expression gives the same value on
// the closures, expr alone and Explain, with a budget that holds them,
// and the charged ones are refused under a budget smaller than one copy.
func TestCopiesCharged(t *testing.T) {
	const oneCopy = 4200 / memUnit // a copyRecord's units, about
	for _, tc := range []struct {
		src     string
		want    any
		charged bool // reads a copy: refused under a budget of less than one
	}{
		{`rec.name`, "rec", false},    // folded into one field read
		{`rec.sub?.name`, nil, false}, // a chain through a nil pointer
		{`ptr.name`, "r1", false},     // through a pointer
		{`rec.at.Year()`, 1, false},   // the zero time's year   // a method of a small field
		{`recs[1].name`, "r1", true},  // an element, copied
		{`m["a"].name`, "ma", true},   // a map's value, copied
		{`rec == rec`, true, true},    // the record itself
		{`arr[3]`, 7, true},           // an array field
		{`len(arr)`, 8192, true},      // the same
		{`any(recs, .name == "r2")`, true, true},
		{`count(recs, #.name != "")`, 4, true},
		{`map(recs, .name)[3]`, "r3", true},
		{`let r = recs[2]; r.name + r.name`, "r2r2", true},
		{`(recs[0] ?? rec).name`, "r0", true},
		{`recs[0]?.name`, "r0", true},
		{`rec.Label()`, "<rec>", true},   // a method of a value receiver: called on a copy
		{`ptr.Label()`, "<r1>", true},    // through a pointer too
		{`ptr?.Label()`, "<r1>", true},   // in a chain
		{`rec.sub?.Label()`, nil, false}, // a chain that stops before the call copies nothing
		{`recs[1] in recs`, true, true},  // in reads each element out
		{`"a" in m`, true, true},         // and a map's value
		{`len(keys(m))`, 1, true},        // whose entries hold the values
		{`first(recs).name`, "r0", true},
	} {
		for i, opts := range [][]Option{nil, {exprOnly}} {
			opts = append(opts, WithMethods[copyRecord]("Label"))
			e, err := Compile[copyEnv, any](tc.src, opts...)
			if err != nil {
				t.Fatalf("%s: %v", tc.src, err)
			}
			got, err := e.Eval(copyData(), time.Time{})
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s (backend %d): Eval = %#v, %v; want %#v", tc.src, i, got, err, tc.want)
			}
			x, err := e.Explain(copyData(), time.Time{})
			if err != nil || !reflect.DeepEqual(x.Value, tc.want) {
				t.Errorf("%s (backend %d): Explain = %#v, %v; want %#v", tc.src, i, x, err, tc.want)
			}
			small, err := Compile[copyEnv, any](tc.src, append(opts, WithLimits(Limits{MemoryBudget: oneCopy / 2}))...)
			if err != nil {
				t.Fatalf("%s: %v", tc.src, err)
			}
			_, err = small.Eval(copyData(), time.Time{})
			if refused := errors.Is(err, ErrLimit); refused != tc.charged || (err != nil && !refused) {
				t.Errorf("%s (backend %d): under half a copy's budget: %v; want refused %v", tc.src, i, err, tc.charged)
			}
		}
	}
}
