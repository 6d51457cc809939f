package enumtext_test

import (
	"encoding"
	"fmt"
	"reflect"
	"testing"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
	"github.com/engagekit/engagekit/engagement"
	"github.com/engagekit/engagekit/segment"
)

// Every value of every enumeration of the library, named or not, writes
// its text and reads it back as itself (adversary 109: a Pattern could
// not be read at all, and a Class(7) was written but refused).
func TestLibraryEnumerationsRoundTrip(t *testing.T) {
	for _, zero := range []any{engagement.Class(0), engagement.Stage(0), engagement.Pattern(0), engagement.Correction(0),
		segment.Stance(0), advisory.Strategy(0), canvas.Channel(0), canvas.Quadrant(0), canvas.Action(0)} {
		typ := reflect.TypeOf(zero)
		for n := range 256 {
			v := reflect.New(typ).Elem()
			v.SetUint(uint64(n))
			text, err := v.Interface().(encoding.TextMarshaler).MarshalText()
			if err != nil {
				t.Errorf("%v(%d): MarshalText: %v", typ, n, err)
				continue
			}
			back := reflect.New(typ)
			if err := back.Interface().(encoding.TextUnmarshaler).UnmarshalText(text); err != nil || back.Elem().Uint() != uint64(n) {
				t.Errorf("%v(%d) wrote %q, read back as %d, %v", typ, n, text, back.Elem().Uint(), err)
			}
			if s := fmt.Sprint(v.Interface()); s != string(text) {
				t.Errorf("%v(%d): String %q, MarshalText %q", typ, n, s, text)
			}
		}
	}
}
