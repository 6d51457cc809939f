package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestCrashDuringIngest kills crmhost with SIGKILL in the middle of a bulk
// ingest by four feeds, restarts it, and checks that every response whose
// batch was acknowledged is stored exactly once: a replay of every
// acknowledged batch stores nothing new. Then SIGTERM stops it cleanly.
func TestCrashDuringIngest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server as a process")
	}
	db := filepath.Join(t.TempDir(), "crash.db")
	p := startProcess(t, db, 40)
	feed := login(t, p.base, "feed")
	var mu sync.Mutex
	var acked [][]Response
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := 0; ; b++ {
				select {
				case <-stop:
					return
				default:
				}
				batch := crashBatch(w, b)
				body, _ := json.Marshal(ingestRequest{Responses: batch})
				code, _, err := feed.tryPostJSON("/api/responses", string(body))
				if err != nil || code != 200 {
					return // the server died: this batch is not acknowledged
				}
				mu.Lock()
				acked = append(acked, batch)
				mu.Unlock()
			}
		}()
	}
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 30 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
	close(stop)
	wg.Wait()

	p = startProcess(t, db, 40)
	st, err := openSQLite(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var ids []string
	for _, b := range acked {
		for _, r := range b {
			ids = append(ids, r.ID)
		}
	}
	if n, err := st.CountResponses(context.Background(), ids...); err != nil || n != len(ids) {
		t.Fatalf("%d of %d acknowledged responses stored (%v)", n, len(ids), err)
	}
	feed = login(t, p.base, "feed")
	for _, b := range acked {
		body, _ := json.Marshal(ingestRequest{Responses: b})
		code, reply := feed.postJSON("/api/responses", string(body))
		if code != 200 || !jsonHas(reply, "stored", 0) {
			t.Fatalf("replaying an acknowledged batch: %d %s", code, reply)
		}
	}
	t.Logf("%d acknowledged batches (%d responses) survived the kill, each once", len(acked), len(ids))
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("crmhost did not stop within 15 s of SIGTERM")
	}
}

// crashBatch is feed w's b-th batch of 50 responses.
func crashBatch(w, b int) []Response {
	out := make([]Response, 50)
	for i := range out {
		out[i] = Response{ID: fmt.Sprintf("crash-%d-%d-%d", w, b, i), Client: clientID((b*50 + i) % 40), Stimulus: "li-50",
			Kind: "click", Setting: "meeting", Time: time.Now().UTC().Add(-time.Hour)}
	}
	return out
}

// jsonHas reports whether a JSON object has key equal to the number n.
func jsonHas(body, key string, n int) bool {
	var m map[string]any
	return json.Unmarshal([]byte(body), &m) == nil && m[key] == float64(n)
}
