package advisory

import "github.com/engagekit/engagekit/dsl"

// alertBlockSize is how many alerts a batch worker's block holds: a
// block is one allocation where a file's alerts would be one each (at a
// million files, two million small slices for the collector to find).
const alertBlockSize = 1024

// alertBlock is a batch worker's store of alerts: each file's alerts are
// a slice of it, capped at their length, so no file's slice can grow into
// the next one's, and no slice handed over is written to again (a block
// moves on past it). EvaluateAll copies every file's alerts into its
// result, so a block lives only until then; EvaluateEach hands the slices
// to the host, who may keep them.
type alertBlock struct {
	free []Alert // the block's unused tail, of length 0
	// hits lays out the alerts' titles, messages and evidence in blocks
	// too, where each would be an allocation of its own.
	hits dsl.HitStore
}

// take returns an empty slice with room for exactly n alerts. A file with
// more than a quarter of a block gets a slice of its own, so that a
// block's unused tail stays small.
func (b *alertBlock) take(n int) []Alert {
	switch {
	case n == 0:
		return nil
	case n > alertBlockSize/4:
		return make([]Alert, 0, n)
	case n > cap(b.free):
		b.free = make([]Alert, 0, alertBlockSize)
	}
	s := b.free[0:0:n]
	b.free = b.free[n:cap(b.free)][:0]
	return s
}
