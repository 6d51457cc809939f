package rulefile_test

// A rapid property for the analysis of NAMED DECISION reads (d.fired,
// d.type, d.urgency, d.sensitivity, d.<output>): files of one or two
// decisions (`emit false` rules with branch trees, or single-hit tables,
// with and without a when, with literal and non-literal outputs of number,
// string and bool kind, defaults left unsaid) and one reader (a rule with
// a branch tree, or a table of any hit policy) whose conditions and cells
// test the decisions' reads and the fields the decisions do not read.
//
// Every finding is held to the compiled rule set as in
// analyze_property_test.go: an unreachable branch or row, or an outranked
// row, must not be taken at any input of the dense sample; a gap, overlap
// or conflict's witness (which names decision reads by "d1.band") is
// realised by searching the sample for an input at which every decision
// says what the witness says, and the reader must then show the defect.
// Every defect the sample shows must be reported when the reader is in
// what the analysis claims to read exactly (see exactCtx).
//
// The bugs this property found are fixed and kept as cases of
// TestAnalyzeDecisionHostile: a comparison of a decision's output (not
// fired) with a literal fails on nil in the compiled rule (__decided),
// which the analysis read as false or true (false gaps at nil, missed
// unreachable branches and rows); and two reads of one decision were
// taken to vary apart (gap witnesses such as d.fired true with d.band nil,
// which no input gives).
//
// ADV_DECISIONS_STRICT=witness also demands that every witness be
// realised outside exactCtx. It fails on a known limit of the model: a
// decision whose conditions fail (on a nil) wherever it would fire still
// has its leaves' values as its domain, so a witness can name values only
// a failing decision would give.

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/dsl/rulefile"
	"pgregory.net/rapid"
)

// decStrictWitness is ADV_DECISIONS_STRICT=witness (see above).
var decStrictWitness = os.Getenv("ADV_DECISIONS_STRICT") == "witness"

// readKind is the kind of value a decision read holds.
type readKind uint8

const (
	rkNum readKind = iota
	rkStr
	rkBool
)

// decOutputs are the names a decision says, each with its kind.
var decOutputs = map[string]readKind{"type": rkStr, "urgency": rkNum, "sensitivity": rkNum, "n": rkNum, "s": rkStr, "f": rkBool}

// literal pools of the decisions' statements; "open" ones are not literals.
var decLits = map[string][]string{
	"type":        {`"t1"`, `"t2"`},
	"urgency":     {"0", "0.5", "1", "0.25 + 0.25"},
	"sensitivity": {"0", "0.5", "1"},
	"n":           {"0", "1", "2.5", "-1", "1 + 1"},
	"s":           {`"a"`, `"b"`, `""`, `"a" + "b"`},
	"f":           {"true", "false"},
}

// literal pools of the reader's comparisons, by kind.
var readLits = map[readKind][]string{
	rkNum:  {"0", "0.5", "1", "2.5", "-1", "3"},
	rkStr:  {`""`, `"a"`, `"b"`, `"t0"`, `"t1"`, `"t2"`, `"c"`},
	rkBool: {"true", "false"},
}

// decBlock is what one block of a decision says: name -> expression.
type decBlock map[string]string

// decTree is a branch of a decision rule with its block.
type decTree struct {
	cond     string // "" for else
	block    decBlock
	children []*decTree
}

// decSpec is one generated decision.
type decSpec struct {
	id     string
	table  bool
	hit    string
	when   string
	fields []string // the fields it reads, with those of the decisions it reads
	reads  []string // ids of the decisions it reads
	body   decBlock
	tree   []*decTree
	inputs []string
	cells  [][]string
	rows   []decBlock
	prio   []int
}

func genDecBlock(t *rapid.T, top bool) decBlock {
	b := decBlock{}
	if top {
		b["type"] = `"t0"`
	}
	for _, name := range []string{"type", "urgency", "sensitivity", "n", "s", "f"} {
		if rapid.IntRange(0, 2).Draw(t, "say") == 0 {
			b[name] = rapid.SampledFrom(decLits[name]).Draw(t, name)
		}
	}
	return b
}

func (b decBlock) stmts(sep string) string {
	var parts []string
	for _, name := range []string{"type", "urgency", "sensitivity", "n", "s", "f"} {
		v, ok := b[name]
		if !ok {
			continue
		}
		switch name {
		case "type", "urgency", "sensitivity":
			parts = append(parts, name+" "+v)
		default:
			parts = append(parts, "output "+name+" "+v)
		}
	}
	return strings.Join(parts, sep)
}

