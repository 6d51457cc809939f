package rulefile_test

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/dsl/rulefile"
	"pgregory.net/rapid"
)

// The analysis is held to the compiled rule set: every finding is checked
// by evaluating the rules, on its witness (a gap, an overlap, a conflict)
// or by brute force over a dense sample of inputs (an unreachable branch
// or row, an outranked row); and every defect the sample shows in a rule
// the analysis fully reads is one it reports.

// propEnv is the environment: nullable fields of each kind a cell tests,
// and a number behind a nullable parent (P?.V), whose nil the rule reads
// through the parent.
type propEnv struct {
	X *float64
	S *string
	B *bool
	P *propInner
}

// propInner is what P points at.
type propInner struct{ V *float64 }

var (
	propNumbers = []float64{-1, 0, 2.5, 30, 9007199254740993, 9007199254740994, 18014398509481984}
	// condNumbers are the numbers a condition compares with: below 2^53,
	// where the analysis reads a condition's comparison exactly.
	condNumbers = []float64{-1, 0, 2.5, 30}
	propStrings = []string{"", "a", "a\x00", "b", "m", "mm"}
)

// sampleX is the dense sample of numbers: every literal, its float64
// neighbours, integers around it, and points between.
func sampleX() []*float64 {
	var fs []float64
	for _, n := range propNumbers {
		fs = append(fs, n, math.Nextafter(n, math.Inf(-1)), math.Nextafter(n, math.Inf(1)), n-1, n+1, n-0.5, n+0.5)
	}
	fs = append(fs, math.Inf(-1), math.Inf(1), 1e308, -1e308)
	slices.Sort(fs)
	fs = slices.Compact(fs)
	out := []*float64{nil}
	for _, f := range fs {
		out = append(out, &f)
	}
	return out
}

func sampleS() []*string {
	var ss []string
	for _, s := range propStrings {
		ss = append(ss, s, s+"\x00", s+"\x00\x00", s+"\x01", s+"z")
	}
	ss = append(ss, "zzz", "A", "l")
	slices.Sort(ss)
	ss = slices.Compact(ss)
	out := []*string{nil}
	for _, s := range ss {
		out = append(out, &s)
	}
	return out
}

// sampleP is P nil, P with V nil, and P with V at each literal a
// condition compares with and between them.
func sampleP() []*propInner {
	out := []*propInner{nil, {}}
	for _, n := range condNumbers {
		for _, v := range []float64{n - 0.5, n, n + 0.5} {
			out = append(out, &propInner{V: &v})
		}
	}
	return out
}

func sampleB() []*bool {
	t, f := true, false
	return []*bool{nil, &t, &f}
}

// samples is every env over the fields the source mentions (the others
// nil).
func samples(src string) []propEnv {
	xs, ss, bs := []*float64{nil}, []*string{nil}, []*bool{nil}
	if mentions(src, "X") {
		xs = sampleX()
	}
	if mentions(src, "S") {
		ss = sampleS()
	}
	if mentions(src, "B") {
		bs = sampleB()
	}
	ps := []*propInner{nil}
	if mentions(src, "P") {
		ps = sampleP()
	}
	var out []propEnv
	for _, x := range xs {
		for _, s := range ss {
			for _, b := range bs {
				for _, p := range ps {
					out = append(out, propEnv{X: x, S: s, B: b, P: p})
				}
			}
		}
	}
	return out
}

func mentions(src, field string) bool {
	for _, tok := range strings.FieldsFunc(src, func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_')
	}) {
		if tok == field {
			return true
		}
	}
	return false
}

