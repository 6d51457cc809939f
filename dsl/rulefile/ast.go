package rulefile

// Pos is a position in a rule file: 1-based line and column, the column
// counted in runes (as an editor counts characters).
type Pos struct {
	Line int `json:"line"`
	Col  int `json:"col"`
}

// File is a parsed rule file. Declarations keep their order; the parser puts
// the statements of a block in canonical order, so a parsed file formats to
// the same text every time.
type File struct {
	Pos     Pos      `json:"pos"`
	Doc     []string `json:"doc,omitempty"`
	Name    string   `json:"name"`
	Version int      `json:"version"`
	Consts  []*Const `json:"consts,omitempty"`
	Rules   []*Rule  `json:"rules,omitempty"`
	// Comment is the trailing comment of the header line.
	Comment string `json:"comment,omitempty"`
	// Trailing holds comment lines after the last declaration.
	Trailing []string `json:"trailing,omitempty"`
}

// Const is a named constant: `const UrgentDays = 14`.
type Const struct {
	Pos Pos      `json:"pos"`
	Doc []string `json:"doc,omitempty"`
	// Comment is the trailing comment of its line (`// ...`).
	Comment string `json:"comment,omitempty"`
	Name    string `json:"name"`
	Value   Expr   `json:"value"`
}

// Expr is an expression in the expr language, kept as source text with the
// position it starts at.
type Expr struct {
	Pos Pos    `json:"pos"`
	Src string `json:"src"`
	// At places each rune of Src in the file, for an interpolation in a
	// title or message: there Src is not written as it reads, its
	// escapes (\t, \", \n) spelled in more characters. Nil for any other
	// expression, written as it reads from Pos, and after a JSON round
	// trip, which leaves positions to Pos and Src's own lines.
	At []Pos `json:"-"`
}

// Rule is a rule or a decision table. A table has Hit, Inputs and Rows; a
// rule may have Branches (a decision tree).
type Rule struct {
	Pos Pos      `json:"pos"`
	Doc []string `json:"doc,omitempty"`
	ID  string   `json:"id"`
	// Comment is the trailing comment of the line that opens the rule.
	Comment string `json:"comment,omitempty"`
	Table   bool   `json:"table,omitempty"`
	// Hit is a table's hit policy: "first", "unique", "any", "priority",
	// "output_order", "rule_order" or "collect". Parse writes DMN's
	// letters (U, A, P, F, O, R, C, C+, C<, C>, C#) in these words.
	Hit string `json:"hit,omitempty"`
	// Aggregate is a collect table's aggregator: "sum", "min", "max" or
	// "count"; empty for none. AggregateOf is the output it aggregates
	// (urgency, sensitivity or a named output; empty for count).
	Aggregate   string `json:"aggregate,omitempty"`
	AggregateOf string `json:"aggregate_of,omitempty"`
	Body        Block  `json:"body"`
	// Order ranks rows by the value of one output, for the priority and
	// output_order policies: `order type "a", "b"`.
	Order *Order `json:"order,omitempty"`
	// InDoc and InComment are the comments above and after the line of
	// the inputs.
	InDoc     []string `json:"in_doc,omitempty"`
	InComment string   `json:"in_comment,omitempty"`
	Inputs    []Expr   `json:"inputs,omitempty"`
	Rows      []*Row   `json:"rows,omitempty"`
}

// Order is a table's list of output values in priority order, highest
// first, as in DMN: `order risk "high", "medium", "low"` ranks a row by the
// value of its output risk (or its type, with `order type ...`).
type Order struct {
	Pos Pos      `json:"pos"`
	Doc []string `json:"doc,omitempty"`
	// Comment is the trailing comment of its line (`// ...`).
	Comment string   `json:"comment,omitempty"`
	Output  string   `json:"output"`
	Values  []*Value `json:"values"`
}

// Block is what a rule, a branch or a table says, in canonical order.
// Fields left nil are not said (and a branch inherits them from its rule).
type Block struct {
	Type    *Str  `json:"type,omitempty"`
	Owner   *Str  `json:"owner,omitempty"`
	Tags    *Strs `json:"tags,omitempty"`
	Enabled *Flag `json:"enabled,omitempty"`
	// Emit false marks a rule or table whose decision only feeds the
	// rules that read it: it is decided when one of them is, and never
	// returned as a hit. It belongs to a rule's or table's own body.
	Emit        *Flag     `json:"emit,omitempty"`
	Lets        []*Let    `json:"lets,omitempty"`
	When        *Stmt     `json:"when,omitempty"`
	Title       *Template `json:"title,omitempty"`
	Message     *Template `json:"message,omitempty"`
	Urgency     *Stmt     `json:"urgency,omitempty"`
	Sensitivity *Stmt     `json:"sensitivity,omitempty"`
	Outputs     []*Output `json:"outputs,omitempty"`
	Priority    *Stmt     `json:"priority,omitempty"`
	// Branches are tried in order; an else is a branch without Cond and
	// comes last.
	Branches []*Branch `json:"branches,omitempty"`
	// Trailing holds the comment lines before the block's closing brace,
	// and Close the trailing comment of the brace's line.
	Trailing []string `json:"trailing,omitempty"`
	Close    string   `json:"close,omitempty"`
}

