package advisory

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/internal/valuetext"
)

// Diff compares the alerts two versions of a framework raise over the same
// files: what a compliance officer asks before deploying a new version.
// Alerts are matched by client, rule, alert type and path.
type Diff struct {
	Appeared    []Alert  `json:"appeared,omitempty"`
	Disappeared []Alert  `json:"disappeared,omitempty"`
	Changed     []Change `json:"changed,omitempty"`
	Unchanged   int      `json:"unchanged"`
	// ByType counts the differences per alert type, sorted by type.
	ByType []TypeDiff `json:"by_type"`
}

// Change is an alert both versions raise with different content.
type Change struct {
	Old    Alert    `json:"old"`
	New    Alert    `json:"new"`
	Fields []string `json:"fields"` // "urgency", "sensitivity", "title", "message"
}

// TypeDiff counts one alert type's differences.
type TypeDiff struct {
	Type        string `json:"type"`
	Appeared    int    `json:"appeared"`
	Disappeared int    `json:"disappeared"`
	Changed     int    `json:"changed"`
	Unchanged   int    `json:"unchanged"`
}

type alertKey struct{ client, rule, typ, path string }

// keyOf is the alert's key as JSON writes its parts (see asJSONWrites).
func keyOf(a Alert) alertKey {
	return alertKey{asJSONWrites(a.ClientID), asJSONWrites(a.RuleID), asJSONWrites(a.Type), asJSONWrites(a.Path)}
}

