package main

import (
	"context"
	"errors"
	"time"
)

// Store is everything crmhost keeps: clients and their source records,
// engagement responses, rule-file versions, users and sessions. The
// service reads and writes only through it, so a Postgres implementation
// can replace the SQLite one (see openSQLite). Implementations must be
// safe for concurrent use by multiple goroutines, and every method that
// writes more than one row does so in one transaction.
type Store interface {
	// Meta reads and SetMeta writes a small named setting (the journey,
	// the seed); Meta returns ErrNotFound when the key is absent.
	Meta(ctx context.Context, key string) (string, error)
	SetMeta(ctx context.Context, key, value string) error

	// AddClients inserts clients and their source records, ignoring
	// clients that already exist.
	AddClients(ctx context.Context, clients []Client, records []SourceRecord) error
	// Clients lists every client, by id.
	Clients(ctx context.Context) ([]Client, error)
	// Client returns one client and its records, or ErrNotFound.
	Client(ctx context.Context, id string) (Client, []SourceRecord, error)
	// Records lists every source record, by client and source.
	Records(ctx context.Context) ([]SourceRecord, error)

	// Ingest stores responses, each once: a response whose id is stored
	// already is skipped. It returns the responses it stored, in input
	// order; either all of them are stored or, with an error, none.
	Ingest(ctx context.Context, rs []Response) ([]Response, error)
	// Responses calls fn for every stored response in id order.
	Responses(ctx context.Context, fn func(Response) error) error
	// CountResponses counts the stored responses with the given ids
	// (each id counted once per stored row); with no ids, all of them.
	CountResponses(ctx context.Context, ids ...string) (int, error)

	// Versions lists every rule-file version, newest first; Version
	// returns one, or ErrNotFound.
	Versions(ctx context.Context) ([]Version, error)
	Version(ctx context.Context, id int64) (Version, error)
	// CreateVersion stores a new version and returns its id.
	CreateVersion(ctx context.Context, v Version) (int64, error)
	// UpdateDraft replaces a draft's text and JSON form; ErrConflict if
	// the version is not a draft.
	UpdateDraft(ctx context.Context, id int64, text string, json []byte, at time.Time) error
	// Transition moves a version along its life (see Transition); it
	// fails with ErrConflict, changing nothing, if the version is not
	// in one of t's From states or t breaks maker-checker.
	Transition(ctx context.Context, id int64, t Transition) error
	// Deployed returns the deployed version, or ErrNotFound.
	Deployed(ctx context.Context) (Version, error)

	// AddUser stores a user; User returns one by name, or ErrNotFound.
	AddUser(ctx context.Context, u User) error
	User(ctx context.Context, name string) (User, error)

	// CreateSession stores a session; Session returns an unexpired one
	// by the hash of its token, or ErrNotFound; DeleteSession ends one.
	CreateSession(ctx context.Context, s Session) error
	Session(ctx context.Context, tokenHash string, now time.Time) (Session, error)
	DeleteSession(ctx context.Context, tokenHash string) error

	// Close releases the store.
	Close() error
}

// The store's sentinel errors.
var (
	// ErrNotFound is a row that does not exist.
	ErrNotFound = errors.New("crmhost: not found")
	// ErrConflict is a change the row's state does not allow.
	ErrConflict = errors.New("crmhost: conflict with the current state")
)

// Client is one of the firm's clients, with what segmentation needs.
type Client struct {
	ID          string
	Name        string
	Revenue     float64
	CostToServe float64
}

// SourceRecord is a client as one source system sees it: a field's value
// is a string, a bool, a float64, an int or a time.Time.
type SourceRecord struct {
	ClientID string
	Source   string
	AsOf     time.Time
	Fields   map[string]any
}

// Response is one engagement response; ID makes ingest idempotent.
type Response struct {
	ID       string    `json:"id"`
	Client   string    `json:"client"`
	Stimulus string    `json:"stimulus"`
	Kind     string    `json:"kind"`
	Time     time.Time `json:"time"`
	Setting  string    `json:"setting,omitempty"`
	Value    float64   `json:"value,omitempty"`
}