func genDecTree(t *rapid.T, fields []string, depth int) []*decTree {
	var out []*decTree
	for range rapid.IntRange(1, 2).Draw(t, "decBranches") {
		b := &decTree{cond: genCond(t, fields, 1, false), block: genDecBlock(t, false)}
		if depth > 0 && rapid.IntRange(0, 2).Draw(t, "decNest") == 0 {
			b.children = genDecTree(t, fields, depth-1)
		}
		out = append(out, b)
	}
	if rapid.Bool().Draw(t, "decElse") {
		out = append(out, &decTree{block: genDecBlock(t, false)})
	}
	return out
}

func genDecision(t *rapid.T, id string, fields []string, earlier []*decSpec) *decSpec {
	d := &decSpec{id: id, fields: slices.Clone(fields)}
	d.table = rapid.Bool().Draw(t, id+"table")
	if rapid.IntRange(0, 2).Draw(t, "decHasWhen") == 0 {
		d.when = genCond(t, fields, 1, false)
	}
	if len(earlier) > 0 && rapid.IntRange(0, 3).Draw(t, "readsEarlier") == 0 {
		e := earlier[0]
		c := e.id + ".fired"
		if rapid.Bool().Draw(t, "notFired") {
			c = "!" + c
		}
		if d.when != "" {
			d.when = "(" + d.when + ") && " + c
		} else {
			d.when = c
		}
		d.reads = append(d.reads, e.id)
		for _, f := range e.fields {
			if !slices.Contains(d.fields, f) {
				d.fields = append(d.fields, f)
			}
		}
	}
	d.body = genDecBlock(t, true)
	if !d.table {
		if rapid.IntRange(0, 3).Draw(t, "hasTree") != 0 {
			d.tree = genDecTree(t, fields, 1)
		}
		return d
	}
	d.hit = rapid.SampledFrom([]string{"first", "unique", "any", "priority"}).Draw(t, "decHit")
	d.inputs = fields
	rows := rapid.IntRange(1, 3).Draw(t, "decRows")
	for r := range rows {
		var cells []string
		catchAll := r == rows-1 && rapid.Bool().Draw(t, "catchAll")
		for _, in := range fields {
			if catchAll {
				cells = append(cells, "-")
			} else {
				cells = append(cells, genCell(t, in))
			}
		}
		d.cells = append(d.cells, cells)
		d.rows = append(d.rows, genDecBlock(t, false))
		d.prio = append(d.prio, rapid.IntRange(0, 2).Draw(t, "decPrio"))
	}
	return d
}

// source writes the decision; emit false unless emit.
func (d *decSpec) source(emit bool) string {
	var sb strings.Builder
	if d.table {
		sb.WriteString("table " + d.id + " hit " + d.hit + " {\n")
	} else {
		sb.WriteString("rule " + d.id + " {\n")
	}
	if !emit {
		sb.WriteString("  emit false\n")
	}
	sb.WriteString(whenLine(d.when))
	for _, s := range strings.Split(d.body.stmts("\n"), "\n") {
		if s != "" {
			sb.WriteString("  " + s + "\n")
		}
	}
	if d.table {
		sb.WriteString("  in " + strings.Join(d.inputs, ", ") + "\n")
		for i, row := range d.cells {
			out := d.rows[i].stmts(" ")
			if d.hit == "priority" {
				out += " priority " + strconv.Itoa(d.prio[i])
			}
			if strings.TrimSpace(out) == "" {
				out = `title "r"`
			}
			sb.WriteString("  row " + strings.Join(row, ", ") + " => " + strings.TrimSpace(out) + "\n")
		}
	} else {
		var write func(bs []*decTree, indent string)
		write = func(bs []*decTree, indent string) {
			for _, b := range bs {
				if b.cond == "" {
					sb.WriteString(indent + "else {\n")
				} else {
					sb.WriteString(indent + "branch " + b.cond + " {\n")
				}
				for _, s := range strings.Split(b.block.stmts("\n"), "\n") {
					if s != "" {
						sb.WriteString(indent + "  " + s + "\n")
					}
				}
				if len(b.block) == 0 && len(b.children) == 0 {
					sb.WriteString(indent + "  title \"b\"\n")
				}
				write(b.children, indent+"  ")
				sb.WriteString(indent + "}\n")
			}
		}
		write(d.tree, "  ")
	}
	sb.WriteString("}\n")
	return sb.String()
}

// declares lists the output names the decision says somewhere.
func (d *decSpec) declares() []string {
	seen := map[string]bool{}
	add := func(b decBlock) {
		for k := range b {
			if k == "n" || k == "s" || k == "f" {
				seen[k] = true
			}
		}
	}
	add(d.body)
	for _, r := range d.rows {
		add(r)
	}
	var walk func([]*decTree)
	walk = func(bs []*decTree) {
		for _, b := range bs {
			add(b.block)
			walk(b.children)
		}
	}
	walk(d.tree)
	return slices.Sorted(maps.Keys(seen))
}

