package engagementtest

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/engagekit/engagekit/engagement"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

// Check runs, as one rapid property, [CheckClassifier] and [CheckBook]
// over generated journeys and histories (a few of their responses bad),
// failing t with a reproducible seed when one breaks. o.AsOf is the time
// the histories lead up to; o.Classifier is the classifier under test. t
// is any [rapid.TB]: a *testing.T, a *testing.B, or the *rapid.T of an
// enclosing property.
func Check(t rapid.TB, o engagement.Options) {
	t.Helper()
	rapid.Check(t, func(t *rapid.T) {
		j := Journeys(o.AsOf).Draw(t, "journey")
		rs := Histories(j, o.AsOf, HistoryOptions{Bad: 0.1}).Draw(t, "history")
		if err := CheckClassifier(o.Classifier, j, rs, o.AsOf); err != nil {
			t.Fatal(err)
		}
		if err := CheckBook(j, rs, o); err != nil {
			t.Fatal(err)
		}
	})
}

// CheckClassifier checks that c is total and deterministic over rs: every
// response whose stimulus and setting the journey knows, and whose value
// is a number (Analyze rejects NaN and ±Inf before classifying), gets
// maintain, escalate or disengage, without an error, and the same class
// twice.
func CheckClassifier(c engagement.Classifier, j *engagement.Journey, rs []engagement.Response, now time.Time) error {
	for _, r := range rs {
		st, from, to, ok := j.Resolve(r)
		if !ok || math.IsNaN(r.Value) || math.IsInf(r.Value, 0) {
			continue
		}
		a, err := c.Classify(r, st, from, to, now)
		if err != nil {
			return fmt.Errorf("engagementtest: the classifier failed on %+v: %w", r, err)
		}
		if a != engagement.Maintain && a != engagement.Escalate && a != engagement.Disengage {
			return fmt.Errorf("engagementtest: the classifier gave %v for %+v", a, r)
		}
		if b, _ := c.Classify(r, st, from, to, now); b != a {
			return fmt.Errorf("engagementtest: the classifier gave %v, then %v, for %+v", a, b, r)
		}
	}
	return nil
}

// CheckBook checks an analysis of rs with o: every response is accounted
// for (In = len(rs) = Used + rejected); then, over the responses with a
// client and without their ids (which make order matter, and which
// numbered events cannot carry): the book does not depend on the
// responses' order; books of two halves merge into the book of the whole;
// a later as-of never raises a score component; and numbered events give
// the same book as names.
func CheckBook(j *engagement.Journey, rs []engagement.Response, o engagement.Options) error {
	ctx := context.Background()
	if err := o.Validate(); err != nil {
		return fmt.Errorf("engagementtest: %w", err)
	}
	analyze := func(rs []engagement.Response, o engagement.Options) *engagement.Book {
		b, _ := engagement.Analyze(ctx, j, slices.Values(rs), o) // the options were validated above
		return b
	}
	whole := analyze(rs, o)
	if err := accounted(whole.Report, len(rs)); err != nil {
		return err
	}
	// Ids are dropped from here on: which of two responses with one id is
	// the duplicate depends on their order, and a duplicate split across
	// two books is not a duplicate in either.
	clean := make([]engagement.Response, 0, len(rs))
	for _, r := range rs {
		if r.Client != "" {
			r.ID = ""
			clean = append(clean, r)
		}
	}
	want := analyze(clean, o)
	reversed := slices.Clone(clean)
	slices.Reverse(reversed)
	if d := cmp.Diff(View(want), View(analyze(reversed, o)), approx); d != "" {
		return fmt.Errorf("engagementtest: the book depends on the responses' order (-given +reversed):\n%s", d)
	}
	half := len(clean) / 2
	merged, err := engagement.MergeBooks(analyze(clean[:half], o), analyze(clean[half:], o))
	if err != nil {
		return fmt.Errorf("engagementtest: books of two halves do not merge: %w", err)
	}
	if d := cmp.Diff(View(want), View(merged), approx); d != "" {
		return fmt.Errorf("engagementtest: merged halves differ from the whole (-whole +merged):\n%s", d)
	}
	if err := neverGrows(clean, o, analyze); err != nil {
		return err
	}
	return sameAsEvents(ctx, j, clean, want, o)
}

// neverGrows checks that moving as-of 30 days on, with no response in
// between, lowers or keeps every component of every score.
func neverGrows(rs []engagement.Response, o engagement.Options, analyze func([]engagement.Response, engagement.Options) *engagement.Book) error {
	rs = slices.DeleteFunc(slices.Clone(rs), func(r engagement.Response) bool { return r.Time.After(o.AsOf) })
	later := o
	later.AsOf = o.AsOf.Add(30 * day)
	now := scoresByClient(analyze(rs, o))
	for c, s := range scoresByClient(analyze(rs, later)) {
		n := now[c]
		if s.Escalation > n.Escalation*(1+1e-9) || s.Maintenance > n.Maintenance*(1+1e-9) || s.Disengagement > n.Disengagement*(1+1e-9) {
			return fmt.Errorf("engagementtest: %s's score grew with time alone: %+v → %+v", c, n, s)
		}
	}
	return nil
}

// sameAsEvents numbers the responses and checks that AnalyzeEvents gives
// want, the book of the same responses by name.
func sameAsEvents(ctx context.Context, j *engagement.Journey, rs []engagement.Response, want *engagement.Book, o engagement.Options) error {
	var kinds, clients []string
	kindSeen, clientIx := map[string]bool{}, map[string]uint32{}
	for _, r := range rs {
		if !kindSeen[r.Kind] {
			kindSeen[r.Kind] = true
			kinds = append(kinds, r.Kind)
		}
		if _, ok := clientIx[r.Client]; !ok {
			clientIx[r.Client] = uint32(len(clients))
			clients = append(clients, r.Client)
		}
	}
	x, err := engagement.NewIndex(j, kinds...)
	if err != nil {
		return fmt.Errorf("engagementtest: %w", err)
	}
	events := make([]engagement.Event, len(rs))
	for i, r := range rs {
		events[i] = x.Event(clientIx[r.Client], r)
	}
	got, err := engagement.AnalyzeEvents(ctx, x, clients, slices.Values(events), o)
	if err != nil {
		return fmt.Errorf("engagementtest: %w", err)
	}
	if d := cmp.Diff(View(want), View(got), approx); d != "" {
		return fmt.Errorf("engagementtest: numbered events differ from names (-names +events):\n%s", d)
	}
	return nil
}

func accounted(r engagement.Report, in int) error {
	rejected := 0
	for reason, n := range r.Rejected {
		if n < 0 {
			return fmt.Errorf("engagementtest: %d responses rejected as %s", n, reason)
		}
		rejected += n
	}
	if r.In != in || r.Used < 0 || r.Used+rejected != r.In {
		return fmt.Errorf("engagementtest: %d responses given, report says in %d = used %d + rejected %d", in, r.In, r.Used, rejected)
	}
	return nil
}

func scoresByClient(b *engagement.Book) map[string]engagement.Score {
	out := map[string]engagement.Score{}
	for _, s := range b.Scores() {
		out[s.Client] = s
	}
	return out
}

var approx = cmp.Options{cmpopts.EquateApprox(1e-9, 1e-12), cmpopts.EquateEmpty(),
	cmpopts.SortSlices(func(a, b engagement.Superfan) bool { return a.Client < b.Client })}