func numLit(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// genLiteral draws a literal of a field's kind.
func genLiteral(t *rapid.T, field string, inCond bool) string {
	switch field {
	case "P?.V":
		return numLit(rapid.SampledFrom(condNumbers).Draw(t, "num"))
	case "X":
		pool := propNumbers
		if inCond {
			pool = condNumbers
		}
		return numLit(rapid.SampledFrom(pool).Draw(t, "num"))
	case "S":
		return strconv.Quote(rapid.SampledFrom(propStrings).Draw(t, "str"))
	}
	return rapid.SampledFrom([]string{"true", "false"}).Draw(t, "bool")
}

// genCompare draws a comparison of a field for a condition.
func genCompare(t *rapid.T, fields []string) string {
	f := rapid.SampledFrom(fields).Draw(t, "field")
	if rapid.IntRange(0, 5).Draw(t, "nilTest") == 0 {
		if f == "P?.V" && rapid.Bool().Draw(t, "parent") {
			f = "P" // the parent's own nil
		}
		return f + " " + rapid.SampledFrom([]string{"==", "!="}).Draw(t, "op") + " nil"
	}
	ops := []string{"<", "<=", ">", ">=", "==", "!="}
	if f == "B" {
		ops = []string{"==", "!="}
	}
	return f + " " + rapid.SampledFrom(ops).Draw(t, "op") + " " + genLiteral(t, f, true)
}

// genCond draws a condition; opaque parts (which the analysis does not
// read) only when opaque is set.
func genCond(t *rapid.T, fields []string, depth int, opaque bool) string {
	if opaque && rapid.IntRange(0, 6).Draw(t, "opaque") == 0 {
		return rapid.SampledFrom([]string{"X * 2 > 5", "len(S) > 1"}).Draw(t, "opaqueCond")
	}
	if depth <= 0 || rapid.Bool().Draw(t, "leaf") {
		return genCompare(t, fields)
	}
	switch rapid.IntRange(0, 3).Draw(t, "join") {
	case 0:
		return "(" + genCond(t, fields, depth-1, opaque) + " && " + genCond(t, fields, depth-1, opaque) + ")"
	case 1:
		return "(" + genCond(t, fields, depth-1, opaque) + " || " + genCond(t, fields, depth-1, opaque) + ")"
	case 2: // a condition compared with a bool is the condition or its negation
		return "((" + genCond(t, fields, depth-1, opaque) + ") " + rapid.SampledFrom([]string{"== true", "!= true", "== false", "!= false"}).Draw(t, "versus") + ")"
	}
	return "!(" + genCond(t, fields, depth-1, opaque) + ")"
}

// genSimple draws one unary test of a cell, no `-`.
func genSimple(t *rapid.T, field string) string {
	switch rapid.IntRange(0, 6).Draw(t, "simple") {
	case 0:
		return "nil"
	case 1:
		return "!= nil"
	case 2, 3:
		if field != "B" {
			lo, hi := genLiteral(t, field, false), genLiteral(t, field, false)
			return rapid.SampledFrom([]string{"[", "("}).Draw(t, "lo") + lo + ".." + hi + rapid.SampledFrom([]string{"]", ")"}).Draw(t, "hi")
		}
	case 4:
		ops := []string{"< ", "<= ", "> ", ">= ", "!= "}
		if field == "B" {
			ops = []string{"!= "}
		}
		return rapid.SampledFrom(ops).Draw(t, "cellOp") + genLiteral(t, field, false)
	}
	return genLiteral(t, field, false)
}

func genCell(t *rapid.T, field string) string {
	return genCellOf(t, func() string { return genSimple(t, field) })
}

// genCellOf is a cell: any, a simple test (simple draws one), a list of
// two, or the negation of one or two.
func genCellOf(t *rapid.T, simple func() string) string {
	switch rapid.IntRange(0, 6).Draw(t, "cell") {
	case 0, 1:
		return "-"
	case 2:
		return simple() + " | " + simple()
	case 3:
		return "not(" + simple() + ")"
	case 4:
		return "not(" + simple() + " | " + simple() + ")"
	}
	return simple()
}

// propTable is a generated table, kept as parts so a shadow copy can
// collect every matching row.
type propTable struct {
	hit    string
	when   string
	inputs []string
	cells  [][]string
	urg    []string
	prio   []int
}

func (p propTable) source(hit string) string {
	var sb strings.Builder
	sb.WriteString("ruleset p version 1\ntable t hit " + hit + " {\n  type \"t\"\n")
	if p.when != "" {
		sb.WriteString("  when " + p.when + "\n")
	}
	sb.WriteString("  in " + strings.Join(p.inputs, ", ") + "\n")
	for i, row := range p.cells {
		out := "urgency " + p.urg[i]
		if hit == "priority" || hit == "output_order" {
			out += " priority " + strconv.Itoa(p.prio[i])
		}
		sb.WriteString("  row " + strings.Join(row, ", ") + " => " + out + "\n")
	}
	sb.WriteString("}\n")
	return sb.String()
}

func genTable(t *rapid.T) propTable {
	all := []string{"X", "S", "B", "P?.V"}
	n := rapid.IntRange(1, 3).Draw(t, "inputs")
	perm := rapid.Permutation(all).Draw(t, "perm")
	p := propTable{
		hit:    rapid.SampledFrom([]string{"first", "unique", "any", "priority", "output_order", "rule_order", "collect", collectSum}).Draw(t, "hit"),
		inputs: perm[:n],
	}
	// A collect sum's values are large enough that two or three matching
	// rows leave [0, 1], and 0.2 five times is the float just above 1.
	urgencies := []string{"0.1", "0.2"}
	if p.hit == collectSum {
		urgencies = []string{"0.1", "0.2", "0.4", "0.6"}
	}
	if rapid.IntRange(0, 3).Draw(t, "hasWhen") == 0 {
		p.when = genCond(t, p.inputs, 1, false)
	}
	rows := rapid.IntRange(1, 5).Draw(t, "rows")
	for range rows {
		var row []string
		for _, in := range p.inputs {
			row = append(row, genCell(t, in))
		}
		p.cells = append(p.cells, row)
		p.urg = append(p.urg, rapid.SampledFrom(urgencies).Draw(t, "urgency"))
		p.prio = append(p.prio, rapid.IntRange(0, 2).Draw(t, "priority"))
	}
	return p
}

// collectSum is the generated tables' aggregating hit policy: the hit's
// urgency is the sum of the matching rows', which the rule set holds to
// [0, 1] (failing outside it unless it clamps outputs).
const collectSum = "collect sum urgency"

// rowsOf lists the rows named by hits ("row 2", or an aggregate's "rows
// 1, 3").
func rowsOf(hits []dsl.Hit) map[int]bool {
	out := map[int]bool{}
	for _, h := range hits {
		list, ok := strings.CutPrefix(h.Path, "rows ")
		if !ok {
			list, ok = strings.CutPrefix(h.Path, "row ")
		}
		if !ok {
			continue
		}
		for _, n := range strings.Split(list, ", ") {
			i, _ := strconv.Atoi(n)
			out[i-1] = true
		}
	}
	return out
}

func compile(t *rapid.T, src string) *dsl.RuleSet[propEnv] {
	rs, err := dsl.CompileRules[propEnv]([]byte(src))
	if err != nil {
		t.Fatalf("generated file does not compile: %v\n%s", err, src)
	}
	return rs
}

func analyze(t *rapid.T, src string) []rulefile.Finding {
	f, err := rulefile.Parse([]byte(src))
	if err != nil {
		t.Fatalf("generated file does not parse: %v\n%s", err, src)
	}
	return rulefile.Analyze(f)
}

// envOf builds the env a witness describes; false when it names
// something that is not a field (an opaque condition).
func envOf(w map[string]any) (propEnv, bool) {
	var e propEnv
	for k, v := range w {
		_, any := v.(rulefile.AnyValue)
		switch {
		case v == nil:
		case k == "X":
			f := 0.0
			if !any {
				f = v.(float64)
			}
			e.X = &f
		case k == "S":
			s := ""
			if !any {
				s = v.(string)
			}
			e.S = &s
		case k == "B":
			b := false
			if !any {
				b = v.(bool)
			}
			e.B = &b
		case k == "P?.V":
			f := 0.0
			if !any {
				f = v.(float64)
			}
			if e.P == nil {
				e.P = &propInner{}
			}
			e.P.V = &f
		case k == "P":
			if e.P == nil {
				e.P = &propInner{} // set: V, if the witness names it, is filled in
			}
		default:
			return e, false
		}
	}
	return e, true
}

// outcome is one env's evaluation of a table: the rows whose cells match
// (from the shadow collect table), the rows that decide, and whether the
// table failed; in is false when the when does not admit the env.
type outcome struct {
	in      bool
	matched map[int]bool
	fired   map[int]bool
	failed  bool
}

// tableSets are a generated table compiled as written (real), as a plain
// collect table (shadow: every matching row a hit) and, for a collect
// sum, with its outputs clamped (decides: where the sum leaves [0, 1] the
// real table fails and the clamped one decides, which is how the
// analysis reads such a point).
type tableSets struct {
	real, shadow, decides *dsl.RuleSet[propEnv]
}

func compileTable(t *rapid.T, p propTable) tableSets {
	src := p.source(p.hit)
	ts := tableSets{real: compile(t, src), shadow: compile(t, p.source("collect"))}
	ts.decides = ts.real
	if p.hit == collectSum {
		rs, err := dsl.CompileRules[propEnv]([]byte(src), dsl.WithClampedOutputs())
		if err != nil {
			t.Fatalf("generated file does not compile clamped: %v\n%s", err, src)
		}
		ts.decides = rs
	}
	return ts
}

func evalTable(ts tableSets, e propEnv) outcome {
	sh, err := ts.shadow.Eval(e, time.Time{})
	if err != nil {
		return outcome{}
	}
	hits, err := ts.real.Eval(e, time.Time{})
	o := outcome{matched: rowsOf(sh), failed: err != nil}
	if ts.decides != ts.real {
		hits, _ = ts.decides.Eval(e, time.Time{})
	}
	o.fired = rowsOf(hits)
	// the when holds iff the shadow fired at all or no row matches
	o.in = true
	return o
}

func TestAnalyzeTablesAgainstTheRuleSet(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genTable(t)
		src := p.source(p.hit)
		ts := compileTable(t, p)
		whenOnly := compile(t, "ruleset p version 1\nrule w {\n  type \"t\"\n"+whenLine(p.when)+"}\n")
		findings := analyze(t, src)
		envs := samples(src)
		outs := make([]outcome, len(envs))
		for i, e := range envs {
			hits, err := whenOnly.Eval(e, time.Time{})
			if err != nil || len(hits) == 0 {
				continue // the when does not admit e: no input of the table
			}
			outs[i] = evalTable(ts, e)
		}
		unknown := false
		reported := map[string]bool{}
		for _, f := range findings {
			if f.Code == rulefile.CodeUnknown {
				unknown = true
				continue
			}
			reported[f.Code+" "+strings.Join(f.Related, ",")] = true
			checkTableFinding(t, src, p, f, ts, whenOnly, envs, outs)
		}
		if unknown {
			return
		}
		// No false negatives: every defect the sample shows is reported.
		gap := false
		for i, o := range outs {
			if !o.in {
				continue
			}
			if len(o.matched) == 0 && !o.failed {
				gap = true
			}
			if miss := unreportedPair(p.hit, p.urg, o.matched, reported); miss != "" {
				t.Fatalf("%s at %+v; not reported\n%s\n%v", miss, show(envs[i]), src, findings)
			}
		}
		if gap && !hasCode(findings, "table-gap") {
			t.Fatalf("the sample has a gap; none reported\n%s\n%v", src, findings)
		}
		// A collect sum that leaves [0, 1] somewhere in the sample is
		// reported (a collect sum fails nowhere else: its rows' values
		// are literals in range).
		if p.hit == collectSum && !hasCode(findings, "collect-out-of-range") {
			for i, o := range outs {
				if o.in && o.failed {
					t.Fatalf("the sum of rows %v leaves [0, 1] at %s; not reported\n%s\n%v", o.matched, show(envs[i]), src, findings)
				}
			}
		}
		for ri := range p.cells {
			fires, matches := false, false
			for _, o := range outs {
				fires = fires || o.fired[ri]
				matches = matches || o.matched[ri]
			}
			if fires || (matches && (p.hit == "unique" || p.hit == "any")) {
				continue
			}
			if !hasRowFinding(findings, ri) {
				t.Fatalf("row %d never decides over the sample; not reported\n%s\n%v", ri+1, src, findings)
			}
		}
	})
}

