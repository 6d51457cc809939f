package rulefile

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// This file checks decision tables. Every point of the grid over the
// table's inputs and the atoms of its when is decided as the compiled
// table decides it (see fireTable in package dsl): points the when does
// not admit are no inputs of the table; at the others the rows match or
// not, or a cell fails, and the hit policy makes its hits or fails. What
// the points show is exact: a row no point fires never fires, and a gap or
// overlap comes with the point as its witness.

// tableFacts accumulates what the grid shows of one table.
type tableFacts struct {
	rows []rowFacts
	gap  *example
	// overlap: two rows both match (unique), or decide differently (any),
	// or may (any, undecided), by pair of rows.
	overlap, conflict, mayConflict map[[2]int]*example
	// inOverlap and inConflict mark the rows of some pair in overlap and
	// conflict.
	inOverlap, inConflict []bool
}

// pairWork is what comparing two matching rows at a point costs, in the
// budget's units: a table of a thousand rows that all match has half a
// million pairs at every point.
const pairWork = 4

// rowFacts is what the grid shows of one row. "Typed" facts come from a
// point where no field compared with true and false holds another kind.
type rowFacts struct {
	matches, matchesTyped bool // its cells match some admitted input
	fires, firesTyped     bool // it decides (is a hit) for some input
	// beaten lists the rows that won where it matched but did not fire.
	beaten map[int]bool
	// failed: the table failed at some input it matched (a cell of
	// another row erred there, or the hit policy refused the input).
	failed bool
}

// example is a witness point and how plain it is.
type example struct {
	pt  []value
	odd int
}

// offer keeps the plainest realizable point seen for an existence claim.
func (t *tableState) offer(slot **example, pt []value) {
	if !t.as.realizable(t.used, pt) || t.as.untyped(t.used, pt) {
		return
	}
	odd := oddness(t.used, pt)
	if *slot == nil || odd < (*slot).odd {
		*slot = &example{pt: append([]value(nil), pt...), odd: odd}
	}
}

// tableState is one table under analysis.
type tableState struct {
	r      *Rule
	as     *atoms
	used   []int
	inputs []int // the atom of each input
	// through lists, for each input that is a field path below others,
	// the paths it is read through that the table's when also reads: a
	// nil there makes the input nil (see readThrough). The others are
	// free, so they may be taken as not nil.
	through [][]int
	rows    [][]cell
	ranks   rowRanks
	ranked  bool // ranks are known
	facts   tableFacts
	// sig numbers what each row decides (its outputs' sources, the
	// row's or the table's): rows of one number decide alike, and two
	// numbers are compared once (same).
	sig  []int
	same map[[2]int]sameness
	// outOfWork says the budget ran out comparing rows at a point.
	outOfWork bool
	// collect checks a collect table's aggregate urgency or
	// sensitivity (analyze_collect.go); nil for others.
	collect *collectRange
	a       *analysis
}

func (a *analysis) table(r *Rule) {
	cols := len(r.Inputs)
	if cols == 0 || len(r.Rows) == 0 {
		return
	}
	t := &tableState{r: r, a: a, as: newAtoms(a.work)}
	rd := &reader{as: t.as, consts: a.consts, domains: a.domains}
	sc := scope{}.with(r.Body.Lets, rd.consts)
	for _, in := range r.Inputs {
		i := rd.input(in.Src, sc)
		t.inputs = append(t.inputs, i)
		t.through = append(t.through, rd.through(i))
	}
	for ri, row := range r.Rows {
		if len(row.Cells) != cols {
			return // a syntax error the compiler reports
		}
		cells := make([]cell, cols)
		for ci, c := range row.Cells {
			rc, ok := a.resolveCell(c.Test)
			if !ok {
				a.unknown(r, r.Pos, fmt.Sprintf("row %d, column %d names a constant whose value is not a literal", ri+1, ci+1))
				return
			}
			at := t.as.list[t.inputs[ci]]
			rc.literals(func(v value) {
				if v.kind != kindNil {
					at.lits = append(at.lits, v)
				}
			})
			cells[ci] = rc
		}
		t.rows = append(t.rows, cells)
	}
	var when *cond
	if r.Body.When != nil {
		when = rd.condition(r.Body.When.Expr.Src, sc)
	}
	for _, at := range t.as.list {
		if at.unread {
			// One value in every evaluation, unknown here: a gap or an
			// overlap found by varying it would not be the table's.
			a.unknown(r, r.Pos, "it reads "+at.text+", a constant whose value is not a literal")
			return
		}
	}
	t.ranks, t.ranked = a.ranks(r)
	t.facts = tableFacts{rows: make([]rowFacts, len(r.Rows)),
		overlap: map[[2]int]*example{}, conflict: map[[2]int]*example{}, mayConflict: map[[2]int]*example{},
		inOverlap: make([]bool, len(r.Rows)), inConflict: make([]bool, len(r.Rows))}
	if r.Hit == "any" {
		t.sig, t.same = rowSignatures(r), map[[2]int]sameness{}
	}
	t.collect = a.newCollectRange(r)
	for i := range t.facts.rows {
		t.facts.rows[i].beaten = map[int]bool{}
	}
	t.used = usedAtoms(t.inputs, when)
	for ci, parents := range t.through {
		t.through[ci] = slices.DeleteFunc(parents, func(p int) bool { _, found := slices.BinarySearch(t.used, p); return !found })
	}
	weight := when.size()
	for _, cells := range t.rows {
		for _, c := range cells {
			weight += c.size()
		}
	}
	done := t.as.grid(t.used, weight, func(pt []value) bool {
		if when == nil || when.eval(pt) == triTrue {
			t.observe(pt)
		}
		return !t.outOfWork
	})
	if !done {
		why := "the table has too many combinations of " + t.as.names(t.used) + " to check"
		if t.as.work.spent {
			why = "the file is too large for the analysis's bounded work"
		}
		a.unknown(r, r.Pos, why)
		return
	}
	t.report(when)
}

