package main

import (
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"time"
)

// Request body limits: a rule file's form, a batch of responses, and
// everything else.
const (
	maxRuleForm = 1 << 20
	maxIngest   = 1 << 20
	maxForm     = 64 << 10
)

//go:embed templates static
var assets embed.FS

// server is crmhost's HTTP interface over a host.
type server struct {
	h *host
	// secureCookies sets the Secure flag on cookies; off only for plain
	// HTTP on localhost.
	secureCookies bool
	sessionTTL    time.Duration
	pages         map[string]*template.Template
	mux           *http.ServeMux
}

// newServer builds the handler of every route.
func newServer(h *host, secureCookies bool) (*server, error) {
	s := &server{h: h, secureCookies: secureCookies, sessionTTL: 12 * time.Hour, mux: http.NewServeMux()}
	var err error
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	static, _ := fs.Sub(assets, "static")
	m := s.mux
	m.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	m.HandleFunc("GET /login", s.loginPage)
	m.Handle("POST /login", limit(maxForm, http.HandlerFunc(s.login)))
	m.Handle("POST /logout", limit(maxForm, s.write(anyone, s.logout)))
	m.Handle("GET /{$}", http.RedirectHandler("/book", http.StatusSeeOther))
	m.Handle("GET /book", s.read(Adviser, s.bookPage))
	m.Handle("GET /book/scatter.svg", s.read(Adviser, s.scatter))
	m.Handle("GET /clients/{id}", s.read(Adviser, s.clientPage))
	m.Handle("GET /plan", s.read(Adviser, s.planPage))
	m.Handle("GET /plan/canvas.svg", s.read(Adviser, s.canvasPicture))
	m.Handle("GET /rules", s.read(Adviser, s.rulesPage))
	m.Handle("GET /rules/{id}", s.read(Adviser, s.workbench))
	m.Handle("POST /rules/{id}/draft", limit(maxForm, s.write(Author, s.newDraft)))
	m.Handle("POST /rules/{id}/save", limit(maxRuleForm, s.write(Author, s.save)))
	m.Handle("POST /rules/{id}/submit", limit(maxForm, s.write(Author, s.submit)))
	m.Handle("POST /rules/{id}/approve", limit(maxForm, s.write(Approver, s.approve)))
	m.Handle("POST /rules/{id}/reject", limit(maxForm, s.write(Approver, s.reject)))
	m.Handle("POST /rules/{id}/deploy", limit(maxForm, s.write(Approver, s.rollback)))
	m.Handle("GET /api/session", s.read(anyone, s.sessionInfo))
	m.Handle("POST /api/responses", limit(maxIngest, s.write(Feed, s.ingest)))
	return s, nil
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'")
	w.Header().Set("Referrer-Policy", "same-origin")
	s.mux.ServeHTTP(w, r)
}

// limit caps a request's body at n bytes: reading past it fails, and the
// handler answers 413.
func limit(n int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, n)
		next.ServeHTTP(w, r)
	})
}

// httpError is an error with the status the client gets.
type httpError struct {
	Status int
	Msg    string
}

func (e *httpError) Error() string { return e.Msg }

// fail is an httpError.
func fail(status int, msg string) error { return &httpError{status, msg} }

// bodyError turns a failure to read a body into a 413 or a 400.
func bodyError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return fail(http.StatusRequestEntityTooLarge, "the request body is too large")
	}
	return fail(http.StatusBadRequest, "the request body cannot be read: "+err.Error())
}

// writeError answers an error: an httpError with its status, anything
// else as a 500 whose detail goes to the log, not the client.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	if !errors.As(err, &he) {
		s.h.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		he = &httpError{http.StatusInternalServerError, "internal error"}
	}
	if wantsJSON(r) {
		writeJSON(w, he.Status, map[string]string{"error": he.Msg})
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(he.Status)
	w.Write([]byte(http.StatusText(he.Status) + ": " + he.Msg + "\n"))
}

// wantsJSON is true for the API's routes.
func wantsJSON(r *http.Request) bool {
	return len(r.URL.Path) >= 5 && r.URL.Path[:5] == "/api/"
}

// writeJSON answers v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