func whenLine(when string) string {
	if when == "" {
		return ""
	}
	return "  when " + when + "\n"
}

func hasCode(fs []rulefile.Finding, code string) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}

func hasRowFinding(fs []rulefile.Finding, ri int) bool {
	label := fmt.Sprintf("row %d", ri+1)
	for _, f := range fs {
		if (f.Code == "unreachable-row" || f.Code == "outranked-row") && len(f.Related) > 0 && f.Related[0] == label {
			return true
		}
	}
	return false
}

func show(e propEnv) string {
	var parts []string
	if e.X != nil {
		parts = append(parts, "X="+numLit(*e.X))
	}
	if e.S != nil {
		parts = append(parts, "S="+strconv.Quote(*e.S))
	}
	if e.B != nil {
		parts = append(parts, "B="+strconv.FormatBool(*e.B))
	}
	switch {
	case e.P == nil:
	case e.P.V == nil:
		parts = append(parts, "P={}")
	default:
		parts = append(parts, "P.V="+numLit(*e.P.V))
	}
	return strings.Join(parts, " ")
}

// checkTableFinding checks one finding of a table against the rule set.
func checkTableFinding(t *rapid.T, src string, p propTable, f rulefile.Finding, ts tableSets, whenOnly *dsl.RuleSet[propEnv], envs []propEnv, outs []outcome) {
	switch f.Code {
	case "collect-out-of-range":
		if p.hit != collectSum {
			t.Fatalf("collect-out-of-range of a %s table\n%s", p.hit, src)
		}
		e, ok := envOf(f.Witness)
		if !ok {
			return
		}
		if hits, err := whenOnly.Eval(e, time.Time{}); err != nil || len(hits) == 0 {
			t.Fatalf("%s: witness %v is not admitted by the when\n%s", f.Code, f.Witness, src)
		}
		o := evalTable(ts, e)
		related := map[int]bool{}
		for _, r := range f.Related {
			related[rowIndex(r)] = true
		}
		if !o.failed || !maps.Equal(o.matched, related) {
			t.Fatalf("%s witness %v: rows %v match (finding: %v), failed %v\n%s", f.Code, f.Witness, o.matched, f.Related, o.failed, src)
		}
		return
	case "table-gap", "unique-overlap", "any-conflict":
		e, ok := envOf(f.Witness)
		if !ok {
			return
		}
		if hits, err := whenOnly.Eval(e, time.Time{}); err != nil || len(hits) == 0 {
			t.Fatalf("%s: witness %v is not admitted by the when\n%s", f.Code, f.Witness, src)
		}
		o := evalTable(ts, e)
		switch f.Code {
		case "table-gap":
			if len(o.matched) != 0 || o.failed || len(o.fired) != 0 {
				t.Fatalf("gap witness %v: rows %v match\n%s", f.Witness, o.matched, src)
			}
		default:
			a, b := rowIndex(f.Related[0]), rowIndex(f.Related[1])
			if !o.matched[a] || !o.matched[b] || !o.failed {
				t.Fatalf("%s witness %v: matched %v, failed %v\n%s", f.Code, f.Witness, o.matched, o.failed, src)
			}
		}
	case "unreachable-row", "outranked-row":
		ri := rowIndex(f.Related[0])
		for i, o := range outs {
			if o.fired[ri] {
				t.Fatalf("%s: %s decides for %s\n%s", f.Code, f.Message, show(envs[i]), src)
			}
			if strings.Contains(f.Message, "matches no input") && o.matched[ri] {
				t.Fatalf("%s: %s matches %s\n%s", f.Code, f.Message, show(envs[i]), src)
			}
		}
	case "duplicate-id", "duplicate-const", "unused-let", "unused-const", "equivalent-when":
	default:
		t.Fatalf("unexpected finding %+v\n%s", f, src)
	}
}

