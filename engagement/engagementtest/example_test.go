package engagementtest_test

import (
	"fmt"
	"time"

	"github.com/engagekit/engagekit/engagement"
	"github.com/engagekit/engagekit/engagement/engagementtest"
)

// Property-testing a host's classification, as the README shows: a
// webinar attendance always escalates, and a video watched nearly to the
// end does too. Check generates journeys and histories around the edges
// and asserts the classifier is total and deterministic, and that the
// analysis accounts for everything, merges and streams as documented. In
// a test, pass its *testing.T to Check; here tb, a small rapid.TB that
// prints, stands in for it.
func Example() {
	c, err := engagement.Classifier{}.WithKind("webinar_attend", engagement.Escalate)
	if err == nil {
		c, err = c.WithRule(`response.Value >= 9 && stimulus.Kind == "video" ? "escalate" : ""`)
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	asOf := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	tb := &printTB{}
	engagementtest.Check(tb, engagement.Options{AsOf: asOf, Classifier: c, ExpectedKind: "survey_expected", DeliveredKind: "survey_delivered"})
	fmt.Println("check passed:", !tb.Failed())
	// Output: check passed: true
}

// CheckClassifier checks a classifier over one history, without rapid:
// a rule that gives every response a class passes.
func ExampleCheckClassifier() {
	asOf := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	j := engagementtest.Journeys(asOf).Example(1)
	rs := engagementtest.Histories(j, asOf, engagementtest.HistoryOptions{}).Example(1)
	c, _ := engagement.Classifier{}.WithRule(`response.Value >= 0 ? "escalate" : "maintain"`)
	fmt.Println(engagementtest.CheckClassifier(c, j, rs, asOf))
	// Output: <nil>
}

// printTB is a rapid.TB that prints what a test would report; a test
// passes its *testing.T instead.
type printTB struct{ failed bool }

func (*printTB) Helper()                        {}
func (*printTB) Name() string                   { return "example" }
func (*printTB) Logf(string, ...any)            {}
func (*printTB) Log(...any)                     {}
func (*printTB) Skipf(string, ...any)           {}
func (*printTB) Skip(...any)                    {}
func (*printTB) SkipNow()                       {}
func (t *printTB) Errorf(f string, args ...any) { t.failed = true; fmt.Printf(f+"\n", args...) }
func (t *printTB) Error(args ...any)            { t.failed = true; fmt.Println(args...) }
func (t *printTB) Fatalf(f string, args ...any) { t.Errorf(f, args...) }
func (t *printTB) Fatal(args ...any)            { t.Error(args...) }
func (t *printTB) FailNow()                     { t.failed = true }
func (t *printTB) Fail()                        { t.failed = true }
func (t *printTB) Failed() bool                 { return t.failed }
