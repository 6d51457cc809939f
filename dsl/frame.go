package dsl

import (
	"reflect"
	"time"

	"github.com/engagekit/engagekit/internal/envfield"
	"github.com/engagekit/engagekit/internal/mem"
	"github.com/expr-lang/expr/vm"
)

// The compiled program runs against a frame: the host's environment beside
// the evaluation time, so that one program serves every evaluation time.
// There are two shapes of frame.
//
// A flat frame is a struct type built at compile time with the fields of the
// host's environment struct, in the same order and so at the same offsets,
// followed by the evaluation time. Rules reach the host's fields exactly as
// they would on the host's own struct, with no extra step, which keeps Eval
// within a few percent of expr run by hand. The frame is filled by copying
// the environment into its prefix. It is used when the environment is a
// struct whose fields are all exported and which has no methods (a flat copy
// would lose them).
//
// Otherwise the frame is the generic struct below, and the rewrite pass
// turns every host name into __env.name.
type frame[Env any] struct {
	E Env `expr:"__env"`
	// N is the evaluation time, a time.Time kept boxed so that a runner
	// evaluating many environments at one time boxes it only once.
	N any `expr:"__now"`
	// G is the runner's governor, which the steps of loops and the
	// built-ins that build strings charge; see governor.go.
	G *governor `expr:"__gov"`
}

const (
	envName = "__env"
	nowName = "__now"
	govName = "__gov"
)

var anyType = reflect.TypeFor[any]()

// frameLayout describes the frame of one compiled expression.
type frameLayout struct {
	flat      bool
	typ       reflect.Type // the frame type expr checks against
	nowOffset uintptr      // flat frames: where the evaluation time goes
	govOffset uintptr      // flat frames: where the governor goes
}

func layoutFor[Env any]() frameLayout {
	if t, ok := flatFrameType(reflect.TypeFor[Env]()); ok {
		n := t.NumField()
		return frameLayout{flat: true, typ: t, nowOffset: t.Field(n - 2).Offset, govOffset: t.Field(n - 1).Offset}
	}
	return frameLayout{typ: reflect.TypeFor[frame[Env]]()}
}

// flatFrameType builds the flat frame type for env, if env allows one: the
// built type must lay out every field of env at env's own offset.
func flatFrameType(env reflect.Type) (t reflect.Type, ok bool) {
	if env.Kind() != reflect.Struct || env.NumMethod() > 0 || reflect.PointerTo(env).NumMethod() > 0 {
		return nil, false
	}
	fields := make([]reflect.StructField, 0, env.NumField()+1)
	for i := range env.NumField() {
		f := env.Field(i)
		if !f.IsExported() || envfield.Name(f) == nowName || envfield.Name(f) == govName {
			return nil, false
		}
		fields = append(fields, reflect.StructField{Name: f.Name, Type: f.Type, Tag: f.Tag, Anonymous: f.Anonymous})
	}
	fields = append(fields, reflect.StructField{Name: "EngagekitNow", Type: anyType, Tag: `expr:"__now"`},
		reflect.StructField{Name: "EngagekitGov", Type: reflect.TypeFor[*governor](), Tag: `expr:"__gov"`})
	defer func() {
		if recover() != nil {
			t, ok = nil, false
		}
	}()
	t = reflect.StructOf(fields)
	for i := range env.NumField() {
		if t.Field(i).Offset != env.Field(i).Offset || t.Field(i).Type != env.Field(i).Type {
			return nil, false
		}
	}
	// Copying an Env writes env.Size() bytes, padding included (a struct
	// ending in a zero-size field is padded), so the evaluation time must
	// start after all of them.
	if t.Field(env.NumField()).Offset < env.Size() {
		return nil, false
	}
	return t, true
}

// runner is one goroutine's reusable evaluation state: expr's VM and a
// frame. Runners are pooled per Expr.
type runner[Env any] struct {
	vm     vm.VM
	gov    governor
	layout frameLayout
	nested frame[Env]
	mem    mem.Ptr // flat frames: the frame's memory
	boxed  any     // the frame as expr receives it
	now    time.Time
	hasNow bool
	nc     nctx       // what native closures read, over mem
	memo   []memoSlot // a rule set's memoized calls, one evaluation's
	// session is the evaluation the runner serves (RuleSet.begin), kept
	// here so that an evaluation allocates none.
	session session[Env]
}

// native readies what native closures read for the bound environment,
// with no call memoized yet.
func (r *runner[Env]) native() *nctx {
	clear(r.memo)
	r.nc = nctx{env: r.mem, now: r.now, memo: r.memo, gov: &r.gov}
	return &r.nc
}

func newRunner[Env any](layout frameLayout, limits Limits) *runner[Env] {
	// The rule's own budget is the governor's, which charges every list,
	// map and string a rule builds, over the whole evaluation, and names
	// the limit. expr's VM counts again, one expression run at a time:
	// at twice the budget it is only a backstop (at the budget itself it
	// refused first, at exactly the budget, with a message of its own,
	// where Explain's runs did not).
	gov := newGovernor(limits)
	vmBudget := 2*uint(gov.maxMem) + 1 // the governor's budget, its ceiling applied
	r := &runner[Env]{vm: vm.VM{MemoryBudget: vmBudget}, layout: layout, gov: gov}
	if layout.flat {
		p := reflect.New(layout.typ)
		r.mem, r.boxed = mem.FromValue(p), p.Interface()
		mem.Store(r.mem, layout.govOffset, &r.gov)
	} else {
		r.nested.G = &r.gov
		r.boxed = &r.nested
	}
	return r
}

// bind puts env and now into the frame and returns the frame for expr.
func (r *runner[Env]) bind(env Env, now time.Time) any {
	if !r.hasNow || r.now != now {
		r.now, r.hasNow = now, true
		r.setNow(now)
	}
	if r.layout.flat {
		// The frame's prefix has env's exact layout (checked when the
		// frame type was built), so this typed copy is a plain copy.
		mem.Store(r.mem, 0, env)
	} else {
		r.nested.E = env
	}
	return r.boxed
}

func (r *runner[Env]) setNow(now time.Time) {
	if r.layout.flat {
		mem.Store[any](r.mem, r.layout.nowOffset, now)
	} else {
		r.nested.N = now
	}
}

// release drops the runner's reference to the environment, so a pooled
// runner does not keep a client file alive.
func (r *runner[Env]) release() {
	r.gov.ctx, r.gov.done = nil, nil
	var zero Env
	if r.layout.flat {
		mem.Store(r.mem, 0, zero)
	} else {
		r.nested.E = zero
	}
}
