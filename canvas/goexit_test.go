package canvas

import (
	"context"
	"runtime"
	"testing"
)

// TestLookupGoexitEndsCaller: a lookup that ends its goroutine
// (runtime.Goexit, as a test's FailNow does) on the plan's workers ends
// the goroutine that called the plan, once the workers are done, as the
// plan on one goroutine does; it never returns a plan missing the
// alerts of the worker that ended.
func TestLookupGoexitEndsCaller(t *testing.T) {
	lookup := func(id string) (Client[a46Ctx], bool) {
		if id == "c00" {
			runtime.Goexit()
		}
		return Client[a46Ctx]{ID: id, Consent: []Channel{AppPush}}, true
	}
	for _, concurrent := range []bool{false, true} {
		for _, workers := range []int{1, 2} {
			p, err := NewPlanner[a46Ctx](nil, Options{Now: a46Now, ConcurrentLookup: concurrent})
			if err != nil {
				t.Fatal(err)
			}
			returned := make(chan bool)
			go func() {
				done := false
				defer func() { returned <- done }()
				_, _ = Parallel(p, workers, 0).PlanLookup(context.Background(), a46Alerts(8), lookup)
				done = true
			}()
			if <-returned {
				t.Errorf("concurrent lookup %v, %d workers: the plan returned after its lookup ended its goroutine", concurrent, workers)
			}
		}
	}
}