func rowIndex(label string) int {
	i, _ := strconv.Atoi(strings.TrimPrefix(label, "row "))
	return i - 1
}

// propTree is a generated decision tree.
type propTree struct {
	cond     string // "" for an else
	children []*propTree
}

func genBranches(t *rapid.T, fields []string, depth int, opaque bool) []*propTree {
	n := rapid.IntRange(1, 3).Draw(t, "branches")
	var out []*propTree
	for range n {
		b := &propTree{cond: genCond(t, fields, 1, opaque)}
		if depth > 0 && rapid.IntRange(0, 2).Draw(t, "nest") == 0 {
			b.children = genBranches(t, fields, depth-1, opaque)
		}
		out = append(out, b)
	}
	if rapid.Bool().Draw(t, "else") {
		out = append(out, &propTree{})
	}
	return out
}

func writeBranches(sb *strings.Builder, bs []*propTree, indent string) {
	for _, b := range bs {
		if b.cond == "" {
			sb.WriteString(indent + "else {\n")
		} else {
			sb.WriteString(indent + "branch " + b.cond + " {\n")
		}
		writeBranches(sb, b.children, indent+"  ")
		sb.WriteString(indent + "}\n")
	}
}

// labels lists every branch's label as the compiler names it.
func labels(bs []*propTree, prefix string) []string {
	var out []string
	for i, b := range bs {
		l := prefix + "branch " + strconv.Itoa(i+1)
		if b.cond == "" {
			l = prefix + "else"
		}
		out = append(out, l)
		out = append(out, labels(b.children, l+"/")...)
	}
	return out
}