// model is what the analysis's documentation says a read can hold: each
// leaf's value (innermost wins; 0 and "" for unsaid urgency, sensitivity,
// type; nil for an unsaid output), nil when the decision may not fire
// (a when, or a table without a row of `-` only); ok false when some leaf
// says a non-literal.
func (d *decSpec) model(name string) (vals []string, ok bool) {
	var leaves [][]decBlock
	if d.table {
		for _, r := range d.rows {
			leaves = append(leaves, []decBlock{d.body, r})
		}
	} else {
		var walk func(chain []decBlock, bs []*decTree)
		walk = func(chain []decBlock, bs []*decTree) {
			hasElse := false
			for _, b := range bs {
				hasElse = hasElse || b.cond == ""
			}
			if !hasElse {
				leaves = append(leaves, chain)
			}
			for _, b := range bs {
				walk(append(slices.Clip(chain), b.block), b.children)
			}
		}
		walk([]decBlock{d.body}, d.tree)
	}
	set := map[string]bool{}
	for _, chain := range leaves {
		v := ""
		for _, b := range chain {
			if x, ok := b[name]; ok {
				v = x
			}
		}
		if v == "" {
			switch name {
			case "type":
				v = `""`
			case "urgency", "sensitivity":
				v = "0"
			default:
				v = "nil"
			}
		}
		if strings.ContainsAny(v, "+") {
			return nil, false
		}
		set[canonLit(v)] = true
	}
	if d.mayMiss() {
		set["nil"] = true
	}
	return slices.Sorted(maps.Keys(set)), true
}

func (d *decSpec) mayMiss() bool {
	if d.when != "" {
		return true
	}
	if !d.table {
		return false
	}
	for _, row := range d.cells {
		all := true
		for _, c := range row {
			all = all && c == "-"
		}
		if all {
			return false
		}
	}
	return true
}

// canonLit writes a literal as valueText writes the evaluated value.
func canonLit(lit string) string {
	if f, err := strconv.ParseFloat(lit, 64); err == nil {
		return "num:" + numLit(f)
	}
	if s, err := strconv.Unquote(lit); err == nil {
		return "str:" + strconv.Quote(s)
	}
	return lit
}

// valueText names an evaluated value as canonLit names a literal.
func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case float64:
		return "num:" + numLit(x)
	case int:
		return "num:" + numLit(float64(x))
	case string:
		return "str:" + strconv.Quote(x)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprintf("%T:%v", v, v)
}

// decRead is one read the reader makes.
type decRead struct {
	dec  *decSpec
	name string // fired, type, urgency, ...
	kind readKind
}

func (r decRead) text() string { return r.dec.id + "." + r.name }

// genReadCompare draws a comparison of a read or a field.
func genReadCompare(t *rapid.T, atoms []string, kinds map[string]readKind) string {
	a := rapid.SampledFrom(atoms).Draw(t, "atom")
	if _, field := fieldKinds[a]; field {
		return genCompare(t, []string{a})
	}
	k := kinds[a]
	if !strings.HasSuffix(a, ".fired") && k != rkBool && rapid.IntRange(0, 5).Draw(t, "readNil") == 0 {
		return a + " " + rapid.SampledFrom([]string{"==", "!="}).Draw(t, "op") + " nil"
	}
	ops := []string{"<", "<=", ">", ">=", "==", "!="}
	if k == rkBool {
		ops = []string{"==", "!="}
	}
	return a + " " + rapid.SampledFrom(ops).Draw(t, "op") + " " + rapid.SampledFrom(readLits[k]).Draw(t, "lit")
}

var fieldKinds = map[string]readKind{"X": rkNum, "S": rkStr, "B": rkBool}

func genReadCond(t *rapid.T, atoms []string, kinds map[string]readKind, depth int) string {
	if depth <= 0 || rapid.Bool().Draw(t, "leaf") {
		return genReadCompare(t, atoms, kinds)
	}
	switch rapid.IntRange(0, 2).Draw(t, "join") {
	case 0:
		return "(" + genReadCond(t, atoms, kinds, depth-1) + " && " + genReadCond(t, atoms, kinds, depth-1) + ")"
	case 1:
		return "(" + genReadCond(t, atoms, kinds, depth-1) + " || " + genReadCond(t, atoms, kinds, depth-1) + ")"
	}
	return "!(" + genReadCond(t, atoms, kinds, depth-1) + ")"
}