// asJSONWrites is s as encoding/json writes it: each byte that is not
// UTF-8 as U+FFFD. The diff compares alerts' text so, so that an alert
// read back from JSON (a client named "M\xfcller" in a Latin-1 CRM) is
// the alert it was, not one that disappeared and another that appeared.
func asJSONWrites(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// DiffAlerts diffs the alerts of an old and a new version of a framework
// (raised over the same files). Each list in the result is sorted by
// client, rule, type and path. Alerts of one client, rule, type and path
// (a rule raising two alike) pair up by content, identical ones first,
// whatever the order of either list. Text is compared as JSON writes it
// (a byte that is not UTF-8 as U+FFFD), so alerts read back from JSON
// diff as the same alerts. (It was called Compare, a name engagement
// gives an A/B test; the two mean different things.)
func DiffAlerts(old, new []Alert) Diff {
	var d Diff
	byType := map[string]*TypeDiff{}
	count := func(typ string) *TypeDiff {
		if byType[typ] == nil {
			byType[typ] = &TypeDiff{Type: typ}
		}
		return byType[typ]
	}
	// Alerts of one key (a rule raising two alike, or a list given
	// twice) pair up by content, whatever their order: the identical ones
	// first, then the rest in a fixed order of their content; what is
	// left appeared or disappeared. None is lost.
	olds, news := groupByKey(old), groupByKey(new)
	var appeared, disappeared []*textedAlert
	var changed [][2]*textedAlert
	for k, ns := range news {
		// First the identical alerts (fullOrder), then those the diff
		// finds no change in (contentOrder: evidence may differ), so an
		// alert identical to an old one always pairs with it.
		restO, restN := olds[k], ns
		if len(restO) > 1 || len(ns) > 1 {
			// Only among several of a key does which pairs with which
			// matter; one against one pairs by content alone, without
			// writing out either alert whole.
			restO, restN = pairOff(restO, restN, fullOrder, &d, count)
		}
		restO, restN = pairOff(restO, restN, contentOrder, &d, count)
		for p := range min(len(restO), len(restN)) {
			changed = append(changed, [2]*textedAlert{restO[p], restN[p]})
			count(restN[p].Type).Changed++
		}
		for _, n := range restN[min(len(restO), len(restN)):] {
			appeared = append(appeared, n)
			count(n.Type).Appeared++
		}
		for _, o := range restO[min(len(restO), len(restN)):] {
			disappeared = append(disappeared, o)
			count(o.Type).Disappeared++
		}
	}
	for k, os := range olds {
		if _, ok := news[k]; !ok {
			for _, o := range os {
				disappeared = append(disappeared, o)
				count(o.Type).Disappeared++
			}
		}
	}
	order := func(a, b *textedAlert) int {
		ka, kb := a.key, b.key
		return cmp.Or(cmp.Compare(ka.client, kb.client), cmp.Compare(ka.rule, kb.rule), cmp.Compare(ka.typ, kb.typ), cmp.Compare(ka.path, kb.path))
	}
	slices.SortFunc(appeared, func(a, b *textedAlert) int { return cmp.Or(order(a, b), fullOrder(a, b)) })
	slices.SortFunc(disappeared, func(a, b *textedAlert) int { return cmp.Or(order(a, b), fullOrder(a, b)) })
	slices.SortFunc(changed, func(a, b [2]*textedAlert) int {
		return cmp.Or(order(a[1], b[1]), fullOrder(a[1], b[1]), fullOrder(a[0], b[0]))
	})
	for _, a := range appeared {
		d.Appeared = append(d.Appeared, a.Alert)
	}
	for _, a := range disappeared {
		d.Disappeared = append(d.Disappeared, a.Alert)
	}
	for _, c := range changed {
		d.Changed = append(d.Changed, Change{Old: c[0].Alert, New: c[1].Alert, Fields: changedFields(c[0], c[1])})
	}
	for _, t := range byType {
		d.ByType = append(d.ByType, *t)
	}
	slices.SortFunc(d.ByType, func(a, b TypeDiff) int { return cmp.Compare(a.Type, b.Type) })
	return d
}

// textedAlert is an alert with its whole text, worked out the first time
// two alerts tie on their content and kept: a sort compares an alert
// about log₂n times, and the text of one with a large evidence is long.
type textedAlert struct {
	Alert
	key            alertKey
	title, message string // as JSON writes them
	text           string
	ready          bool
}

func (t *textedAlert) wholeText() string {
	if !t.ready {
		t.text, t.ready = valuetext.Text(t.Alert), true
	}
	return t.text
}

// pairOff walks two lists sorted by fullOrder (so by contentOrder too),
// counts the pairs order finds alike as unchanged, and returns the rest of
// each, in their order.
func pairOff(os, ns []*textedAlert, order func(a, b *textedAlert) int, d *Diff, count func(string) *TypeDiff) (restO, restN []*textedAlert) {
	i, j := 0, 0
	for i < len(os) && j < len(ns) {
		switch c := order(os[i], ns[j]); {
		case c == 0:
			d.Unchanged++
			count(ns[j].Type).Unchanged++
			i, j = i+1, j+1
		case c < 0:
			restO, i = append(restO, os[i]), i+1
		default:
			restN, j = append(restN, ns[j]), j+1
		}
	}
	return append(restO, os[i:]...), append(restN, ns[j:]...)
}

// groupByKey lists the alerts of each key in fullOrder.
func groupByKey(alerts []Alert) map[alertKey][]*textedAlert {
	out := map[alertKey][]*textedAlert{}
	texted := make([]textedAlert, len(alerts)) // one allocation, not one an alert
	for i := range alerts {
		t := &texted[i]
		t.Alert, t.key = alerts[i], keyOf(alerts[i])
		t.title, t.message = asJSONWrites(alerts[i].Title), asJSONWrites(alerts[i].Message)
		out[t.key] = append(out[t.key], t)
	}
	for _, as := range out {
		slices.SortFunc(as, fullOrder)
	}
	return out
}

// fullOrder is contentOrder, then the whole alert as text: a total order,
// 0 only for alerts alike in every part, so that alerts of one key sort
// the same whatever the order they came in.
func fullOrder(a, b *textedAlert) int {
	if c := contentOrder(a, b); c != 0 {
		return c
	}
	return cmp.Compare(a.wholeText(), b.wholeText())
}

// contentOrder orders alerts of one key by what a diff compares of them;
// 0 when the diff finds no change.
func contentOrder(a, b *textedAlert) int {
	return cmp.Or(cmp.Compare(a.Urgency, b.Urgency), cmp.Compare(a.Sensitivity, b.Sensitivity),
		cmp.Compare(a.title, b.title), cmp.Compare(a.message, b.message))
}

func changedFields(o, n *textedAlert) []string {
	var out []string
	// As contentOrder compares them: a NaN is the same NaN.
	if cmp.Compare(o.Urgency, n.Urgency) != 0 {
		out = append(out, "urgency")
	}
	if cmp.Compare(o.Sensitivity, n.Sensitivity) != 0 {
		out = append(out, "sensitivity")
	}
	if o.title != n.title {
		out = append(out, "title")
	}
	if o.message != n.message {
		out = append(out, "message")
	}
	return out
}

// ErrFilesDiffer is the cause (errors.Is) of [DiffVersions]' error when
// its files gave the two versions different files: fewer on one pass (an
// iterator that can be read once, a cursor) or another client at one
// place (an order that changes between passes). Such a file is left out
// of the diff, which cannot compare the versions on it.
var ErrFilesDiffer = errors.New("advisory: files gave the two versions different files")

// DiffVersions evaluates an old and a new version of a framework over
// the same files and diffs their alerts. files is iterated twice, and
// must give the same files in the same order both times; where it does
// not, the error says so ([ErrFilesDiffer]). The error joins the failures
// of either version and the context's; the diff covers what both could
// evaluate, file by file: a file only one version reached (the context
// ended, or files differed) or that failed to load in either is left out,
// and so is a rule that failed on a file in either version, for that
// file.
func DiffVersions[Env any](ctx context.Context, old, new *Framework[Env], files iter.Seq[Item[Env]], now time.Time) (Diff, error) {
	collect := func(f *Framework[Env]) map[int]FileAlerts {
		out := map[int]FileAlerts{}
		f.EvaluateEach(ctx, files, now, BatchOptions{}, func(fa FileAlerts) { out[fa.Index] = fa })
		return out
	}
	a, b := collect(old), collect(new)
	indexes := make([]int, 0, len(a))
	for i := range a {
		indexes = append(indexes, i)
	}
	for i := range b {
		if _, ok := a[i]; !ok {
			indexes = append(indexes, i)
		}
	}
	slices.Sort(indexes)
	var errs []error
	var olds, news []Alert
	for _, i := range indexes {
		fa, inA := a[i]
		fb, inB := b[i]
		for _, err := range []error{fa.Err, fb.Err} {
			if err != nil {
				errs = append(errs, err)
			}
		}
		switch {
		case inA && inB && fa.ClientID != fb.ClientID:
			// The two passes gave different files at one place: the
			// versions' alerts would be compared across clients.
			errs = append(errs, fmt.Errorf("%w: file %d is client %q for the old version and %q for the new", ErrFilesDiffer, i, fa.ClientID, fb.ClientID))
			continue
		case (!inA || !inB) && ctx.Err() == nil:
			// Not the context: files gave one pass fewer files (a
			// cursor read once), and the diff would say nothing
			// changed where one version could not say.
			only, id := "old", fa.ClientID
			if inB {
				only, id = "new", fb.ClientID
			}
			errs = append(errs, fmt.Errorf("%w: file %d (client %q) reached only by the %s version", ErrFilesDiffer, i, id, only))
			continue
		case !inA || !inB:
			continue // one version did not reach the file: it cannot say
		}
		// A rule that failed on the file in either version is out of the
		// diff for it: its alerts would show as appeared or disappeared
		// where one version could not say; a file that failed to load
		// (no rule named) is out whole.
		// The alerts Load found (staleness's, whose RuleSet is empty) are
		// not a framework rule's, whatever their RuleID.
		// A rule failed in either version is out for both (its alert in
		// the other would show as appeared or gone, whatever the two
		// versions' names), and only the frameworks' alerts go with it.
		failed, whole := map[string]bool{}, false
		for _, err := range []error{fa.Err, fb.Err} {
			rules := dsl.Errors(err)
			whole = whole || err != nil && len(rules) == 0
			for _, e := range rules {
				failed[e.RuleID] = true
			}
		}
		if whole {
			continue
		}
		sets := [2]string{old.rules.Name(), new.rules.Name()}
		keep := func(x Alert) bool { return !failed[x.RuleID] || x.RuleSet != sets[0] && x.RuleSet != sets[1] }
		for _, x := range fa.Alerts {
			if keep(x) {
				olds = append(olds, x)
			}
		}
		for _, x := range fb.Alerts {
			if keep(x) {
				news = append(news, x)
			}
		}
	}
	if err := ctx.Err(); err != nil {
		errs = append(errs, err)
	}
	return DiffAlerts(olds, news), errors.Join(errs...)
}
