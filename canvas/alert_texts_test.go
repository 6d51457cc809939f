package canvas

import (
	"context"
	"slices"
	"testing"

	"github.com/engagekit/engagekit/advisory"
)

// TestAlertTextsWrittenOnce: the agenda of a batch sent twice, whose
// alerts tie in everything and share one large output, writes each
// alert's texts once, not once a comparison (the sort made about a
// hundred comparisons of 512k-element outputs, a second of work; here
// 64k); a plan
// whose context has ended writes none (its order is given up with it).
func TestAlertTextsWrittenOnce(t *testing.T) {
	holdings := make([]int, 1<<16) // past valuetext's budget: digested whole
	items := make([]Item, 24)
	for i := range items {
		items[i] = Item{Alert: &advisory.Alert{ClientID: "c", Type: "t", RuleID: "r", Urgency: 0.9,
			Outputs: map[string]any{"holdings": holdings}, Evidence: []advisory.Evidence{{Name: "h", Value: holdings}}}}
	}
	texts := newAlertTexts(context.Background())
	slices.SortFunc(slices.Clone(items), texts.itemOrder)
	if n := len(texts.texts); n > len(items) {
		t.Errorf("%d texts kept for %d alerts", n, len(items))
	}
	for _, it := range items {
		if x := texts.texts[it.Alert]; x == nil || x.outputs == "" || texts.of(it.Alert) != x {
			t.Fatalf("an alert's texts were not kept, or were written again")
		}
	}
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	texts = newAlertTexts(ended)
	slices.SortFunc(slices.Clone(items), texts.itemOrder)
	for a, x := range texts.texts {
		if x.outputs != "" || len(x.evidence) != len(a.Evidence) || x.evidence[0] != "" {
			t.Errorf("texts written after the plan's context ended: %+v", x)
		}
	}
}