// genReadSimple draws one unary test over a read of kind k.
func genReadSimple(t *rapid.T, k readKind) string {
	lit := func() string { return rapid.SampledFrom(readLits[k]).Draw(t, "cellLit") }
	switch rapid.IntRange(0, 6).Draw(t, "simple") {
	case 0:
		return "nil"
	case 1:
		return "!= nil"
	case 2, 3:
		if k != rkBool {
			return rapid.SampledFrom([]string{"[", "("}).Draw(t, "lo") + lit() + ".." + lit() + rapid.SampledFrom([]string{"]", ")"}).Draw(t, "hi")
		}
	case 4:
		ops := []string{"< ", "<= ", "> ", ">= ", "!= "}
		if k == rkBool {
			ops = []string{"!= "}
		}
		return rapid.SampledFrom(ops).Draw(t, "cellOp") + lit()
	}
	return lit()
}

func genReadCell(t *rapid.T, input string, kinds map[string]readKind) string {
	if _, field := fieldKinds[input]; field {
		return genCell(t, input)
	}
	k := kinds[input]
	return genCellOf(t, func() string { return genReadSimple(t, k) })
}

// decFile is a generated file: the decisions and one reader, r.
type decFile struct {
	decs    []*decSpec
	reads   []decRead
	fields  []string // fields the reader reads directly
	table   bool
	hit     string
	when    string
	tree    []*propTree
	inputs  []string
	cells   [][]string
	urg     []string
	prio    []int
	atoms   []string
	kinds   map[string]readKind
	readers map[string]bool // decision ids the reader reads
}

func genDecFile(t *rapid.T) *decFile {
	all := []string{"X", "S", "B"}
	perm := rapid.Permutation(all).Draw(t, "perm")
	// the decisions read perm[:k], the reader the rest
	k := rapid.IntRange(1, 2).Draw(t, "decFields")
	f := &decFile{kinds: map[string]readKind{}, readers: map[string]bool{}}
	n := rapid.IntRange(1, 2).Draw(t, "decisions")
	for i := range n {
		fs := perm[:k]
		if n == 2 && k == 2 && rapid.Bool().Draw(t, "split") {
			fs = perm[i : i+1] // two decisions over disjoint fields
		}
		f.decs = append(f.decs, genDecision(t, "d"+strconv.Itoa(i+1), fs, f.decs))
	}
	var cands []decRead
	for _, d := range f.decs {
		cands = append(cands, decRead{d, "fired", rkBool})
		if d.table && (d.hit == "first" || d.hit == "unique" || d.hit == "any" || d.hit == "priority") || !d.table {
			for _, name := range []string{"type", "urgency", "sensitivity"} {
				cands = append(cands, decRead{d, name, decOutputs[name]})
			}
			for _, name := range d.declares() {
				cands = append(cands, decRead{d, name, decOutputs[name]})
			}
		}
	}
	nr := rapid.IntRange(1, 2).Draw(t, "nreads")
	for range nr {
		r := rapid.SampledFrom(cands).Draw(t, "read")
		if !slices.ContainsFunc(f.reads, func(x decRead) bool { return x.text() == r.text() }) {
			f.reads = append(f.reads, r)
			f.atoms = append(f.atoms, r.text())
			f.kinds[r.text()] = r.kind
			f.readers[r.dec.id] = true
		}
	}
	rest := perm[k:]
	if len(rest) > 0 && rapid.IntRange(0, 2).Draw(t, "readerField") == 0 {
		fl := rapid.SampledFrom(rest).Draw(t, "rfield")
		f.fields = []string{fl}
		f.atoms = append(f.atoms, fl)
	}
	f.table = rapid.Bool().Draw(t, "readerTable")
	if !f.table {
		if rapid.IntRange(0, 2).Draw(t, "rHasWhen") == 0 {
			f.when = genReadCond(t, f.atoms, f.kinds, 1)
		}
		f.tree = genReadBranches(t, f.atoms, f.kinds, 1)
		return f
	}
	f.hit = rapid.SampledFrom([]string{"first", "unique", "any", "priority", "output_order", "rule_order", "collect"}).Draw(t, "rHit")
	if rapid.IntRange(0, 3).Draw(t, "rHasWhen") == 0 {
		f.when = genReadCond(t, f.atoms, f.kinds, 1)
	}
	f.inputs = f.atoms
	for range rapid.IntRange(1, 4).Draw(t, "rRows") {
		var row []string
		for _, in := range f.inputs {
			row = append(row, genReadCell(t, in, f.kinds))
		}
		f.cells = append(f.cells, row)
		f.urg = append(f.urg, rapid.SampledFrom([]string{"0.1", "0.2"}).Draw(t, "urgency"))
		f.prio = append(f.prio, rapid.IntRange(0, 2).Draw(t, "priority"))
	}
	return f
}

func genReadBranches(t *rapid.T, atoms []string, kinds map[string]readKind, depth int) []*propTree {
	var out []*propTree
	for range rapid.IntRange(1, 3).Draw(t, "branches") {
		b := &propTree{cond: genReadCond(t, atoms, kinds, 1)}
		if depth > 0 && rapid.IntRange(0, 2).Draw(t, "nest") == 0 {
			b.children = genReadBranches(t, atoms, kinds, depth-1)
		}
		out = append(out, b)
	}
	if rapid.Bool().Draw(t, "else") {
		out = append(out, &propTree{})
	}
	return out
}

