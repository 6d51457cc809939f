package dsl_test

// Hostile-rule tests: the promises package dsl makes to a host that lets
// untrusted people write rules (issue 13), each kind encoded as a table of
// hostile inputs, one subtest per input.
//
//   - TestHostileExplain: Explain never panics and agrees with Eval.
//   - TestHostileCPU:     runaway loops end in a typed error within ~1 s.
//   - TestHostileCancel:  a batch's context stops a running rule promptly.
//   - TestHostileMemory:  string and slice building is refused (ErrLimit)
//     with under 100 MB allocated.
//   - TestHostileCompile: compile-time blow-ups compile or fail typed within
//     a few seconds.
//   - TestHostileNaN:     NaN and nil never decide a rule silently.
//   - TestHostileReach:   no method calls into the host, no hidden field
//     revealed.
//   - TestHostileTypes:   type errors at compile time, with rule id and place.
//
// Every input runs on its own goroutine with a timeout and a recover, so a
// panic or a hang is a failure of that subtest, not of the binary. The
// kinds that can run away (CPU, cancellation, memory, compile) run each
// input in a child process (this test binary re-executed, three children
// at a time), which judges its input by the CPU time it used (so a machine
// busy with other tests cannot make an answer look like a hang) and which
// the parent kills when it overruns by far: a hung or crashed input (even
// a fatal stack overflow, which no recover can catch) fails its subtest
// and leaves the rest of the run unharmed. The whole file shares one
// wall-clock budget so `go test ./dsl` ends in a few minutes at most even
// when every input hangs.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/dsl"
)

// ---------------------------------------------------------------------------
// The host.

// hostileEnv is what a hostile rule sees: a plain struct of exported
// fields, which the library evaluates on its fastest path (closures reading
// fields at their offsets). Secret must never reach a rule; Client.Bump
// changes host state and must not be callable.
type hostileEnv struct {
	X       float64            `expr:"x"`
	Y       float64            `expr:"y"`
	N       int                `expr:"n"`
	Z       int                `expr:"z"`
	S       string             `expr:"s"`
	Xs      []float64          `expr:"xs"`
	Big     []int              `expr:"big"`
	M       map[string]float64 `expr:"m"`
	A       *hostileA          `expr:"a"`
	T       time.Time          `expr:"t"`
	T2      time.Time          `expr:"t2"`
	Client  *hostileClient     `expr:"client"`
	Clients []*hostileClient   `expr:"clients"`
	Secret  string             `expr:"-"`
}

// boxedEnv is hostileEnv with a method: the library lays such an
// environment out differently (no flat frame, no closures at field
// offsets), so each Explain and NaN input runs over both.
type boxedEnv hostileEnv

// Boxed is a harmless method; its presence is the point.
func (boxedEnv) Boxed() bool { return true }

func flat(e hostileEnv) hostileEnv { return e }
func boxed(e hostileEnv) boxedEnv  { return boxedEnv(e) }

// reachEnv is an environment with unexported fields and a method that
// changes host state.
type reachEnv struct {
	N       int              `expr:"n"`
	Client  *hostileClient   `expr:"client"`
	Clients []*hostileClient `expr:"clients"`
	Secret  string           `expr:"-"`
	pin     string
	touched *int
}

type hostileA struct {
	B    float64   `expr:"b"`
	Rate float64   `expr:"rate"`
	End  time.Time `expr:"end"`
}

type hostileClient struct {
	Name  string  `expr:"name"`
	Rate  float64 `expr:"rate"`
	Token string  `expr:"-"`
	pin   string
	Bumps int `expr:"bumps"`
}

// Bump changes host state: a rule must not be able to call it.
func (c *hostileClient) Bump() int { c.Bumps++; return c.Bumps }

// SetName changes host state too.
func (c *hostileClient) SetName(s string) bool { c.Name = s; return true }

// Touch is a method of the environment itself that changes host state.
func (e reachEnv) Touch() int {
	if e.touched != nil {
		*e.touched++
	}
	return 1
}

// The hidden values; none may appear in anything a rule produces.
const (
	secretToken  = "TOKEN-dash-7f3a"
	secretPin    = "PIN-unexported-91c2"
	secretEnv    = "ENVSECRET-dash-55aa"
	secretEnvPin = "ENVPIN-unexp-c0de"
)

var hostileNow = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

func secretClient() *hostileClient {
	return &hostileClient{Name: "ann", Rate: 0.4, Token: secretToken, pin: secretPin}
}

// hostileEnvs are the environments Explain is held to Eval over: zero
// values, ordinary data, NaN, nil pointers, ±Inf.
func hostileEnvs() []struct {
	name string
	env  hostileEnv
} {
	nan := math.NaN()
	return []struct {
		name string
		env  hostileEnv
	}{
		{"zero", hostileEnv{}},
		{"normal", hostileEnv{X: 2, Y: 1, N: 3, Z: 1, S: "ab", Xs: []float64{1, 2}, Big: []int{1, 2, 3},
			M: map[string]float64{"k": 1}, A: &hostileA{B: 0.5, Rate: 2},
			T: hostileNow.AddDate(-1, -2, 0), T2: hostileNow.AddDate(0, 0, 100), Client: secretClient()}},
		{"soon", hostileEnv{X: 0.2, N: 1, A: &hostileA{B: 0.4, Rate: 0.5},
			T: hostileNow.AddDate(0, 0, 10), T2: hostileNow.AddDate(3, 0, 0)}},
		{"nan", hostileEnv{X: nan, Y: nan, N: 2, Xs: []float64{nan}, M: map[string]float64{"k": nan},
			A: &hostileA{B: nan, Rate: nan}, T: hostileNow.AddDate(0, 0, -10), T2: hostileNow}},
		{"nil", hostileEnv{N: 1, T: hostileNow.AddDate(0, 0, 20), T2: hostileNow.AddDate(0, 0, 40)}},
		{"inf", hostileEnv{X: math.Inf(1), Y: math.Inf(-1), N: 5, A: &hostileA{B: math.Inf(1), Rate: math.Inf(-1)},
			T: hostileNow.AddDate(-30, 0, 0), T2: hostileNow.AddDate(30, 0, 0)}},
	}
}

// bigEnv has host slices of a few thousand elements.
func bigEnv(n int) hostileEnv {
	big := make([]int, n)
	xs := make([]float64, n)
	for i := range big {
		big[i] = i + 1
		xs[i] = float64(i) / 7
	}
	return hostileEnv{N: 3, X: 1, Big: big, Xs: xs, S: "abcdefgh", T: hostileNow.AddDate(0, 0, -3)}
}

// ---------------------------------------------------------------------------
// Harness.

// hostileCase is one hostile input. run returns nil when the library kept
// its promise, or an error that says how it broke it, starting with a short
// verdict in capitals (PANIC, HANG, SLOW, WRONG, SILENT, LEAK, ...).
type hostileCase struct {
	name string
	// heavy inputs are skipped under -short.
	heavy bool
	run   func() error
	// boxed, if set, is the same input over boxedEnv.
	boxed func() error
}

// withBoxed gives each case a flat/ and a boxed/ subtest.
func withBoxed(cases []hostileCase) []hostileCase {
	var out []hostileCase
	for _, c := range cases {
		out = append(out, hostileCase{name: "flat/" + c.name, run: c.run})
		if c.boxed != nil {
			out = append(out, hostileCase{name: "boxed/" + c.name, run: c.boxed})
		}
	}
	return out
}

// guard runs fn on its own goroutine, turning a panic or a hang into an
// error: no answer within timeout of clock's time (wall time in the test
// process, where other tests run beside; CPU time in a child, see cpuNow).
// A hung goroutine is abandoned (in a child process, the process then
// exits).
func guard(timeout time.Duration, clock func() time.Duration, fn func() error) error {
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("PANIC: %v\n%s", r, stackHead(debug.Stack()))
			}
		}()
		done <- fn()
	}()
	start := clock()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return err
		case <-tick.C:
			if clock()-start > timeout {
				return fmt.Errorf("HANG: no answer within %v", timeout)
			}
		}
	}
}

// processStart is when this process's clock began, for wallSinceStart.
var processStart = time.Now()

// wallSinceStart is the wall time since the process started.
func wallSinceStart() time.Duration { return time.Since(processStart) }

func stackHead(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	if len(lines) > 24 {
		lines = lines[:24]
	}
	return strings.Join(lines, "\n")
}

// inProcessTimeout bounds the inputs of the kinds that should be instant.
const inProcessTimeout = 3 * time.Second

func runInProcess(t *testing.T, cases []hostileCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := guard(inProcessTimeout, wallSinceStart, c.run); err != nil {
				t.Error(err)
			}
		})
	}
}

// The isolated kinds, by name, for the child process to find its input.
var isolatedKinds = map[string]func() []hostileCase{
	"cpu":     cpuCases,
	"cancel":  cancelCases,
	"memory":  memoryCases,
	"compile": compileCases,
}

const (
	childVar      = "DSL_HOSTILE_CHILD"
	verdictPrefix = "HOSTILE-VERDICT: "
	// childHeapCap is where the child's watchdog stops an input that
	// allocates without bound, so a runaway cannot take the machine's
	// memory.
	childHeapCap = 3 << 30
	// fileBudget bounds the wall time of all isolated inputs together; an
	// input started after it is spent fails without running.
	fileBudget = 120 * time.Second
)

// childTimeout is how much CPU time the child lets an input of a kind use
// before it calls it a hang; the parent kills the child when three times
// that has passed on the wall clock (and five seconds more).
//
// The bounds are hang detectors, not speed targets: the inputs answer in
// well under a second of CPU, and each bound leaves several times that.
var childTimeout = map[string]time.Duration{
	"cpu":     6 * time.Second,
	"cancel":  4 * time.Second,
	"memory":  6 * time.Second,
	"compile": 12 * time.Second,
}

