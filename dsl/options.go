package dsl

import (
	"fmt"
	"maps"
	"reflect"

	"github.com/engagekit/engagekit/dsl/rulefile"
)

// Option configures [Compile]. Options are made only by this package's
// constructors ([WithID], [WithConsts], [WithFunction], [WithFunc1], …);
// they never panic, and a bad option is reported by Compile as an error.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// config is what the options set. Its zero value means defaults.
type config struct {
	id string
	// at places each rune of the expression in the file when it is not
	// written there as it reads (an interpolation in a quoted string: see
	// rulefile.Expr.At); nil: line and col, and the source's own lines.
	at []rulefile.Pos
	// stmt names the statement of a rule file the expression is, for
	// errors ("when", "urgency", "let days", …).
	stmt   string
	consts map[string]any
	funcs  map[string]*hostFunc
	limits Limits
	// line and col shift error positions, for expressions embedded in a
	// larger source such as a rule file.
	line, col int
	// lets are the rule-file lets visible to the expression.
	lets map[string]*letDef
	// nodes, when set, is what is left of the MaxNodes the expressions
	// of one template share: each of its parts is an expression, and a
	// let expanded in every part would otherwise multiply the bound.
	nodes *int
	// clamp makes a rule set clamp urgency and sensitivity into [0,1]
	// instead of failing the hit.
	clamp bool
	// readEvidence makes a rule set add the fields a fired rule's
	// condition read to its evidence.
	readEvidence bool
	// exprOnly leaves every condition to expr, without native closures:
	// the reference the closures are tested against.
	exprOnly bool
	// methods are the methods of host types rules may call; see
	// [WithMethods].
	methods map[reflect.Type]map[string]bool
	// locale is how num and money write numbers; see [WithLocale].
	locale Locale
	// numbers are the host's decimal types and their conversions; see
	// [WithNumber].
	numbers map[reflect.Type]func(any) float64
	// exprCfgs caches expr's configurations; it is shared by the copies
	// of one compile's config.
	exprCfgs *exprConfigs
	// badNames are constants and lets whose own compile failed: a use of
	// one stops quietly (errBadLet), since the failure is reported once,
	// where the name is declared.
	badNames map[string]bool
	// decisions resolves reads of the rule file's decisions
	// (`risk_band.band`); nil outside a rule file.
	decisions decisionResolver
	errs      []error
}

// withStatement names the statement an expression is, for its errors.
func withStatement(stmt string) Option {
	return optionFunc(func(c *config) { c.stmt = stmt })
}

// withBadNames passes a rule file's failed declarations to the compile of
// its constants.
func withBadNames(names map[string]bool) Option {
	return optionFunc(func(c *config) { c.badNames = names })
}

func newConfig(opts []Option) *config {
	c := &config{exprCfgs: &exprConfigs{}}
	for _, o := range opts {
		if o != nil {
			o.apply(c)
		}
	}
	c.limits = c.limits.withDefaults()
	return c
}

// WithID names the rule the expression belongs to; every [Error] about it
// carries the id.
func WithID(id string) Option {
	return optionFunc(func(c *config) { c.id = id })
}

// WithConsts makes named constants available to the expression. Values must
// be booleans, numbers, strings, time.Time or time.Duration; constants are
// folded into the compiled program, so they cost nothing at evaluation.
// Later calls add to and override earlier ones.
func WithConsts(consts map[string]any) Option {
	return optionFunc(func(c *config) {
		if c.consts == nil {
			c.consts = make(map[string]any, len(consts))
		}
		for name, v := range consts {
			if err := checkName("constant", name); err != nil {
				c.errs = append(c.errs, err)
				continue
			}
			if !constKind(v) {
				c.errs = append(c.errs, &Error{Kind: KindType, Msg: fmt.Sprintf("constant %s has unsupported type %T", name, v)})
				continue
			}
			c.consts[name] = v
		}
	})
}

// Consts returns the constants opts declare with [WithConsts], as a
// compile with them sees them (those refused left out), for a host that
// reads its rules beside the dsl: segment's check of a custom scheme
// reads `age >= Retire` with the Retire the rules are compiled with. The
// caller owns the map.
func Consts(opts ...Option) map[string]any {
	return maps.Clone(newConfig(opts).consts)
}

