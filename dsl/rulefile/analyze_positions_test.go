package rulefile

import (
	"reflect"
	"slices"
	"testing"
)

// zeroPositions sets every Pos in v (a *File and all it points to) to the
// zero position, as a file built in code has.
func zeroPositions(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			zeroPositions(v.Elem())
		}
	case reflect.Slice:
		for i := range v.Len() {
			zeroPositions(v.Index(i))
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[Pos]() {
			v.Set(reflect.Zero(v.Type()))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				zeroPositions(v.Field(i))
			}
		}
	}
}

// The analysis knows a file's parts by identity, not by position: a file
// built in code, every part at the zero position, gets the findings its
// parsed twin gets (the proofs of decisions that never decide or never
// miss were keyed by position, and collided).
func TestAnalyzeIgnoresPositions(t *testing.T) {
	src := `ruleset x version 1
rule d {
  type "d"
  emit false
  branch a > 0 {
    output band "x"
  }
  branch a <= 0 {
    output band "y"
  }
  output band "z"
}
table t hit unique {
  type "t"
  emit false
  in b
  row >= 0 => output band "p"
  row < 0 => output band "q"
  row nil => output band "r"
}
table r hit first {
  type "r"
  in d.band, t.fired
  row "x", true => title "x"
  row "y", - => title "y"
  row -, false => title "never"
}
`
	codes := func(f *File) []string {
		var out []string
		for _, fd := range Analyze(f) {
			out = append(out, fd.Code+"@"+fd.Rule+" "+fd.Message)
		}
		slices.Sort(out)
		return out
	}
	parsed, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	built, _ := Parse([]byte(src))
	zeroPositions(reflect.ValueOf(built))
	want, got := codes(parsed), codes(built)
	if !slices.Equal(want, got) {
		t.Errorf("findings of the file built in code:\n%q\nof the parsed file:\n%q", got, want)
	}
	if !slices.ContainsFunc(want, func(s string) bool { return len(s) > 14 && s[:14] == "unreachable-ro" }) {
		t.Errorf("the test needs a row proved unreachable through the proofs; findings %q", want)
	}
}
