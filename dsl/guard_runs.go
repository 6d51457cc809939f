package dsl

// A rule file groups a product's rules (twenty rules that start with
// `mortgage != nil &&`, twenty with `pension != nil &&`), and a client
// without the product fails all of them on that first guard. Each would
// still cost a turn of the evaluation loop: its cancellation check, its
// budget reset, its walk to the guard's state. So the plan marks runs:
// consecutive rules whose first guard is the same, and which that guard
// alone decides when it is false. Once the guard is false, the evaluation
// steps over the rest of the run in one move; it decides them exactly as
// the loop would (false, no hit, no error), and marks them decided.
//
// A rule that a false first guard alone decides is a plain one: enabled,
// emitting, reading no decision (resolving those runs other rules first,
// which may fail) and read by none (its memo would be left unset), with a
// chain of guards. Rules the loop passes over anyway (disabled, or emit
// false) may sit inside a run; any other rule ends it.

// plainRun reports whether a false first guard is all there is to
// deciding rule: see above.
func plainRun(rule *cRule) bool {
	return rule.enabled && !rule.silent && len(rule.uses) == 0 && rule.slot < 0 &&
		rule.when != nil && len(rule.guards.at) > 0
}

// passedOver reports whether the evaluation loop skips rule.
func passedOver(rule *cRule) bool { return !rule.enabled || rule.silent }

// markRuns sets each plain rule's runEnd: the index after the last rule
// of its run. Rules the loop passes over between two rules of a run, or
// after its last, belong to it; the run ends before any other rule.
func markRuns(rules []*cRule) {
	next := len(rules) // the first rule after i the loop does not pass over
	for i := len(rules) - 1; i >= 0; i-- {
		rule := rules[i]
		rule.guards.runEnd = 0
		if passedOver(rule) {
			continue
		}
		if plainRun(rule) {
			rule.guards.runEnd = next
			if next < len(rules) && plainRun(rules[next]) && rules[next].guards.at[0] == rule.guards.at[0] {
				rule.guards.runEnd = rules[next].guards.runEnd // the run goes on through next
			}
		}
		next = i
	}
}

// markRun marks decided the rules of the run [from, end) the loop does not
// pass over, as the loop would have.
func markRun(rules []*cRule, from, end int, decided []bool) {
	for j := from; j < end; j++ {
		if !passedOver(rules[j]) {
			decided[j] = true
		}
	}
}
