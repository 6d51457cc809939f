package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// testNow is the clock of every test: the wealthdesk example's.
var testNow = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// testSeed is a small generated book, quick to seed.
var testSeed = seedOptions{Clients: 60, PerClient: 12, Seed: 1, Now: testNow, BcryptCost: bcrypt.MinCost}

// newTestStore opens a fresh seeded store in a temporary directory.
func newTestStore(t testing.TB) *sqliteStore {
	t.Helper()
	ctx := context.Background()
	st, err := openSQLite(ctx, filepath.Join(t.TempDir(), "crm.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := seed(ctx, st, testSeed); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestFieldsRoundTrip(t *testing.T) {
	in := map[string]any{"s": "x", "b": true, "f": 0.1, "i": 3, "t": testNow}
	data, err := encodeFields(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := decodeFields(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip: got %#v, want %#v", out, in)
	}
	if _, err := encodeFields(map[string]any{"x": []int{1}}); err == nil {
		t.Fatal("a slice encoded")
	}
}

func TestSeed(t *testing.T) {
	ctx := context.Background()
	st := newTestStore(t)
	clients, err := st.Clients(ctx)
	if err != nil || len(clients) != testSeed.Clients {
		t.Fatalf("clients: %d, %v", len(clients), err)
	}
	n, err := st.CountResponses(ctx)
	if err != nil || n == 0 {
		t.Fatalf("responses: %d, %v", n, err)
	}
	// A second seed changes nothing.
	if err := seed(ctx, st, testSeed); err != nil {
		t.Fatal(err)
	}
	if again, _ := st.CountResponses(ctx); again != n {
		t.Fatalf("reseeding: %d responses, was %d", again, n)
	}
	v, err := st.Deployed(ctx)
	if err != nil || v.ID != 1 || v.Text != frameworkRules || len(v.JSON) == 0 {
		t.Fatalf("deployed: %d %v (json %d bytes)", v.ID, err, len(v.JSON))
	}
	c, recs, err := st.Client(ctx, clients[3].ID)
	if err != nil || c != clients[3] || len(recs) != 2 {
		t.Fatalf("client %s: %+v, %d records, %v", clients[3].ID, c, len(recs), err)
	}
	if _, ok := recs[0].Fields["client.birthDate"].(time.Time); !ok {
		t.Fatalf("birth date not a time: %#v", recs[0].Fields)
	}
	u, err := st.User(ctx, "dana")
	if err != nil || !u.Has(Author) || !u.Has(Approver) || u.Has(Feed) {
		t.Fatalf("dana: %+v %v", u, err)
	}
	if bcrypt.CompareHashAndPassword(u.PasswordHash, []byte("dana-demo")) != nil {
		t.Fatal("dana's demo password does not match")
	}
	if _, err := st.User(ctx, "mallory"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown user: %v", err)
	}
}

func testResponse(id, client string) Response {
	return Response{ID: id, Client: client, Stimulus: "li-50", Kind: "click", Setting: "meeting", Time: testNow.Add(-time.Hour)}
}

func TestIngestIdempotent(t *testing.T) {
	ctx := context.Background()
	st := newTestStore(t)
	before, _ := st.CountResponses(ctx)
	batch := []Response{testResponse("r1", "c-00001"), testResponse("r2", "c-00002"), testResponse("r1", "c-00001")}
	stored, err := st.Ingest(ctx, batch)
	if err != nil || len(stored) != 2 {
		t.Fatalf("first ingest: %d stored, %v", len(stored), err)
	}
	stored, err = st.Ingest(ctx, batch)
	if err != nil || len(stored) != 0 {
		t.Fatalf("replay: %d stored, %v", len(stored), err)
	}
	if n, _ := st.CountResponses(ctx); n != before+2 {
		t.Fatalf("count %d, want %d", n, before+2)
	}
	if n, _ := st.CountResponses(ctx, "r1", "r2", "r3"); n != 2 {
		t.Fatalf("count of r1..r3: %d", n)
	}
}

func TestIngestTransactional(t *testing.T) {
	ctx := context.Background()
	st := newTestStore(t)
	before, _ := st.CountResponses(ctx)
	// The second response names no client: the batch fails as a whole.
	_, err := st.Ingest(ctx, []Response{testResponse("ok", "c-00001"), testResponse("bad", "nobody")})
	if err == nil {
		t.Fatal("a response of an unknown client was stored")
	}
	if n, _ := st.CountResponses(ctx); n != before {
		t.Fatalf("a failed batch left %d responses", n-before)
	}
}

func TestIngestConcurrent(t *testing.T) {
	ctx := context.Background()
	st := newTestStore(t)
	before, _ := st.CountResponses(ctx)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range 5 {
				var batch []Response
				for i := range 20 {
					batch = append(batch, testResponse(fmt.Sprintf("w%d-%d-%d", w, b, i), clientID(i)))
				}
				if _, err := st.Ingest(ctx, batch); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n, _ := st.CountResponses(ctx); n != before+8*5*20 {
		t.Fatalf("count %d, want %d", n, before+800)
	}
}

func TestVersionLifecycle(t *testing.T) {
	ctx := context.Background()
	st := newTestStore(t)
	at := testNow.Add(time.Hour)
	id, err := st.CreateVersion(ctx, Version{Text: "x", Status: Draft, Author: "alice", CreatedAt: at, UpdatedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.UpdateDraft(ctx, id, "y", nil, at); err != nil {
		t.Fatal(err)
	}
	// Approving a draft, or approving one's own, changes nothing.
	if err := st.Transition(ctx, id, approve("bob", at, "")); !errors.Is(err, ErrConflict) {
		t.Fatalf("approving a draft: %v", err)
	}
	if err := st.Transition(ctx, id, submit("alice", at)); err != nil {
		t.Fatal(err)
	}
	if err := st.UpdateDraft(ctx, id, "z", nil, at); !errors.Is(err, ErrConflict) {
		t.Fatalf("editing a submitted version: %v", err)
	}
	if err := st.Transition(ctx, id, approve("alice", at, "")); !errors.Is(err, ErrConflict) {
		t.Fatalf("self-approval: %v", err)
	}
	if v, _ := st.Version(ctx, id); v.Status != Submitted || v.Approver != "" || v.Text != "y" {
		t.Fatalf("after the refused approvals: %+v", v)
	}
	if err := st.Transition(ctx, id, approve("bob", at, "ok")); err != nil {
		t.Fatal(err)
	}
	v, _ := st.Version(ctx, id)
	if v.Status != Deployed || v.Approver != "bob" || v.Deployer != "bob" || !v.ApprovedAt.Equal(at) {
		t.Fatalf("approved: %+v", v)
	}
	if v1, _ := st.Version(ctx, 1); v1.Status != Approved {
		t.Fatalf("version 1 after the deploy: %s", v1.Status)
	}
	// Rollback: version 1 again, by anyone the service lets.
	if err := st.Transition(ctx, 1, rollback("dana", at)); err != nil {
		t.Fatal(err)
	}
	if d, _ := st.Deployed(ctx); d.ID != 1 || d.Deployer != "dana" {
		t.Fatalf("deployed after the rollback: %d by %s", d.ID, d.Deployer)
	}
	if _, err := st.Version(ctx, 99); !errors.Is(err, ErrNotFound) {
		t.Fatalf("version 99: %v", err)
	}
}

func TestSessions(t *testing.T) {
	ctx := context.Background()
	st := newTestStore(t)
	s := Session{TokenHash: "h", User: "ada", CSRF: "c", Created: testNow, Expires: testNow.Add(time.Hour)}
	if err := st.CreateSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Session(ctx, "h", testNow); err != nil || got != s {
		t.Fatalf("session: %+v %v", got, err)
	}
	if _, err := st.Session(ctx, "h", testNow.Add(2*time.Hour)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("expired session: %v", err)
	}
	if err := st.DeleteSession(ctx, "h"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Session(ctx, "h", testNow); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted session: %v", err)
	}
}