// unknown says the analysis cannot decide something of a rule.
func (a *analysis) unknown(r *Rule, pos Pos, why string) {
	a.add(Finding{Pos: pos, Severity: Info, Code: CodeUnknown, Rule: r.ID, Message: r.ID + " was not fully analyzed: " + why})
}

// observe decides the table at one admitted point.
func (t *tableState) observe(pt []value) {
	typed := !t.as.untyped(t.used, pt)
	match := make([]tri, len(t.rows))
	for ri, cells := range t.rows {
		match[ri] = triTrue
		for ci, c := range cells {
			if m := c.match(readThrough(pt, t.inputs[ci], t.through[ci])); m != triTrue {
				match[ri] = m
				break
			}
		}
		if match[ri] == triTrue {
			f := &t.facts.rows[ri]
			f.matches = true
			f.matchesTyped = f.matchesTyped || typed
		}
	}
	hits, ok := t.decide(pt, match)
	if !ok {
		for ri, m := range match {
			if m == triTrue {
				t.facts.rows[ri].failed = true
			}
		}
		return
	}
	if len(hits) == 0 {
		t.offer(&t.facts.gap, pt)
		return
	}
	for _, ri := range hits {
		f := &t.facts.rows[ri]
		f.fires = true
		f.firesTyped = f.firesTyped || typed
	}
	if t.r.Hit == "first" || t.r.Hit == "priority" {
		for ri, m := range match {
			if m == triTrue && ri != hits[0] {
				t.facts.rows[ri].beaten[hits[0]] = true
			}
		}
	}
}

// decide applies the hit policy to the rows' matches, as the compiled
// table does; it reports false when the table fails at this point.
func (t *tableState) decide(pt []value, match []tri) ([]int, bool) {
	var matched []int
	for ri, m := range match {
		if m == triFail {
			return nil, false // a first table fails too, unless a row before matched
		}
		if m == triTrue {
			matched = append(matched, ri)
			if t.r.Hit == "first" {
				return matched, true
			}
		}
	}
	if k := len(matched); (t.r.Hit == "unique" || t.r.Hit == "any") && k > 1 && !t.as.work.spend(pairWork*(k*(k-1)/2)) {
		t.outOfWork = true // the pairs of this point are more than the budget has left
		return nil, false
	}
	switch t.r.Hit {
	case "unique":
		if len(matched) > 1 {
			for i := range matched {
				for _, rj := range matched[i+1:] {
					t.offerPair(t.facts.overlap, t.facts.inOverlap, matched[i], rj, pt)
				}
			}
			return nil, false
		}
	case "any":
		fails := false
		for i := range matched {
			for _, rj := range matched[i+1:] {
				switch t.sameness(matched[i], rj) {
				case decideDifferently:
					t.offerPair(t.facts.conflict, t.facts.inConflict, matched[i], rj, pt)
					fails = true
				case decideUnknown:
					t.offerPair(t.facts.mayConflict, nil, matched[i], rj, pt)
				}
			}
		}
		if fails {
			return nil, false
		}
		// The hit is the first row's, and every matching row decides it
		// alike: each of them decides.
	case "collect":
		if t.collect != nil && len(matched) > 0 {
			t.collect.observe(t, pt, matched)
		}
	case "priority", "output_order":
		if !t.ranked {
			return matched, true // the analysis cannot rank: every match may decide
		}
		best := -1
		for _, ri := range matched {
			if t.ranks.unranked[ri] {
				return nil, false
			}
			if best < 0 || t.ranks.rank[ri] > t.ranks.rank[best] {
				best = ri
			}
		}
		if t.r.Hit == "priority" && best >= 0 {
			matched = []int{best}
		}
	}
	return matched, true
}

