package advisory

import (
	"cmp"
	"context"
	"errors"
	"iter"
	"slices"
	"time"
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
// client, rule, type and path. (It was called Compare, a name engagement
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
	olds := map[alertKey]Alert{}
	for _, a := range old {
		olds[keyOf(a)] = a
	}
	seen := map[alertKey]bool{}
	for _, n := range new {
		k := keyOf(n)
		seen[k] = true
		o, ok := olds[k]
		switch fields := changedFields(o, n); {
		case !ok:
			d.Appeared = append(d.Appeared, n)
			count(n.Type).Appeared++
		case len(fields) > 0:
			d.Changed = append(d.Changed, Change{Old: o, New: n, Fields: fields})
			count(n.Type).Changed++
		default:
			d.Unchanged++
			count(n.Type).Unchanged++
		}
	}
	for _, o := range old {
		if !seen[keyOf(o)] {
			d.Disappeared = append(d.Disappeared, o)
			count(o.Type).Disappeared++
		}
	}
	order := func(a, b Alert) int {
		ka, kb := keyOf(a), keyOf(b)
		return cmp.Or(cmp.Compare(ka.client, kb.client), cmp.Compare(ka.rule, kb.rule), cmp.Compare(ka.typ, kb.typ), cmp.Compare(ka.path, kb.path))
	}
	slices.SortFunc(d.Appeared, order)
	slices.SortFunc(d.Disappeared, order)
	slices.SortFunc(d.Changed, func(a, b Change) int { return order(a.New, b.New) })
	for _, t := range byType {
		d.ByType = append(d.ByType, *t)
	}
	slices.SortFunc(d.ByType, func(a, b TypeDiff) int { return cmp.Compare(a.Type, b.Type) })
	return d
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
// evaluate.
func DiffVersions[Env any](ctx context.Context, old, new *Framework[Env], files iter.Seq[Item[Env]], now time.Time) (Diff, error) {
	a := old.EvaluateAll(ctx, files, now, BatchOptions{})
	b := new.EvaluateAll(ctx, files, now, BatchOptions{})
	var errs []error
	for _, f := range append(a.Failed, b.Failed...) {
		errs = append(errs, f.Err)
	}
	if err := ctx.Err(); err != nil {
		errs = append(errs, err)
	}
	return DiffAlerts(a.Alerts, b.Alerts), errors.Join(errs...)
}
