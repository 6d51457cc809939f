package segment_test

// Adversary 118: every client accounted for under cancellation, the
// custom scheme's unreachability analysis against what rules really read,
// and NaN deciding a custom rule.

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/segment"
)

var now118 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// TestAdversary118AssignAllCancelledBeforeCutDropsClients
//
// Contract: (Grid.AssignAll) "When ctx ends before every client is
// segmented, the book holds those that were, its Counts the rest as
// cancelled, and the error is ctx's." (Counts) "Counts accounts for every
// client of a book: In = OK + Failed + Cancelled, always."
//
// Observed: with a context already done (or one that ends while the cut
// is being resolved), AssignAll of 3 clients returns ctx's error and
// Counts {In 0, OK 0, Failed 0, Cancelled 0}: the 3 clients are in no
// count, and a host that reads Counts sees an empty book, not a cancelled
// one.
//
// Mechanism (guess): segment/grid.go Grid.AssignAll returns `Book{}, err`
// as soon as g.cut fails (ctx done inside cut), before batch.Run has
// counted anything; the cancelled path should count In = Cancelled =
// len(book).
func TestAdversary118AssignAllCancelledBeforeCutDropsClients(t *testing.T) {
	book := []segment.Client{
		{ID: "a", Revenue: 10, CostToServe: 1, Engagement: 1},
		{ID: "b", Revenue: 5, CostToServe: 9, Engagement: 0.2},
		{ID: "c", Revenue: 7, CostToServe: 7, Engagement: 0},
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, g := range []segment.Grid{{}, {Profit: segment.Top(0.5), Engagement: segment.Top(0.5)}} {
		res, err := g.AssignAll(ctx, book)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("%+v: AssignAll under a done context: err = %v, want context.Canceled", g, err)
		}
		c := res.Counts
		if c.In != len(book) || c.In != c.OK+c.Failed+c.Cancelled || c.OK != len(res.Assignments) {
			t.Errorf("%+v: AssignAll under a done context: Counts %+v for a book of %d clients (%d assignments, %d failed): "+
				"want In = %d, every client counted (as cancelled)", g, c, len(book), len(res.Assignments), len(res.Failed), len(book))
		}
	}
}

// Environments whose field names the dsl and NewCustom's analysis resolve
// differently.
type deep118 struct{ Score float64 }
type left118 struct{ deep118 } // Score at depth 2, through the first embedded struct
type right118 struct{ Score int }
type embeddedEnv118 struct {
	left118  // the dsl reads Score here (depth first, first embedded struct)
	right118 // reflect's FieldByNameFunc picks this one (shallowest)
}

type promoted118 struct {
	Age float64 `expr:"age"`
}
type unexportedEnv118 struct {
	age         int // unexported: no rule can read it
	promoted118     // the dsl reads `age` here, a float64
}

// TestAdversary118UnreachableMisreadsFieldType
//
// Contract: (doc.go) "A rule that can never be chosen is a compile error
// ([ErrUnreachable])"; (ErrUnreachable) "the cause of the error for a rule
// that can never be chosen". A rule some client reaches must not be
// refused.
//
// Observed: rules `Score >= 6` then `Score > 5` (and `age >= 6` then
// `age > 5`) are refused: "rule 2 (Mid): earlier rules catch every client
// it would". Yet the field the dsl reads is a float64 (dsl.Compile of
// `Score > 5 && Score < 6` is true at 5.5), so a client of 5.5 reaches
// rule 2. NewCustom took the field for an int, and told the analysis that
// nothing lies between 5 and 6.
//
// Mechanism (guess): segment/custom.go fieldType resolves a rule's name
// with reflect's FieldByNameFunc (breadth first, shallowest wins;
// unexported fields count) while the dsl (dsl/env.go lookupField) takes
// exported fields only and walks embedded structs depth first, first
// embedded struct first; typedReads then adds integer-span assumptions
// (`Score > 5.0 && Score < 6.0` holds for no client) for a float field.
func TestAdversary118UnreachableMisreadsFieldType(t *testing.T) {
	t.Run("embedded depth first", func(t *testing.T) {
		rules := []segment.Rule{{Segment: "Hi", When: "Score >= 6"}, {Segment: "Mid", When: "Score > 5"}}
		reach, err := dsl.Compile[embeddedEnv118, bool]("!(Score >= 6) && Score > 5")
		if err != nil {
			t.Fatal(err)
		}
		env := embeddedEnv118{left118: left118{deep118{Score: 5.5}}}
		if ok, err := reach.Eval(env, now118); !ok || err != nil {
			t.Fatalf("sanity: Score 5.5 should reach rule 2 alone: %v, %v", ok, err)
		}
		if _, err := segment.NewCustom[embeddedEnv118](rules, "Lo"); errors.Is(err, segment.ErrUnreachable) {
			t.Errorf("NewCustom(%q) = %v; yet the dsl reads Score as the float64 of the first embedded struct, and Score 5.5 reaches rule 2", rules, err)
		}
	})
	t.Run("unexported field", func(t *testing.T) {
		rules := []segment.Rule{{Segment: "Hi", When: "age >= 6"}, {Segment: "Mid", When: "age > 5"}}
		reach, err := dsl.Compile[unexportedEnv118, bool]("!(age >= 6) && age > 5")
		if err != nil {
			t.Fatal(err)
		}
		env := unexportedEnv118{age: 0, promoted118: promoted118{Age: 5.5}}
		if ok, err := reach.Eval(env, now118); !ok || err != nil {
			t.Fatalf("sanity: age 5.5 should reach rule 2 alone: %v, %v", ok, err)
		}
		if _, err := segment.NewCustom[unexportedEnv118](rules, "Lo"); errors.Is(err, segment.ErrUnreachable) {
			t.Errorf("NewCustom(%q) = %v; yet the dsl reads age as the promoted float64 (the unexported int is no rule's), and age 5.5 reaches rule 2", rules, err)
		}
	})
}

