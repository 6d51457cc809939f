package canvas

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/engagekit/engagekit/advisory"
)

// itemOrder and the contact order compare field by field and return at the
// first difference: they run millions of times in a large plan, and
// cmp.Or would evaluate every comparison before choosing.
func (t *alertTexts) itemOrder(a, b Item) int {
	if c := cmp.Compare(b.Position.Urgency, a.Position.Urgency); c != 0 {
		return c
	}
	if c := cmp.Compare(b.Position.Sensitivity, a.Position.Sensitivity); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Alert.Type, b.Alert.Type); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Alert.RuleID, b.Alert.RuleID); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Alert.Path, b.Alert.Path); c != 0 {
		return c
	}
	return t.alertOrder(a.Alert, b.Alert)
}

// alertOrder compares the rest of two alerts' content, so that only alerts
// equal in everything tie (and then either may come first: nothing in the
// plan tells them apart). It is rarely reached: type, rule and path
// usually decide. The values of the evidence and the outputs are compared
// as the texts t keeps of them.
func (t *alertTexts) alertOrder(a, b *advisory.Alert) int {
	if a == b {
		return 0
	}
	if c := cmp.Compare(a.ClientID, b.ClientID); c != 0 {
		return c
	}
	if c := cmp.Compare(a.RuleSet, b.RuleSet); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Version, b.Version); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Title, b.Title); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Message, b.Message); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Owner, b.Owner); c != 0 {
		return c
	}
	// The alert's own numbers: positions clamped alike can come from
	// different ones.
	if c := floatOrder(a.Urgency, b.Urgency); c != 0 {
		return c
	}
	if c := floatOrder(a.Sensitivity, b.Sensitivity); c != 0 {
		return c
	}
	if c := slices.Compare(a.Tags, b.Tags); c != 0 {
		return c
	}
	// A nil list or map before an empty one: equal in length, yet go-cmp
	// and reflect.DeepEqual tell them apart, so two alerts differing only
	// there must not tie (their order would then be the input's).
	if c := nilOrder(a.Tags == nil, b.Tags == nil); c != 0 {
		return c
	}
	if c := nilOrder(a.Evidence == nil, b.Evidence == nil); c != 0 {
		return c
	}
	if c := nilOrder(a.Outputs == nil, b.Outputs == nil); c != 0 {
		return c
	}
	// The evidence as a list of (name, value) pairs, then the outputs.
	ta, tb := t.of(a), t.of(b)
	for i := range min(len(a.Evidence), len(b.Evidence)) {
		if c := cmp.Compare(a.Evidence[i].Name, b.Evidence[i].Name); c != 0 {
			return c
		}
		if c := cmp.Compare(ta.evidence[i], tb.evidence[i]); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(len(a.Evidence), len(b.Evidence)); c != 0 {
		return c
	}
	return cmp.Compare(ta.outputs, tb.outputs)
}

// nilOrder orders a nil list or map before a non-nil one.
func nilOrder(aNil, bNil bool) int {
	switch {
	case aNil && !bNil:
		return -1
	case bNil && !aNil:
		return 1
	}
	return 0
}

// floatOrder is cmp.Compare with -0 before +0: they compare equal, yet
// JSON writes them apart, so two alerts differing only there must not tie.
func floatOrder(a, b float64) int {
	if c := cmp.Compare(a, b); c != 0 || a != 0 {
		return c
	}
	switch sa, sb := math.Signbit(a), math.Signbit(b); {
	case sa && !sb:
		return -1
	case sb && !sa:
		return 1
	}
	return 0
}

// sortDeferrals orders the alerts deferred before planning: by client id,
// then as agenda items, then by reason and detail. It sorts small keys
// (the client id and an index) rather than the deferrals, so that most
// comparisons neither reach into the alerts nor move whole deferrals.
func sortDeferrals(ds []Deferral, texts *alertTexts) {
	type key struct {
		id string
		i  int32
	}
	keys := make([]key, len(ds))
	for i := range ds {
		keys[i] = key{ds[i].Item.Alert.ClientID, int32(i)}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.id != b.id {
			return cmp.Compare(a.id, b.id)
		}
		x, y := &ds[a.i], &ds[b.i]
		if c := texts.itemOrder(x.Item, y.Item); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(x.Reason, y.Reason), cmp.Compare(x.Detail, y.Detail))
	})
	sorted := make([]Deferral, len(ds))
	for j, k := range keys {
		sorted[j] = ds[k.i]
	}
	copy(ds, sorted)
}

