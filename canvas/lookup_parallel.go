package canvas

import (
	"context"
	"slices"

	"github.com/engagekit/engagekit/advisory"
)

// lookedUp is the clients of a plan, looked up: each alert's client state
// (of, -1 when the host does not know the client), the deferrals of the
// alerts of unknown clients, and, when the clients were looked up on
// workers, each worker's share: alerts [bounds[w], bounds[w+1]) and their
// client states [bases[w], bases[w+1]).
type lookedUp struct {
	of     []int32
	early  []Deferral
	bounds []int
	bases  []int32
}

// lookupClients looks each distinct client of alerts up once, giving each
// known one a state in st.states, in order of first appearance. The clients are looked up on workers
// goroutines when the host said lookup is safe for concurrent use and
// the alerts come grouped by client in ascending id order, as the
// advisory batch hands a book sorted by id over; otherwise, in alert
// order on the calling goroutine.
func lookupClients[Ctx any](ctx context.Context, alerts []*advisory.Alert, st *planState[Ctx], clients, workers int, concurrent bool) (lookedUp, error) {
	ascending := runsAscend(alerts)
	if ascending && concurrent && workers > 1 {
		return lookupRuns(ctx, alerts, st, workers)
	}
	var l lookedUp
	n := min(clients, len(alerts))
	st.states = make([]clientState[Ctx], 0, n)
	// When each client's alerts are one run and the runs come in id order,
	// every run is a new client: no map of the ids is needed, a million
	// ids' worth of it.
	if !ascending {
		st.index = make(map[string]int32, n)
	}
	l.of = make([]int32, len(alerts))
	ci, ok := int32(-1), false
	for i := range alerts {
		if i%checkEvery == 0 && ctx.Err() != nil {
			return lookedUp{}, ctx.Err()
		}
		switch {
		case !ascending:
			ci, ok = st.client(alerts[i].ClientID)
		case i == 0 || alerts[i].ClientID != alerts[i-1].ClientID:
			ci, ok = st.add(alerts[i].ClientID)
		}
		if !ok {
			l.early = append(l.early, Deferral{Item: Item{Alert: alerts[i]}, Reason: UnknownClient})
			l.of[i] = -1
			continue
		}
		l.of[i] = ci
	}
	st.index = nil // every client is looked up: let the map go before the plan's peak
	return l, nil
}

// lookupRuns is lookupClients on workers goroutines for alerts whose
// clients' runs ascend: worker w takes the runs that begin in its share of
// the alerts, counts them, then looks each up into its place. The states
// are those the calling goroutine would make, in the same order.
func lookupRuns[Ctx any](ctx context.Context, alerts []*advisory.Alert, st *planState[Ctx], workers int) (lookedUp, error) {
	l := lookedUp{of: make([]int32, len(alerts)), bounds: make([]int, workers+1), bases: make([]int32, workers+1)}
	// A share begins at a run's first alert, so no run is split.
	for w := 1; w < workers; w++ {
		i := max(w*len(alerts)/workers, l.bounds[w-1])
		for i > 0 && i < len(alerts) && alerts[i].ClientID == alerts[i-1].ClientID {
			i++
		}
		l.bounds[w] = i
	}
	l.bounds[workers] = len(alerts)
	runs := make([]int32, workers)
	err := onWorkers(workers, func(w int) error {
		// Counted in a local: the workers' counts are neighbours in
		// runs, and an increment a run there would pass the cache line
		// between the cores.
		n := int32(0)
		for i := l.bounds[w]; i < l.bounds[w+1]; i++ {
			if i == 0 || alerts[i].ClientID != alerts[i-1].ClientID {
				n++
			}
		}
		runs[w] = n
		return nil
	})
	if err != nil {
		return lookedUp{}, err
	}
	for w := range workers {
		l.bases[w+1] = l.bases[w] + runs[w]
	}
	st.states = make([]clientState[Ctx], l.bases[workers])
	// Each worker's clients the host does not know: their states are
	// holes, closed once all are looked up.
	unknown := make([][]int32, workers)
	early := make([][]Deferral, workers)
	err = onWorkers(workers, func(w int) error {
		ci, ok := l.bases[w]-1, false
		for i := l.bounds[w]; i < l.bounds[w+1]; i++ {
			if (i-l.bounds[w])%checkEvery == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			id := alerts[i].ClientID
			if i == 0 || id != alerts[i-1].ClientID {
				ci++
				var c Client[Ctx]
				if c, ok = st.find(id); ok {
					st.states[ci].set(id, &c)
				} else {
					unknown[w] = append(unknown[w], ci)
				}
			}
			if !ok {
				early[w] = append(early[w], Deferral{Item: Item{Alert: alerts[i]}, Reason: UnknownClient})
				l.of[i] = -1
				continue
			}
			l.of[i] = ci
		}
		return nil
	})
	if err != nil {
		return lookedUp{}, err
	}
	holes := slices.Concat(unknown...)
	l.early = slices.Concat(early...)
	if len(holes) > 0 {
		closeHoles(&l, st, holes)
	}
	return l, nil
}

// closeHoles takes the states of unknown clients (holes, ascending) out
// of st.states, moving the known ones down and renumbering the alerts and
// the shares, as if the unknown clients had never been given a state.
func closeHoles[Ctx any](l *lookedUp, st *planState[Ctx], holes []int32) {
	st.remove(holes)
	before := func(ci int32) int32 { // the holes before state ci
		n, _ := slices.BinarySearch(holes, ci)
		return int32(n)
	}
	for i, ci := range l.of {
		if ci >= 0 {
			l.of[i] = ci - before(ci)
		}
	}
	for w := range l.bases {
		l.bases[w] -= before(l.bases[w])
	}
}

// remove takes the states at holes (ascending indices) out, keeping the
// others in order.
func (st *planState[Ctx]) remove(holes []int32) {
	kept, h := 0, 0
	for i := range st.states {
		if h < len(holes) && holes[h] == int32(i) {
			h++
			continue
		}
		st.states[kept] = st.states[i]
		kept++
	}
	clear(st.states[kept:])
	st.states = st.states[:kept]
}
