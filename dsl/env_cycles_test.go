package dsl_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
)

type selfEmbedding struct {
	*selfEmbedding
	X int
}

type mutualA struct {
	*mutualB
	mutualC
}

type mutualB struct{ *mutualA }

type mutualC struct{ Z int }

type pointsAtItself *pointsAtItself

type linked struct {
	Next *linked // a list: no embedding, checked as any field is
	V    int
}

type byMethod struct{ N int }

// Loop is reached by a rule through the method.
func (byMethod) Loop() selfEmbedding { return selfEmbedding{} }

// Read by reflection only, as the rules would read them.
var _ = []any{selfEmbedding{selfEmbedding: nil}, mutualA{mutualB: nil}, mutualB{mutualA: nil}}

// expr's checker looks names up through embedded structs without end when
// a struct embeds itself, and dereferences a type P *P for ever: a stack
// overflow kills the host, recover or not. Such an environment is a
// compile error naming the type, for an expression and a rule file alike,
// however deep the type sits; a struct that only points at its own type
// (a list) is fine.
func TestEnvironmentTypesExprCannotWalk(t *testing.T) {
	type viaField struct{ S selfEmbedding }
	type viaMutual struct{ A []map[string]*mutualA }
	type viaPointer struct{ P pointsAtItself }
	type viaMethod struct{ M byMethod }
	type fine struct {
		L linked
		T time.Time
	}
	check := func(name string, compile func() error, bad string) {
		t.Helper()
		err := compile()
		if bad == "" {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			return
		}
		if !errors.Is(err, dsl.ErrType) || !strings.Contains(err.Error(), bad) {
			t.Errorf("%s: error %v, want a type error naming %s", name, err, bad)
		}
	}
	file := []byte("ruleset r version 1\nrule x {\n  type \"t\"\n  when nope == 1\n}\n")
	check("field", func() error { _, err := dsl.Compile[viaField, bool]("S.Y == 1"); return err }, "selfEmbedding embeds itself")
	check("mutual", func() error { _, err := dsl.Compile[viaMutual, bool]("len(A) > 0"); return err }, "embeds itself")
	check("pointer", func() error { _, err := dsl.Compile[viaPointer, bool]("P == nil"); return err }, "points at itself")
	check("method", func() error { _, err := dsl.Compile[viaMethod, bool]("M.Loop().Y == 1"); return err }, "selfEmbedding embeds itself")
	check("file", func() error { _, err := dsl.CompileRules[viaField](file); return err }, "selfEmbedding embeds itself")
	check("fine", func() error { _, err := dsl.Compile[fine, bool]("L.Next.V == 1 && T.Year() > 2000"); return err }, "")
}
