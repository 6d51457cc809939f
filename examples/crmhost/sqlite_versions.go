package main

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

const versionColumns = `id, text, json, status, author, created_at, updated_at, submitted_at,
  approver, approved_at, deployer, deployed_at, note`

// scanVersion reads a row of versionColumns.
func scanVersion(row interface{ Scan(...any) error }) (Version, error) {
	var v Version
	var created, updated, submitted, approved, deployed int64
	var status string
	err := row.Scan(&v.ID, &v.Text, &v.JSON, &status, &v.Author, &created, &updated, &submitted,
		&v.Approver, &approved, &v.Deployer, &deployed, &v.Note)
	if err != nil {
		return Version{}, notFound(err)
	}
	v.Status = Status(status)
	v.CreatedAt, v.UpdatedAt, v.SubmittedAt = fromNanos(created), fromNanos(updated), fromNanos(submitted)
	v.ApprovedAt, v.DeployedAt = fromNanos(approved), fromNanos(deployed)
	return v, nil
}

func (s *sqliteStore) Versions(ctx context.Context) ([]Version, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+versionColumns+` FROM versions ORDER BY id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (s *sqliteStore) Version(ctx context.Context, id int64) (Version, error) {
	return scanVersion(s.db.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM versions WHERE id = ?`, id))
}

func (s *sqliteStore) Deployed(ctx context.Context) (Version, error) {
	return scanVersion(s.db.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM versions WHERE status = ?`, Deployed))
}

func (s *sqliteStore) CreateVersion(ctx context.Context, v Version) (int64, error) {
	res, err := s.db.ExecContext(ctx,
		`INSERT INTO versions(text, json, status, author, created_at, updated_at, submitted_at,
		   approver, approved_at, deployer, deployed_at, note) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.Text, v.JSON, string(v.Status), v.Author, nanos(v.CreatedAt), nanos(v.UpdatedAt), nanos(v.SubmittedAt),
		v.Approver, nanos(v.ApprovedAt), v.Deployer, nanos(v.DeployedAt), v.Note)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

func (s *sqliteStore) UpdateDraft(ctx context.Context, id int64, text string, json []byte, at time.Time) error {
	res, err := s.db.ExecContext(ctx,
		`UPDATE versions SET text = ?, json = ?, updated_at = ? WHERE id = ? AND status = ?`,
		text, json, nanos(at), id, string(Draft))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		if _, err := s.Version(ctx, id); err != nil {
			return err
		}
		return fmt.Errorf("%w: version %d is not a draft", ErrConflict, id)
	}
	return nil
}

// Transition checks the version's state and the maker-checker rule and
// changes it in one transaction: deploying a version returns the one
// deployed before to approved.
func (s *sqliteStore) Transition(ctx context.Context, id int64, t Transition) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var status, author string
		err := tx.QueryRowContext(ctx, `SELECT status, author FROM versions WHERE id = ?`, id).Scan(&status, &author)
		if err != nil {
			return notFound(err)
		}
		if !slices.Contains(t.From, Status(status)) {
			return fmt.Errorf("%w: version %d is %s, not %v", ErrConflict, id, status, t.From)
		}
		if t.Checker && author == t.By {
			return fmt.Errorf("%w: %s wrote version %d and may not approve or reject it", ErrConflict, t.By, id)
		}
		return applyTransition(ctx, tx, id, t)
	})
}

// applyTransition writes a checked transition.
func applyTransition(ctx context.Context, tx *sql.Tx, id int64, t Transition) error {
	at := nanos(t.At)
	var err error
	switch {
	case t.To == Submitted:
		_, err = tx.ExecContext(ctx, `UPDATE versions SET status = ?, submitted_at = ? WHERE id = ?`, string(t.To), at, id)
	case t.To == Rejected:
		_, err = tx.ExecContext(ctx, `UPDATE versions SET status = ?, approver = ?, approved_at = ?, note = ? WHERE id = ?`,
			string(t.To), t.By, at, t.Note, id)
	case t.To == Deployed:
		if _, err = tx.ExecContext(ctx, `UPDATE versions SET status = ? WHERE status = ?`, string(Approved), string(Deployed)); err != nil {
			return err
		}
		if t.Checker { // approving: the approver deploys it
			_, err = tx.ExecContext(ctx, `UPDATE versions SET status = ?, approver = ?, approved_at = ?, note = ?,
			  deployer = ?, deployed_at = ? WHERE id = ?`, string(t.To), t.By, at, t.Note, t.By, at, id)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE versions SET status = ?, deployer = ?, deployed_at = ? WHERE id = ?`,
				string(t.To), t.By, at, id)
		}
	default:
		err = fmt.Errorf("%w: no transition to %s", ErrConflict, t.To)
	}
	return err
}