func TestAnalyzeTreesAgainstTheRuleSet(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		all := []string{"X", "S", "B", "P?.V"}
		fields := rapid.Permutation(all).Draw(t, "perm")[:rapid.IntRange(1, 3).Draw(t, "fields")]
		opaque := rapid.IntRange(0, 3).Draw(t, "opaqueTree") == 0
		var sb strings.Builder
		sb.WriteString("ruleset p version 1\nrule r {\n  type \"t\"\n")
		if rapid.Bool().Draw(t, "hasWhen") {
			sb.WriteString("  when " + genCond(t, fields, 1, opaque) + "\n")
		}
		tree := genBranches(t, fields, 2, opaque)
		writeBranches(&sb, tree, "  ")
		sb.WriteString("}\n")
		src := sb.String()
		rs := compile(t, src)
		findings := analyze(t, src)
		taken := map[string]bool{}
		for _, e := range samples(src) {
			hits, err := rs.Eval(e, time.Time{})
			if err != nil || len(hits) == 0 {
				continue
			}
			path := hits[0].Path
			for path != "" {
				taken[path] = true
				i := strings.LastIndex(path, "/")
				if i < 0 {
					break
				}
				path = path[:i]
			}
		}
		reported := map[string]bool{}
		unknown := map[string]bool{}
		for _, f := range findings {
			switch f.Code {
			case "unreachable-branch":
				label := f.Related[0]
				if taken[label] {
					t.Fatalf("%s: but the sample takes it\n%s", f.Message, src)
				}
				reported[label] = true
			case rulefile.CodeUnknown:
				unknown[f.Related[0]] = true
			case "unused-let", "unused-const", "equivalent-when":
			default:
				t.Fatalf("unexpected finding %+v\n%s", f, src)
			}
		}
		if opaque || threeWayBool(src) {
			return // the analysis need not see through these
		}
		for _, l := range labels(tree, "") {
			if taken[l] || unknown[l] {
				continue
			}
			covered := false
			for p := l; ; {
				if reported[p] {
					covered = true
					break
				}
				i := strings.LastIndex(p, "/")
				if i < 0 {
					break
				}
				p = p[:i]
			}
			if !covered {
				t.Fatalf("%s is never taken over the sample; not reported\n%s\n%v", l, src, findings)
			}
		}
	})
}

