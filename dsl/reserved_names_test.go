package dsl

import (
	"errors"
	"strings"
	"testing"
)

// Names starting with __ or $ are the library's and expr's: a rule can
// neither read one nor declare one, in an expression's let or a rule
// file's (what the library writes into a rule, __env, __now, __opt1, is
// named so that no name of the author's can meet it).
func TestReservedNamesAreRefused(t *testing.T) {
	for _, src := range []string{
		a22When(`(let __x = 1; __x) == 1`),
		a22When(`(let __opt1 = 1; __opt1) == 1`),
		a22When(`__env != nil`),
		"rule r {\n  type \"t\"\n  let __x = 1\n  when __x == 1\n}\n",
	} {
		for i, r := range a93Check(t, src, a22Env0()) {
			var e *Error
			if r.compileErr == nil || !errors.As(r.compileErr, &e) || e.Kind != KindUnknownName || !strings.Contains(e.Error(), "reserved") {
				t.Errorf("%s: %s: %v; want a compile error: the name is reserved", a22Names[i], strings.TrimSpace(src), r)
			}
		}
	}
}