var (
	fileStart     time.Time
	fileStartOnce sync.Once
	// childSlots limits the children running at once (the machine is
	// small and shared, and the timings must mean something).
	childSlots = make(chan struct{}, 3)
)

// runIsolated runs every input of kind in its own child process, a few at
// a time (whatever -test.parallel says), and reports each as a subtest.
func runIsolated(t *testing.T, kind string) {
	if raceEnabled {
		// The race detector slows evaluation ten-fold or more, and these
		// cases are bounded in time; the plain test run checks them.
		t.Skip("time-bounded cases are not run under the race detector")
	}
	fileStartOnce.Do(func() { fileStart = time.Now() })
	cases := isolatedKinds[kind]()
	results := make([]chan error, len(cases))
	for i, c := range cases {
		results[i] = make(chan error, 1)
		if c.heavy && testing.Short() {
			continue
		}
		go func() {
			childSlots <- struct{}{}
			defer func() { <-childSlots }()
			if time.Since(fileStart) > fileBudget {
				results[i] <- fmt.Errorf("NOT RUN: the hostile file's %v budget was spent by earlier inputs (hangs?)", fileBudget)
				return
			}
			start := time.Now()
			err := runChild(kind, c.name)
			if err != nil {
				err = fmt.Errorf("%w [child ran %v]", err, time.Since(start).Round(time.Millisecond))
			}
			results[i] <- err
		}()
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.heavy && testing.Short() {
				t.Skip("heavy hostile input; skipped under -short")
			}
			if err := <-results[i]; err != nil {
				t.Error(err)
			}
		})
	}
}

// runChild re-executes the test binary to run one input, and returns its
// verdict; a child that overruns is killed and reported as a hang, one that
// dies without a verdict as a crash.
func runChild(kind, name string) error {
	// The child judges its input by the CPU time it used; the parent
	// kills it only when the wall time is far beyond that, which a child
	// starved of the cores (by other packages' tests on a shared machine)
	// does not reach.
	kill := 3*childTimeout[kind] + 5*time.Second
	ctx, cancel := context.WithTimeout(context.Background(), kill)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHostileChild$", "-test.count=1", "-test.timeout=60s")
	cmd.Env = append(os.Environ(), childVar+"="+kind+"/"+name, "GOMAXPROCS=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	for _, line := range strings.Split(stdout.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, verdictPrefix); ok {
			v, err := strconv.Unquote(rest)
			if err != nil {
				return fmt.Errorf("bad verdict line %q", line)
			}
			if v == "ok" {
				return nil
			}
			return errors.New(v)
		}
	}
	if ctx.Err() != nil {
		used := time.Duration(0)
		if ps := cmd.ProcessState; ps != nil {
			used = ps.UserTime() + ps.SystemTime()
		}
		return fmt.Errorf("HANG: child process killed after %v without a verdict (%v of CPU)", kill, used.Round(time.Millisecond))
	}
	return fmt.Errorf("CRASH: child process died without a verdict (%v):\n%s", runErr,
		tail(stderr.String()+stdout.String(), 30))
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		// A fatal error's first lines say what it was.
		lines = append(lines[:6], append([]string{"..."}, lines[len(lines)-n+6:]...)...)
	}
	return strings.Join(lines, "\n")
}

// TestHostileChild is the child process's entry: it runs the input named by
// DSL_HOSTILE_CHILD and prints its verdict. Run directly, it does nothing.
func TestHostileChild(t *testing.T) {
	which := os.Getenv(childVar)
	if which == "" {
		return
	}
	kind, name, _ := strings.Cut(which, "/")
	var c *hostileCase
	if mk := isolatedKinds[kind]; mk != nil {
		for _, cc := range mk() {
			if cc.name == name {
				c = &cc
				break
			}
		}
	}
	verdict := func(err error) {
		v := "ok"
		if err != nil {
			v = err.Error()
		}
		fmt.Println(verdictPrefix + strconv.Quote(v))
		os.Stdout.Sync()
		os.Exit(0) // abandon any runaway goroutine with the process
	}
	if c == nil {
		verdict(fmt.Errorf("no hostile input %q", which))
	}
	// A Go stack overflow is fatal and takes a gigabyte of stack by
	// default; the cap makes it quick. The library must bound nesting
	// independently of the stack anyway.
	debug.SetMaxStack(256 << 20)
	go heapWatchdog(verdict)
	verdict(guard(childTimeout[kind], cpuNow, c.run))
}

// heapWatchdog ends the child when its heap passes childHeapCap.
func heapWatchdog(verdict func(error)) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	for {
		metrics.Read(sample)
		if b := sample[0].Value.Uint64(); b > childHeapCap {
			verdict(fmt.Errorf("MEMORY: live heap passed %d MB (%d MB) before any answer", childHeapCap>>20, b>>20))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// allocated runs fn and returns the bytes it allocated (TotalAlloc delta).
func allocated(fn func()) uint64 {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	fn()
	runtime.ReadMemStats(&m1)
	return m1.TotalAlloc - m0.TotalAlloc
}

// ---------------------------------------------------------------------------
// Rule files.

// ruleFile makes a rule file of one rule r with the given statements: the
// first statement is on line 4.
func ruleFile(stmts ...string) string {
	return "ruleset hostile version 1\nrule r {\n  type \"t\"\n  " + strings.Join(stmts, "\n  ") + "\n}\n"
}

// leafErrors flattens joined errors.
func leafErrors(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, leafErrors(e)...)
		}
		return out
	}
	return []error{err}
}

// ruleErr is the error of rule id among a rule set's joined errors.
func ruleErr(err error, id string) error {
	for _, e := range leafErrors(err) {
		var de *dsl.Error
		if errors.As(e, &de) && de.RuleID == id {
			return e
		}
	}
	return nil
}

func hitFor(hits []dsl.Hit, id string) *dsl.Hit {
	for i := range hits {
		if hits[i].Rule == id {
			return &hits[i]
		}
	}
	return nil
}

func kindOf(err error) string {
	for _, k := range []struct {
		s   error
		txt string
	}{{dsl.ErrNaN, "nan"}, {dsl.ErrLimit, "limit"}, {dsl.ErrEval, "eval"}, {dsl.ErrType, "type"},
		{dsl.ErrSyntax, "syntax"}, {dsl.ErrUnknownName, "unknown_name"},
		{context.Canceled, "canceled"}, {context.DeadlineExceeded, "deadline"}} {
		if errors.Is(err, k.s) {
			return k.txt
		}
	}
	if err == nil {
		return "none"
	}
	return "untyped"
}

