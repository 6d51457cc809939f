package dsl

import (
	"github.com/engagekit/engagekit/internal/exprkey"
	"github.com/expr-lang/expr/ast"
)

// The rules of a rule set ask the same date questions over and over: a
// hundred rules may take age(client.birthDate) thirty times. Each call of a
// date built-in that the rule set's closures make is given a slot by its
// source (the same call, the same arguments, the same answer in one
// evaluation), and is computed once per evaluation.

// memoPlan numbers the memoized calls of one rule set; nil means none are.
type memoPlan struct {
	slots map[string]int
}

func newMemoPlan() *memoPlan { return &memoPlan{slots: map[string]int{}} }

// size is how many slots an evaluation needs.
func (m *memoPlan) size() int {
	if m == nil {
		return 0
	}
	return len(m.slots)
}

// memoSlot is one memoized call's answer in an evaluation.
type memoSlot struct {
	state uint8 // 0 not yet asked, 1 decided, 2 not decided
	v     int
}

// memoInt makes n, a call, answer from its slot after its first answer in
// an evaluation. Without a plan it returns n.
func (nc *nativeCompiler) memoInt(call ast.Node, n *nnode) *nnode {
	if nc.memo == nil || n == nil || n.kind != nInt {
		return n
	}
	key, ok := exprkey.Key(call)
	if !ok {
		return n
	}
	slot, ok := nc.memo.slots[key]
	if !ok {
		slot = len(nc.memo.slots)
		nc.memo.slots[key] = slot
	}
	inner := n.i
	n.i = func(c *nctx) (int, bool) {
		m := &c.memo[slot]
		if m.state == 0 {
			v, ok := inner(c)
			m.v, m.state = v, 1
			if !ok {
				m.state = 2
			}
		}
		return m.v, m.state == 1
	}
	return n
}
