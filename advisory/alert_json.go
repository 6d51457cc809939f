package advisory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"time"

	"github.com/engagekit/engagekit/internal/jsonnull"
	"github.com/engagekit/engagekit/internal/jsontime"
	"github.com/engagekit/engagekit/internal/valuetext"
)

// alertFields is an Alert without its MarshalJSON method.
type alertFields Alert

// MarshalJSON encodes the alert as its fields, so that an alert always
// encodes, whatever a rule computed: what JSON cannot write is replaced,
// not refused. An urgency or sensitivity that is not finite is null; an
// output or a piece of evidence JSON cannot hold (an infinity, a NaN
// inside a list, a time outside the years 0 to 9999 or in a zone whose
// offset has seconds, which RFC 3339 cuts to the minute, or a channel) is
// written as its text ("+Inf"), which tells a reader what the rule saw.
// The alert itself is not changed.
func (a Alert) MarshalJSON() ([]byte, error) {
	if !inexactTimes(a) {
		if b, err := marshalSafely(alertFields(a)); err == nil {
			return b, nil
		}
	}
	var urgency, sensitivity *float64
	if finite(a.Urgency) {
		urgency = &a.Urgency
	}
	if finite(a.Sensitivity) {
		sensitivity = &a.Sensitivity
	}
	safe := alertFields(a)
	if len(a.Outputs) > 0 {
		safe.Outputs = make(map[string]any, len(a.Outputs))
		for k, v := range a.Outputs {
			safe.Outputs[k] = jsonValue(v)
		}
	}
	if len(a.Evidence) > 0 {
		safe.Evidence = make([]Evidence, len(a.Evidence))
		for i, e := range a.Evidence {
			safe.Evidence[i] = Evidence{Name: e.Name, Value: jsonValue(e.Value)}
		}
	}
	// The outer fields shadow the alert's own of the same JSON name.
	return json.Marshal(struct {
		*alertFields
		Urgency     *float64 `json:"urgency"`
		Sensitivity *float64 `json:"sensitivity"`
	}{&safe, urgency, sensitivity})
}

// jsonValue is v if JSON can write it, else its text: a number or a time
// as fmt writes it ("+Inf"), anything else as valuetext writes it, which
// names no address (fmt wrote a pointer inside a list as 0xc000…, so one
// alert encoded two ways) and stops at a value that points back at
// itself.
func jsonValue(v any) any {
	if rv := reflect.ValueOf(v); isByteList(rv) {
		// A list of uint8 (scores decoded from [1,2,3]): encoding/json
		// writes it as base64 text, which reads back as a string.
		out := make([]int, rv.Len())
		for i := range out {
			out[i] = int(rv.Index(i).Uint())
		}
		return out
	}
	if _, err := marshalSafely(v); err == nil && !jsontime.Inexact(v) && !holdsByteList(reflect.ValueOf(v), 0) {
		return v
	}
	switch x := v.(type) {
	case float64, float32, time.Time:
		return fmt.Sprint(x)
	}
	return valuetext.Text(v)
}

// inexactTimes reports whether an output or a piece of evidence of a
// holds a time JSON would write as another instant (a zone offset with
// seconds), which json.Marshal writes without an error.
func inexactTimes(a Alert) bool {
	for _, v := range a.Outputs {
		if jsontime.Inexact(v) || holdsByteList(reflect.ValueOf(v), 0) {
			return true
		}
	}
	for _, e := range a.Evidence {
		if jsontime.Inexact(e.Value) || holdsByteList(reflect.ValueOf(e.Value), 0) {
			return true
		}
	}
	return false
}

// isByteList reports a slice or array of a uint8 kind without a JSON
// form of its own: encoding/json writes it as base64 text.
func isByteList(v reflect.Value) bool {
	if !v.IsValid() || v.Kind() != reflect.Slice && v.Kind() != reflect.Array || v.Type().Elem().Kind() != reflect.Uint8 {
		return false
	}
	return !v.Type().Implements(reflect.TypeFor[json.Marshaler]())
}

