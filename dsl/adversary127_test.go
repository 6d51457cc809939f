package dsl_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"encoding/json"
	"fmt"
	"go/ast"
	"log"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"text/template"
	"time"

	"github.com/engagekit/engagekit/dsl"
)

// Doc (dsl/doc.go): "An environment type expr's checker cannot walk (a
// struct that embeds itself, alone or through another, or a type P *P,
// anywhere a rule could reach) is a compile error: the checker would look
// through it without end." and "no rule can panic the host".

type adv127Self struct {
	*adv127Self
	X int
}

type adv127Ptr *adv127Ptr

var _ = adv127Self{adv127Self: nil}

const adv127Child = "ADV127_CHILD"

// runChild runs one named case in a child process so that a stack overflow
// or a hang cannot kill this test binary.
func adv127RunChild(t *testing.T, name string) (out string, crashed bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestAdversary127_Child$", "-test.v")
	cmd.Env = append(os.Environ(), adv127Child+"="+name, "GOMAXPROCS=2")
	b, err := cmd.CombinedOutput()
	s := string(b)
	if ctx.Err() != nil {
		return "timeout (hang)", true
	}
	if err != nil && (strings.Contains(s, "stack overflow") || strings.Contains(s, "goroutine stack exceeds") || strings.Contains(s, "fatal error") || strings.Contains(s, "panic:")) {
		i := strings.Index(s, "fatal error")
		if i < 0 {
			i = strings.Index(s, "panic:")
		}
		if i < 0 {
			i = 0
		}
		return s[i:min(len(s), i+300)], true
	}
	return s[max(0, len(s)-400):], false
}

type adv127FuncField struct {
	F func() adv127Self
}

type adv127FuncPtr struct {
	F func() adv127Ptr
}

type adv127Plain struct {
	A int
}

type adv127MapEnv struct {
	M map[string]any
}

var adv127Cases = map[string]func() error{
	"funcField": func() error {
		_, err := dsl.Compile[adv127FuncField, bool]("F().Y == 1")
		return err
	},
	"funcFieldX": func() error {
		_, err := dsl.Compile[adv127FuncField, bool]("F().X == 1")
		return err
	},
	"funcPtr": func() error {
		_, err := dsl.Compile[adv127FuncPtr, bool]("F() == nil")
		return err
	},
	"consts": func() error {
		_, err := dsl.Compile[adv127Plain, bool]("c.Y == 1", dsl.WithConsts(map[string]any{"c": adv127Self{}}))
		return err
	},
	"constsPtr": func() error {
		var p adv127Ptr
		_, err := dsl.Compile[adv127Plain, bool]("c == nil", dsl.WithConsts(map[string]any{"c": p}))
		return err
	},
	"func1": func() error {
		_, err := dsl.Compile[adv127Plain, bool]("f(A).Y == 1", dsl.WithFunc1("f", func(int) adv127Self { return adv127Self{} }))
		return err
	},
	"letRedeclare": func() error {
		_, err := dsl.Compile[adv127MapEnv, bool]("let x = M.a; let x = x; x")
		return err
	},
	"letSelf": func() error {
		_, err := dsl.Compile[adv127MapEnv, bool]("let x = x ?? M.a; x")
		return err
	},
}

func TestAdversary127_Child(t *testing.T) {
	name := os.Getenv(adv127Child)
	if name == "" {
		t.Skip("child only")
	}
	err := adv127Cases[name]()
	fmt.Printf("CHILD-RESULT %s: %v\n", name, err)
}

func adv127Crash(t *testing.T, names ...string) {
	for _, n := range names {
		out, crashed := adv127RunChild(t, n)
		if crashed {
			t.Errorf("%s: compile crashed/hung the process instead of returning an error: %s", n, out)
		} else {
			t.Logf("%s: %s", n, out)
		}
	}
}

func TestAdversary127_FuncFieldCycle(t *testing.T) {
	adv127Crash(t, "funcField", "funcFieldX", "funcPtr")
}
func TestAdversary127_ConstCycle(t *testing.T)    { adv127Crash(t, "consts", "constsPtr") }
func TestAdversary127_HostFuncCycle(t *testing.T) { adv127Crash(t, "func1") }
func TestAdversary127_LetCycle(t *testing.T)      { adv127Crash(t, "letRedeclare", "letSelf") }

