package rulefile

import (
	"fmt"
	"strings"
)

// table checks a decision table over the grid of its inputs: rows that can
// never be taken, input combinations no row covers, and rows that overlap in
// a unique table.
func (a *analysis) table(r *Rule) {
	cols := len(r.Inputs)
	if cols == 0 || len(r.Rows) == 0 {
		return
	}
	rows := make([][]UnaryTest, 0, len(r.Rows))
	perCol := make([][]UnaryTest, cols)
	for _, row := range r.Rows {
		if len(row.Cells) != cols {
			return // a syntax problem the compiler reports
		}
		tests := make([]UnaryTest, cols)
		for i, c := range row.Cells {
			t, ok := a.resolve(c.Test)
			if !ok {
				a.notAnalyzed(r, "a cell names a constant that is not a literal")
				return
			}
			tests[i] = t
			perCol[i] = append(perCol[i], t)
		}
		rows = append(rows, tests)
	}
	axes := make([][]any, cols)
	for i := range axes {
		w, ok := witnesses(perCol[i])
		if !ok {
			a.notAnalyzed(r, fmt.Sprintf("input %d mixes kinds of values", i+1))
			return
		}
		axes[i] = w
	}
	t := newTableFacts(len(rows))
	done := grid(axes, func(point []any) { t.observe(rows, point) })
	if !done {
		a.notAnalyzed(r, "the table has too many combinations to enumerate")
		return
	}
	a.report(r, t)
}

func (a *analysis) notAnalyzed(r *Rule, why string) {
	a.add(Finding{Pos: r.Pos, Severity: Info, Code: "not-analyzed", Rule: r.ID, Message: "table " + r.ID + " was not analyzed: " + why})
}

// tableFacts accumulates what the grid shows.
type tableFacts struct {
	matches  []bool // row matches some point
	first    []bool // row is the first match at some point
	gaps     int
	witness  []any
	overlaps map[[2]int][]any
}

func newTableFacts(n int) *tableFacts {
	return &tableFacts{matches: make([]bool, n), first: make([]bool, n), overlaps: map[[2]int][]any{}}
}

func (t *tableFacts) observe(rows [][]UnaryTest, point []any) {
	var hit []int
	for ri, tests := range rows {
		ok := true
		for ci, test := range tests {
			if !test.accepts(point[ci]) {
				ok = false
				break
			}
		}
		if ok {
			hit = append(hit, ri)
			t.matches[ri] = true
		}
	}
	if len(hit) == 0 {
		if t.gaps == 0 {
			t.witness = append([]any(nil), point...)
		}
		t.gaps++
		return
	}
	t.first[hit[0]] = true
	for i := 1; i < len(hit); i++ {
		key := [2]int{hit[0], hit[i]}
		if _, ok := t.overlaps[key]; !ok {
			t.overlaps[key] = append([]any(nil), point...)
		}
	}
}

func (a *analysis) report(r *Rule, t *tableFacts) {
	for ri, row := range r.Rows {
		label := fmt.Sprintf("row %d", ri+1)
		switch {
		case !t.matches[ri]:
			a.add(Finding{Pos: row.Pos, Severity: Warning, Code: "unreachable-row", Rule: r.ID,
				Message: fmt.Sprintf("%s of %s matches no input at all", label, r.ID)})
		case r.Hit == "first" && !t.first[ri]:
			a.add(Finding{Pos: row.Pos, Severity: Warning, Code: "unreachable-row", Rule: r.ID,
				Message: fmt.Sprintf("%s of %s can never be taken: earlier rows match everything it matches", label, r.ID)})
		}
	}
	if t.gaps > 0 {
		a.add(Finding{Pos: r.Pos, Severity: Info, Code: "table-gap", Rule: r.ID,
			Message: fmt.Sprintf("no row of %s covers inputs such as %s", r.ID, describePoint(r, t.witness))})
	}
	if r.Hit != "unique" {
		return
	}
	for ri := range r.Rows {
		for rj := ri + 1; rj < len(r.Rows); rj++ {
			if point, ok := t.overlaps[[2]int{ri, rj}]; ok {
				a.add(Finding{Pos: r.Rows[rj].Pos, Severity: Problem, Code: "unique-overlap", Rule: r.ID,
					Message: fmt.Sprintf("rows %d and %d of unique table %s both match inputs such as %s", ri+1, rj+1, r.ID, describePoint(r, point)),
					Related: []string{fmt.Sprintf("row %d", ri+1), fmt.Sprintf("row %d", rj+1)}})
			}
		}
	}
}

func describePoint(r *Rule, point []any) string {
	parts := make([]string, len(point))
	for i, v := range point {
		text := fmt.Sprint(v)
		if s, ok := v.(string); ok {
			text = fmt.Sprintf("%q", s)
			if s == "\x00other" {
				text = "any other value"
			}
		}
		parts[i] = r.Inputs[i].Src + " = " + text
	}
	return strings.Join(parts, ", ")
}
