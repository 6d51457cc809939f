package engagement_test

import (
	"testing"

	"github.com/engagekit/engagekit/engagement"
)

// Every method of a zero Book answers as an empty book does: none panics
// (ChangeTests read the nil journey's content groups).
func TestZeroBookAnswersEmpty(t *testing.T) {
	var b engagement.Book
	if c, err := b.ChangeTests(engagement.ChangeOptions{}); err != nil || len(c) != 0 {
		t.Errorf("ChangeTests: %v, %v", c, err)
	}
	if c, err := b.Changes(engagement.ChangeOptions{}); err != nil || len(c) != 0 {
		t.Errorf("Changes: %v, %v", c, err)
	}
	if s, err := b.Superfans(engagement.SuperfanRule{}); err != nil || len(s) != 0 {
		t.Errorf("Superfans: %v, %v", s, err)
	}
	if a, err := b.AtRisk(engagement.AtRiskRule{}); err != nil || len(a) != 0 {
		t.Errorf("AtRisk: %v, %v", a, err)
	}
	if l, err := b.Lifecycle(engagement.LifecycleRule{}); err != nil || len(l) != 0 {
		t.Errorf("Lifecycle: %v, %v", l, err)
	}
	if c := b.CrossSells(nil); len(c) != 0 {
		t.Errorf("CrossSells: %v", c)
	}
	if g, m := b.ExpectationGap(); len(g) != 0 || m != 0 {
		t.Errorf("ExpectationGap: %v, %v", g, m)
	}
	if _, err := b.MarshalBinary(); err != nil {
		t.Errorf("MarshalBinary: %v", err)
	}
}
