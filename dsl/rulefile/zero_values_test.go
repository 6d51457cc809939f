package rulefile_test

import (
	"testing"

	"github.com/engagekit/engagekit/dsl/rulefile"
	"github.com/engagekit/engagekit/internal/zerocall"
)

// Every exported type's zero value, and a pointer to one, take every
// method call without a panic: a host builds rule files as values too
// (an editor's tree, a file read back from JSON).
func TestZeroValuesNeverPanic(t *testing.T) {
	zerocall.Check(t, ".",
		rulefile.AnyValue{}, rulefile.Block{}, rulefile.Branch{}, rulefile.Cell{}, rulefile.Const{}, rulefile.ErrorList(nil),
		rulefile.Error{}, rulefile.Expr{}, rulefile.File{}, rulefile.Finding{}, rulefile.Flag{}, rulefile.Let{},
		rulefile.Order{}, rulefile.Output{}, rulefile.Pos{}, rulefile.Row{}, rulefile.Rule{}, rulefile.Severity(0),
		rulefile.Stmt{}, rulefile.Strs{}, rulefile.Str{}, rulefile.TemplatePart{}, rulefile.Template{},
		rulefile.TestKind(""), rulefile.UnaryTest{}, rulefile.ValueKind(""), rulefile.Value{})
}
