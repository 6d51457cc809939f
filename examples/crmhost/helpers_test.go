package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// newTestHost is a host over a fresh seeded store, with the test clock.
func newTestHost(t testing.TB) *host {
	t.Helper()
	st := newTestStore(t)
	h, err := newHost(context.Background(), st, func() time.Time { return testNow }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// newTestServer serves a fresh host over httptest.
func newTestServer(t testing.TB) (*host, *httptest.Server) {
	t.Helper()
	h := newTestHost(t)
	s, err := newServer(h, false)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return h, ts
}

// client is a logged-in user's browser: cookies, and the session's CSRF
// token added to every POST unless told not to.
type client struct {
	t    testing.TB
	base string
	hc   *http.Client
	csrf string
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login logs name in with the demo password.
func login(t testing.TB, base, name string) *client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, base: base, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
	_, page := c.get("/login")
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the login page:\n%s", page)
	}
	code, body := c.do("POST", "/login", url.Values{"csrf": {m[1]}, "name": {name}, "password": {name + "-demo"}}, "")
	if code != http.StatusSeeOther {
		t.Fatalf("login %s: %d %s", name, code, body)
	}
	code, body = c.get("/api/session")
	var info struct{ CSRF string }
	if code != 200 || json.Unmarshal([]byte(body), &info) != nil {
		t.Fatalf("session of %s: %d %s", name, code, body)
	}
	c.csrf = info.CSRF
	return c
}

// get fetches a path.
func (c *client) get(path string) (int, string) { return c.do("GET", path, nil, "") }

// post sends a form with the CSRF token.
func (c *client) post(path string, form url.Values) (int, string) {
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", c.csrf)
	return c.do("POST", path, form, "")
}

// postJSON sends JSON with the CSRF token in its header.
func (c *client) postJSON(path string, body string) (int, string) {
	return c.do("POST", path, nil, body)
}

// tryPostJSON is postJSON that returns a failure to connect instead of
// failing the test.
func (c *client) tryPostJSON(path, js string) (int, string, error) {
	req, err := http.NewRequest("POST", c.base+path, strings.NewReader(js))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.csrf)
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func (c *client) do(method, path string, form url.Values, js string) (int, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else if js != "" {
		body = strings.NewReader(js)
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if js != "" {
		req.Header.Set("Content-Type", "application/json")
		if c.csrf != "" {
			req.Header.Set("X-CSRF-Token", c.csrf)
		}
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
