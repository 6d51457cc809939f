package valuetext

import (
	"reflect"
	"testing"
	"time"
)

// timeOf reads a time that is neither exported nor addressable by
// time.Time's three words: the layout it assumes is time.Time's.
func TestTimeWordsLayout(t *testing.T) {
	tt := reflect.TypeFor[time.Time]()
	w := reflect.TypeFor[timeWords]()
	if tt.Size() != w.Size() || tt.NumField() != w.NumField() {
		t.Fatalf("time.Time is %d bytes in %d fields, timeWords %d in %d", tt.Size(), tt.NumField(), w.Size(), w.NumField())
	}
	for i := range tt.NumField() {
		a, b := tt.Field(i), w.Field(i)
		if a.Offset != b.Offset || a.Type.Kind() != b.Type.Kind() || a.Type.Size() != b.Type.Size() {
			t.Errorf("field %d: time.Time's %s %v at %d, timeWords' %s %v at %d", i, a.Name, a.Type, a.Offset, b.Name, b.Type, b.Offset)
		}
	}
	type holder struct{ when time.Time }
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("X", 3600))
	m := map[string]holder{"k": {at}}
	got, ok := timeOf(reflect.ValueOf(m).MapIndex(reflect.ValueOf("k")).Field(0))
	if !ok || !got.Equal(at) || got.Location() != at.Location() {
		t.Errorf("a time in a map's value: %v, %v; want %v", got, ok, at)
	}
}