// holdsByteList reports a byte list in v or anywhere inside it (up to a
// depth that bounds a value holding itself, and the first 65,536 elements
// of a list or a map, which bound the walk's work as the depth bounds its
// recursion), which the alert's JSON writes as numbers rather than base64
// text.
func holdsByteList(v reflect.Value, depth int) bool {
	if !v.IsValid() || depth > 32 {
		return false
	}
	if isByteList(v) {
		return true
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		return !v.IsNil() && holdsByteList(v.Elem(), depth+1)
	case reflect.Slice, reflect.Array:
		for i := range min(v.Len(), 1<<16) {
			if holdsByteList(v.Index(i), depth+1) {
				return true
			}
		}
	case reflect.Map:
		seen := 0
		for it := v.MapRange(); it.Next() && seen < 1<<16; seen++ {
			if holdsByteList(it.Value(), depth+1) {
				return true
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() && holdsByteList(v.Field(i), depth+1) {
				return true
			}
		}
	}
	return false
}

// marshalSafely is json.Marshal, but a host value whose own MarshalJSON
// panics is an error, as one that fails is: the alert then writes it as
// text.
func marshalSafely(v any) (b []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			b, err = nil, fmt.Errorf("advisory: encoding a value panicked: %v", r)
		}
	}()
	return json.Marshal(v)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// UnmarshalJSON reads an alert as MarshalJSON writes it. A number among
// its outputs and evidence (at any depth of their lists and maps) is read
// as an int where it is an integer an int holds, as a uint64 where it is
// an integer above the int64 range that a uint64 holds (a host's counter),
// as a json.Number, its digits, where it is an integer past that (a
// *big.Int), else as a float64, and as its text where not even a float64
// holds it (1e400): encoding/json reads every number of an any as a
// float64, so 2^53+1 read back as 2^53 and an alert written, read and
// written again changed. A null urgency or sensitivity (one that was not
// finite) reads as NaN.
func (a *Alert) UnmarshalJSON(data []byte) error {
	if jsonnull.Is(data) {
		return nil // null leaves the value as it was, as encoding/json does
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var in struct {
		alertFields
		// null (what MarshalJSON writes for a value that is not
		// finite) reads as NaN, an unknown value, not as 0, the lowest.
		Urgency     *float64 `json:"urgency"`
		Sensitivity *float64 `json:"sensitivity"`
	}
	if err := dec.Decode(&in); err != nil {
		return err
	}
	f := in.alertFields
	f.Urgency, f.Sensitivity = math.NaN(), math.NaN()
	if in.Urgency != nil {
		f.Urgency = *in.Urgency
	}
	if in.Sensitivity != nil {
		f.Sensitivity = *in.Sensitivity
	}
	for k, v := range f.Outputs {
		f.Outputs[k] = readNumbers(v)
	}
	for i := range f.Evidence {
		f.Evidence[i].Value = readNumbers(f.Evidence[i].Value)
	}
	*a = Alert(f)
	return nil
}

// readNumbers replaces the json.Numbers in v, a value JSON decoded into an
// any, with ints or float64s (see Alert.UnmarshalJSON).
func readNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		n, err := jsonNumberValue(x)
		if i, ok := n.(int64); ok && int64(int(i)) == i {
			return int(i) // as a rule computes an integer
		}
		if err != nil {
			return string(x) // beyond a float64: what it wrote, as text
		}
		if f, isFloat := n.(float64); isFloat && f == 0 && !math.Signbit(f) {
			return 0 // "0.0" or "0e5": the int 0, as "1.0" is the int 1
		}
		if f, isFloat := n.(float64); isFloat && f != 0 && wholeDecimal(string(x)) {
			// An integer past uint64 (a host's *big.Int): a float64
			// would round it (2^64 written again as
			// 18446744073709552000); its digits are kept.
			return x
		}
		return n
	case []any:
		for i := range x {
			x[i] = readNumbers(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = readNumbers(x[k])
		}
	}
	return v
}