// closure is the decisions ids need, with what they read, in file order.
func (f *decFile) closure(ids map[string]bool) []*decSpec {
	need := maps.Clone(ids)
	for i := len(f.decs) - 1; i >= 0; i-- {
		if need[f.decs[i].id] {
			for _, r := range f.decs[i].reads {
				need[r] = true
			}
		}
	}
	var out []*decSpec
	for _, d := range f.decs {
		if need[d.id] {
			out = append(out, d)
		}
	}
	return out
}

func (f *decFile) header(ids map[string]bool, emit string) string {
	var sb strings.Builder
	sb.WriteString("ruleset p version 1\n")
	for _, d := range f.closure(ids) {
		sb.WriteString(d.source(d.id == emit))
	}
	return sb.String()
}

// idsIn lists the decisions src mentions.
func (f *decFile) idsIn(src string) map[string]bool {
	out := map[string]bool{}
	for _, d := range f.decs {
		if strings.Contains(src, d.id+".") {
			out[d.id] = true
		}
	}
	return out
}

// readerSource writes the reader, with hit policy hit for a table.
func (f *decFile) readerSource(hit string) string {
	var sb strings.Builder
	if f.table {
		sb.WriteString("table r hit " + hit + " {\n  type \"t\"\n" + whenLine(f.when))
		sb.WriteString("  in " + strings.Join(f.inputs, ", ") + "\n")
		for i, row := range f.cells {
			out := "urgency " + f.urg[i]
			if hit == "priority" || hit == "output_order" {
				out += " priority " + strconv.Itoa(f.prio[i])
			}
			sb.WriteString("  row " + strings.Join(row, ", ") + " => " + out + "\n")
		}
	} else {
		sb.WriteString("rule r {\n  type \"t\"\n" + whenLine(f.when))
		writeBranches(&sb, f.tree, "  ")
	}
	sb.WriteString("}\n")
	return sb.String()
}

func (f *decFile) source() string {
	f.readers = f.idsIn(f.readerSource(f.hit))
	return f.header(f.readers, "") + f.readerSource(f.hit)
}

// decValues is one env's result of every decision: its reads by name
// (valueText), or failed.
type decValues struct {
	failed bool
	vals   map[string]string
}

func decCompile(t *rapid.T, src string) *dsl.RuleSet[propEnv] {
	rs, err := dsl.CompileRules[propEnv]([]byte(src))
	if err != nil {
		t.Fatalf("generated file does not compile: %v\n%s", err, src)
	}
	return rs
}

// hitsOf evaluates rs at e and keeps rule id's hits.
func hitsOf(rs *dsl.RuleSet[propEnv], e propEnv, id string) ([]dsl.Hit, error) {
	hits, err := rs.Eval(e, time.Time{})
	var out []dsl.Hit
	for _, h := range hits {
		if h.Rule == id {
			out = append(out, h)
		}
	}
	return out, err
}

func readsOfHits(hits []dsl.Hit, d *decSpec) map[string]string {
	m := map[string]string{"fired": strconv.FormatBool(len(hits) > 0)}
	names := append([]string{"type", "urgency", "sensitivity"}, d.declares()...)
	for _, n := range names {
		if len(hits) == 0 {
			m[n] = "nil"
			continue
		}
		h := hits[0]
		switch n {
		case "type":
			m[n] = valueText(h.Type)
		case "urgency":
			m[n] = valueText(h.Urgency)
		case "sensitivity":
			m[n] = valueText(h.Sensitivity)
		default:
			m[n] = valueText(h.Outputs[n])
		}
	}
	return m
}

// decEnv is one sampled env with the decisions' values and the reader's
// outcome there.
type decEnv struct {
	e       propEnv
	decs    map[string]decValues
	failed  bool         // the reader failed
	admit   bool         // the reader's when holds (without failing)
	matched map[int]bool // table: rows whose cells match (shadow collect)
	fired   map[int]bool // table: rows that decide
	path    string       // rule: the path taken, "" for none
}

// witnessMatches reports whether the env realises a witness: every key
// (a field or a decision read) holds what the witness says.
func witnessMatches(w map[string]any, de decEnv) (bool, bool) {
	for k, v := range w {
		var have string
		switch k {
		case "X", "S", "B":
			var p any
			switch k {
			case "X":
				if de.e.X != nil {
					p = *de.e.X
				}
			case "S":
				if de.e.S != nil {
					p = *de.e.S
				}
			case "B":
				if de.e.B != nil {
					p = *de.e.B
				}
			}
			have = valueText(p)
		default:
			id, name, ok := strings.Cut(k, ".")
			dv, known := de.decs[id]
			if !ok || !known {
				return false, false // an opaque part: cannot realise
			}
			if dv.failed {
				return false, true
			}
			have = dv.vals[name]
		}
		if _, any := v.(rulefile.AnyValue); any {
			if have == "nil" {
				return false, true
			}
			continue
		}
		if have != valueText(v) {
			return false, true
		}
	}
	return true, true
}

