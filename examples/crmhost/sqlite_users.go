package main

import (
	"context"
	"database/sql"
	"time"
)

func (s *sqliteStore) AddUser(ctx context.Context, u User) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO users(name, password_hash) VALUES(?, ?)`, u.Name, u.PasswordHash); err != nil {
			return err
		}
		for _, r := range u.Roles {
			if _, err := tx.ExecContext(ctx, `INSERT INTO user_roles(user, role) VALUES(?, ?)`, u.Name, string(r)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *sqliteStore) User(ctx context.Context, name string) (User, error) {
	u := User{Name: name}
	if err := s.db.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE name = ?`, name).Scan(&u.PasswordHash); err != nil {
		return User{}, notFound(err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT role FROM user_roles WHERE user = ? ORDER BY role`, name)
	if err != nil {
		return User{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return User{}, err
		}
		u.Roles = append(u.Roles, Role(r))
	}
	return u, rows.Err()
}

func (s *sqliteStore) CreateSession(ctx context.Context, se Session) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions(token_hash, user, csrf, created, expires) VALUES(?, ?, ?, ?, ?)`,
		se.TokenHash, se.User, se.CSRF, nanos(se.Created), nanos(se.Expires))
	return err
}

func (s *sqliteStore) Session(ctx context.Context, tokenHash string, now time.Time) (Session, error) {
	se := Session{TokenHash: tokenHash}
	var created, expires int64
	err := s.db.QueryRowContext(ctx, `SELECT user, csrf, created, expires FROM sessions WHERE token_hash = ? AND expires > ?`,
		tokenHash, nanos(now)).Scan(&se.User, &se.CSRF, &created, &expires)
	if err != nil {
		return Session{}, notFound(err)
	}
	se.Created, se.Expires = fromNanos(created), fromNanos(expires)
	return se, nil
}

func (s *sqliteStore) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
	return err
}