// sortRanks puts the contacts in plan order. The numbers (quadrant,
// urgency, sensitivity, due) decide most pairs; contacts equal on all of
// them are ordered by client id, channel, first item and creation order.
// Rule outputs are often a few round values, so ties can be most of a
// plan: then every client gets its place in id order once, and ties
// compare integers; when ties are few, they compare the ids.
func sortRanks[Ctx any](ranks []rank, items []Item, st *planState[Ctx], sortMin int) {
	same := func(a, b *rank) bool {
		return a.quadrant == b.quadrant && a.urgency == b.urgency && a.sensitivity == b.sensitivity && a.within == b.within
	}
	if mostlyTied(ranks) {
		// One sort with every tie-breaker, on integers.
		place := st.idOrder(sortMin)
		for i := range ranks {
			ranks[i].client = place[ranks[i].state]
		}
		if sortTiedByKey(ranks, items, len(place), st.texts) {
			return
		}
		sortStrict(ranks, func(a, b rank) int { return st.texts.tiedOrder(&a, &b, items) }, sortMin)
		return
	}
	sortStrict(ranks, func(a, b rank) int {
		if c := numbersOrder(&a, &b); c != 0 {
			return c
		}
		return cmp.Compare(a.contact, b.contact)
	}, sortMin)
	var runs [][2]int
	tied := 0
	for i := 0; i < len(ranks); {
		j := i + 1
		for j < len(ranks) && same(&ranks[i], &ranks[j]) {
			j++
		}
		if j-i > 1 {
			runs = append(runs, [2]int{i, j})
			tied += j - i
		}
		i = j
	}
	if tied == 0 {
		return
	}
	byPlace := tied*8 > len(ranks)
	if byPlace {
		place := st.idOrder(sortMin)
		for _, r := range runs {
			for i := r[0]; i < r[1]; i++ {
				ranks[i].client = place[ranks[i].client]
			}
		}
	}
	for _, r := range runs {
		slices.SortFunc(ranks[r[0]:r[1]], func(a, b rank) int {
			if a.client != b.client {
				if byPlace {
					return cmp.Compare(a.client, b.client)
				}
				if c := cmp.Compare(st.states[a.client].id, st.states[b.client].id); c != 0 {
					return c
				}
			}
			return st.texts.tieOrder(&a, &b, items)
		})
	}
}

// tiedOrder is plan order when rank.client holds the client's place in id
// order: the numbers, then tieOrder.
func (t *alertTexts) tiedOrder(a, b *rank, items []Item) int {
	if c := numbersOrder(a, b); c != 0 {
		return c
	}
	return t.tieOrder(a, b, items)
}

// numbersOrder orders contacts by their numbers: quadrant, then the more
// urgent, the more sensitive, the sooner due.
func numbersOrder(a, b *rank) int {
	if a.quadrant != b.quadrant {
		return cmp.Compare(a.quadrant, b.quadrant)
	}
	if a.urgency != b.urgency {
		return cmp.Compare(b.urgency, a.urgency)
	}
	if a.sensitivity != b.sensitivity {
		return cmp.Compare(b.sensitivity, a.sensitivity)
	}
	return cmp.Compare(a.within, b.within)
}

// tieOrder breaks a tie between contacts of one client (or, in client id
// order, of two clients already compared): channel, then their items one
// by one, then how many; only contacts equal in all of that fall back to
// creation order, and nothing in the plan tells those apart.
func (t *alertTexts) tieOrder(a, b *rank, items []Item) int {
	if a.client != b.client {
		return cmp.Compare(a.client, b.client)
	}
	if a.channel != b.channel {
		return cmp.Compare(a.channel, b.channel)
	}
	for k := int32(0); k < min(a.n, b.n); k++ {
		if c := t.itemOrder(items[a.first+k], items[b.first+k]); c != 0 {
			return c
		}
	}
	if a.n != b.n {
		return cmp.Compare(a.n, b.n)
	}
	return cmp.Compare(a.contact, b.contact)
}

// mostlyTied guesses from a sample whether most contacts share their
// numbers with others, as when rules give a few round positions.
func mostlyTied(ranks []rank) bool {
	if len(ranks) < 64 {
		return false
	}
	type key struct {
		u, s float64
		w    time.Duration
		q    Quadrant
	}
	step := max(1, len(ranks)/1024)
	seen := map[key]bool{}
	n := 0
	for i := 0; i < len(ranks); i += step {
		r := &ranks[i]
		seen[key{r.urgency, r.sensitivity, r.within, r.quadrant}] = true
		n++
	}
	return len(seen)*4 < n
}