// WithPosition says where the expression starts in a larger source (1-based
// line and column), so error positions point into that source.
func WithPosition(line, col int) Option {
	return optionFunc(func(c *config) { c.line, c.col = line, col })
}

// Limits bound what an untrusted rule may cost. A zero field means the
// default. MaxSteps above 2^58 (MaxInt, say, for "no limit") is taken as
// 2^58, which no evaluation reaches: the evaluation's context
// (EvalContext) is then what ends a long one. MemoryBudget above 2^28
// units (4 GiB) is taken as 2^28: Go cannot recover from an allocation the
// machine cannot back, so a rule may not build more, whatever the host
// allows, and a size too large to build (a range from MinInt to MaxInt, a
// string of 2^63 bytes) is over the budget rather than attempted.
type Limits struct {
	// MaxSourceBytes bounds the length of the source text. Default 16 KiB.
	MaxSourceBytes int `json:"max_source_bytes,omitempty"`
	// MaxNodes bounds the size of the syntax tree, with the rule's lets
	// expanded; the parts of a template count together. Default 2000.
	MaxNodes int `json:"max_nodes,omitempty"`
	// MemoryBudget bounds what one evaluation of a rule may allocate for
	// the arrays, maps and strings it builds, in units of 16 bytes: an
	// element of an array is as many units as the copy it holds (a list
	// of 1 KB records that map builds is 64 units an element), a string
	// one unit per 16 bytes. A struct or an array of more than 256 bytes
	// that a rule reads by value (recs[0], # over a []Record, a [N]byte
	// field) is charged its size at each read, for expr copies it each
	// time: hold large records by pointer, which reads copy nothing. A
	// rule file's constants are computed each under it and held together
	// within it. Default 1,000,000.
	MemoryBudget int `json:"memory_budget,omitempty"`
	// MaxSteps bounds the steps one evaluation of a rule may take: each
	// element a predicate (all, any, map, filter, …) visits is a step.
	// Default 1,000,000.
	MaxSteps int `json:"max_steps,omitempty"`
	// MaxDepth bounds the nesting of an expression: brackets, operators,
	// conditionals and calls inside one another. It is checked before the
	// expression is parsed, so it also bounds the parser's own recursion,
	// whatever MaxSourceBytes allows. Default 64.
	MaxDepth int `json:"max_depth,omitempty"`
}

// The default limits.
const (
	DefaultMaxSourceBytes = 16 << 10
	DefaultMaxNodes       = 2000
	DefaultMemoryBudget   = 1_000_000
	DefaultMaxSteps       = 1_000_000
	DefaultMaxDepth       = 64
)

func (l Limits) withDefaults() Limits {
	if l.MaxSourceBytes <= 0 {
		l.MaxSourceBytes = DefaultMaxSourceBytes
	}
	if l.MaxNodes <= 0 {
		l.MaxNodes = DefaultMaxNodes
	}
	if l.MemoryBudget <= 0 {
		l.MemoryBudget = DefaultMemoryBudget
	}
	if l.MaxSteps <= 0 {
		l.MaxSteps = DefaultMaxSteps
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	return l
}

// WithLimits sets the limits for untrusted rules.
func WithLimits(l Limits) Option {
	return optionFunc(func(c *config) { c.limits = l })
}

func checkName(what, name string) error {
	if !isIdent(name) {
		return &Error{Kind: KindSyntax, Msg: fmt.Sprintf("%s name %q is not an identifier", what, name)}
	}
	return nil
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// WithClampedOutputs makes a rule set clamp urgency and sensitivity into
// [0,1]. By default a value outside that range is an evaluation error of the
// rule, since it usually means the rule is wrong.
func WithClampedOutputs() Option {
	return optionFunc(func(c *config) { c.clamp = true })
}

// WithReadEvidence makes a rule set add, to the evidence of every hit, the
// fields its rule's decision reads, with their values: its when's, its
// branches' conditions' and its table's inputs'. By default evidence
// is the rule's lets, which is cheaper; hosts that show reviewers every input
// of a decision (an advisory framework) want this.
func WithReadEvidence() Option {
	return optionFunc(func(c *config) { c.readEvidence = true })
}
