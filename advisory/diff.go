package advisory

import (
	"cmp"
	"context"
	"errors"
	"iter"
	"slices"
	"time"

	"github.com/engagekit/engagekit/dsl"
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

func keyOf(a Alert) alertKey { return alertKey{a.ClientID, a.RuleID, a.Type, a.Path} }

// DiffAlerts diffs the alerts of an old and a new version of a framework
// (raised over the same files). Each list in the result is sorted by
// client, rule, type and path. Alerts of one client, rule, type and path
// (a rule raising two alike) pair up by content, identical ones first,
// whatever the order of either list. (It was called Compare, a name engagement
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
	for k, ns := range news {
		os := olds[k]
		var restO, restN []Alert
		i, j := 0, 0
		for i < len(os) && j < len(ns) {
			switch c := contentOrder(os[i], ns[j]); {
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
		restO, restN = append(restO, os[i:]...), append(restN, ns[j:]...)
		for p := range min(len(restO), len(restN)) {
			d.Changed = append(d.Changed, Change{Old: restO[p], New: restN[p], Fields: changedFields(restO[p], restN[p])})
			count(restN[p].Type).Changed++
		}
		for _, n := range restN[min(len(restO), len(restN)):] {
			d.Appeared = append(d.Appeared, n)
			count(n.Type).Appeared++
		}
		for _, o := range restO[min(len(restO), len(restN)):] {
			d.Disappeared = append(d.Disappeared, o)
			count(o.Type).Disappeared++
		}
	}
	for k, os := range olds {
		if _, ok := news[k]; !ok {
			for _, o := range os {
				d.Disappeared = append(d.Disappeared, o)
				count(o.Type).Disappeared++
			}
		}
	}
	order := func(a, b Alert) int {
		ka, kb := keyOf(a), keyOf(b)
		return cmp.Or(cmp.Compare(ka.client, kb.client), cmp.Compare(ka.rule, kb.rule), cmp.Compare(ka.typ, kb.typ), cmp.Compare(ka.path, kb.path))
	}
	slices.SortFunc(d.Appeared, func(a, b Alert) int { return cmp.Or(order(a, b), contentOrder(a, b)) })
	slices.SortFunc(d.Disappeared, func(a, b Alert) int { return cmp.Or(order(a, b), contentOrder(a, b)) })
	slices.SortFunc(d.Changed, func(a, b Change) int { return cmp.Or(order(a.New, b.New), contentOrder(a.New, b.New)) })
	for _, t := range byType {
		d.ByType = append(d.ByType, *t)
	}
	slices.SortFunc(d.ByType, func(a, b TypeDiff) int { return cmp.Compare(a.Type, b.Type) })
	return d
}

// groupByKey lists the alerts of each key in their content's order.
func groupByKey(alerts []Alert) map[alertKey][]Alert {
	out := map[alertKey][]Alert{}
	for _, a := range alerts {
		out[keyOf(a)] = append(out[keyOf(a)], a)
	}
	for _, as := range out {
		slices.SortFunc(as, contentOrder)
	}
	return out
}

// contentOrder orders alerts of one key by what a diff compares of them;
// 0 when the diff finds no change.
func contentOrder(a, b Alert) int {
	return cmp.Or(cmp.Compare(a.Urgency, b.Urgency), cmp.Compare(a.Sensitivity, b.Sensitivity),
		cmp.Compare(a.Title, b.Title), cmp.Compare(a.Message, b.Message))
}

func changedFields(o, n Alert) []string {
	var out []string
	if o.Urgency != n.Urgency {
		out = append(out, "urgency")
	}
	if o.Sensitivity != n.Sensitivity {
		out = append(out, "sensitivity")
	}
	if o.Title != n.Title {
		out = append(out, "title")
	}
	if o.Message != n.Message {
		out = append(out, "message")
	}
	return out
}

// DiffVersions evaluates an old and a new version of a framework over
// the same files and diffs their alerts. files is iterated twice. The error
// joins the failures of either version; the diff covers what both could
// evaluate (a rule that failed on a file in either version is left out
// for that file).
func DiffVersions[Env any](ctx context.Context, old, new *Framework[Env], files iter.Seq[Item[Env]], now time.Time) (Diff, error) {
	a := old.EvaluateAll(ctx, files, now, BatchOptions{})
	b := new.EvaluateAll(ctx, files, now, BatchOptions{})
	var errs []error
	// A rule that failed on a file in either version is out of the diff
	// for that file: its alerts would show as appeared or disappeared
	// where one version could not say.
	failed := map[[2]string]bool{}
	for _, f := range append(a.Failed, b.Failed...) {
		errs = append(errs, f.Err)
		for _, e := range dsl.Errors(f.Err) {
			failed[[2]string{f.ClientID, e.RuleID}] = true
		}
	}
	if err := ctx.Err(); err != nil {
		errs = append(errs, err)
	}
	both := func(alerts []Alert) []Alert {
		if len(failed) == 0 {
			return alerts
		}
		return slices.DeleteFunc(slices.Clone(alerts), func(x Alert) bool { return failed[[2]string{x.ClientID, x.RuleID}] })
	}
	return DiffAlerts(both(a.Alerts), both(b.Alerts)), errors.Join(errs...)
}
