package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestLoad runs concurrent ingest and page requests against a crmhost
// process on localhost for CRMHOST_LOAD (a duration, such as 30s), then
// reports throughput and the p50 and p99 latency of each kind of request;
// any request that fails fails the test. Without CRMHOST_LOAD it is
// skipped, so `go test ./...` stays quick:
//
//	CRMHOST_LOAD=30s go test -run TestLoad -v .
func TestLoad(t *testing.T) {
	spec := os.Getenv("CRMHOST_LOAD")
	if spec == "" {
		t.Skip("set CRMHOST_LOAD=30s to run the load test")
	}
	dur, err := time.ParseDuration(spec)
	if err != nil || dur <= 0 || dur > 10*time.Minute {
		t.Fatalf("CRMHOST_LOAD=%q: want a duration up to 10m", spec)
	}
	p := startProcess(t, filepath.Join(t.TempDir(), "load.db"), 300)
	feed, ada := login(t, p.base, "feed"), login(t, p.base, "ada")
	kinds := map[string]func(w, i int) (int, string){
		"ingest (20 responses)": func(w, i int) (int, string) {
			body, _ := json.Marshal(ingestRequest{Responses: loadBatch(w, i)})
			code, reply, err := feed.tryPostJSON("/api/responses", string(body))
			if err != nil {
				return 0, err.Error()
			}
			return code, reply
		},
		"client page": func(w, i int) (int, string) { return ada.get("/clients/" + clientID((w*7919+i*31)%300)) },
		"book page":   func(w, i int) (int, string) { return ada.get("/book") },
		"plan page":   func(w, i int) (int, string) { return ada.get("/plan") },
	}
	workers := map[string]int{"ingest (20 responses)": 4, "client page": 3, "book page": 1, "plan page": 1}
	var mu sync.Mutex
	lat := map[string][]time.Duration{}
	var failures []string
	deadline := time.Now().Add(dur)
	var wg sync.WaitGroup
	for kind, n := range workers {
		for w := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var mine []time.Duration
				for i := 0; time.Now().Before(deadline); i++ {
					start := time.Now()
					code, body := kinds[kind](w, i)
					mine = append(mine, time.Since(start))
					if code != 200 {
						mu.Lock()
						failures = append(failures, fmt.Sprintf("%s: %d %.200s", kind, code, body))
						mu.Unlock()
					}
				}
				mu.Lock()
				lat[kind] = append(lat[kind], mine...)
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	total := 0
	for kind, ls := range lat {
		slices.Sort(ls)
		total += len(ls)
		t.Logf("%-22s %6d requests  %7.1f/s  p50 %8s  p99 %8s", kind, len(ls), float64(len(ls))/dur.Seconds(),
			ls[len(ls)/2].Round(10*time.Microsecond), ls[len(ls)*99/100].Round(10*time.Microsecond))
	}
	t.Logf("all: %d requests in %s, %.1f/s; %d responses ingested", total, dur, float64(total)/dur.Seconds(),
		20*len(lat["ingest (20 responses)"]))
	if len(failures) > 0 {
		t.Fatalf("%d requests failed, the first: %s", len(failures), failures[0])
	}
}

// loadBatch is ingest worker w's i-th batch.
func loadBatch(w, i int) []Response {
	out := make([]Response, 20)
	now := time.Now().UTC()
	for k := range out {
		out[k] = Response{ID: fmt.Sprintf("load-%d-%d-%d", w, i, k), Client: clientID((i*20 + k + w*97) % 300), Stimulus: "nl-51",
			Kind: "read", Time: now.Add(-time.Minute)}
	}
	return out
}