// False refusals: fields no rule can reach.
type adv127Hidden struct {
	hidden adv127Self
	A      int
}

type adv127Dashed struct {
	H adv127Self `expr:"-"`
	A int
}

var _ = adv127Hidden{hidden: adv127Self{}}

func TestAdversary127_UnreachableRefused(t *testing.T) {
	if _, err := dsl.Compile[adv127Hidden, bool]("A == 1"); err != nil {
		t.Errorf("unexported field (no rule can reach it) refused: %v", err)
	}
	if _, err := dsl.Compile[adv127Dashed, bool]("A == 1"); err != nil {
		t.Errorf(`expr:"-" field (no rule can reach it) refused: %v`, err)
	}
}

func adv127Std[T any](t *testing.T) {
	t.Helper()
	type env struct {
		V T
		A int
	}
	if _, err := dsl.Compile[env, bool]("A == 1"); err != nil {
		t.Errorf("%v: ordinary type refused: %v", reflect.TypeFor[T](), err)
	}
}

type adv127List struct {
	Next *adv127List
	Kids []adv127List
	M    map[string]*adv127List
	V    int
}

func TestAdversary127_StdlibRefused(t *testing.T) {
	adv127Std[time.Time](t)
	adv127Std[*time.Location](t)
	adv127Std[big.Int](t)
	adv127Std[*big.Float](t)
	adv127Std[*big.Rat](t)
	adv127Std[json.RawMessage](t)
	adv127Std[sync.Mutex](t)
	adv127Std[*sync.RWMutex](t)
	adv127Std[*regexp.Regexp](t)
	adv127Std[*http.Request](t)
	adv127Std[*http.Client](t)
	adv127Std[reflect.Value](t)
	adv127Std[reflect.Type](t)
	adv127Std[*os.File](t)
	adv127Std[*template.Template](t)
	adv127Std[*x509.Certificate](t)
	adv127Std[*tls.Config](t)
	adv127Std[*ast.File](t)
	adv127Std[context.Context](t)
	adv127Std[*sql.DB](t)
	adv127Std[*bytes.Buffer](t)
	adv127Std[*log.Logger](t)
	adv127Std[*testing.T](t)
	adv127Std[error](t)
	adv127Std[adv127List](t)
	adv127Std[json.Number](t)
}

// Doc (numbers.go readAsCondition/mayBeNil): a condition typed any is read
// at run time when it "may be a bool for some data"; "a value of a type
// that holds nil ... may be" nil, and ?? counts its right side "only where
// the left is nil". find/first/last/get over a list of ints give nil when
// nothing is found, so the right side of ?? is then the value.
type adv127NumEnv struct {
	N int
	L []int
	M map[string]any
}

func TestAdversary127_NilFromFindRefused(t *testing.T) {
	env := adv127NumEnv{N: 3, L: []int{1, 2}, M: map[string]any{"flag": true}}
	for _, src := range []string{
		"find(1..N, # > 5) ?? M.flag",
		"first(L[N:]) ?? M.flag",
		"findLast(L, # > 5) ?? M.flag",
		"last(L[N:]) ?? M.flag",
		"get(L, N) ?? M.flag",
	} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: panic %v", src, r)
				}
			}()
			a, err := dsl.Compile[adv127NumEnv, any](src)
			if err != nil {
				t.Logf("%s: as any: %v", src, err)
				return
			}
			v, err := a.Eval(env, time.Now())
			if b, ok := v.(bool); err != nil || !ok || !b {
				t.Logf("%s: as any = %v (%T), %v", src, v, v, err)
				return
			}
			c, err := dsl.Compile[adv127NumEnv, bool](src)
			if err != nil {
				t.Errorf("%s: evaluates to the bool true for some data, yet refused as a condition: %v", src, err)
				return
			}
			got, err := c.Eval(env, time.Now())
			if err != nil || !got {
				t.Errorf("%s: condition = %v, %v; want true", src, got, err)
			}
		}()
	}
}
