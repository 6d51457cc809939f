package dsl

import "strings"

// HitStore lays out the titles, messages and evidence of many
// evaluations' hits in shared blocks, where each would be an allocation of
// its own: at a million client files, millions of small objects fewer for
// the collector to find and mark. A batch worker keeps one and passes it
// in [EvalOptions.Store] to every evaluation it runs.
//
// A hit stays valid, and unchanged, after the store moves on: a block is
// only appended to, never written over. A block lives as long as any hit
// laid out in it, so a host that keeps one hit of thousands keeps that
// hit's blocks (48 KiB at most). A store is used by one evaluation at a
// time: give each goroutine its own. Its zero value is ready to use.
type HitStore struct {
	texts    strings.Builder
	bindings []Binding // the block's unused tail, of length 0
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
	if st.texts.Cap()-st.texts.Len() < len(b) {
		// A new block; the strings of the old one keep it alive. The
		// builder is never grown, so no string it gave is copied or
		// written over.
		st.texts = strings.Builder{}
		st.texts.Grow(storeTextBlock)
	}
	start := st.texts.Len()
	st.texts.Write(b)
	return st.texts.String()[start:]
}

// bindingsFor returns an empty slice with room for exactly n bindings, from
// the store's block of evidence: capped at n, so no hit's evidence can
// grow into the next one's.
func (st *HitStore) bindingsFor(n int) []Binding {
	if st == nil || n > storeBindingBlock/8 {
		return make([]Binding, 0, n)
	}
	if n > cap(st.bindings) {
		st.bindings = make([]Binding, 0, storeBindingBlock)
	}
	s := st.bindings[0:0:n]
	st.bindings = st.bindings[n:cap(st.bindings)][:0]
	return s
}
