package main

import (
	"slices"
	"time"
)

// Role is what a user may do.
type Role string

// The roles. An adviser reads; an author also edits and submits rule
// files; an approver also approves, rejects and rolls back; a feed
// ingests responses.
const (
	Adviser  Role = "adviser"
	Author   Role = "author"
	Approver Role = "approver"
	Feed     Role = "feed"
)

// User is a person (or a feed) who logs in.
type User struct {
	Name         string
	PasswordHash []byte // bcrypt
	Roles        []Role
}

// Has reports whether the user has a role.
func (u User) Has(r Role) bool { return slices.Contains(u.Roles, r) }

// Session is a logged-in user: the store keeps the SHA-256 of the cookie's
// token, never the token, and the session's CSRF token.
type Session struct {
	TokenHash string
	User      string
	CSRF      string
	Created   time.Time
	Expires   time.Time
}