// exactCtx reports whether the analysis is documented to read the
// reader exactly, so every defect the sample shows must be reported: each
// decision read once, the decisions read and the reader's fields over
// disjoint fields, and each read's domain (model) what the sample
// realises.
func (f *decFile) exactCtx(envs []decEnv) bool {
	if strings.Contains(f.source(), "B == nil") || strings.Contains(f.source(), "B != nil") {
		return false // see threeWayBool
	}
	used := map[string]bool{}
	for _, fl := range f.fields {
		used[fl] = true
	}
	for _, r := range f.reads {
		if used["dec "+r.dec.id] {
			return false // two reads of one decision vary together
		}
		used["dec "+r.dec.id] = true
		for _, fl := range r.dec.fields {
			if used[fl] {
				return false
			}
			used[fl] = true
		}
		var want []string
		if r.name == "fired" {
			want = []string{"true"}
			if r.dec.mayMiss() {
				want = append(want, "false")
			}
		} else {
			m, ok := r.dec.model(r.name)
			if !ok {
				return false
			}
			want = m
		}
		got := map[string]bool{}
		for _, de := range envs {
			if dv := de.decs[r.dec.id]; !dv.failed {
				got[dv.vals[r.name]] = true
			}
		}
		if !slices.Equal(slices.Sorted(maps.Keys(got)), slices.Sorted(slices.Values(want))) {
			return false
		}
	}
	return true
}

