package dsl

import (
	"strings"
	"time"

	"github.com/engagekit/engagekit/internal/mem"
)

// HitStore lays out the titles, messages and evidence of many
// evaluations' hits in shared blocks, where each would be an allocation of
// its own: at a million client files, millions of small objects fewer for
// the collector to find and mark. A batch worker keeps one and passes it
// in [EvalOptions.Store] to every evaluation it runs.
//
// A hit stays valid, and unchanged, after the store moves on: a block is
// only appended to, never written over, and a hit's evidence is capped at
// its length. The price is memory: a block lives as long as any hit laid
// out in it, and with it what the block's other hits hold, their evidence
// values among them (a host that keeps one hit of thousands keeps its
// neighbours' evidence too; one that keeps none keeps nothing). A host
// that keeps a few hits of a large batch and drops the rest should
// evaluate those few files again without a store, whose hits share
// nothing.
//
// A store is used by one evaluation at a time: give each goroutine its
// own. Its zero value is ready to use; a copy of a used store shares its
// blocks, so the two may be used one after the other, never at once.
type HitStore struct {
	b *hitBlocks // made on first use, shared by copies
}

// hitBlocks are a store's current blocks.
type hitBlocks struct {
	texts    strings.Builder
	bindings []Binding // the block's unused tail, of length 0
	// The blocks of the evidence's values, each only appended to.
	ints    []int
	floats  []float64
	strings []string
	times   []time.Time
}

const (
	// storeTextBlock is the bytes of a store's block of texts, and
	// storeBindingBlock the bindings of its block of evidence (16 KiB).
	storeTextBlock    = 32 << 10
	storeBindingBlock = 512
)

// text returns b as a string, laid out in the store's block of texts. A
// text of more than an eighth of a block is a string of its own, so that
// a block's unused tail stays small.
func (st *HitStore) text(b []byte) string {
	if st == nil || len(b) == 0 || len(b) > storeTextBlock/8 {
		return string(b)
	}
	bl := st.blocks()
	if bl.texts.Cap()-bl.texts.Len() < len(b) {
		// A new block; the strings of the old one keep it alive. The
		// builder is never grown, so no string it gave is copied or
		// written over.
		bl.texts = strings.Builder{}
		bl.texts.Grow(storeTextBlock)
	}
	start := bl.texts.Len()
	bl.texts.Write(b)
	return bl.texts.String()[start:]
}

// bindingsFor returns an empty slice with room for exactly n bindings, from
// the store's block of evidence: capped at n, so no hit's evidence can
// grow into the next one's.
func (st *HitStore) bindingsFor(n int) []Binding {
	if st == nil || n > storeBindingBlock/8 {
		return make([]Binding, 0, n)
	}
	bl := st.blocks()
	if n > cap(bl.bindings) {
		bl.bindings = make([]Binding, 0, storeBindingBlock)
	}
	s := bl.bindings[0:0:n]
	bl.bindings = bl.bindings[n:cap(bl.bindings)][:0]
	return s
}

// blocks returns the store's blocks, made on first use. They are behind
// a pointer so that a copy of a used store carves on from where the
// original is rather than over what it handed out (and the builder, whose
// copy would panic, is never copied).
func (st *HitStore) blocks() *hitBlocks {
	if st.b == nil {
		st.b = new(hitBlocks)
	}
	return st.b
}

// storeBoxBlock is how many values of a kind a store's block of boxes
// holds.
const storeBoxBlock = 256

// value evaluates n, an expression of any kind whose closures give a
// bool, an int, a float64, a string or a time, and returns its value as
// an interface, as the closures' boxed value would be (nil when the
// closures cannot give it or it is NaN, as evidence shows either), but
// laid out in the store's blocks. A bool, and an int the runtime keeps
// boxed already (0 to 255), are boxed as they are.
func (st *HitStore) value(n *nnode, c *nctx) any {
	bl := st.blocks()
	switch n.kind {
	case nBool:
		if v, ok := n.b(c); ok {
			return v
		}
	case nInt:
		if v, ok := n.i(c); ok {
			if v >= 0 && v < 256 {
				return v
			}
			return boxIn(&bl.ints, v)
		}
	case nFloat:
		if v, ok := n.f(c); ok && v == v {
			return boxIn(&bl.floats, v)
		}
	case nString:
		if v, ok := n.s(c); ok {
			return boxIn(&bl.strings, v)
		}
	case nTime:
		if v, ok := n.t(c); ok {
			return boxIn(&bl.times, v)
		}
	}
	return nil
}

// boxIn writes v into the next slot of block (a new block when it is
// full) and returns it boxed there. A slot is written once: the block
// moves on past it, so no box handed out ever changes.
func boxIn[T mem.Boxable](block *[]T, v T) any {
	if len(*block) == cap(*block) {
		*block = make([]T, 0, storeBoxBlock)
	}
	*block = append(*block, v)
	return mem.Boxed(&(*block)[len(*block)-1])
}