func short(err error) string {
	if err == nil {
		return "<nil>"
	}
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// ---------------------------------------------------------------------------
// Explain never panics and agrees with Eval.

// explainErr is the failure an explanation reports: the rule's, or its
// condition's, or a branch condition's.
func explainErr(x *dsl.RuleExplanation) string {
	if x.Err != "" {
		return x.Err
	}
	if x.When != nil && x.When.Root != nil && x.When.Root.Err != "" {
		return x.When.Root.Err
	}
	var walk func([]dsl.BranchExplanation) string
	walk = func(bs []dsl.BranchExplanation) string {
		for _, b := range bs {
			if b.Cond != nil && b.Cond.Root != nil && b.Cond.Root.Err != "" {
				return b.Cond.Root.Err
			}
			if s := walk(b.Children); s != "" {
				return s
			}
		}
		return ""
	}
	return walk(x.Branches)
}

func hitSummary(h *dsl.Hit) string {
	if h == nil {
		return "no hit"
	}
	return fmt.Sprintf("%s %s %q %q u=%v s=%v out=%v", h.Type, h.Path, h.Title, h.Message, h.Urgency, h.Sensitivity, h.Outputs)
}

// agreeRuleSet checks RuleSet.Explain against RuleSet.Eval for rule r over
// every hostile environment.
func agreeRuleSet[E any](src string, conv func(hostileEnv) E) error {
	rs, err := dsl.CompileRules[E]([]byte(src))
	if err != nil {
		return fmt.Errorf("SETUP: the rule does not compile: %v", err)
	}
	var problems []string
	for _, info := range rs.Rules() {
		for _, e := range hostileEnvs() {
			problems = append(problems, agreeRule(rs, info.ID, e.name, conv(e.env))...)
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

func agreeRule[E any](rs *dsl.RuleSet[E], id, envName string, env E) (problems []string) {
	e := struct {
		name string
		env  E
	}{envName, env}
	{
		hits, evalErr := rs.Eval(e.env, hostileNow)
		h, rerr := hitFor(hits, id), ruleErr(evalErr, id)
		var x *dsl.RuleExplanation
		var xerr error
		func() {
			defer func() {
				if p := recover(); p != nil {
					xerr = fmt.Errorf("PANIC in Explain: %v\n%s", p, stackHead(debug.Stack()))
				}
			}()
			x, xerr = rs.Explain(id, e.env, hostileNow)
		}()
		switch {
		case xerr != nil:
			return append(problems, fmt.Sprintf("rule %s env %s: %v", id, e.name, xerr))
		case x == nil:
			return append(problems, fmt.Sprintf("rule %s env %s: Explain returned nil", id, e.name))
		}
		xe := explainErr(x)
		if x.Fired != (h != nil) {
			problems = append(problems, fmt.Sprintf("DISAGREE env %s: Eval fired=%v (err %s), Explain fired=%v (err %q)",
				e.name, h != nil, short(rerr), x.Fired, xe))
		}
		if (rerr != nil) != (xe != "") {
			problems = append(problems, fmt.Sprintf("DISAGREE env %s: Eval error %s (%s), Explain error %q",
				e.name, short(rerr), kindOf(rerr), xe))
		}
		if h != nil && x.Fired && len(x.Hits) > 0 && hitSummary(h) != hitSummary(&x.Hits[0]) {
			problems = append(problems, fmt.Sprintf("DISAGREE env %s: Eval hit %s, Explain hit %s",
				e.name, hitSummary(h), hitSummary(&x.Hits[0])))
		}
	}
	return problems
}

// agreeExpr checks Expr.Explain against Expr.Eval over every hostile
// environment: the same error, and a tree whose root says what Eval said.
func agreeExpr[E any](src string, conv func(hostileEnv) E) error {
	e, err := dsl.Compile[E, bool](src, dsl.WithID("x"))
	if err != nil {
		return fmt.Errorf("SETUP: the expression does not compile: %v", err)
	}
	var problems []string
	for _, env := range hostileEnvs() {
		v, evalErr := e.Eval(conv(env.env), hostileNow)
		var x *dsl.Explanation
		var xerr error
		panicked := ""
		func() {
			defer func() {
				if p := recover(); p != nil {
					panicked = fmt.Sprintf("PANIC in Explain: %v\n%s", p, stackHead(debug.Stack()))
				}
			}()
			x, xerr = e.Explain(conv(env.env), hostileNow)
		}()
		if panicked != "" {
			problems = append(problems, "env "+env.name+": "+panicked)
			continue
		}
		if kindOf(evalErr) != kindOf(xerr) {
			problems = append(problems, fmt.Sprintf("DISAGREE env %s: Eval error %s, Explain error %s", env.name, short(evalErr), short(xerr)))
		}
		if x == nil || x.Root == nil {
			problems = append(problems, fmt.Sprintf("env %s: no explanation tree", env.name))
			continue
		}
		switch {
		case evalErr == nil && (x.Root.Err != "" || x.Root.Value != any(v)):
			problems = append(problems, fmt.Sprintf("DISAGREE env %s: Eval %v, explanation root says %v (err %q)",
				env.name, v, x.Root.Value, x.Root.Err))
		case evalErr != nil && x.Root.Err == "":
			problems = append(problems, fmt.Sprintf("DISAGREE env %s: Eval failed (%s), explanation root says %v without an error",
				env.name, short(evalErr), x.Root.Value))
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

func TestHostileExplain(t *testing.T) {
	rule := func(name string, stmts ...string) hostileCase {
		src := ruleFile(stmts...)
		return hostileCase{name: name, run: func() error { return agreeRuleSet(src, flat) },
			boxed: func() error { return agreeRuleSet(src, boxed) }}
	}
	expr := func(name, src string) hostileCase {
		return hostileCase{name: name, run: func() error { return agreeExpr(src, flat) },
			boxed: func() error { return agreeExpr(src, boxed) }}
	}
	cases := []hostileCase{
		// Date built-ins in every place a rule can hold an expression.
		rule("date/daysUntil_in_let", `let d = daysUntil(t)`, `when d >= 0 && d <= 180`, `title "ends in {d} days"`,
			`urgency d <= 14 ? 0.9 : 0.3`, `sensitivity 0.3`),
		rule("date/daysSince_in_when", `when daysSince(t) > 5`, `urgency 0.5`, `sensitivity 0.5`),
		rule("date/monthsSince_in_title", `when n > 0`, `title "{monthsSince(t)} months"`, `urgency 0.5`, `sensitivity 0.5`),
		rule("date/age_in_output", `when n > 0`, `output years age(t)`, `urgency 0.5`, `sensitivity 0.5`),
		rule("date/yearsBetween_in_urgency", `when n > 0`, `urgency yearsBetween(t, t2) > 1 ? 0.9 : 0.1`, `sensitivity 0.5`),
		rule("date/daysUntil_in_message", `when n >= 0`, `message "due in {daysUntil(t2)} days, {daysSince(t)} since"`,
			`urgency 0.5`, `sensitivity 0.5`),
		rule("date/in_branch", `when n >= 0`, `urgency 0.5`, `sensitivity 0.5`,
			"branch daysUntil(t) < 30 {\n    title \"soon: {daysUntil(t)}\"\n  }\n  else {\n    title \"later: {monthsSince(t)}\"\n  }"),
		rule("date/let_in_sensitivity", `let months = monthsSince(t)`, `when n >= 0`, `urgency 0.5`,
			`sensitivity clamp(months / 100, 0, 1)`),
		rule("date/let_without_when", `let d = daysUntil(t)`, `urgency 0.5`, `sensitivity 0.5`),
		rule("date/pointer_let_without_when", `let d = daysUntil(a.end)`, `urgency 0.5`, `sensitivity 0.5`),
		rule("date/two_lets_without_when", `let d = daysSince(t)`, `let yrs = yearsBetween(t, t2)`, `title "{d}"`,
			`urgency 0.5`, `sensitivity 0.5`),
		rule("date/age_let_guarded", `let yrs = age(a.end)`, `when a != nil`, `urgency 0.5`, `sensitivity 0.5`),
		rule("date/readme_fixed_term_ending", `let days = daysUntil(t)`, `when a != nil && days >= 0 && days <= 180`,
			`title "Fixed-rate term ends in {days} days"`, `urgency days <= 14 ? 0.9 : 0.3`, `sensitivity 0.3`),
		rule("date/two_lets", `let d = daysUntil(t2)`, `let yrs = age(t)`, `when d > 0 || yrs > 0`,
			`title "{d} / {yrs}"`, `urgency 0.2`, `sensitivity 0.2`),
		// NaN fields through !, ||, && and ternaries.
		rule("nan/not", `when !(x > 1)`, `urgency 0.5`, `sensitivity 0.5`),
		rule("nan/not_pointer", `when a != nil && !(a.rate >= 0.6)`, `urgency 0.5`, `sensitivity 0.5`),
		rule("nan/or", `when x > 1 || n > 0`, `urgency 0.5`, `sensitivity 0.5`),
		rule("nan/and_not", `when n >= 0 && !(x < 0.5)`, `urgency 0.5`, `sensitivity 0.5`),
		rule("nan/ternary_cond", `when x > 1 ? false : true`, `urgency 0.5`, `sensitivity 0.5`),
		rule("nan/ternary_urgency", `when n >= 0`, `urgency x > 0.5 ? 0.9 : 0.1`, `sensitivity 0.5`),
		rule("nan/not_equal", `when x != 0.5`, `urgency 0.5`, `sensitivity 0.5`),
		rule("nan/branch_not", `when n >= 0`, `urgency 0.5`, `sensitivity 0.5`,
			"branch !(x > 1) {\n    title \"low\"\n  }"),
		// Nil pointer chains.
		rule("nil/member_or_true", `when a.rate > 1 || true`, `urgency 0.5`, `sensitivity 0.5`),
		rule("nil/optional_or_true", `when a?.rate > 1 || true`, `urgency 0.5`, `sensitivity 0.5`),
		rule("nil/optional_not_equal", `when a?.rate != 0.5`, `urgency 0.5`, `sensitivity 0.5`),
		rule("nil/optional_or_n", `when a?.b < 1 || n > 0`, `urgency 0.5`, `sensitivity 0.5`),
		rule("nil/not_optional", `when !(a?.rate == 0.5)`, `urgency 0.5`, `sensitivity 0.5`),
		rule("nil/member_in_title", `when n > 0`, `title "rate {a.rate}"`, `urgency 0.5`, `sensitivity 0.5`),
		rule("nil/and_guard_false", `when n > 100 && a.rate > 1`, `urgency 0.5`, `sensitivity 0.5`),
		// Expressions.
		expr("expr/not_nan", `!(x > 1)`),
		expr("expr/or_nil", `a.rate > 1 || true`),
		expr("expr/optional_or_nil", `a?.rate > 1 || n > 0`),
		expr("expr/daysUntil", `daysUntil(t) > 0 && n > 0`),
		expr("expr/ternary_nan", `x > 1 ? false : true`),
		expr("expr/age_or", `age(t) > 18 || x > 1`),
	}
	runInProcess(t, withBoxed(cases))
}

// ---------------------------------------------------------------------------
// Runaway CPU.

// cpuBudget is "about a second" on a quiet machine, with room for a busy
// one (see childTimeout).
const cpuBudget = 5 * time.Second

// wantLimitExpr compiles a bool expression and evaluates it over env: it
// must fail to compile with ErrLimit, or evaluate to ErrLimit (or a
// cancellation), within budget.
func wantLimitExpr(src string, env hostileEnv) func() error {
	return func() error {
		start := cpuNow()
		e, err := dsl.Compile[hostileEnv, bool](src, dsl.WithID("x"))
		if err == nil {
			_, err = e.Eval(env, hostileNow)
		}
		return limitVerdict(err, cpuNow()-start, cpuBudget)
	}
}

// wantLimitRule is wantLimitExpr for a rule file's rule r.
func wantLimitRule(src string, env hostileEnv, budget time.Duration) func() error {
	return func() error {
		start := cpuNow()
		rs, err := dsl.CompileRules[hostileEnv]([]byte(src))
		var hits []dsl.Hit
		if err == nil {
			hits, err = rs.Eval(env, hostileNow)
			if h := hitFor(hits, "r"); h != nil && ruleErr(err, "r") == nil {
				return fmt.Errorf("WRONG: rule fired after %v (%s); want ErrLimit", cpuNow()-start, hitSummary(h))
			}
			if err != nil && ruleErr(err, "r") == nil {
				return fmt.Errorf("WRONG: error does not name rule r: %v", short(err))
			}
		}
		return limitVerdict(err, cpuNow()-start, budget)
	}
}

func limitVerdict(err error, took, budget time.Duration) error {
	switch {
	case err == nil:
		return fmt.Errorf("WRONG: no error (answered in %v); want ErrLimit", took.Round(time.Millisecond))
	case !errors.Is(err, dsl.ErrLimit) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("WRONG KIND: %s error after %v, want ErrLimit: %s", kindOf(err), took.Round(time.Millisecond), short(err))
	case took > budget:
		return fmt.Errorf("SLOW: ErrLimit only after %v (budget %v)", took.Round(time.Millisecond), budget)
	}
	// The error names the rule (or, for a constant, its place).
	var de *dsl.Error
	if !errors.As(err, &de) || de.RuleID == "" && de.Line == 0 {
		return fmt.Errorf("UNNAMED: the limit error names neither the rule nor a place: %s", short(err))
	}
	return nil
}

func cpuCases() []hostileCase {
	small := hostileEnv{N: 3, Z: 5000}
	big := bigEnv(5000)
	big.Z = 5000
	return []hostileCase{
		{name: "range/all_all", run: wantLimitExpr(`all(1..5000, {all(1..5000, {# > 0})})`, small)},
		{name: "range/any_any_any", run: wantLimitExpr(`any(1..5000, {any(1..5000, {any(1..5000, {# < 0})})})`, small)},
		{name: "range/map_map", run: wantLimitExpr(`len(map(1..5000, {len(map(1..5000, {# * 2}))})) > 0`, small)},
		{name: "range/count_filter", run: wantLimitExpr(`count(1..z, {len(filter(1..z, {# % 7 == -n})) > 0}) > 0`, small)},
		{name: "range/reduce_sum", run: wantLimitExpr(`reduce(1..z, {#acc + sum(1..z, {# * n})}, 0) > 0`, small)},
		{name: "range/none_one", run: wantLimitExpr(`none(1..5000, {one(1..5000, {# == -1})})`, small)},
		{name: "slice/all_all", run: wantLimitExpr(`all(big, {all(big, {# >= 0})})`, big)},
		{name: "slice/any_any_guarded", run: wantLimitExpr(`n > 0 && any(big, {any(big, {# == -1})})`, big)},
		{name: "slice/floats_sum_filter", run: wantLimitExpr(`sum(xs, {len(filter(xs, {# > 1e9}))}) >= 0`, big)},
		{name: "slice/sum_count", run: wantLimitExpr(`sum(big, {count(big, {# % 2 == n})}) > 0`, big)},
		{name: "rule/let", run: wantLimitRule(ruleFile(`let c = count(big, {any(big, {# == -1})})`, `when c >= 0`,
			`urgency 0.5`, `sensitivity 0.5`), big, cpuBudget)},
		{name: "rule/title", run: wantLimitRule(ruleFile(`when n >= 0`, `title "{sum(1..z, {sum(1..z, {# * n})})}"`,
			`urgency 0.5`, `sensitivity 0.5`), small, cpuBudget)},
		{name: "rule/branch", run: wantLimitRule(ruleFile(`when n >= 0`, `urgency 0.5`, `sensitivity 0.5`,
			"branch all(1..5000, {all(1..5000, {# > 0})}) {\n    title \"x\"\n  }"), small, cpuBudget)},
		{name: "rule/table_input", run: wantLimitRule("ruleset hostile version 1\ntable r hit first {\n  type \"t\"\n"+
			"  in count(1..5000, {any(1..5000, {# < 0})})\n  row >= 0 => urgency 0.5 sensitivity 0.5\n}\n", small, cpuBudget)},
		{name: "rule/output", run: wantLimitRule(ruleFile(`when n >= 0`, `output o count(big, {any(big, {# == -1})})`,
			`urgency 0.5`, `sensitivity 0.5`), big, cpuBudget)},
	}
}

func TestHostileCPU(t *testing.T) { runIsolated(t, "cpu") }

// ---------------------------------------------------------------------------
// Cancellation through the advisory batch API.

const runawayRules = `ruleset hostile version 1
rule fine {
  type "t"
  when n > 0
  urgency 0.1
  sensitivity 0.1
}
rule r {
  type "t"
  when any(big, {any(big, {any(big, {# < 0})})})
  urgency 0.5
  sensitivity 0.5
}
`

// batchStops runs EvaluateAll over files copies of env with ctx from mk,
// and checks that it returns within budget after ctx is done, with no file
// counted OK and the counts adding up.
func batchStops(src string, files int, mk func() (context.Context, context.CancelFunc), grace time.Duration) func() error {
	return func() error {
		// The step budget is raised out of reach: what must stop the rule
		// here is the context, not the budget (which a fast machine reaches
		// before the context ends).
		fw, err := advisory.Compile[hostileEnv]([]byte(src), dsl.WithLimits(dsl.Limits{MaxSteps: 1 << 50}))
		if err != nil {
			return fmt.Errorf("SETUP: %v", err)
		}
		env := bigEnv(3000)
		ctx, cancel := mk()
		defer cancel()
		seq := func(yield func(advisory.Item[hostileEnv]) bool) {
			for i := range files {
				if !yield(advisory.Item[hostileEnv]{ClientID: strconv.Itoa(i), File: env}) {
					return
				}
			}
		}
		start := time.Now()
		var doneAt atomic.Int64
		go func() {
			<-ctx.Done()
			doneAt.Store(int64(time.Since(start)))
		}()
		res := fw.EvaluateAll(ctx, seq, hostileNow, advisory.BatchOptions{Workers: 2})
		took := time.Since(start)
		if ctx.Err() == nil {
			return fmt.Errorf("WRONG: the batch finished in %v before its context was done (counts %+v)", took, res.Counts)
		}
		after := took - time.Duration(doneAt.Load())
		c := res.Counts
		switch {
		case after > grace:
			return fmt.Errorf("SLOW: EvaluateAll returned %v after its context was done (budget %v); counts %+v",
				after.Round(time.Millisecond), grace, c)
		case c.In != files || c.In != c.OK+c.Failed+c.Cancelled:
			return fmt.Errorf("WRONG: counts %+v for %d files", c, files)
		case c.OK > 0:
			return fmt.Errorf("WRONG: %d files counted OK although their runaway rule never finished: %+v", c.OK, c)
		}
		for _, f := range res.Failed {
			if !errors.Is(f.Err, dsl.ErrLimit) {
				return fmt.Errorf("WRONG: file %s failed with %s, not a limit or cancellation: %s", f.ClientID, kindOf(f.Err), short(f.Err))
			}
		}
		return nil
	}
}

func cancelCases() []hostileCase {
	deadline := func(d time.Duration) func() (context.Context, context.CancelFunc) {
		return func() (context.Context, context.CancelFunc) { return context.WithTimeout(context.Background(), d) }
	}
	cancelAfter := func(d time.Duration) func() (context.Context, context.CancelFunc) {
		return func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(d, cancel)
			return ctx, cancel
		}
	}
	const grace = 3 * time.Second
	titleLoop := strings.Replace(runawayRules, "when any(big, {any(big, {any(big, {# < 0})})})",
		"when n > 0\n  title \"{count(big, {any(big, {any(big, {# < 0})})})}\"", 1)
	letLoop := strings.Replace(runawayRules, "when any(big, {any(big, {any(big, {# < 0})})})",
		"let c = count(1..5000, {any(1..5000, {any(1..5000, {# < 0})})})\n  when c >= 0", 1)
	return []hostileCase{
		{name: "deadline_during_rule", run: batchStops(runawayRules, 1, deadline(200*time.Millisecond), grace)},
		{name: "cancel_during_rule", run: batchStops(runawayRules, 1, cancelAfter(150*time.Millisecond), grace)},
		{name: "deadline_many_files", run: batchStops(runawayRules, 6, deadline(300*time.Millisecond), grace)},
		{name: "deadline_title_loop", run: batchStops(titleLoop, 2, deadline(200*time.Millisecond), grace)},
		{name: "cancel_let_range_loop", run: batchStops(letLoop, 2, cancelAfter(200*time.Millisecond), grace)},
	}
}

func TestHostileCancel(t *testing.T) { runIsolated(t, "cancel") }

// ---------------------------------------------------------------------------
// Memory.

// memBudget bounds what a refused hostile input may allocate.
const memBudget = 100 << 20

// wantRefused compiles and runs a rule (a rule file when the source starts
// with "ruleset", else a bool expression) and wants ErrLimit, within
// memBudget bytes allocated and about a second.
func wantRefused(src string, env hostileEnv) func() error {
	return func() error {
		var err error
		var fired bool
		start := cpuNow()
		alloc := allocated(func() {
			if strings.HasPrefix(src, "ruleset") {
				var rs *dsl.RuleSet[hostileEnv]
				rs, err = dsl.CompileRules[hostileEnv]([]byte(src))
				if err == nil {
					var hits []dsl.Hit
					hits, err = rs.Eval(env, hostileNow)
					fired = hitFor(hits, "r") != nil
					err = ruleErr(err, "r")
				}
				return
			}
			var e *dsl.Expr[hostileEnv, bool]
			e, err = dsl.Compile[hostileEnv, bool](src, dsl.WithID("x"))
			if err == nil {
				fired, err = e.Eval(env, hostileNow)
			}
		})
		took := cpuNow() - start
		var problems []string
		if alloc > memBudget {
			problems = append(problems, fmt.Sprintf("MEMORY: allocated %d MB (budget %d MB)", alloc>>20, memBudget>>20))
		}
		if fired && err == nil {
			problems = append(problems, "WRONG: the rule fired")
		}
		if v := limitVerdict(err, took, cpuBudget); v != nil {
			problems = append(problems, v.Error())
		}
		if len(problems) > 0 {
			return fmt.Errorf("%s (took %v, allocated %d MB)", strings.Join(problems, "; "), took.Round(time.Millisecond), alloc>>20)
		}
		return nil
	}
}

// wantCompileRefused requires src to be refused by Compile with a typed
// error, before it can run.
func wantCompileRefused(src string) func() error {
	return func() error {
		_, err := dsl.Compile[hostileEnv, bool](src, dsl.WithID("x"))
		var de *dsl.Error
		if err == nil || !errors.As(err, &de) {
			return fmt.Errorf("WRONG: compiled, or failed without a *dsl.Error: %v", err)
		}
		return nil
	}
}

func doublingConsts(n int) string {
	var b strings.Builder
	b.WriteString("ruleset hostile version 1\nconst C0 = \"" + strings.Repeat("x", 1024) + "\"\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "const C%d = C%d + C%d\n", i, i-1, i-1)
	}
	fmt.Fprintf(&b, "rule r {\n  type \"t\"\n  when len(C%d) > 0\n  urgency 0.5\n  sensitivity 0.5\n}\n", n)
	return b.String()
}

func doublingStringLets(n int) string {
	stmts := []string{`let s0 = repeat("x", 1024)`}
	for i := 1; i <= n; i++ {
		stmts = append(stmts, fmt.Sprintf("let s%d = s%d + s%d", i, i-1, i-1))
	}
	stmts = append(stmts, fmt.Sprintf("when len(s%d) > 0", n), `urgency 0.5`, `sensitivity 0.5`)
	return ruleFile(stmts...)
}

func memoryCases() []hostileCase {
	small := hostileEnv{N: 3, S: "abcdefgh", Z: 200_000_000}
	big := hostileEnv{N: 3, S: strings.Repeat("y", 100_000)}
	var exprLets strings.Builder
	exprLets.WriteString(`let s0 = repeat("x", 1024); `)
	for i := 1; i <= 20; i++ {
		fmt.Fprintf(&exprLets, "let s%d = s%d + s%d; ", i, i-1, i-1)
	}
	exprLets.WriteString("len(s20) > 0")
	return []hostileCase{
		{name: "repeat/literal", run: wantRefused(`len(repeat("x", 1000000000)) > 0`, small)},
		{name: "repeat/nested", run: wantRefused(`len(repeat(repeat("ab", 20000), 20000)) > 0`, small)},
		{name: "repeat/count_from_data", run: wantRefused(`len(repeat(s, z)) > 0`, small)},
		{name: "repeat/upper", run: wantRefused(`len(upper(repeat("x", 400000000))) > 0`, small)},
		{name: "replace/blowup", run: wantRefused(`len(replace(repeat("a", 20000), "a", repeat("b", 20000))) > 0`, small)},
		{name: "replace/lets", run: wantRefused(ruleFile(`let s0 = repeat("ab", 100)`, `let s1 = replace(s0, "a", s0)`,
			`let s2 = replace(s1, "a", s1)`, `let s3 = replace(s2, "a", s2)`, `when len(s3) > 0`,
			`urgency 0.5`, `sensitivity 0.5`), small)},
		{name: "concat/reduce_doubling", run: wantRefused(`len(reduce(1..24, {#acc + #acc}, repeat("x", 64))) > 0`, small)},
		{name: "concat/expr_lets_doubling", run: wantRefused(exprLets.String(), small)},
		{name: "concat/rule_lets_doubling", run: wantRefused(doublingStringLets(20), small)},
		{name: "const/doubling", run: wantRefused(doublingConsts(20), small)},
		{name: "const/repeat", run: wantRefused("ruleset hostile version 1\nconst Big = repeat(\"x\", 1000000000)\n"+
			"rule r {\n  type \"t\"\n  when len(Big) > 0\n  urgency 0.5\n  sensitivity 0.5\n}\n", small)},
		{name: "join/map_repeat", run: wantRefused(`len(join(map(1..100000, {repeat("x", 10000)}), "")) > 0`, small)},
		{name: "join/map_field", run: wantRefused(`len(join(map(1..5000, {s}), s)) > 0`, big)},
		// toJSON is not a built-in rules may call (it would write out hidden
		// fields), so the rule is refused when it is compiled.
		{name: "toJSON/map_repeat", run: wantCompileRefused(`len(toJSON(map(1..200000, {repeat("x", 1000)}))) > 0`)},
		{name: "split/huge", run: wantRefused(`len(split(repeat("a,", 50000000), ",")) > 0`, small)},
		{name: "title/repeat", run: wantRefused(ruleFile(`when n > 0`, `title "{repeat(\"ab\", 300000000)}"`,
			`urgency 0.5`, `sensitivity 0.5`), small)},
		{name: "output/repeat", run: wantRefused(ruleFile(`when n > 0`, `output o repeat("ab", 300000000)`,
			`urgency 0.5`, `sensitivity 0.5`), small)},
		{name: "message/concat_field", run: wantRefused(ruleFile(`when n > 0`,
			`message "{join(map(1..5000, {s + s}), s)}"`, `urgency 0.5`, `sensitivity 0.5`), big)},
	}
}

func TestHostileMemory(t *testing.T) { runIsolated(t, "memory") }

// ---------------------------------------------------------------------------
// Compile-time blow-ups.

// compileBudget is generous: the machine is slow and shared.
const compileBudget = 10 * time.Second

// compileBounded compiles (and, when it compiles, evaluates once) a rule
// file or a bool expression: it must succeed or fail with a typed *dsl.Error
// within compileBudget, and allocate under maxAlloc.
func compileBounded(src string, opts []dsl.Option, maxAlloc uint64) func() error {
	return func() error {
		var err error
		var evalTook time.Duration
		start := cpuNow()
		alloc := allocated(func() {
			if strings.HasPrefix(src, "ruleset") {
				var rs *dsl.RuleSet[hostileEnv]
				rs, err = dsl.CompileRules[hostileEnv]([]byte(src), opts...)
				if err == nil {
					t0 := cpuNow()
					_, _ = rs.Eval(hostileEnv{N: 3}, hostileNow)
					evalTook = cpuNow() - t0
				}
				return
			}
			var e *dsl.Expr[hostileEnv, bool]
			e, err = dsl.Compile[hostileEnv, bool](src, append([]dsl.Option{dsl.WithID("x")}, opts...)...)
			if err == nil {
				t0 := cpuNow()
				_, _ = e.Eval(hostileEnv{N: 3}, hostileNow)
				evalTook = cpuNow() - t0
			}
		})
		took := cpuNow() - start
		var problems []string
		if took > compileBudget {
			problems = append(problems, fmt.Sprintf("SLOW: took %v (budget %v; eval %v)", took.Round(time.Millisecond),
				compileBudget, evalTook.Round(time.Millisecond)))
		}
		if alloc > maxAlloc {
			problems = append(problems, fmt.Sprintf("MEMORY: allocated %d MB (budget %d MB)", alloc>>20, maxAlloc>>20))
		}
		for _, e := range leafErrors(err) {
			var de *dsl.Error
			if !errors.As(e, &de) || de.Kind == dsl.KindUnknown {
				problems = append(problems, "UNTYPED: "+short(e))
				break
			}
		}
		if len(problems) > 0 {
			return fmt.Errorf("%s (compile error: %s)", strings.Join(problems, "; "), short(err))
		}
		return nil
	}
}

func doublingLets(n int, place string) string {
	stmts := []string{"let b0 = n"}
	for i := 1; i <= n; i++ {
		stmts = append(stmts, fmt.Sprintf("let b%d = b%d + b%d", i, i-1, i-1))
	}
	switch place {
	case "when":
		stmts = append(stmts, fmt.Sprintf("when b%d > 0", n))
	case "title":
		stmts = append(stmts, "when n > 0", fmt.Sprintf(`title "{b%d}"`, n))
	case "urgency":
		stmts = append(stmts, "when n > 0", fmt.Sprintf("urgency b%d > 0 ? 0.5 : 0.1", n))
	}
	stmts = append(stmts, "urgency 0.5", "sensitivity 0.5")
	if place == "urgency" {
		stmts = stmts[:len(stmts)-2]
		stmts = append(stmts, "sensitivity 0.5")
	}
	return ruleFile(stmts...)
}

func manyRules(n int, stmt func(i int) string) string {
	var b strings.Builder
	b.WriteString("ruleset hostile version 1\n")
	for i := range n {
		fmt.Fprintf(&b, "rule r%d {\n  type \"t\"\n  %s\n  urgency 0.1\n  sensitivity 0.1\n}\n", i, stmt(i))
	}
	return b.String()
}

func nestedBranches(depth int) string {
	var b strings.Builder
	b.WriteString("ruleset hostile version 1\nrule r {\n  type \"t\"\n  when n >= 0\n  urgency 0.1\n  sensitivity 0.1\n")
	for i := range depth {
		fmt.Fprintf(&b, "branch n > %d {\n", i)
	}
	b.WriteString("title \"deep\"\n")
	for range depth {
		b.WriteString("}\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func compileCases() []hostileCase {
	const mb = 1 << 20
	var exprLets strings.Builder
	exprLets.WriteString("let b0 = n; ")
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&exprLets, "let b%d = b%d + b%d; ", i, i-1, i-1)
	}
	exprLets.WriteString("b30 > 0")
	ternary := strings.Repeat("n > 0 ? (", 1000) + "true" + strings.Repeat(") : false", 1000)
	closures := strings.Repeat("all(1..2, {", 400) + "n > 0" + strings.Repeat("})", 400)
	raised := []dsl.Option{dsl.WithLimits(dsl.Limits{MaxSourceBytes: 8 << 20, MaxNodes: 1 << 30})}
	return []hostileCase{
		{name: "lets/doubling_30_when", run: compileBounded(doublingLets(30, "when"), nil, 200*mb)},
		{name: "lets/doubling_30_title", run: compileBounded(doublingLets(30, "title"), nil, 200*mb)},
		{name: "lets/doubling_30_urgency", run: compileBounded(doublingLets(30, "urgency"), nil, 200*mb)},
		{name: "lets/doubling_30_expr", run: compileBounded(exprLets.String(), nil, 200*mb)},
		{name: "nest/parens_7000", run: compileBounded(strings.Repeat("(", 7000)+"n > 0"+strings.Repeat(")", 7000), nil, 200*mb)},
		{name: "nest/not_15000", run: compileBounded(strings.Repeat("!", 15000)+"true", nil, 200*mb)},
		{name: "nest/ternary_1000", run: compileBounded(ternary, nil, 200*mb)},
		{name: "nest/closures_400", run: compileBounded(closures, nil, 200*mb)},
		{name: "nest/unclosed_parens_15000", run: compileBounded(strings.Repeat("(", 15000)+"n", nil, 200*mb)},
		{name: "nest/branches_300", run: compileBounded(nestedBranches(300), nil, 200*mb)},
		{name: "nest/branches_20000", heavy: true, run: compileBounded(nestedBranches(20000), nil, 500*mb)},
		{name: "nest/parens_1M_raised_source_limit", heavy: true,
			run: compileBounded(strings.Repeat("(", 1_000_000)+"n > 0"+strings.Repeat(")", 1_000_000), raised, 500*mb)},
		{name: "nest/minus_1M_raised_source_limit", heavy: true,
			run: compileBounded(strings.Repeat("-", 2_000_000)+"n > 0", raised, 500*mb)},
		{name: "chain/and_1300", run: compileBounded(strings.TrimSuffix(strings.Repeat("n > 1234 && ", 1300), " && "), nil, 200*mb)},
		{name: "chain/plus_raised_limits", heavy: true,
			run: compileBounded(strings.Repeat("n + ", 200_000)+"n > 0", raised, 500*mb)},
		{name: "chain/long_identifier", run: compileBounded(strings.Repeat("q", 16000)+" > 0", nil, 200*mb)},
		{name: "file/rules_20000", heavy: true,
			run: compileBounded(manyRules(20000, func(i int) string { return fmt.Sprintf("when n > %d", i) }), nil, 1500*mb)},
		{name: "file/type_errors_5000", heavy: true,
			run: compileBounded(manyRules(5000, func(int) string { return "when n + 1" }), nil, 500*mb)},
		{name: "file/unknown_names_5000", heavy: true,
			run: compileBounded(manyRules(5000, func(int) string { return "when nn > 1 && clent.name == \"x\"" }), nil, 500*mb)},
		{name: "file/syntax_errors_5000", heavy: true,
			run: compileBounded(manyRules(5000, func(int) string { return "when n > > 1" }), nil, 500*mb)},
		{name: "file/unclosed_brackets_lines", heavy: true,
			run: compileBounded("ruleset hostile version 1\nrule r {\n  type \"t\"\n  when ("+strings.Repeat("n > 0 && (\n", 100_000)+"}\n", nil, 500*mb)},
	}
}

func TestHostileCompile(t *testing.T) { runIsolated(t, "compile") }

// ---------------------------------------------------------------------------
// NaN and nil never decide.

// wantUndecidedRule wants rule r to fail with ErrNaN or ErrEval over env,
// and not to fire.
func wantUndecidedRule[E any](src string, env E, opts ...dsl.Option) func() error {
	return func() error {
		rs, err := dsl.CompileRules[E]([]byte(src), opts...)
		if err != nil {
			return fmt.Errorf("SETUP: %v", err)
		}
		hits, err := rs.Eval(env, hostileNow)
		h, rerr := hitFor(hits, "r"), ruleErr(err, "r")
		switch {
		case h != nil && rerr == nil:
			return fmt.Errorf("SILENT: the rule fired without an error: %s", hitSummary(h))
		case h != nil:
			return fmt.Errorf("WRONG: the rule fired and failed (%s): %s", short(rerr), hitSummary(h))
		case rerr == nil:
			return fmt.Errorf("SILENT: the rule was decided (not fired) without an error")
		case !errors.Is(rerr, dsl.ErrNaN) && !errors.Is(rerr, dsl.ErrEval):
			return fmt.Errorf("WRONG KIND: %s: %s", kindOf(rerr), short(rerr))
		}
		return nil
	}
}

// wantUndecidedExpr wants a bool expression to fail with ErrNaN or ErrEval.
func wantUndecidedExpr[E any](src string, env E, opts ...dsl.Option) func() error {
	return func() error {
		e, err := dsl.Compile[E, bool](src, append([]dsl.Option{dsl.WithID("x")}, opts...)...)
		if err != nil {
			return fmt.Errorf("SETUP: %v", err)
		}
		v, err := e.Eval(env, hostileNow)
		switch {
		case err == nil:
			return fmt.Errorf("SILENT: evaluated to %v without an error", v)
		case !errors.Is(err, dsl.ErrNaN) && !errors.Is(err, dsl.ErrEval):
			return fmt.Errorf("WRONG KIND: %s: %s", kindOf(err), short(err))
		}
		return nil
	}
}

func nanHost() dsl.Option {
	return dsl.WithFunc1("f", func(float64) float64 { return math.NaN() })
}

func TestHostileNaN(t *testing.T) {
	nan := math.NaN()
	inf := math.Inf(1)
	fieldNaN := hostileEnv{X: nan, N: 1, A: &hostileA{Rate: nan, B: nan}}
	zero := hostileEnv{N: 0, Y: 0, Z: 0}
	infEnv := hostileEnv{X: inf, N: 1}
	sliceNaN := hostileEnv{N: 1, Xs: []float64{nan, 1}}
	mapNaN := hostileEnv{N: 1, M: map[string]float64{"k": nan}}
	nilA := hostileEnv{N: 1}
	strNaN := hostileEnv{N: 1, S: "NaN"}
	body := func(when string, rest ...string) string {
		return ruleFile(append([]string{"when " + when}, append(rest, "urgency 0.5", "sensitivity 0.5")...)...)
	}
	nanRule := func(name, src string, env hostileEnv, opts ...dsl.Option) hostileCase {
		return hostileCase{name: name, run: wantUndecidedRule(src, env, opts...), boxed: wantUndecidedRule(src, boxedEnv(env), opts...)}
	}
	nanExpr := func(name, src string, env hostileEnv, opts ...dsl.Option) hostileCase {
		return hostileCase{name: name, run: wantUndecidedExpr(src, env, opts...), boxed: wantUndecidedExpr(src, boxedEnv(env), opts...)}
	}
	cases := []hostileCase{
		// From a field (the documented guard).
		nanRule("field/not_gt", body(`!(x > 0.5)`), fieldNaN),
		nanRule("field/pointer_not_ge", body(`a != nil && !(a.rate >= 0.6)`), fieldNaN),
		nanRule("field/not_equal", body(`x != 0.5`), fieldNaN),
		nanExpr("field/or", `!(x > 0.5) || x > 2`, fieldNaN),
		// From arithmetic on data.
		nanRule("arith/y_div_y_zero", body(`!(y / y > 0.5)`), zero),
		nanRule("arith/int_div_self_zero", body(`!(z / z > 0.5)`), zero),
		nanRule("arith/x_minus_x_inf", body(`!(x - x > 0)`), infEnv),
		nanRule("arith/x_times_zero_inf", body(`!(x * 0 >= 1)`), infEnv),
		nanRule("arith/let_y_div_y", ruleFile(`let r0 = y / y`, `when !(r0 > 0.5)`,
			`urgency 0.5`, `sensitivity 0.5`), zero),
		nanExpr("arith/not_equal_expr", `x - x != 0`, infEnv),
		nanExpr("arith/float_of_string", `!(float(s) > 0)`, strNaN),
		// From a slice element, a map value.
		nanRule("slice/index", body(`!(xs[0] > 0.5)`), sliceNaN),
		nanExpr("slice/first", `!(first(xs) > 0.5)`, sliceNaN),
		nanExpr("slice/any_not", `any(xs, {!(# > 0.5)})`, sliceNaN),
		nanExpr("slice/sum", `!(sum(xs) > 0.5)`, sliceNaN),
		nanRule("map/index", body(`!(m["k"] > 0.5)`), mapNaN),
		nanExpr("map/member", `!(m.k > 0.5)`, mapNaN),
		nanExpr("map/values", `all(values(m), {!(# > 0.5)})`, mapNaN),
		// From a host function.
		nanRule("host/func1", body(`!(f(1) > 0.5)`), nilA, nanHost()),
		nanExpr("host/func1_expr", `f(x) != 0.5`, nilA, nanHost()),
		nanRule("host/func1_in_let", ruleFile(`let v = f(1)`, `when !(v >= 0.5)`,
			`urgency 0.5`, `sensitivity 0.5`), nilA, nanHost()),
		// A ternary inside an output, a title, a branch.
		nanRule("output/ternary_urgency", ruleFile(`when n > 0`, `urgency x > 0.5 ? 0.9 : 0.1`,
			`sensitivity 0.5`), fieldNaN),
		nanRule("output/ternary_sensitivity_arith", ruleFile(`when n >= 0`, `urgency 0.5`,
			`sensitivity y / y > 0.5 ? 0.9 : 0.1`), zero),
		nanRule("output/ternary_title", ruleFile(`when n > 0`, `title "{x > 0.5 ? \"high\" : \"low\"}"`,
			`urgency 0.5`, `sensitivity 0.5`), fieldNaN),
		nanRule("output/ternary_named_output", ruleFile(`when n > 0`, `output o xs[0] > 0.5 ? 1 : 0`,
			`urgency 0.5`, `sensitivity 0.5`), sliceNaN),
		nanRule("output/ternary_cond", body(`x > 0.5 ? false : true`), fieldNaN),
		nanRule("branch/not", ruleFile(`when n > 0`, `urgency 0.5`, `sensitivity 0.5`,
			"branch !(m.k > 0.5) {\n    title \"low\"\n  }"), mapNaN),
		nanRule("table/input_arith", "ruleset hostile version 1\ntable r hit first {\n  type \"t\"\n"+
			"  in x - x\n  row not(> 0.5) => urgency 0.5 sensitivity 0.5\n}\n", infEnv),
		// Nil on a ?. chain.
		nanRule("nil/optional_not_equal", body(`a?.b != 0.5`), nilA),
		nanExpr("nil/optional_not_equal_expr", `a?.b != 0.5`, nilA),
		nanRule("nil/not_optional_eq", body(`!(a?.rate == 0.5)`), nilA),
		nanRule("nil/optional_and", body(`n > 0 && a?.rate != 0.5`), nilA),
		nanRule("nil/optional_in_let", ruleFile(`let r0 = a?.rate`, `when r0 != 0.5`,
			`urgency 0.5`, `sensitivity 0.5`), nilA),
		nanRule("nil/optional_or", body(`a?.rate > 0.5 || a?.b != 1`), nilA),
		nanExpr("nil/client_optional", `client?.rate != 0.4`, nilA),
	}
	runInProcess(t, withBoxed(cases))
}

// ---------------------------------------------------------------------------
// Reach.

// wantNoMethodCall wants a rule or expression that calls a method of the
// host to be a compile error, over a plain environment and over one with a
// method and unexported fields; where it compiles, it is evaluated and
// explained, and the host's state checked.
func wantNoMethodCall(src string) func() error {
	return func() error {
		var problems []string
		for _, which := range []string{"flat", "reach"} {
			touched := 0
			cl := secretClient()
			var err error
			if which == "flat" {
				err = methodCall(src, hostileEnv{N: 1, Client: cl, Clients: []*hostileClient{cl}})
			} else {
				err = methodCall(src, reachEnv{N: 1, Client: cl, Clients: []*hostileClient{cl}, touched: &touched})
			}
			switch {
			case cl.Bumps != 0 || touched != 0 || cl.Name != "ann":
				problems = append(problems, fmt.Sprintf("%s env: REACH: compiled and CHANGED HOST STATE (bumps %d, touched %d, name %q)",
					which, cl.Bumps, touched, cl.Name))
			case err != nil:
				problems = append(problems, which+" env: "+err.Error())
			}
		}
		if len(problems) > 0 {
			return errors.New(strings.Join(problems, "\n"))
		}
		return nil
	}
}

func methodCall[E any](src string, env E) error {
	var err error
	if strings.HasPrefix(src, "ruleset") {
		var rs *dsl.RuleSet[E]
		rs, err = dsl.CompileRules[E]([]byte(src))
		if err == nil {
			_, evalErr := rs.Eval(env, hostileNow)
			_, _ = rs.Explain("r", env, hostileNow)
			return fmt.Errorf("REACH: a method call compiled (eval: %s)", short(evalErr))
		}
	} else {
		var e *dsl.Expr[E, any]
		e, err = dsl.Compile[E, any](src, dsl.WithID("x"))
		if err == nil {
			_, evalErr := e.Eval(env, hostileNow)
			_, _ = e.Explain(env, hostileNow)
			return fmt.Errorf("REACH: a method call compiled (eval: %s)", short(evalErr))
		}
	}
	var de *dsl.Error
	if !errors.As(err, &de) {
		return fmt.Errorf("UNTYPED compile error: %v", err)
	}
	return nil
}

// wantNoSecret compiles a rule or expression that renders the host's values
// and wants no hidden value (a field tagged `expr:"-"`, an unexported field)
// in anything it produces or decides, over a plain environment and over one
// with unexported fields. A compile error is fine.
func wantNoSecret(src string) func() error {
	return func() error {
		var problems []string
		cl := secretClient()
		if err := secretOut(src, hostileEnv{N: 1, Client: cl, Clients: []*hostileClient{cl}, Secret: secretEnv}); err != nil {
			problems = append(problems, "flat env: "+err.Error())
		}
		cl = secretClient()
		if err := secretOut(src, reachEnv{N: 1, Client: cl, Clients: []*hostileClient{cl}, Secret: secretEnv, pin: secretEnvPin}); err != nil {
			problems = append(problems, "reach env: "+err.Error())
		}
		if len(problems) > 0 {
			return errors.New(strings.Join(problems, "\n"))
		}
		return nil
	}
}

func secretOut[E any](src string, env E) error {
	var out string
	if strings.HasPrefix(src, "ruleset") {
		rs, err := dsl.CompileRules[E]([]byte(src))
		if err != nil {
			return nil
		}
		hits, err := rs.Eval(env, hostileNow)
		out = fmt.Sprintf("%+v %v", hits, err)
		if x, err := rs.Explain("r", env, hostileNow); err == nil {
			out += x.String()
		}
		if h := hitFor(hits, "r"); h != nil && strings.Contains(src, "contains") {
			out += " fired:" + secretToken // the condition decided on a hidden value
		}
	} else {
		e, err := dsl.Compile[E, any](src, dsl.WithID("x"))
		if err != nil {
			return nil
		}
		v, err := e.Eval(env, hostileNow)
		out = fmt.Sprintf("%v %v", v, err)
		if x, err := e.Explain(env, hostileNow); err == nil && x != nil {
			out += x.String()
		}
		if b, ok := v.(bool); ok && b {
			out += " true:" + secretToken // the condition decided on a hidden value
		}
	}
	var leaked []string
	for _, s := range []string{secretToken, secretPin, secretEnv, secretEnvPin} {
		if strings.Contains(out, s) {
			leaked = append(leaked, s)
		}
	}
	if len(leaked) > 0 {
		out = strings.ReplaceAll(out, "\n", " ")
		if len(out) > 240 {
			out = out[:240] + "…"
		}
		return fmt.Errorf("LEAK: %v reached the rule's output: %s", leaked, out)
	}
	return nil
}

func TestHostileReach(t *testing.T) {
	r := func(stmts ...string) string { return ruleFile(stmts...) }
	cases := []hostileCase{
		{name: "method/bump_in_when", run: wantNoMethodCall(r(`when client.Bump() > 0`, `urgency 0.5`, `sensitivity 0.5`))},
		{name: "method/bump_expr", run: wantNoMethodCall(`client.Bump() > 0`)},
		{name: "method/bump_in_let", run: wantNoMethodCall(r(`let b = client.Bump()`, `when n > 0`, `title "{b}"`, `urgency 0.5`, `sensitivity 0.5`))},
		{name: "method/bump_in_title", run: wantNoMethodCall(r(`when n > 0`, `title "{client.Bump()}"`, `urgency 0.5`, `sensitivity 0.5`))},
		{name: "method/bump_in_output", run: wantNoMethodCall(r(`when n > 0`, `output o client.Bump()`, `urgency 0.5`, `sensitivity 0.5`))},
		{name: "method/bump_in_closure", run: wantNoMethodCall(`any(clients, {#.Bump() > 0})`)},
		{name: "method/bump_optional", run: wantNoMethodCall(`client?.Bump() > 0`)},
		{name: "method/setname", run: wantNoMethodCall(`client.SetName("mallory")`)},
		{name: "method/env_touch", run: wantNoMethodCall(`Touch() > 0`)},
		{name: "method/dollar_env_bump", run: wantNoMethodCall(`$env.client.Bump() > 0`)},
		{name: "method/dollar_env_touch", run: wantNoMethodCall(`$env.Touch() > 0`)},
		{name: "secret/toJSON_client_title", run: wantNoSecret(r(`when n > 0`, `title "{toJSON(client)}"`, `urgency 0.5`, `sensitivity 0.5`))},
		{name: "secret/string_client_title", run: wantNoSecret(r(`when n > 0`, `title "{string(client)}"`, `urgency 0.5`, `sensitivity 0.5`))},
		{name: "secret/string_client_message", run: wantNoSecret(r(`when n > 0`, `message "who: {client}"`, `urgency 0.5`, `sensitivity 0.5`))},
		{name: "secret/toJSON_clients_output", run: wantNoSecret(r(`when n > 0`, `output o toJSON(clients)`, `urgency 0.5`, `sensitivity 0.5`))},
		{name: "secret/toJSON_env_title", run: wantNoSecret(r(`when n > 0`, `title "{toJSON($env)}"`, `urgency 0.5`, `sensitivity 0.5`))},
		{name: "secret/string_env_title", run: wantNoSecret(r(`when n > 0`, `title "{string($env)}"`, `urgency 0.5`, `sensitivity 0.5`))},
		{name: "secret/toJSON_client_expr", run: wantNoSecret(`toJSON(client)`)},
		{name: "secret/string_client_expr", run: wantNoSecret(`string(client)`)},
		{name: "secret/string_deref_expr", run: wantNoSecret(`string(clients[0])`)},
		{name: "secret/dollar_env_secret", run: wantNoSecret(`$env.Secret`)},
		{name: "secret/dollar_env_index", run: wantNoSecret(`$env["Secret"]`)},
		{name: "secret/client_token", run: wantNoSecret(`client.Token`)},
		{name: "secret/client_index_token", run: wantNoSecret(`client["Token"]`)},
		{name: "secret/decide_on_toJSON", run: wantNoSecret(r(`when toJSON(client) contains "TOKEN-dash"`, `urgency 0.5`, `sensitivity 0.5`))},
		{name: "secret/decide_on_string_expr", run: wantNoSecret(`string(client) contains "PIN-unexported"`)},
	}
	runInProcess(t, cases)
}

// ---------------------------------------------------------------------------
// Types at compile time, with a place.

// wantPlacedTypeError wants src (a rule file) to fail to compile, with a
// *dsl.Error about rule r whose line is line, whose column is set and which
// names the statement stmt.
func wantPlacedTypeError(src string, line int, stmt string, opts ...dsl.Option) func() error {
	return func() error {
		rs, err := dsl.CompileRules[hostileEnv]([]byte(src), opts...)
		if err == nil {
			_, evalErr := rs.Eval(hostileEnv{N: 1, S: "x", X: 0.5}, hostileNow)
			return fmt.Errorf("NOT CAUGHT: compiled; the mistake shows only at evaluation (%s: %s)", kindOf(evalErr), short(evalErr))
		}
		return placed(err, "r", line, stmt)
	}
}

// placed checks the errors of a failed compile for one with rule id, line
// and column, and the statement's name.
func placed(err error, id string, line int, stmt string) error {
	var best *dsl.Error
	for _, e := range leafErrors(err) {
		var de *dsl.Error
		if !errors.As(e, &de) {
			return fmt.Errorf("UNTYPED: %v", e)
		}
		if de.Kind == dsl.KindEval || de.Kind == dsl.KindUnknown {
			return fmt.Errorf("WRONG KIND: %s at compile time: %s", de.Kind, short(de))
		}
		if best == nil || (de.Line == line && best.Line != line) {
			best = de
		}
	}
	if best == nil {
		return fmt.Errorf("NO ERROR VALUE in %v", err)
	}
	var problems []string
	if best.RuleID != id {
		problems = append(problems, fmt.Sprintf("rule id %q, want %q", best.RuleID, id))
	}
	if best.Line != line {
		problems = append(problems, fmt.Sprintf("line %d, want %d", best.Line, line))
	}
	if best.Column <= 0 {
		problems = append(problems, fmt.Sprintf("column %d", best.Column))
	}
	if stmt != "" && !strings.Contains(best.Msg, stmt) && !strings.Contains(best.Snippet, stmt) {
		problems = append(problems, fmt.Sprintf("does not name the statement %q", stmt))
	}
	if len(problems) > 0 {
		return fmt.Errorf("MISSING PLACE: %s: %q", strings.Join(problems, ", "), best.Error())
	}
	return nil
}

func TestHostileTypes(t *testing.T) {
	// ruleFile puts the first statement on line 4.
	cases := []hostileCase{
		{name: "when/int", run: wantPlacedTypeError(ruleFile(`when n + 1`, `urgency 0.5`, `sensitivity 0.5`), 4, "when")},
		{name: "when/string_field", run: wantPlacedTypeError(ruleFile(`when s`, `urgency 0.5`, `sensitivity 0.5`), 4, "when")},
		{name: "when/float_after_let", run: wantPlacedTypeError(ruleFile(`let v = x * 2`, `when v`, `urgency 0.5`, `sensitivity 0.5`), 5, "when")},
		{name: "when/ternary_mixed", run: wantPlacedTypeError(ruleFile(`when n > 0 ? 1 : "a"`, `urgency 0.5`, `sensitivity 0.5`), 4, "when")},
		{name: "urgency/string_literal", run: wantPlacedTypeError(ruleFile(`when n > 0`, `urgency "s"`, `sensitivity 0.5`), 5, "urgency")},
		{name: "urgency/string_field", run: wantPlacedTypeError(ruleFile(`when n > 0`, `urgency s`, `sensitivity 0.5`), 5, "urgency")},
		{name: "sensitivity/bool", run: wantPlacedTypeError(ruleFile(`when n > 0`, `urgency 0.5`, `sensitivity n > 1`), 6, "sensitivity")},
		{name: "branch/int_cond", run: wantPlacedTypeError(ruleFile(`when n > 0`, `urgency 0.5`, `sensitivity 0.5`,
			"branch n + 1 {\n    title \"x\"\n  }"), 7, "branch")},
		{name: "branch/nested_string_cond", run: wantPlacedTypeError(ruleFile(`when n > 0`, `urgency 0.5`, `sensitivity 0.5`,
			"branch n > 1 {\n    branch s {\n      title \"x\"\n    }\n  }"), 8, "branch")},
		{name: "branch/urgency_string", run: wantPlacedTypeError(ruleFile(`when n > 0`, `urgency 0.5`, `sensitivity 0.5`,
			"branch n > 1 {\n    urgency \"high\"\n  }"), 8, "urgency")},
		{name: "table/row_urgency_string", run: wantPlacedTypeError("ruleset hostile version 1\ntable r hit first {\n  type \"t\"\n"+
			"  in n\n  row > 1 => urgency \"high\" sensitivity 0.5\n}\n", 5, "urgency")},
		{name: "table/priority_string", run: wantPlacedTypeError("ruleset hostile version 1\ntable r hit priority {\n  type \"t\"\n"+
			"  in n\n  row > 1 => urgency 0.5 sensitivity 0.5 priority \"top\"\n}\n", 5, "priority")},
		{name: "shadow/let_field", run: wantPlacedTypeError(ruleFile(`let n = 5`, `when n > 1`, `urgency 0.5`, `sensitivity 0.5`), 4, "")},
		{name: "shadow/let_pointer_field", run: wantPlacedTypeError(ruleFile(`let a = 1`, `when a > 0`, `urgency 0.5`, `sensitivity 0.5`), 4, "")},
		{name: "shadow/const_field", run: wantConstShadow("ruleset hostile version 1\nconst n = 1000\n" +
			"rule r {\n  type \"t\"\n  when n > 999\n  urgency 0.5\n  sensitivity 0.5\n}\n")},
		{name: "shadow/const_pointer", run: wantConstShadow("ruleset hostile version 1\nconst client = 1\n" +
			"rule r {\n  type \"t\"\n  when client > 0\n  urgency 0.5\n  sensitivity 0.5\n}\n")},
		{name: "shadow/WithConsts_field_expr", run: func() error {
			e, err := dsl.Compile[hostileEnv, bool](`n > 999`, dsl.WithID("x"), dsl.WithConsts(map[string]any{"n": 1000}))
			if err == nil {
				v, _ := e.Eval(hostileEnv{N: 1}, hostileNow)
				return fmt.Errorf("NOT CAUGHT: a constant n replaced the field n silently (n > 999 is %v with field n = 1)", v)
			}
			return compileKind(err)
		}},
		{name: "shadow/WithConsts_field_rules", run: func() error {
			rs, err := dsl.CompileRules[hostileEnv]([]byte(ruleFile(`when n > 999`, `urgency 0.5`, `sensitivity 0.5`)),
				dsl.WithConsts(map[string]any{"n": 1000}))
			if err == nil {
				hits, _ := rs.Eval(hostileEnv{N: 1}, hostileNow)
				return fmt.Errorf("NOT CAUGHT: a constant n replaced the field n silently (fired: %v)", hitFor(hits, "r") != nil)
			}
			return compileKind(err)
		}},
		{name: "expr/int_result", run: func() error {
			_, err := dsl.Compile[hostileEnv, bool](`n + 1`, dsl.WithID("x"))
			if err == nil {
				return errors.New("NOT CAUGHT: compiled")
			}
			return placed(err, "x", 1, "")
		}},
		{name: "func/WithFunc1_nil_expr", run: func() error {
			e, err := dsl.Compile[hostileEnv, bool](`g(1) > 0`, dsl.WithID("x"), dsl.WithFunc1[float64, float64]("g", nil))
			if err == nil {
				_, evalErr := e.Eval(hostileEnv{}, hostileNow)
				return fmt.Errorf("NOT CAUGHT: a nil host function was accepted (eval: %s)", short(evalErr))
			}
			return compileKind(err)
		}},
		{name: "func/WithFunc1_nil_unused", run: func() error {
			_, err := dsl.Compile[hostileEnv, bool](`n > 0`, dsl.WithID("x"), dsl.WithFunc1[float64, float64]("g", nil))
			if err == nil {
				return errors.New("NOT CAUGHT: a nil host function was accepted")
			}
			return compileKind(err)
		}},
		{name: "func/WithFunc2_nil_rules", run: func() error {
			rs, err := dsl.CompileRules[hostileEnv]([]byte(ruleFile(`when g(1, 2) > 0`, `urgency 0.5`, `sensitivity 0.5`)),
				dsl.WithFunc2[float64, float64, float64]("g", nil))
			if err == nil {
				_, evalErr := rs.Eval(hostileEnv{}, hostileNow)
				return fmt.Errorf("NOT CAUGHT: a nil host function was accepted (eval: %s)", short(evalErr))
			}
			return compileKind(err)
		}},
		{name: "func/WithFunction_nil", run: func() error {
			_, err := dsl.Compile[hostileEnv, bool](`g(1) > 0`, dsl.WithID("x"), dsl.WithFunction("g", nil))
			if err == nil {
				return errors.New("NOT CAUGHT: a nil host function was accepted")
			}
			return compileKind(err)
		}},
	}
	runInProcess(t, cases)
}

// wantConstShadow wants a rule file whose const shadows a field to fail to
// compile, at the const (line 2).
func wantConstShadow(src string) func() error {
	return func() error {
		rs, err := dsl.CompileRules[hostileEnv]([]byte(src))
		if err == nil {
			hits, _ := rs.Eval(hostileEnv{N: 1, Client: secretClient()}, hostileNow)
			return fmt.Errorf("NOT CAUGHT: the const replaced the field silently (rule fired: %v)", hitFor(hits, "r") != nil)
		}
		for _, e := range leafErrors(err) {
			var de *dsl.Error
			if errors.As(e, &de) && de.Line == 2 && de.Column > 0 && de.Kind != dsl.KindEval {
				return nil
			}
		}
		return fmt.Errorf("MISSING PLACE: no error at the const (line 2): %v", err)
	}
}

// compileKind wants a compile error that is a *dsl.Error of a compile-time
// kind.
func compileKind(err error) error {
	for _, e := range leafErrors(err) {
		var de *dsl.Error
		if !errors.As(e, &de) {
			return fmt.Errorf("UNTYPED: %v", e)
		}
		if de.Kind == dsl.KindEval || de.Kind == dsl.KindUnknown {
			return fmt.Errorf("WRONG KIND: %s: %s", de.Kind, short(de))
		}
	}
	return nil
}
