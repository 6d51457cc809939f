package main

import (
	"errors"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/engagement"
	"github.com/engagekit/engagekit/segment"
)

// bookData is the book page: the engagement report, the segments and the
// live framework's alerts by type.
type bookData struct {
	Clients   int
	Report    engagement.Report
	Merges    int
	Summary   segment.Summary
	Version   Version
	Files     batchCounts
	Alerts    int
	ByType    []typeCount
	AtRisk    int
	FirstIDs  []string
	Progress  batchCounts
	RuleCount int
}

// typeCount is how many alerts of a type the book has.
type typeCount struct {
	Type  string
	Count int
}

func (s *server) bookPage(w http.ResponseWriter, r *http.Request, c *caller) error {
	b, live := s.h.book.Load(), s.h.live.Load()
	v := s.h.view(r.Context())
	d := b.derive(s.h.clients)
	if d.err != nil {
		return d.err
	}
	counts := map[string]int{}
	for _, a := range v.Result.Alerts {
		counts[a.Type]++
	}
	data := bookData{Clients: len(s.h.clients), Report: b.book.Report, Merges: b.gen, Summary: d.summary,
		Version: live.Version, Alerts: len(v.Result.Alerts), AtRisk: len(d.atRisk), Progress: v.Progress,
		RuleCount: len(live.C.FW.Rules())}
	data.Files = batchCounts{In: v.Result.Counts.In, OK: v.Result.Counts.OK, Failed: v.Result.Counts.Failed, Cancelled: v.Result.Counts.Cancelled}
	for t, n := range counts {
		data.ByType = append(data.ByType, typeCount{t, n})
	}
	sort.Slice(data.ByType, func(i, j int) bool { return data.ByType[i].Count > data.ByType[j].Count })
	for _, cl := range s.h.clients[:min(40, len(s.h.clients))] {
		data.FirstIDs = append(data.FirstIDs, cl.ID)
	}
	s.render(w, r, http.StatusOK, "book.html", "The book", c, "", data)
	return nil
}

func (s *server) scatter(w http.ResponseWriter, r *http.Request, c *caller) error {
	svg(w, s.h.book.Load().derive(s.h.clients).scatter())
	return nil
}

// svg writes an SVG picture.
func svg(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}

// clientData is the client page.
type clientData struct {
	Client    Client
	Segment   segment.Assignment
	Score     float64
	AtRisk    bool
	Fields    []fieldRow
	Conflicts []advisory.Conflict
	Alerts    []alertRow
	Version   Version
	Rules     []string
	Explain   string // the explanation asked for with ?explain=rule
	ExplainID string
}

// fieldRow is one consolidated field with its provenance.
type fieldRow struct {
	Name   string
	Value  any
	Source string
	AsOf   string
	Stale  bool
}

// alertRow is one alert with the explanation of its rule.
type alertRow struct {
	advisory.Alert
	Explanation string
}

func (s *server) clientPage(w http.ResponseWriter, r *http.Request, c *caller) error {
	id := r.PathValue("id")
	cl, recs, err := s.h.st.Client(r.Context(), id)
	if errors.Is(err, ErrNotFound) {
		return fail(http.StatusNotFound, "no client "+id)
	} else if err != nil {
		return err
	}
	b, live, now := s.h.book.Load(), s.h.live.Load(), s.h.now()
	d := b.derive(s.h.clients)
	cf, err := loadFile(id, recs, d, now)
	if err != nil {
		return err
	}
	alerts, err := evaluate(r.Context(), live.C.FW, id, cf, now)
	if err != nil {
		s.h.log.Warn("rules failed on a client", "client", id, "err", err)
	}
	data := clientData{Client: cl, Segment: d.segmentOf[id], Score: d.percentile[id], AtRisk: d.atRisk[id],
		Conflicts: cf.Consolidated.Conflicts, Version: live.Version, Rules: ruleIDs(live.C.FW)}
	for name, v := range cf.Consolidated.Fields {
		p := cf.Consolidated.Provenance[name]
		data.Fields = append(data.Fields, fieldRow{Name: name, Value: v, Source: p.Source, AsOf: p.AsOf.Format("2 Jan 2006"), Stale: cf.StaleFields[name]})
	}
	slices.SortFunc(data.Fields, func(a, b fieldRow) int { return strings.Compare(a.Name, b.Name) })
	for _, a := range alerts {
		row := alertRow{Alert: a}
		if a.RuleSet != "" { // the staleness check's alerts have no rule to explain
			row.Explanation, _ = explain(live.C.FW, a.RuleID, cf, now)
		}
		data.Alerts = append(data.Alerts, row)
	}
	if q := r.URL.Query().Get("explain"); q != "" && slices.Contains(data.Rules, q) {
		data.ExplainID = q
		if data.Explain, err = explain(live.C.FW, q, cf, now); err != nil {
			data.Explain = err.Error()
		}
	}
	s.render(w, r, http.StatusOK, "client.html", cl.Name+" ("+cl.ID+")", c, "", data)
	return nil
}

func (s *server) planPage(w http.ResponseWriter, r *http.Request, c *caller) error {
	p, err := s.h.view(r.Context()).planned(s.h)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "plan.html", "The plan", c, "", p)
	return nil
}

func (s *server) canvasPicture(w http.ResponseWriter, r *http.Request, c *caller) error {
	p, err := s.h.view(r.Context()).planned(s.h)
	if err != nil {
		return err
	}
	svg(w, p.Picture)
	return nil
}
