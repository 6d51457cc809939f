package canvas

// Parallel is p planning on workers goroutines from minAlerts alerts on
// (workers 1: always sequential), for the tests that hold the parallel plan
// to the sequential one.
func Parallel[Ctx any](p *Planner[Ctx], workers, minAlerts int) *Planner[Ctx] {
	q := *p
	q.opts.Workers, q.parallelMin = workers, max(1, minAlerts)
	return &q
}
