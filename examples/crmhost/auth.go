package main

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"

	"golang.org/x/crypto/bcrypt"
)

// The cookies: the session's token, and the login form's CSRF token
// (before there is a session, the form and this cookie must agree).
const (
	sessionCookie = "crmhost_session"
	loginCookie   = "crmhost_login"
)

// caller is the logged-in user of a request and their session.
type caller struct {
	User
	Session Session
}

// handler is a route's handler for a logged-in caller; an error it
// returns is answered by writeError.
type handler func(w http.ResponseWriter, r *http.Request, c *caller) error

// anyone is the role of routes open to every logged-in user.
const anyone Role = ""

// read serves a route that changes nothing to callers with the role.
func (s *server) read(role Role, next handler) http.Handler {
	return s.authorize(role, false, next)
}

// write serves a route that changes state to callers with the role who
// send the session's CSRF token, in the form field csrf or the header
// X-CSRF-Token.
func (s *server) write(role Role, next handler) http.Handler {
	return s.authorize(role, true, next)
}

func (s *server) authorize(role Role, changes bool, next handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := s.caller(r)
		switch {
		case err != nil && !changes && !wantsJSON(r):
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.Path), http.StatusSeeOther)
			return
		case err != nil:
			s.writeError(w, r, err)
			return
		case role != anyone && !c.Has(role):
			s.writeError(w, r, fail(http.StatusForbidden, c.Name+" does not have the role "+string(role)))
			return
		}
		if changes {
			if err := checkCSRF(r, c.Session.CSRF); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		if err := next(w, r, c); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// caller finds the request's session and user: 401 without one.
func (s *server) caller(r *http.Request) (*caller, error) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return nil, fail(http.StatusUnauthorized, "log in first")
	}
	se, err := s.h.st.Session(r.Context(), hashToken(ck.Value), s.h.now())
	if errors.Is(err, ErrNotFound) {
		return nil, fail(http.StatusUnauthorized, "the session has ended: log in again")
	} else if err != nil {
		return nil, err
	}
	u, err := s.h.st.User(r.Context(), se.User)
	if err != nil {
		return nil, err
	}
	return &caller{User: u, Session: se}, nil
}

// checkCSRF compares the request's CSRF token with want in constant time.
func checkCSRF(r *http.Request, want string) error {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		if err := r.ParseForm(); err != nil {
			return bodyError(err)
		}
		got = r.PostForm.Get("csrf")
	}
	if got == "" || want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return fail(http.StatusForbidden, "missing or wrong CSRF token")
	}
	return nil
}

// newToken is 32 random bytes, URL-safe.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is what the store keeps of a session token.
func hashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// cookie is a cookie with crmhost's flags: HttpOnly, SameSite=Strict,
// Secure unless turned off for plain HTTP on localhost.
func (s *server) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.secureCookies}
}

// dummyHash is compared against when the user does not exist, so a login
// takes as long for a wrong name as for a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("crmhost"), bcrypt.DefaultCost)

func (s *server) loginPage(w http.ResponseWriter, r *http.Request) {
	tok := newToken()
	http.SetCookie(w, s.cookie(loginCookie, tok, 600))
	s.render(w, r, http.StatusOK, "login.html", "Log in", nil, tok, map[string]string{"Next": safeNext(r.URL.Query().Get("next"))})
}

func (s *server) login(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.writeError(w, r, bodyError(err))
		return
	}
	ck, err := r.Cookie(loginCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(r.PostForm.Get("csrf"))) != 1 || ck.Value == "" {
		s.writeError(w, r, fail(http.StatusForbidden, "missing or wrong CSRF token: reload the login page"))
		return
	}
	u, err := s.h.st.User(r.Context(), r.PostForm.Get("name"))
	hash := u.PasswordHash
	if err != nil {
		hash = dummyHash
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(r.PostForm.Get("password"))) != nil || err != nil {
		s.writeError(w, r, fail(http.StatusUnauthorized, "wrong name or password"))
		return
	}
	tok, now := newToken(), s.h.now()
	se := Session{TokenHash: hashToken(tok), User: u.Name, CSRF: newToken(), Created: now, Expires: now.Add(s.sessionTTL)}
	if err := s.h.st.CreateSession(r.Context(), se); err != nil {
		s.writeError(w, r, err)
		return
	}
	http.SetCookie(w, s.cookie(loginCookie, "", -1))
	http.SetCookie(w, s.cookie(sessionCookie, tok, int(s.sessionTTL.Seconds())))
	http.Redirect(w, r, safeNext(r.PostForm.Get("next")), http.StatusSeeOther)
}

// safeNext is where to go after logging in: a local path, else the book.
func safeNext(next string) string {
	if len(next) > 1 && next[0] == '/' && next[1] != '/' && next[1] != '\\' {
		return next
	}
	return "/book"
}

func (s *server) logout(w http.ResponseWriter, r *http.Request, c *caller) error {
	if err := s.h.st.DeleteSession(r.Context(), c.Session.TokenHash); err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(sessionCookie, "", -1))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// sessionInfo tells an API client who it is and its CSRF token.
func (s *server) sessionInfo(w http.ResponseWriter, r *http.Request, c *caller) error {
	writeJSON(w, http.StatusOK, map[string]any{"user": c.Name, "roles": c.Roles, "csrf": c.Session.CSRF})
	return nil
}
