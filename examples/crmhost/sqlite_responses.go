package main

import (
	"context"
	"database/sql"
)

func (s *sqliteStore) Ingest(ctx context.Context, rs []Response) ([]Response, error) {
	var stored []Response
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		stored = stored[:0]
		stmt, err := tx.PrepareContext(ctx,
			`INSERT INTO responses(id, client_id, stimulus, kind, time, setting, value)
			 VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, r := range rs {
			res, err := stmt.ExecContext(ctx, r.ID, r.Client, r.Stimulus, r.Kind, nanos(r.Time), r.Setting, r.Value)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 1 {
				stored = append(stored, r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return stored, nil
}

func (s *sqliteStore) Responses(ctx context.Context, fn func(Response) error) error {
	rows, err := s.db.QueryContext(ctx,
		`SELECT id, client_id, stimulus, kind, time, setting, value FROM responses ORDER BY id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r Response
		var t int64
		if err := rows.Scan(&r.ID, &r.Client, &r.Stimulus, &r.Kind, &t, &r.Setting, &r.Value); err != nil {
			return err
		}
		r.Time = fromNanos(t)
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (s *sqliteStore) CountResponses(ctx context.Context, ids ...string) (int, error) {
	if len(ids) == 0 {
		var n int
		err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM responses`).Scan(&n)
		return n, err
	}
	total := 0
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		var n int
		if err := s.db.QueryRowContext(ctx,
			`SELECT COUNT(*) FROM responses WHERE id IN (`+placeholders(len(chunk))+`)`, args...).Scan(&n); err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}