func TestAnalyzeDecisionReadsAgainstTheRuleSet(t *testing.T) {
	stats := map[string]int{}
	defer func() { t.Logf("cases by shape: %v", stats) }()
	rapid.Check(t, func(t *rapid.T) {
		f := genDecFile(t)
		src := f.source()
		rs := decCompile(t, src)
		findings := analyze(t, src)

		// per decision, a file that emits it (with what it reads)
		probes := map[string]*dsl.RuleSet[propEnv]{}
		for _, d := range f.decs {
			probes[d.id] = decCompile(t, f.header(map[string]bool{d.id: true}, d.id))
		}
		var shadow, whenOnly *dsl.RuleSet[propEnv]
		if f.table {
			shadow = decCompile(t, f.header(f.readers, "")+f.readerSource("collect"))
		}
		whenOnly = decCompile(t, f.header(f.idsIn(f.when), "")+"rule r {\n  type \"t\"\n"+whenLine(f.when)+"}\n")

		var envs []decEnv
		for _, e := range samples(src) {
			de := decEnv{e: e, decs: map[string]decValues{}}
			for _, d := range f.decs {
				hits, err := hitsOf(probes[d.id], e, d.id)
				if err != nil {
					de.decs[d.id] = decValues{failed: true}
				} else {
					de.decs[d.id] = decValues{vals: readsOfHits(hits, d)}
				}
			}
			w, err := hitsOf(whenOnly, e, "r")
			de.admit = err == nil && len(w) > 0
			hits, err := hitsOf(rs, e, "r")
			de.failed = err != nil
			if f.table {
				de.fired = rowsOf(hits)
				if sh, err := hitsOf(shadow, e, "r"); err == nil {
					de.matched = rowsOf(sh)
				}
			} else if len(hits) > 0 {
				de.path = hits[0].Path
			}
			envs = append(envs, de)
		}

		stats["files"]++
		if f.table {
			stats["table readers"]++
		}
		if f.exactCtx(envs) {
			stats["exact"]++
		}
		for _, fd := range findings {
			if fd.Rule == "r" {
				stats[fd.Code]++
			}
		}
		unknown := false
		reported := map[string]bool{}
		for _, fd := range findings {
			switch fd.Code {
			case rulefile.CodeUnknown:
				unknown = true
				continue
			case "duplicate-id", "duplicate-const", "unused-let", "unused-const", "equivalent-when":
				continue
			}
			if fd.Rule != "r" {
				continue // the decisions' own findings: the other properties' concern
			}
			reported[fd.Code+" "+strings.Join(fd.Related, ",")] = true
			switch fd.Code {
			case "unreachable-branch":
				for _, de := range envs {
					if de.path == fd.Related[0] || strings.HasPrefix(de.path, fd.Related[0]+"/") {
						t.Fatalf("%s\nbut the rule set takes it at %s\n%s", fd.Message, show(de.e), src)
					}
				}
			case "unreachable-row", "outranked-row":
				ri := rowIndex(fd.Related[0])
				for _, de := range envs {
					if de.fired[ri] {
						t.Fatalf("%s: %s\nbut row %d decides at %s\n%s", fd.Code, fd.Message, ri+1, show(de.e), src)
					}
					if strings.Contains(fd.Message, "matches no input") && de.admit && de.matched[ri] {
						t.Fatalf("%s: %s\nbut row %d matches at %s\n%s", fd.Code, fd.Message, ri+1, show(de.e), src)
					}
				}
			case "table-gap", "unique-overlap", "any-conflict":
				realised, readable := 0, true
				for _, de := range envs {
					ok, rd := witnessMatches(fd.Witness, de)
					readable = readable && rd
					if !ok {
						continue
					}
					realised++
					bad := ""
					switch {
					case !de.admit:
						bad = "the when does not admit it (fails or is false)"
					case fd.Code == "table-gap" && (len(de.matched) != 0 || de.failed || len(de.fired) != 0):
						bad = fmt.Sprintf("rows %v match, failed %v", de.matched, de.failed)
					case fd.Code != "table-gap" && (!de.matched[rowIndex(fd.Related[0])] || !de.matched[rowIndex(fd.Related[1])] || !de.failed):
						bad = fmt.Sprintf("matched %v, failed %v", de.matched, de.failed)
					}
					if bad != "" {
						t.Fatalf("%s witness %v, realised at %s: %s\n%s", fd.Code, fd.Witness, show(de.e), bad, src)
					}
				}
				if realised == 0 && readable && (decStrictWitness || f.exactCtx(envs)) {
					t.Fatalf("%s witness %v: no input of the sample makes the decisions say so\n%s\n%v", fd.Code, fd.Witness, src, findings)
				}
			default:
				t.Fatalf("unexpected finding %+v\n%s", fd, src)
			}
		}
		if unknown || !f.exactCtx(envs) {
			return
		}
		// No false negatives.
		if !f.table {
			taken := map[string]bool{}
			for _, de := range envs {
				markTaken(taken, de.path)
			}
			for _, l := range labels(f.tree, "") {
				if taken[l] {
					continue
				}
				covered := false
				for p := l; ; {
					if reported["unreachable-branch "+p] {
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
			return
		}
		gap := false
		for _, de := range envs {
			if !de.admit {
				continue
			}
			if len(de.matched) == 0 && !de.failed {
				gap = true
			}
			if miss := unreportedPair(f.hit, f.urg, de.matched, reported); miss != "" {
				t.Fatalf("%s at %s; not reported\n%s\n%v", miss, show(de.e), src, findings)
			}
		}
		if gap && !hasCode(findings, "table-gap") {
			t.Fatalf("the sample has a gap; none reported\n%s\n%v", src, findings)
		}
		for ri := range f.cells {
			fires, matches := false, false
			for _, de := range envs {
				fires = fires || de.fired[ri]
				matches = matches || de.admit && de.matched[ri]
			}
			if fires || (matches && (f.hit == "unique" || f.hit == "any")) {
				continue
			}
			if !hasRowFinding(findings, ri) {
				t.Fatalf("row %d never decides over the sample; not reported\n%s\n%v", ri+1, src, findings)
			}
		}
	})
}

// decHostileEval evaluates src over the dense sample: the paths rule r
// takes (a branch label, "row n"), whether its when ever admits an input
// that no row matches without failing (a real gap), and the inputs at
// which r fails.
func decHostileEval(t *testing.T, src string) (taken map[string]bool, realGap bool, fails int) {
	t.Helper()
	rs, err := dsl.CompileRules[propEnv]([]byte(src))
	if err != nil {
		t.Fatalf("compile: %v\n%s", err, src)
	}
	taken = map[string]bool{}
	for _, e := range samples(src) {
		hits, err := hitsOf(rs, e, "r")
		if err != nil {
			fails++
			continue
		}
		for _, h := range hits {
			markTaken(taken, h.Path)
		}
		if len(hits) == 0 && strings.Contains(src, "table r") {
			realGap = true // (the cases below have no when that is false)
		}
	}
	return taken, realGap, fails
}

// TestAnalyzeDecisionHostile: hand-built files. The bug/... cases are
// the bugs the property found, now fixed; guard/... held from the start.
func TestAnalyzeDecisionHostile(t *testing.T) {
	for _, c := range []struct {
		name string
		src  string
		// falseGap: the analysis must not report a table-gap (there is
		// none); missed: labels never taken that must be reported
		// unreachable; falseUnreach: labels taken that must not be.
		falseGap     bool
		missed       []string
		falseUnreach []string
	}{
		// Bug 1. A comparison of a decision output with a literal fails
		// when the output is nil (the compiler wraps it in __decided), but
		// compareInCondition reads nil != "b" as true: the analysis
		// reports a gap at d.band = nil, where the when in fact fails.
		// The table decides row 1 or fails at every input.
		{name: "bug1/false_gap_nil_output_fails_in_when", falseGap: true, src: `ruleset p version 1
rule d {
  type "d"
  emit false
  when X > 0
  output band "a"
}
table r hit first {
  type "r"
  when d.band != "b"
  in d.band
  row "a" => title "a"
}
`},
		// Bug 2. The same misreading hides an unreachable else: d.band is
		// "a" (branch 1) or nil, where d.band == "a" fails the rule.
		{name: "bug2/missed_unreachable_else", missed: []string{"else"}, src: `ruleset p version 1
rule d {
  type "d"
  emit false
  when X > 0
  output band "a"
}
rule r {
  type "r"
  branch d.band == "a" {
    title "a"
  }
  else {
    title "b"
  }
}
`},
		// Bug 2, in a table: row 2 never decides (d.type is "d" when d
		// fires, and the when fails when it does not), none reported.
		{name: "bug2/missed_unreachable_row", missed: []string{"row 2"}, src: `ruleset p version 1
rule d {
  type "d"
  emit false
  when X == nil
}
table r hit first {
  type "r"
  when d.type != ""
  in d.type
  row not(nil) => title "a"
  row - => title "b"
}
`},
		// Bug 3. Two reads of one decision are taken to vary
		// independently, though d.fired and d.band are tied (band is "a"
		// exactly when d fires): a gap at d.fired = true, d.band = nil,
		// which no input gives. Every input decides row 1 or row 2.
		{name: "bug3/false_gap_fired_and_output_correlated", falseGap: true, src: `ruleset p version 1
rule d {
  type "d"
  emit false
  when X > 0
  output band "a"
}
table r hit first {
  type "r"
  in d.fired, d.band
  row true, "a" => title "a"
  row false, - => title "n"
}
`},
		// guard: a collect count table fires only when a row matches.
		{name: "guard/aggregate_fired", falseUnreach: []string{"branch 1", "branch 2"}, src: `ruleset p version 1
table d hit collect count {
  type "d"
  emit false
  in X
  row > 0 => title "a"
}
rule r {
  type "r"
  branch d.fired == false {
    title "nf"
  }
  branch d.fired {
    title "f"
  }
}
`},
		// guard: a priority table with an order and a catch-all row
		// always fires with "hi" or "lo": no gap, no nil.
		{name: "guard/priority_order_domain", missed: []string{"row 3"}, falseUnreach: []string{"row 1", "row 2"}, src: `ruleset p version 1
table d hit priority {
  type "d"
  emit false
  order band "hi", "lo"
  in X
  row > 0 => output band "lo"
  row > 1 => output band "hi"
  row - => output band "lo"
}
table r hit first {
  type "r"
  in d.band
  row "hi" => title "h"
  row "lo" => title "l"
  row nil => title "n"
}
`},
		// guard: branches without an else leave the rule's own output;
		// an output a branch does not say is inherited, not nil.
		{name: "guard/inherited_output", missed: []string{"branch 3"}, falseUnreach: []string{"branch 1", "branch 2"}, src: `ruleset p version 1
rule d {
  type "d"
  emit false
  output band "x"
  output n 1
  branch X > 0 {
    output band "y"
  }
}
rule r {
  type "r"
  branch d.band == "x" && d.n == 1 {
    title "x"
  }
  branch d.band == "y" && d.n == 1 {
    title "y"
  }
  branch d.n != 1 {
    title "other"
  }
}
`},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := rulefile.Parse([]byte(c.src))
			if err != nil {
				t.Fatal(err)
			}
			fs := rulefile.Analyze(f)
			taken, realGap, fails := decHostileEval(t, c.src)
			unreach := map[string]bool{}
			for _, fd := range fs {
				if fd.Rule != "r" {
					continue
				}
				switch fd.Code {
				case "unreachable-branch", "unreachable-row", "outranked-row":
					unreach[fd.Related[0]] = true
				case "table-gap":
					if c.falseGap && !realGap {
						t.Errorf("FALSE table-gap %q (witness %v): r decides or fails at every input of the sample (%d failures)", fd.Message, fd.Witness, fails)
					}
				}
			}
			for _, l := range c.missed {
				if taken[l] {
					t.Fatalf("test broken: %s is taken", l)
				}
				if !unreach[l] {
					t.Errorf("MISSED: %s is never taken over the sample, not reported: %v", l, fs)
				}
			}
			for _, l := range c.falseUnreach {
				if !taken[l] {
					t.Fatalf("test broken: %s is not taken", l)
				}
				if unreach[l] {
					t.Errorf("FALSE: %s reported unreachable but taken", l)
				}
			}
		})
	}
}
