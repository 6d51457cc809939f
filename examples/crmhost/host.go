package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/engagekit/engagekit/engagement"
)

// host is the running service's state: the store, the live rule set and
// the engagement book. The live rules and the book are each swapped
// whole through an atomic pointer, so a request reads one consistent
// version of each without a lock; writers (ingest, deploy) queue on a
// mutex of their own.
type host struct {
	st      Store
	now     func() time.Time
	log     *slog.Logger
	journey *engagement.Journey
	clients []Client
	known   map[string]bool
	// records are the population's source records, read at start: this
	// host has no way to change them.
	records map[string][]SourceRecord

	live atomic.Pointer[liveRules]
	book atomic.Pointer[bookState]

	ingestMu sync.Mutex
	deployMu sync.Mutex
	compiles compileCache
	views    viewCache
}

// liveRules is the deployed version and its compiled framework.
type liveRules struct {
	Version Version
	C       *compiled
}

// newHost loads the store's book and deployed rules.
func newHost(ctx context.Context, st Store, now func() time.Time, log *slog.Logger) (*host, error) {
	h := &host{st: st, now: now, log: log, known: map[string]bool{}, records: map[string][]SourceRecord{}}
	js, err := st.Meta(ctx, "journey")
	if err != nil {
		return nil, fmt.Errorf("the journey: %w", err)
	}
	if h.journey, err = parseJourney(js); err != nil {
		return nil, err
	}
	if h.clients, err = st.Clients(ctx); err != nil {
		return nil, err
	}
	for _, c := range h.clients {
		h.known[c.ID] = true
	}
	recs, err := st.Records(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		h.records[r.ClientID] = append(h.records[r.ClientID], r)
	}
	b, err := buildBook(ctx, st, h.journey, now())
	if err != nil {
		return nil, err
	}
	h.book.Store(b)
	return h, h.reloadLive(ctx)
}

// reloadLive compiles the deployed version and makes it live.
func (h *host) reloadLive(ctx context.Context) error {
	v, err := h.st.Deployed(ctx)
	if err != nil {
		return fmt.Errorf("the deployed version: %w", err)
	}
	c := h.compiles.get(v.Text)
	if c.FW == nil {
		return fmt.Errorf("the deployed version %d does not compile: %s", v.ID, c.Errors[0].Msg)
	}
	h.live.Store(&liveRules{Version: v, C: c})
	return nil
}

// deploy makes a transition that deploys a version and swaps the live
// rules to it.
func (h *host) deploy(ctx context.Context, id int64, t Transition) error {
	h.deployMu.Lock()
	defer h.deployMu.Unlock()
	if err := h.st.Transition(ctx, id, t); err != nil {
		return err
	}
	return h.reloadLive(context.WithoutCancel(ctx))
}

// ingest stores responses and merges the ones new to the store into the
// book. Once the store has committed them they are acknowledged whatever
// happens to the request; a new day rebuilds the book as of that day.
func (h *host) ingest(ctx context.Context, rs []Response) (int, error) {
	h.ingestMu.Lock()
	defer h.ingestMu.Unlock()
	stored, err := h.st.Ingest(ctx, rs)
	if err != nil {
		return 0, err
	}
	ctx = context.WithoutCancel(ctx)
	now, cur := h.now(), h.book.Load()
	var next *bookState
	if engagementOptions(now).AsOf.Equal(cur.asOf) {
		next, err = cur.merge(ctx, h.journey, stored, now)
	}
	if next == nil {
		if err != nil {
			h.log.Error("merging the book; rebuilding it", "err", err)
		}
		if next, err = buildBook(ctx, h.st, h.journey, now); err != nil {
			return len(stored), fmt.Errorf("stored, but the book could not be rebuilt: %w", err)
		}
	}
	h.book.Store(next)
	return len(stored), nil
}

// compileCache keeps compiled versions by the hash of their text, so a
// version is compiled once however often it is viewed or deployed.
type compileCache struct {
	mu sync.Mutex
	m  map[[32]byte]*compiled
}

// get compiles text, or returns its earlier compilation. The cache is
// bounded: when full it starts again (the live version is kept by the
// live pointer, not by the cache).
func (c *compileCache) get(text string) *compiled {
	k := sha256.Sum256([]byte(text))
	c.mu.Lock()
	defer c.mu.Unlock()
	if x, ok := c.m[k]; ok {
		return x
	}
	if c.m == nil || len(c.m) >= 32 {
		c.m = map[[32]byte]*compiled{}
	}
	x := compileRules(text)
	c.m[k] = x
	return x
}
