package segment_test

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/segment"
	"pgregory.net/rapid"
)

// typedClient has the field types the scheme's analysis is told about:
// an int (nothing between two integers), an unsigned (never negative) and
// a bool (true or false only).
type typedClient struct {
	Age int   `expr:"age"`
	N   uint8 `expr:"n"`
	On  bool  `expr:"on"`
}

var ruleNumber = regexp.MustCompile(`rule (\d+) \(`)

// Every rule NewCustom refuses as unreachable is one no client reaches:
// brute force over the fields' values finds none for which it holds and
// every earlier rule does not (the analysis against evaluation).
func TestPropertyCustomUnreachableHolds(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	atom := func(t *rapid.T, label string) string {
		switch rapid.IntRange(0, 4).Draw(t, label+"field") {
		case 0, 1:
			op := rapid.SampledFrom([]string{"<", "<=", ">", ">=", "==", "!="}).Draw(t, label+"op")
			k := rapid.IntRange(-4, 4).Draw(t, label+"k")
			lit := strconv.Itoa(k)
			if rapid.Bool().Draw(t, label+"half") {
				lit += ".5"
			}
			return "age " + op + " " + lit
		case 2:
			op := rapid.SampledFrom([]string{"<", "<=", ">", ">=", "=="}).Draw(t, label+"nop")
			return fmt.Sprintf("n %s %d", op, rapid.IntRange(-2, 4).Draw(t, label+"nk"))
		case 3:
			return rapid.SampledFrom([]string{"on", "!on", "on == true", "on == false"}).Draw(t, label+"b")
		}
		return "age > " + strconv.Itoa(rapid.IntRange(-4, 4).Draw(t, label+"k2")) + " && on"
	}
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 4).Draw(t, "rules")
		rules := make([]segment.Rule, n)
		for i := range rules {
			when := atom(t, fmt.Sprint(i))
			if rapid.Bool().Draw(t, fmt.Sprint("or", i)) {
				when += " || " + atom(t, fmt.Sprint(i, "b"))
			}
			rules[i] = segment.Rule{Segment: segment.Segment(fmt.Sprint("S", i)), When: when}
		}
		_, err := segment.NewCustom[typedClient](rules, "D")
		if err == nil || !errors.Is(err, segment.ErrUnreachable) {
			return
		}
		conds := make([]*dsl.Expr[typedClient, bool], n)
		for i, r := range rules {
			c, cerr := dsl.Compile[typedClient, bool](r.When)
			if cerr != nil {
				t.Fatalf("rule %d: %v", i+1, cerr)
			}
			conds[i] = c
		}
		for _, m := range ruleNumber.FindAllStringSubmatch(err.Error(), -1) {
			i, _ := strconv.Atoi(m[1])
			i--
			for age := -8; age <= 8; age++ {
				for nv := range 8 {
					for _, on := range []bool{false, true} {
						c := typedClient{Age: age, N: uint8(nv), On: on}
						taken := true
						for j := 0; j <= i && taken; j++ {
							v, eerr := conds[j].Eval(c, now)
							if eerr != nil {
								t.Fatalf("rule %d at %+v: %v", j+1, c, eerr)
							}
							taken = v == (j == i)
						}
						if taken {
							t.Fatalf("rules %q: rule %d refused as unreachable (%v), yet client %+v takes it", rules, i+1, err, c)
						}
					}
				}
			}
		}
	})
}
