package main

import (
	"os"
	"testing"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/advisory/advisorytest"
	"github.com/engagekit/engagekit/examples/internal/desk"
)

// The firm's rule tests, kept as data beside the rule file, pass.
func TestFrameworkCases(t *testing.T) {
	fw, err := advisory.Compile[advisory.File](desk.FrameworkRules)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := os.ReadFile("../internal/desk/framework.cases.json")
	if err != nil {
		t.Fatal(err)
	}
	advisorytest.RunCases(t, fw, cases)
}
