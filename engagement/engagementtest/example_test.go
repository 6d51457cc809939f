package engagementtest_test

import (
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
	"github.com/engagekit/engagekit/engagement/engagementtest"
)

// TestMyClassifier is how a host property-tests its own classification:
// a webinar attendance always escalates, and a video watched nearly to the
// end does too. Check generates journeys and histories around the edges
// and asserts the classifier is total and deterministic, and that the
// analysis accounts for everything, merges and streams as documented.
func TestMyClassifier(t *testing.T) {
	c, err := engagement.Classifier{}.WithKind("webinar_attend", engagement.Escalate)
	if err == nil {
		c, err = c.WithRule(`response.Value >= 9 && stimulus.Kind == "video" ? "escalate" : ""`)
	}
	if err != nil {
		t.Fatal(err)
	}
	asOf := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	engagementtest.Check(t, engagement.Options{AsOf: asOf, Classifier: c, ExpectedKind: "survey_expected", DeliveredKind: "survey_delivered"})
}