// threeWayBool reports a file comparing B with true, false and nil: the
// analysis then allows B a value of another kind (an `any` field could
// hold one), which this env's *bool cannot.
func threeWayBool(src string) bool {
	return strings.Contains(src, "B == nil") || strings.Contains(src, "B != nil")
}

// unreportedPair is a defect two rows matching together show that the
// findings (by code and rows, in reported) leave out: an overlap of a
// unique table, a conflict of an any table; "" when there is none.
func unreportedPair(hit string, urg []string, matched map[int]bool, reported map[string]bool) string {
	for a := range matched {
		for b := range matched {
			if a >= b {
				continue
			}
			key := fmt.Sprintf("row %d,row %d", a+1, b+1)
			if hit == "unique" && !reported["unique-overlap "+key] {
				return fmt.Sprintf("rows %d and %d both match", a+1, b+1)
			}
			if hit == "any" && urg[a] != urg[b] && !reported["any-conflict "+key] {
				return fmt.Sprintf("rows %d and %d conflict", a+1, b+1)
			}
		}
	}
	return ""
}

// markTaken records a branch path and every path above it as taken.
func markTaken(taken map[string]bool, path string) {
	for p := path; p != ""; {
		taken[p] = true
		i := strings.LastIndex(p, "/")
		if i < 0 {
			break
		}
		p = p[:i]
	}
}

