package main

import (
	"context"
	"sync"

	"github.com/engagekit/engagekit/advisory"
)

// bookView is the live framework over the whole book: every client's
// alerts and file, and (worked out when first asked) the plan.
type bookView struct {
	Result   advisory.BatchResult
	Files    map[string]advisory.File
	Progress batchCounts // the last progress the batch reported
	derived  *derived
	planOnce sync.Once
	plan     *planned
	planErr  error
}

// viewCache keeps the view of one live version over one book: a deploy
// or an ingest makes the next request work it out again.
type viewCache struct {
	mu   sync.Mutex
	live *liveRules
	book *bookState
	view *bookView
}

// view returns the live framework over the current book.
func (h *host) view(ctx context.Context) *bookView {
	live, b := h.live.Load(), h.book.Load()
	c := &h.views
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live == live && c.book == b {
		return c.view
	}
	d := b.derive(h.clients)
	now := h.now()
	v := &bookView{Files: make(map[string]advisory.File, len(h.clients)), derived: d}
	var filesMu sync.Mutex
	items := func(yield func(advisory.Item[advisory.File]) bool) {
		for item := range population(h.clients, h.records, d, now, true) {
			load := item.Load
			item.Load = func() (advisory.File, []advisory.Alert, error) {
				f, stale, err := load()
				filesMu.Lock()
				v.Files[item.ClientID] = f
				filesMu.Unlock()
				return f, stale, err
			}
			if !yield(item) {
				return
			}
		}
	}
	// The view is shared by every request: no request's end may cut it.
	v.Result = evaluateAll(context.WithoutCancel(ctx), live.C.FW, items, now, func(n batchCounts) { v.Progress = n })
	h.log.Info("evaluated the book", "version", live.Version.ID, "files", v.Result.Counts.In,
		"alerts", len(v.Result.Alerts), "failed", v.Result.Counts.Failed)
	c.live, c.book, c.view = live, b, v
	return v
}

// planned returns the view's plan, working it out once.
func (v *bookView) planned(h *host) (*planned, error) {
	v.planOnce.Do(func() {
		v.plan, v.planErr = plan(v.Result.Alerts, v.Files, v.derived, h.now())
	})
	return v.plan, v.planErr
}
