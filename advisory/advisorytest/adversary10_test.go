package advisorytest_test

// The tenth adversary's suite: the generators over a host's own types.
// Every test here fails on the code it was written against and names the
// promise it breaks. The suspect calls run on a goroutine with a recover,
// or in a child process with a deadline, so a failure cannot hang or
// crash the binary.

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory/advisorytest"
	"pgregory.net/rapid"
)

type a10Note struct {
	Score float64
	Note  any // free-form data a CRM attaches
}

// TestAdversary10NilInterfaceOverride: FilesWith's godoc: "An option that
// names no field of Env, or a generator whose type is not the field's, is
// an error: the options are checked here, never by a panic while
// drawing." WithField("note", g) with g a *rapid.Generator[any] is
// accepted (the field is an any), but when g draws nil (a nil any is a
// perfectly good value of the field) drawing panics: "reflect: call of
// reflect.Value.Set on zero Value" (fill: v.Set(reflect.ValueOf(nil))).
// The same for WithType[error] or any interface type.
func TestAdversary10NilInterfaceOverride(t *testing.T) {
	g, err := advisorytest.FilesWith[a10Note](advisorytest.Boundaries{}, now,
		advisorytest.WithField("note", rapid.Just[any](nil)))
	if err != nil {
		t.Fatalf("FilesWith: %v", err)
	}
	done := make(chan string, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Sprint(r)
			}
		}()
		for i := range 20 {
			g.Example(i)
		}
		done <- ""
	}()
	select {
	case p := <-done:
		if p != "" {
			t.Errorf("drawing a file whose any field's generator gives nil panicked: %s", p)
		}
	case <-time.After(30 * time.Second):
		t.Errorf("drawing a file whose any field's generator gives nil did not return in 30 s")
	}
}

// a10Person is a recursive CRM type: a household's people, each with
// the people they advise, are guardians of and are joint holders with.
type a10Person struct {
	Name                          string
	Advises, Guardians, JointWith []a10Person
	Score                         float64
}

// TestAdversary10RecursiveTypeSlow: FilesWith fills "slices and maps [with]
// 0 to 3 elements (see WithLen), each generated as a field of the
// element's type" to depth 4, and WithLen allows up to 100. Over a
// recursive type with three lists of itself (a household graph), one
// file under WithLen(100) takes 34 s on the project's machine (up to
// 300^4 people are drawn: the bound is per list and per depth, not per
// file), so a property test's 100 files take about an hour. Want a bound
// on the whole file (or WithLen refused where it explodes); here one
// file must come within 15 s (the child process is killed then).
func TestAdversary10RecursiveTypeSlow(t *testing.T) {
	if os.Getenv("A10_CHILD") == "1" {
		g, err := advisorytest.FilesWith[a10Person](advisorytest.Boundaries{}, now, advisorytest.WithLen(100))
		if err != nil {
			fmt.Println("options refused:", err)
			return
		}
		g.Example(0)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestAdversary10RecursiveTypeSlow$")
	cmd.Env = append(os.Environ(), "A10_CHILD=1", "GOMAXPROCS=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	start := time.Now()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("child failed: %v", err)
		}
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Errorf("one file of a recursive type under WithLen(100) took more than %v (killed)", time.Since(start).Round(time.Second))
	}
}