// TestAdversary118Float32ConstantMisread
//
// Contract: (doc.go) "A rule that can never be chosen is a compile error
// ([ErrUnreachable])" — and only such a rule; the dsl reads "a float32 as
// the decimal it holds (a stored 0.9 equals the literal 0.9)".
//
// Observed: with the host constant Lim = float32(0.1), rules `X <= Lim`
// then `X < 0.1000000014` are refused ("rule 2 (Mid): earlier rules catch
// every client it would"). The dsl reads Lim as 0.1 (`X <= Lim` is false
// at X = 0.1000000005), so X = 0.1000000005 reaches rule 2.
//
// Mechanism (guess): segment/custom.go literal writes a float32 constant
// for the analysis with rv.Float() formatted at 64 bits
// ("0.10000000149011612"), not the decimal the dsl reads (FormatFloat at
// 32 bits, "0.1"): the analysis believes rule 1 catches up to
// 0.10000000149.
func TestAdversary118Float32ConstantMisread(t *testing.T) {
	type env struct{ X float64 }
	consts := dsl.WithConsts(map[string]any{"Lim": float32(0.1)})
	rules := []segment.Rule{{Segment: "Low", When: "X <= Lim"}, {Segment: "Mid", When: "X < 0.1000000014"}}
	reach, err := dsl.Compile[env, bool]("!(X <= Lim) && X < 0.1000000014", consts)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := reach.Eval(env{X: 0.1000000005}, now118); !ok || err != nil {
		t.Fatalf("sanity: X = 0.1000000005 should reach rule 2 alone: %v, %v", ok, err)
	}
	if _, err := segment.NewCustom[env](rules, "High", consts); errors.Is(err, segment.ErrUnreachable) {
		t.Errorf("NewCustom(%q, Lim = float32(0.1)) = %v; yet the dsl reads Lim as 0.1 and X = 0.1000000005 reaches rule 2", rules, err)
	}
}

type holding118 struct{ Rate float64 }
type nanInEnv118 struct {
	Main      holding118
	Watchlist []holding118
	Grid      [][]float64
}

// TestAdversary118NaNInsideInOperandDecides
//
// Contract: (doc.go) "A client whose rule reads a NaN gets an error,
// whether the rule would hold or not: never a later segment or the
// default. [NewEngagementRule] follows the same rule for conditions."
// (Custom.Assign) "a rule that cannot be decided because a float field it
// reads is NaN, whether it would hold or not (the error wraps
// dsl.ErrNaN)". The dsl: "A comparison (==, !=, <, <=, >, >=, in) that
// sees NaN as an operand fails ... Lists and maps compare element by
// element"; `Main == Watchlist[0]` and `any(Watchlist, # == Main)` do fail.
//
// Observed: `Main in Watchlist` with Main.Rate and Watchlist[0].Rate NaN
// assigns the default ("Other") with no error; `[1.0] in Grid` with
// Grid = [[NaN]] too; `Main not in Watchlist` assigns its own segment;
// NewEngagementRule("Main in Watchlist").Score gives 0, no error. The NaN
// decided (equal records but for it would be in).
//
// Mechanism (guess): dsl/instrument.go, the `in` case walks the list with
// walkNumbers|walkListOnly, which checks scalar elements only; == and !=
// wrap struct, list and map operands in walkDeepNaN, `in` does not (nor
// its left operand), so a struct or list element holding a NaN compares
// unequal silently, and segment's condition (evaluating the negation)
// sees no failure either.
func TestAdversary118NaNInsideInOperandDecides(t *testing.T) {
	nan := math.NaN()
	env := nanInEnv118{Main: holding118{nan}, Watchlist: []holding118{{nan}}, Grid: [][]float64{{nan}}}
	// Sanity: the same question asked with == fails on the NaN.
	for _, src := range []string{"Main == Watchlist[0]", "any(Watchlist, # == Main)"} {
		c, err := segment.NewCustom[nanInEnv118]([]segment.Rule{{Segment: "Watched", When: src}}, "Other")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Assign("c1", env, now118); !errors.Is(err, dsl.ErrNaN) {
			t.Fatalf("sanity: %s over a NaN rate: %v, want ErrNaN", src, err)
		}
	}
	for _, src := range []string{"Main in Watchlist", "Main not in Watchlist", "[1.0] in Grid"} {
		c, err := segment.NewCustom[nanInEnv118]([]segment.Rule{{Segment: "Watched", When: src}}, "Other")
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if a, err := c.Assign("c1", env, now118); !errors.Is(err, dsl.ErrNaN) {
			t.Errorf("Custom rule %q over a NaN rate: segment %q, err %v; want an error wrapping dsl.ErrNaN", src, a.Segment, err)
		}
		r, err := segment.NewEngagementRule[nanInEnv118](src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if s, err := r.Score(env, now118); !errors.Is(err, dsl.ErrNaN) {
			t.Errorf("EngagementRule %q over a NaN rate: score %v, err %v; want an error wrapping dsl.ErrNaN", src, s, err)
		}
	}
}