// Str is a statement with a string: `type "mortgage.term_end"`.
type Str struct {
	Pos Pos      `json:"pos"`
	Doc []string `json:"doc,omitempty"`
	// Comment is the trailing comment of its line (`// ...`).
	Comment string `json:"comment,omitempty"`
	Value   string `json:"value"`
}

// Strs is a statement with strings: `tags "pension", "retail"`.
type Strs struct {
	Pos Pos      `json:"pos"`
	Doc []string `json:"doc,omitempty"`
	// Comment is the trailing comment of its line (`// ...`).
	Comment string   `json:"comment,omitempty"`
	Values  []string `json:"values"`
}

// Flag is a statement with a boolean: `enabled false`, `emit false`.
type Flag struct {
	Pos Pos      `json:"pos"`
	Doc []string `json:"doc,omitempty"`
	// Comment is the trailing comment of its line (`// ...`).
	Comment string `json:"comment,omitempty"`
	Value   bool   `json:"value"`
}

// Stmt is a statement with an expression: `when ...`, `urgency ...`.
type Stmt struct {
	Pos Pos      `json:"pos"`
	Doc []string `json:"doc,omitempty"`
	// Comment is the trailing comment of its line (`// ...`).
	Comment string `json:"comment,omitempty"`
	Expr    Expr   `json:"expr"`
}

// Let is a named calculation: `let days = daysUntil(...)`.
type Let struct {
	Pos Pos      `json:"pos"`
	Doc []string `json:"doc,omitempty"`
	// Comment is the trailing comment of its line (`// ...`).
	Comment string `json:"comment,omitempty"`
	Name    string `json:"name"`
	Value   Expr   `json:"value"`
}

// Output is a named output: `output channel "email"`.
type Output struct {
	Pos Pos      `json:"pos"`
	Doc []string `json:"doc,omitempty"`
	// Comment is the trailing comment of its line (`// ...`).
	Comment string `json:"comment,omitempty"`
	Name    string `json:"name"`
	Value   Expr   `json:"value"`
}

// Template is a title or message: text with `{expr}` interpolations.
// `{{` and `}}` stand for literal braces.
type Template struct {
	Pos Pos      `json:"pos"`
	Doc []string `json:"doc,omitempty"`
	// Comment is the trailing comment of its line (`// ...`).
	Comment string         `json:"comment,omitempty"`
	Parts   []TemplatePart `json:"parts"`
}

// TemplatePart is literal text, or an interpolated expression when Expr is
// set.
type TemplatePart struct {
	Text string `json:"text,omitempty"`
	Expr *Expr  `json:"expr,omitempty"`
}

// Branch is a branch of a decision tree: `branch cond { ... }`, or an
// `else { ... }` when Cond is nil.
type Branch struct {
	Pos Pos      `json:"pos"`
	Doc []string `json:"doc,omitempty"`
	// Comment is the trailing comment of its line (`// ...`).
	Comment string `json:"comment,omitempty"`
	Cond    *Expr  `json:"cond,omitempty"`
	Body    Block  `json:"body"`
}

// Row is a row of a decision table: one cell per input, then outputs.
type Row struct {
	Pos Pos      `json:"pos"`
	Doc []string `json:"doc,omitempty"`
	// Comment is the trailing comment of its line (`// ...`).
	Comment string `json:"comment,omitempty"`
	Cells   []Cell `json:"cells"`
	Out     Block  `json:"out"`
}

// Cell is a DMN unary test on one input of a table.
type Cell struct {
	Pos  Pos       `json:"pos"`
	Test UnaryTest `json:"test"`
}

// TestKind says what a [UnaryTest] is.
type TestKind string

// The unary test kinds.
const (
	// TestAny is `-`: any value passes.
	TestAny TestKind = "any"
	// TestCompare is `< 30`, `>= X`, `== "gold"`, or a bare value (==).
	TestCompare TestKind = "compare"
	// TestInterval is `[30..50)` and the like.
	TestInterval TestKind = "interval"
	// TestOneOf is `a | b | c`: any of the tests passes.
	TestOneOf TestKind = "one_of"
	// TestNot is `not(a | b)`: none of the tests passes.
	TestNot TestKind = "not"
)

// UnaryTest is a parsed cell.
type UnaryTest struct {
	Kind   TestKind    `json:"kind"`
	Op     string      `json:"op,omitempty"`
	Value  *Value      `json:"value,omitempty"`
	Lo     *Value      `json:"lo,omitempty"`
	Hi     *Value      `json:"hi,omitempty"`
	LoOpen bool        `json:"lo_open,omitempty"`
	HiOpen bool        `json:"hi_open,omitempty"`
	List   []UnaryTest `json:"list,omitempty"`
}

// ValueKind says what a [Value] is.
type ValueKind string

// The value kinds of a cell.
const (
	ValueNumber ValueKind = "number"
	ValueString ValueKind = "string"
	ValueBool   ValueKind = "bool"
	ValueNil    ValueKind = "nil"
	// ValueName is a constant's name, resolved when the file is compiled.
	ValueName ValueKind = "name"
)

// Value is a literal or a constant's name in a cell.
type Value struct {
	Kind   ValueKind `json:"kind"`
	Number float64   `json:"number,omitempty"`
	Str    string    `json:"str,omitempty"`
	Bool   bool      `json:"bool,omitempty"`
	Name   string    `json:"name,omitempty"`
}
