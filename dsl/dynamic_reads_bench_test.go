package dsl_test

import (
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
)

// dynReadsEnv holds rows of any.
type dynReadsEnv struct {
	Rows []any `expr:"rows"`
}

// BenchmarkDynamicFieldReads is a predicate reading the fields of rows
// known only when the rule runs (maps behind an any): the reads a lookup
// by value (map_keys.go) must not slow, since a lower-case name cannot be
// a method's and is left to expr's fetch.
func BenchmarkDynamicFieldReads(b *testing.B) {
	rows := make([]any, 100)
	for i := range rows {
		rows[i] = map[string]any{"x": float64(i), "tag": "a"}
	}
	e, err := dsl.Compile[dynReadsEnv, int](`count(rows, #.x > 50 && #.tag == "a")`)
	if err != nil {
		b.Fatal(err)
	}
	env := dynReadsEnv{Rows: rows}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Eval(env, time.Time{}); err != nil {
			b.Fatal(err)
		}
	}
}
