package main

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/engagekit/engagekit/advisory"
)

// workbenchData is the rule workbench for one version.
type workbenchData struct {
	V        Version
	Live     Version
	C        *compiled
	Editable bool
	// The actions the caller may take on this version now.
	CanSubmit, CanDecide, CanRollback, CanBranch bool
	// Why is why an approver cannot approve, if they cannot.
	Why      string
	Diff     *advisory.Diff
	Gained   []advisory.Alert
	Lost     []advisory.Alert
	DiffErr  string
	Coverage *coverage
}

// coverage is which rules of a version fire over the population.
type coverage struct {
	Files, Rules, Fired int
	Never               []string
}

func (s *server) rulesPage(w http.ResponseWriter, r *http.Request, c *caller) error {
	vs, err := s.h.st.Versions(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "rules.html", "Rule file versions", c, "", vs)
	return nil
}

// version reads the version the route names.
func (s *server) version(r *http.Request) (Version, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return Version{}, fail(http.StatusNotFound, "no such version")
	}
	v, err := s.h.st.Version(r.Context(), id)
	if errors.Is(err, ErrNotFound) {
		return Version{}, fail(http.StatusNotFound, "no version "+strconv.FormatInt(id, 10))
	}
	return v, err
}

func (s *server) workbench(w http.ResponseWriter, r *http.Request, c *caller) error {
	v, err := s.version(r)
	if err != nil {
		return err
	}
	live := s.h.live.Load()
	d := &workbenchData{V: v, Live: live.Version, C: s.h.compiles.get(v.Text)}
	d.Editable = v.Status == Draft && c.Has(Author) && c.Name == v.Author
	d.CanSubmit = (v.Status == Draft || v.Status == Rejected) && c.Has(Author) && c.Name == v.Author && d.C.FW != nil
	d.CanBranch = c.Has(Author)
	d.CanDecide = v.Status == Submitted && c.Has(Approver)
	d.CanRollback = v.Status == Approved && c.Has(Approver)
	if d.CanDecide {
		d.Why = approvalBlock(v, d.C, c.Name)
	}
	if d.C.FW != nil {
		s.compare(r, d, live)
	}
	s.render(w, r, http.StatusOK, "workbench.html", fmt.Sprintf("Version %d", v.ID), c, "", d)
	return nil
}

// compare fills in the diff against the live version and the coverage,
// over the generated population.
func (s *server) compare(r *http.Request, d *workbenchData, live *liveRules) {
	b, now := s.h.book.Load(), s.h.now()
	// The diff and the coverage are of the rule file: without the
	// staleness check's alerts, which no version changes.
	files := population(s.h.clients, s.h.records, b.derive(s.h.clients), now, false)
	if d.V.ID != live.Version.ID {
		diff, err := diffVersions(r.Context(), live.C.FW, d.C.FW, files, now)
		if err != nil {
			d.DiffErr = err.Error()
		}
		d.Diff = &diff
		d.Gained = diff.Appeared[:min(50, len(diff.Appeared))]
		d.Lost = diff.Disappeared[:min(50, len(diff.Disappeared))]
	}
	res := evaluateAll(r.Context(), d.C.FW, files, now, nil)
	fired := map[string]bool{}
	for _, a := range res.Alerts {
		fired[a.RuleID] = true
	}
	cov := &coverage{Files: res.Counts.In}
	for _, id := range ruleIDs(d.C.FW) {
		cov.Rules++
		if fired[id] {
			cov.Fired++
		} else {
			cov.Never = append(cov.Never, id)
		}
	}
	d.Coverage = cov
}

// approvalBlock says why user may not approve v, or "" if they may.
func approvalBlock(v Version, c *compiled, user string) string {
	switch {
	case v.Author == user:
		return "you wrote this version: another approver must approve it"
	case c.FW == nil:
		return fmt.Sprintf("it does not compile (%d errors)", len(c.Errors))
	case c.Problems > 0:
		return fmt.Sprintf("its analysis finds %d problems", c.Problems)
	case c.TestsErr != "":
		return "its rule tests cannot run: " + c.TestsErr
	case c.Tests == nil || !c.Tests.OK():
		n := 0
		if c.Tests != nil {
			n = c.Tests.Failed
		}
		return fmt.Sprintf("%d of its rule tests fail", n)
	}
	return ""
}

