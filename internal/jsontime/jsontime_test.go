package jsontime

import (
	"encoding/json"
	"testing"
	"time"
)

var amsterdamMeanTime = time.FixedZone("AMT", 19*60+32)

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		t  time.Time
		ok bool
	}{
		{time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), true},
		{time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("", 5*3600+45*60)), true},
		{time.Date(1930, 5, 1, 0, 0, 0, 0, amsterdamMeanTime), false},
		{time.Date(2026, 1, 2, 0, 0, 0, 0, time.FixedZone("", 24*3600)), false},
		{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), false},
	} {
		if err := Check(c.t); (err == nil) != c.ok {
			t.Errorf("Check(%v) = %v; want ok %v", c.t, err, c.ok)
		}
		// What Check accepts, JSON writes as the instant it is.
		if Check(c.t) == nil {
			b, err := json.Marshal(c.t)
			var back time.Time
			if err != nil || json.Unmarshal(b, &back) != nil || !back.Equal(c.t) {
				t.Errorf("%v: written %s, %v; read back %v", c.t, b, err, back)
			}
		}
	}
}

type holder struct {
	When   time.Time
	hidden time.Time
	Next   *holder
	Tags   map[string]any
}

func TestInexact(t *testing.T) {
	odd := time.Date(1930, 5, 1, 0, 0, 0, 0, amsterdamMeanTime)
	fine := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	loop := &holder{When: fine}
	loop.Next = loop
	for _, c := range []struct {
		name string
		v    any
		want bool
	}{
		{"nil", nil, false},
		{"a time", fine, false},
		{"an odd time", odd, true},
		{"a pointer to one", &odd, true},
		{"in a list", []any{1, "x", odd}, true},
		{"a map's value", map[string]any{"a": odd}, true},
		{"a map's key", map[time.Time]int{odd: 1}, true},
		{"a field", holder{When: odd}, true},
		{"an unexported field", holder{When: fine, hidden: odd}, false},
		{"deep", holder{Next: &holder{Tags: map[string]any{"x": []time.Time{fine, odd}}}}, true},
		{"a loop", loop, false},
	} {
		if got := Inexact(c.v); got != c.want {
			t.Errorf("%s: Inexact = %v, want %v", c.name, got, c.want)
		}
	}
}