// sameness is whether rows i and j of an any table decide alike, worked
// out once for each pair of what rows decide.
func (t *tableState) sameness(i, j int) sameness {
	si, sj := t.sig[i], t.sig[j]
	if si == sj {
		return decideAlike
	}
	key := [2]int{min(si, sj), max(si, sj)}
	s, ok := t.same[key]
	if !ok {
		s = t.a.sameDecision(t.r, t.r.Rows[i], t.r.Rows[j])
		t.same[key] = s
	}
	return s
}

// rowSignatures numbers the rows of r by what they decide: the sources
// of their type, title, message, urgency, sensitivity and named outputs,
// each the row's or the table's. Rows with one number decide alike
// (sameDecision: equal text decides alike).
func rowSignatures(r *Rule) []int {
	ids := map[string]int{}
	out := make([]int, len(r.Rows))
	names := map[string]bool{}
	for _, blk := range append([]*Block{&r.Body}, rowBlocks(r)...) {
		for _, o := range blk.Outputs {
			names[o.Name] = true
		}
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	slices.Sort(sorted)
	for i, row := range r.Rows {
		var b strings.Builder
		pick := func(get func(*Block) string) {
			s := get(&row.Out)
			if s == "" {
				s = get(&r.Body)
			}
			b.WriteString(strconv.Quote(s))
			b.WriteByte(';')
		}
		pick(typeSrc)
		pick(func(b *Block) string { return templateKey(b.Title) })
		pick(func(b *Block) string { return templateKey(b.Message) })
		pick(func(b *Block) string { return stmtSrc(b.Urgency) })
		pick(func(b *Block) string { return stmtSrc(b.Sensitivity) })
		for _, n := range sorted {
			src, ok := outputSrc(r, row, n)
			b.WriteString(strconv.Quote(n) + strconv.FormatBool(ok) + strconv.Quote(src) + ";")
		}
		id, ok := ids[b.String()]
		if !ok {
			id = len(ids)
			ids[b.String()] = id
		}
		out[i] = id
	}
	return out
}

func rowBlocks(r *Rule) []*Block {
	out := make([]*Block, len(r.Rows))
	for i, row := range r.Rows {
		out[i] = &row.Out
	}
	return out
}

func stmtSrc(s *Stmt) string {
	if s == nil {
		return ""
	}
	return s.Expr.Src
}

// offerPair offers pt as the witness of rows i and j in m, marking both
// rows in rows (when given).
func (t *tableState) offerPair(m map[[2]int]*example, rows []bool, i, j int, pt []value) {
	if rows != nil {
		rows[i], rows[j] = true, true
	}
	key := [2]int{i, j}
	slot := m[key]
	t.offer(&slot, pt)
	if slot != nil {
		m[key] = slot
	}
}

func (t *tableState) witness(e *example) map[string]any {
	names := map[int]string{}
	for ci, i := range t.inputs {
		if _, ok := names[i]; !ok {
			names[i] = t.r.Inputs[ci].Src
		}
	}
	return t.as.witness(t.used, e.pt, names)
}

func (t *tableState) describe(w map[string]any) string {
	order := make([]string, len(t.r.Inputs))
	for i, in := range t.r.Inputs {
		order[i] = in.Src
	}
	return describe(w, order)
}

func (t *tableState) report(when *cond) {
	r, a := t.r, t.a
	admitted := ""
	if when != nil {
		admitted = " its when admits"
	}
	checked := fmt.Sprintf(" (checked over every class of values of %s)", t.as.names(t.used))
	for ri, row := range r.Rows {
		f := t.facts.rows[ri]
		label := fmt.Sprintf("row %d", ri+1)
		if !f.matches || f.matchesTyped && !f.fires {
			a.proved.add(&a.proved.never, row)
		}
		switch {
		case !f.matches:
			a.add(Finding{Pos: row.Pos, Severity: Warning, Code: "unreachable-row", Rule: r.ID, Related: []string{label},
				Message: fmt.Sprintf("%s of %s matches no input%s%s", label, r.ID, admitted, checked)})
		case !f.matchesTyped:
			a.unknown(r, row.Pos, label+" matches only if a field compared with true and false holds a value of another kind")
		case f.fires && !f.firesTyped:
			// it fires only for untyped inputs; matches typed ones
			a.unknown(r, row.Pos, label+" decides only if a field compared with true and false holds a value of another kind")
		case f.fires:
		case r.Hit == "first" && len(f.beaten) > 0:
			a.add(Finding{Pos: row.Pos, Severity: Warning, Code: "unreachable-row", Rule: r.ID, Related: append([]string{label}, rowLabels(f.beaten)...),
				Message: fmt.Sprintf("%s of %s can never be taken: wherever it matches, %s matches first%s%s", label, r.ID, rowList(f.beaten), orFails(f), checked)})
		case r.Hit == "priority" && len(f.beaten) > 0:
			a.add(Finding{Pos: row.Pos, Severity: Warning, Code: "outranked-row", Rule: r.ID, Related: append([]string{label}, rowLabels(f.beaten)...),
				Message: fmt.Sprintf("%s of %s never wins: wherever it matches, %s ranks higher%s%s", label, r.ID, rowList(f.beaten), orFails(f), checked)})
		case r.Hit == "unique" && t.facts.inOverlap[ri], r.Hit == "any" && t.facts.inConflict[ri]:
			// its overlaps are reported below
		default:
			a.add(Finding{Pos: row.Pos, Severity: Warning, Code: "unreachable-row", Rule: r.ID, Related: []string{label},
				Message: fmt.Sprintf("%s of %s never decides: every input it matches makes the table fail%s", label, r.ID, checked)})
		}
	}
	rowWhens := slices.ContainsFunc(r.Rows, func(row *Row) bool { return row.Out.When != nil })
	if t.facts.gap == nil && !rowWhens {
		// Every input its when lets through takes a row, or fails the
		// table (whether the when lets every input through is mayMiss's
		// question, which a when proved never false answers).
		a.proved.add(&a.proved.closed, r)
	}
	if d := a.unsettledRead(r); d != "" && (t.facts.gap != nil || len(t.facts.overlap)+len(t.facts.conflict)+len(t.facts.mayConflict) > 0 || t.collect.found()) {
		// Its gap or overlap may be at a value of d the bounded work
		// did not rule out: not claimed.
		a.unknown(r, r.Pos, "it reads "+d+", whose values the analysis's bounded work did not settle")
		return
	}
	if g := t.facts.gap; g != nil {
		w := t.witness(g)
		a.add(Finding{Pos: r.Pos, Severity: Info, Code: "table-gap", Rule: r.ID, Witness: w,
			Message: fmt.Sprintf("no row of %s covers inputs such as %s", r.ID, t.describe(w))})
	}
	t.reportPairs(t.facts.overlap, Problem, "unique-overlap", "rows %d and %d of unique table %s both match inputs such as %s")
	t.reportPairs(t.facts.conflict, Problem, "any-conflict", "rows %d and %d of any table %s both match inputs such as %s and decide differently")
	t.reportPairs(t.facts.mayConflict, Info, CodeUnknown, "rows %d and %d of any table %s both match inputs such as %s; whether they decide alike is unknown")
	t.collect.report(t)
}

// orFails completes a row's "beaten" finding where the table also
// fails at some input the row matches: no row beat it there.
func orFails(f rowFacts) string {
	if f.failed {
		return ", or the table fails"
	}
	return ""
}

func (t *tableState) reportPairs(m map[[2]int]*example, sev Severity, code, format string) {
	r := t.r
	for ri := range r.Rows {
		for rj := ri + 1; rj < len(r.Rows); rj++ {
			e, ok := m[[2]int{ri, rj}]
			if !ok {
				continue
			}
			w := t.witness(e)
			t.a.add(Finding{Pos: r.Rows[rj].Pos, Severity: sev, Code: code, Rule: r.ID, Witness: w,
				Message: fmt.Sprintf(format, ri+1, rj+1, r.ID, t.describe(w)),
				Related: []string{fmt.Sprintf("row %d", ri+1), fmt.Sprintf("row %d", rj+1)}})
		}
	}
}

func rowLabels(rows map[int]bool) []string {
	last := -1
	for ri := range rows {
		last = max(last, ri)
	}
	var out []string
	for ri := 0; ri <= last; ri++ {
		if rows[ri] {
			out = append(out, fmt.Sprintf("row %d", ri+1))
		}
	}
	return out
}

// rowList writes rows as "row 1" or "rows 1 and 3".
func rowList(rows map[int]bool) string {
	labels := rowLabels(rows)
	if len(labels) == 1 {
		return labels[0]
	}
	nums := make([]string, len(labels))
	for i, l := range labels {
		nums[i] = strings.TrimPrefix(l, "row ")
	}
	if len(nums) == 0 {
		return "no row"
	}
	return "rows " + strings.Join(nums[:len(nums)-1], ", ") + " and " + nums[len(nums)-1]
}

// unsettledRead names a decision r reads whose domain is unsettled (see
// settleDecisions), or is "".
func (a *analysis) unsettledRead(r *Rule) string {
	if len(a.domains.unsettled) == 0 {
		return ""
	}
	found := ""
	r.eachExpr(func(e Expr) {
		for _, n := range memberRoots(e.Src) {
			if found == "" && a.domains.unsettled[n] && n != r.ID {
				found = n
			}
		}
	})
	return found
}
