package main

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"
)

// page is what every template gets: the title, the caller (nil on the
// login page), the CSRF token for its forms, and the page's own data.
type page struct {
	Title string
	User  *caller
	CSRF  string
	Data  any
}

// funcs are the templates' helpers.
var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.Format("2 Jan 2006 15:04")
	},
	"day":   func(t time.Time) string { return t.Format("Mon 2 Jan") },
	"pct":   func(x float64) string { return fmt.Sprintf("%.0f%%", 100*x) },
	"num":   func(x float64) string { return fmt.Sprintf("%.2f", x) },
	"value": formatValue,
	"has":   func(c *caller, r string) bool { return c != nil && c.Has(Role(r)) },
	"join":  strings.Join,
}

// formatValue writes a field's value as a person reads it.
func formatValue(v any) string {
	switch x := v.(type) {
	case time.Time:
		return x.Format("2 Jan 2006")
	case float64:
		if x == float64(int64(x)) || x >= 1000 || x <= -1000 {
			return fmt.Sprintf("%.0f", x)
		}
		return fmt.Sprintf("%.4g", x)
	case nil:
		return "—"
	}
	return fmt.Sprint(v)
}

// parsePages parses each page template with the layout.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimPrefix(n, "templates/")
		if base == "layout.html" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(assets, "templates/layout.html", n)
		if err != nil {
			return nil, err
		}
		out[base] = t
	}
	return out, nil
}

// render writes a page, buffered so that a template error is a clean 500.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, name, title string, c *caller, csrf string, data any) {
	if c != nil {
		csrf = c.Session.CSRF
	}
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", page{Title: title, User: c, CSRF: csrf, Data: data}); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	buf.WriteTo(w)
}