func (s *server) newDraft(w http.ResponseWriter, r *http.Request, c *caller) error {
	v, err := s.version(r)
	if err != nil {
		return err
	}
	now := s.h.now()
	js, _ := ruleJSON(v.Text)
	id, err := s.h.st.CreateVersion(r.Context(), Version{Text: v.Text, JSON: js, Status: Draft, Author: c.Name,
		CreatedAt: now, UpdatedAt: now, Note: fmt.Sprintf("from version %d", v.ID)})
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/rules/%d", id), http.StatusSeeOther)
	return nil
}

func (s *server) save(w http.ResponseWriter, r *http.Request, c *caller) error {
	v, err := s.version(r)
	if err != nil {
		return err
	}
	if v.Author != c.Name {
		return fail(http.StatusForbidden, "only its author edits a draft")
	}
	if v.Status != Draft {
		return fail(http.StatusConflict, "version is "+string(v.Status)+": only a draft can be edited")
	}
	// Browsers send a textarea's lines ending in CRLF.
	text := strings.ReplaceAll(r.PostForm.Get("text"), "\r\n", "\n")
	js, _ := ruleJSON(text) // nil when it does not parse: the workbench shows why
	if err := s.h.st.UpdateDraft(r.Context(), v.ID, text, js, s.h.now()); err != nil {
		return storeError(err)
	}
	http.Redirect(w, r, fmt.Sprintf("/rules/%d#errors", v.ID), http.StatusSeeOther)
	return nil
}

func (s *server) submit(w http.ResponseWriter, r *http.Request, c *caller) error {
	v, err := s.version(r)
	if err != nil {
		return err
	}
	if v.Author != c.Name {
		return fail(http.StatusForbidden, "only its author submits a version")
	}
	if cc := s.h.compiles.get(v.Text); cc.FW == nil {
		return fail(http.StatusUnprocessableEntity, fmt.Sprintf("version %d does not compile (%d errors)", v.ID, len(cc.Errors)))
	}
	if err := s.h.st.Transition(r.Context(), v.ID, submit(c.Name, s.h.now())); err != nil {
		return storeError(err)
	}
	http.Redirect(w, r, fmt.Sprintf("/rules/%d", v.ID), http.StatusSeeOther)
	return nil
}

// decision checks that the caller may approve or reject v.
func (s *server) decision(r *http.Request, c *caller) (Version, error) {
	v, err := s.version(r)
	if err != nil {
		return v, err
	}
	if v.Author == c.Name {
		return v, fail(http.StatusForbidden, "maker-checker: you wrote this version, so another approver must decide on it")
	}
	if v.Status != Submitted {
		return v, fail(http.StatusConflict, "version is "+string(v.Status)+", not submitted")
	}
	return v, nil
}

func (s *server) approve(w http.ResponseWriter, r *http.Request, c *caller) error {
	v, err := s.decision(r, c)
	if err != nil {
		return err
	}
	if why := approvalBlock(v, s.h.compiles.get(v.Text), c.Name); why != "" {
		return fail(http.StatusUnprocessableEntity, fmt.Sprintf("version %d cannot be approved: %s", v.ID, why))
	}
	if err := s.h.deploy(r.Context(), v.ID, approve(c.Name, s.h.now(), r.PostForm.Get("note"))); err != nil {
		return storeError(err)
	}
	http.Redirect(w, r, fmt.Sprintf("/rules/%d", v.ID), http.StatusSeeOther)
	return nil
}

func (s *server) reject(w http.ResponseWriter, r *http.Request, c *caller) error {
	v, err := s.decision(r, c)
	if err != nil {
		return err
	}
	if err := s.h.st.Transition(r.Context(), v.ID, reject(c.Name, s.h.now(), r.PostForm.Get("note"))); err != nil {
		return storeError(err)
	}
	http.Redirect(w, r, fmt.Sprintf("/rules/%d", v.ID), http.StatusSeeOther)
	return nil
}

func (s *server) rollback(w http.ResponseWriter, r *http.Request, c *caller) error {
	v, err := s.version(r)
	if err != nil {
		return err
	}
	if v.Status != Approved {
		return fail(http.StatusConflict, "only an approved version can be deployed again; version is "+string(v.Status))
	}
	if err := s.h.deploy(r.Context(), v.ID, rollback(c.Name, s.h.now())); err != nil {
		return storeError(err)
	}
	http.Redirect(w, r, fmt.Sprintf("/rules/%d", v.ID), http.StatusSeeOther)
	return nil
}

// storeError turns the store's conflicts into a 409.
func storeError(err error) error {
	switch {
	case errors.Is(err, ErrConflict):
		return fail(http.StatusConflict, err.Error())
	case errors.Is(err, ErrNotFound):
		return fail(http.StatusNotFound, err.Error())
	}
	return err
}
