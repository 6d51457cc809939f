package canvas

import (
	"math"
	"slices"
	"testing"

	"github.com/engagekit/engagekit/advisory"
	"pgregory.net/rapid"
)

// A picture counted on several goroutines, a share of the items each, has
// the counts and sums of one pass over them all, for any split.
func TestPropertyAggregateSharesEqualOnePass(t *testing.T) {
	num := rapid.OneOf(rapid.Float64Range(-1, 2), rapid.SampledFrom([]float64{math.NaN(), math.Inf(1), 0, 1}))
	rapid.Check(t, func(t *rapid.T) {
		var items []Item
		for range rapid.IntRange(0, 200).Draw(t, "n") {
			var a *advisory.Alert
			if rapid.IntRange(0, 9).Draw(t, "nil") > 0 {
				a = &advisory.Alert{Type: rapid.SampledFrom([]string{"a", "b", "c", ""}).Draw(t, "type")}
			}
			items = append(items, Item{Alert: a, Position: Position{Urgency: num.Draw(t, "u"), Sensitivity: num.Draw(t, "s")},
				Quadrant: Quadrant(rapid.IntRange(0, 4).Draw(t, "q"))})
		}
		each := func(lo, hi int, visit func(*Item)) {
			for i := lo; i < hi; i++ {
				visit(&items[i])
			}
		}
		want, wantTotal := aggregateOn(1, len(items), each)
		got, gotTotal := aggregateOn(rapid.IntRange(2, 7).Draw(t, "workers"), len(items), each)
		if gotTotal != wantTotal || len(got) != len(want) {
			t.Fatalf("%d types, %d items on shares; %d, %d in one pass", len(got), gotTotal, len(want), wantTotal)
		}
		for i := range want {
			if *got[i] != *want[i] {
				t.Fatalf("type %d: %+v on shares, %+v in one pass", i, *got[i], *want[i])
			}
		}
	})
}

// Plans' follow-ups and deferrals, split into shares of units anywhere
// (inside a plan, across two), hand every item over once.
func TestPropertyPlanUnitsCoverEveryItemOnce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var plans []Plan
		var all []Item
		for p := range rapid.IntRange(0, 4).Draw(t, "plans") {
			var pl Plan
			for f := range rapid.IntRange(0, 5).Draw(t, "followups") {
				var fu FollowUp
				for i := range rapid.IntRange(0, 3).Draw(t, "items") {
					fu.Items = append(fu.Items, Item{Alert: &advisory.Alert{Type: "t", RuleID: string(rune('a' + p)), Path: string(rune('a'+f)) + string(rune('a'+i))}})
				}
				pl.FollowUps = append(pl.FollowUps, fu)
				all = append(all, fu.Items...)
			}
			for d := range rapid.IntRange(0, 4).Draw(t, "deferred") {
				it := Item{Alert: &advisory.Alert{Type: "t", RuleID: string(rune('a' + p)), Path: "d" + string(rune('a'+d))}}
				pl.Deferred = append(pl.Deferred, Deferral{Item: it})
				all = append(all, it)
			}
			plans = append(plans, pl)
		}
		units, items := planUnits(plans)
		var got []Item
		cuts := []int{0}
		for range rapid.IntRange(0, 5).Draw(t, "cuts") {
			cuts = append(cuts, rapid.IntRange(0, units).Draw(t, "cut"))
		}
		cuts = append(cuts, units)
		slices.Sort(cuts)
		for k := 1; k < len(cuts); k++ {
			items(cuts[k-1], cuts[k], func(it *Item) { got = append(got, *it) })
		}
		if len(got) != len(all) {
			t.Fatalf("%d items handed over, the plans hold %d", len(got), len(all))
		}
		for i := range all {
			if got[i].Alert != all[i].Alert {
				t.Fatalf("item %d: %+v, want %+v", i, *got[i].Alert, *all[i].Alert)
			}
		}
	})
}
