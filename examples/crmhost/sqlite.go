package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// sqliteStore is the Store over a SQLite database file. Every statement is
// parameterised; writes run in IMMEDIATE transactions, so concurrent
// writers queue on the database lock instead of failing to upgrade a read
// lock; the journal is a WAL with synchronous=FULL, so a committed
// transaction survives a crash of the process or of the machine.
type sqliteStore struct {
	db *sql.DB
}

// openSQLite opens (creating if need be) the database at path and brings
// its schema up to date.
func openSQLite(ctx context.Context, path string) (*sqliteStore, error) {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("schema of %s: %w", path, err)
	}
	return &sqliteStore{db: db}, nil
}

// schema is the database's tables. Times are Unix nanoseconds, 0 for none.
const schema = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS clients (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, revenue REAL NOT NULL, cost REAL NOT NULL);
CREATE TABLE IF NOT EXISTS records (
  client_id TEXT NOT NULL REFERENCES clients(id), source TEXT NOT NULL,
  as_of INTEGER NOT NULL, fields TEXT NOT NULL, PRIMARY KEY (client_id, source));
CREATE TABLE IF NOT EXISTS responses (
  id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES clients(id), stimulus TEXT NOT NULL,
  kind TEXT NOT NULL, time INTEGER NOT NULL, setting TEXT NOT NULL, value REAL NOT NULL);
CREATE TABLE IF NOT EXISTS versions (
  id INTEGER PRIMARY KEY AUTOINCREMENT, text TEXT NOT NULL, json BLOB, status TEXT NOT NULL,
  author TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  submitted_at INTEGER NOT NULL DEFAULT 0, approver TEXT NOT NULL DEFAULT '',
  approved_at INTEGER NOT NULL DEFAULT 0, deployer TEXT NOT NULL DEFAULT '',
  deployed_at INTEGER NOT NULL DEFAULT 0, note TEXT NOT NULL DEFAULT '');
CREATE UNIQUE INDEX IF NOT EXISTS one_deployed ON versions(status) WHERE status = 'deployed';
CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, password_hash BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS user_roles (
  user TEXT NOT NULL REFERENCES users(name), role TEXT NOT NULL, PRIMARY KEY (user, role));
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name), csrf TEXT NOT NULL,
  created INTEGER NOT NULL, expires INTEGER NOT NULL);
`

func (s *sqliteStore) Close() error { return s.db.Close() }

// nanos and fromNanos store times as Unix nanoseconds, the zero time as 0.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// inTx runs fn in a transaction, committing if it returns nil.
func (s *sqliteStore) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// notFound turns sql.ErrNoRows into ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

func (s *sqliteStore) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	return v, notFound(err)
}

func (s *sqliteStore) SetMeta(ctx context.Context, key, value string) error {
	_, err := s.db.ExecContext(ctx,
		`INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// placeholders is "?, ?, …" for n parameters.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
