package dsl_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
)

type Pence int64

type GBP float64

// Decimal is a host's decimal type: units and a scale.
type Decimal struct {
	Units int64
	Scale int32
}

func (d Decimal) Float() float64 { return float64(d.Units) / math.Pow10(int(d.Scale)) }

type Holding struct {
	Value Pence `expr:"value"`
}

type moneyEnv struct {
	Cash     Pence            `expr:"cash"`
	Balance  GBP              `expr:"balance"`
	LTV      float32          `expr:"ltv"`
	Small    int8             `expr:"small"`
	Big      uint64           `expr:"big"`
	Items    []Pence          `expr:"items"`
	Holdings []*Holding       `expr:"holdings"`
	ByName   map[string]Pence `expr:"byName"`
	Price    Decimal          `expr:"price"`
}

// Numbers of the host's own types compare and compute with literals and
// with each other as their underlying kinds, in Eval and Explain alike; a
// float32 is read as the decimal it holds.
func TestNumbersAsACRMHasThem(t *testing.T) {
	env := moneyEnv{Cash: 150, Balance: 2.5, LTV: 0.9, Small: 3, Big: 7, Items: []Pence{1, 2},
		Holdings: []*Holding{{Value: 500}}, ByName: map[string]Pence{"isa": 40}, Price: Decimal{Units: 12345, Scale: 2}}
	for _, c := range []struct {
		src  string
		want bool
	}{
		{"cash > 100", true},
		{"cash > balance", true},
		{"cash + 1 == 151", true},
		{"float(cash) / 2 == 75", true},
		{"balance * 2 == 5", true},
		{"ltv >= 0.9", true},
		{"ltv > 0.9", false},
		{"ltv == 0.9", true},
		{"pct(ltv) == \"90%\"", true},
		{"between(ltv, 0.9, 0.9)", true},
		{"small < 4 && big > 6", true},
		{"items[0] < 2 && sum(items) == 3", true},
		{"holdings[0].value >= 500", true},
		{"all(holdings, {#.value > cash})", true},
		{"byName.isa == 40", true},
		{"price > 123.4 && price < 123.5", true},
	} {
		e, err := dsl.Compile[moneyEnv, bool](c.src, dsl.WithNumber(Decimal.Float))
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		got, err := e.Eval(env, time.Time{})
		if err != nil || got != c.want {
			t.Errorf("%s = %v, %v; want %v", c.src, got, err, c.want)
		}
		x, err := e.Explain(env, time.Time{})
		if err != nil || x.Root.Value != c.want {
			t.Errorf("%s: Explain says %v, %v", c.src, x.Root.Value, err)
		}
	}
}

// A uint64 too large for an int is an evaluation error, never a wrapped
// number; a type that is still not a number is a compile error.
func TestNumbersThatDoNotFit(t *testing.T) {
	e, err := dsl.Compile[moneyEnv, bool]("big > 0")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Eval(moneyEnv{Big: math.MaxUint64}, time.Time{}); !errors.Is(err, dsl.ErrEval) {
		t.Fatalf("MaxUint64: %v", err)
	}
	if _, err := dsl.Compile[moneyEnv, bool]("price > 1"); !errors.Is(err, dsl.ErrType) {
		t.Fatalf("a decimal type without WithNumber: %v", err)
	}
}

// float32 at its boundaries: the decimal a float32 holds, not the binary
// fraction, decides.
func TestFloat32Boundaries(t *testing.T) {
	for _, c := range []struct {
		ltv  float32
		src  string
		want bool
	}{
		{0.1, "ltv == 0.1", true},
		{0.3, "ltv >= 0.3", true},
		{0.3, "ltv < 0.3", false},
		{math.MaxFloat32, "ltv > 3.4e38", true},
		{float32(math.Inf(1)), "ltv > 1e300", true},
		{math.SmallestNonzeroFloat32, "ltv > 0", true},
	} {
		e, err := dsl.Compile[moneyEnv, bool](c.src)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := e.Eval(moneyEnv{LTV: c.ltv}, time.Time{}); err != nil || got != c.want {
			t.Errorf("ltv %v: %s = %v, %v; want %v", c.ltv, c.src, got, err, c.want)
		}
	}
}
