package main

import (
	"crypto/sha256"
	_ "embed"
	"encoding/json"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/advisory/advisorytest"
	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/dsl/rulefile"
)

// This file is crmhost's use of packages dsl and dsl/rulefile: compiling a
// rule-file version once, its errors with carets and its analysis. A
// rename in the library is a change here.

// framework is the compiled advisory framework over the library's File.
type framework = advisory.Framework[advisory.File]

// compiled is a rule-file version compiled once: the framework when it
// compiles, else every error; and the analysis findings either way (of
// the part that parses). It is immutable once built.
type compiled struct {
	Hash     [32]byte
	FW       *framework
	Errors   []ruleError
	Findings []rulefile.Finding
	// Problems counts the findings of severity Problem: a version with
	// any cannot be approved.
	Problems int
	// Tests is how the version does on the firm's rule tests; TestsErr
	// says why they could not run (a case naming a rule it lacks).
	Tests    *advisorytest.Report
	TestsErr string
}

// ruleError is one compile or syntax error, as the workbench shows it.
type ruleError struct {
	RuleID, Statement string
	Line, Column      int
	Msg, Suggestion   string
	Snippet           string // the line and a caret under the column
}

// Approvable reports whether the version may be approved: it compiles,
// its analysis finds no problem and it passes the firm's rule tests.
func (c *compiled) Approvable() bool {
	return c.FW != nil && c.Problems == 0 && c.TestsErr == "" && c.Tests != nil && c.Tests.OK()
}

// firmCases are the firm's rule tests (framework.cases.json, the rule
// author's test scenarios as data): every version must pass them to be
// approved. A real host keeps them beside each version; the demo has one
// set, which the rules it ships and the browser test's change both pass.
//
//go:embed framework.cases.json
var firmCases []byte

// compileRules compiles a rule file and analyzes it.
func compileRules(text string) *compiled {
	c := &compiled{Hash: sha256.Sum256([]byte(text))}
	fw, err := advisory.Compile[advisory.File]([]byte(text))
	if err != nil {
		c.Errors = ruleErrors(err)
	} else {
		c.FW = fw
		if rep, err := advisorytest.EvaluateCases(fw, firmCases); err != nil {
			c.TestsErr = err.Error()
		} else {
			c.Tests = &rep
		}
	}
	// Parse recovers from syntax errors, so the part that parses is
	// analyzed even when the file does not compile.
	if f, _ := rulefile.Parse([]byte(text)); f != nil {
		c.Findings = rulefile.Analyze(f)
	}
	for _, f := range c.Findings {
		if f.Severity == rulefile.Problem {
			c.Problems++
		}
	}
	return c
}

// ruleErrors lists every *dsl.Error in err (dsl.Errors walks the joins);
// an error of another type becomes a ruleError of its message.
func ruleErrors(err error) []ruleError {
	var out []ruleError
	for _, d := range dsl.Errors(err) {
		out = append(out, ruleError{RuleID: d.RuleID, Statement: d.Statement, Line: d.Line, Column: d.Column,
			Msg: d.Msg, Suggestion: d.Suggestion, Snippet: d.Snippet})
	}
	if len(out) == 0 && err != nil {
		out = append(out, ruleError{Msg: err.Error()})
	}
	return out
}

// ruleJSON is the JSON form of a rule file, for the versions table; a
// file that does not parse has none (nil, and the syntax error).
func ruleJSON(text string) ([]byte, error) {
	f, err := rulefile.Parse([]byte(text))
	if err != nil {
		return nil, err
	}
	return json.Marshal(f)
}