// TestAnalyzeEquivalentWhensAgainstTheRuleSet holds equivalent-when to the
// rule set: two rules it calls equivalent fire alike at every input of
// the dense sample, a NaN X included (a comparison that sees NaN fails,
// so the order in which a condition compares decides where it fails);
// and a condition written again, or negated twice, is found equivalent
// to itself.
func TestAnalyzeEquivalentWhensAgainstTheRuleSet(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		perm := rapid.Permutation([]string{"X", "S", "B", "P?.V"}).Draw(t, "perm")
		fields := perm[:rapid.IntRange(1, 3).Draw(t, "fields")]
		x := genCond(t, fields, 2, false)
		y, same := x, true
		switch rapid.IntRange(0, 3).Draw(t, "y") {
		case 1:
			y = "!(!(" + x + "))"
		case 2:
			y, same = genCond(t, fields, 2, false), false
		case 3:
			y, same = swapTop(x), false
		}
		src := "ruleset p version 1\nrule x {\n  type \"t\"\n  when " + x + "\n}\nrule y {\n  type \"t\"\n  when " + y + "\n}\n"
		rs := compile(t, src)
		findings := analyze(t, src)
		claimed := false
		for _, f := range findings {
			if f.Code == rulefile.CodeUnknown {
				return
			}
			claimed = claimed || f.Code == "equivalent-when"
		}
		if same && !claimed {
			t.Fatalf("y's condition is x's; no equivalent-when\n%s\n%v", src, findings)
		}
		if !claimed {
			return
		}
		nan := math.NaN()
		for _, e := range append(samples(src), propEnv{X: &nan}, propEnv{X: &nan, S: new(string)}, propEnv{X: &nan, B: new(bool)}) {
			hits, _ := rs.Eval(e, time.Time{})
			fired := map[string]bool{}
			for _, h := range hits {
				fired[h.Rule] = true
			}
			if fired["x"] != fired["y"] {
				t.Fatalf("equivalent-when, yet at %s x fires %v and y %v\n%s", show(e), fired["x"], fired["y"], src)
			}
		}
	})
}

// swapTop writes a condition with the two sides of its outermost && or ||
// swapped: equivalent but where a side fails.
func swapTop(c string) string {
	if !strings.HasPrefix(c, "(") || !strings.HasSuffix(c, ")") {
		return c
	}
	inner, depth := c[1:len(c)-1], 0
	for i := 0; i+4 <= len(inner); i++ {
		switch inner[i] {
		case '(':
			depth++
		case ')':
			depth--
		}
		if depth == 0 && (inner[i:i+4] == " && " || inner[i:i+4] == " || ") {
			return "(" + inner[i+4:] + inner[i:i+4] + inner[:i] + ")"
		}
	}
	return c
}
