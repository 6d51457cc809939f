package main

import (
	"context"
	"database/sql"
	"fmt"
)

func (s *sqliteStore) AddClients(ctx context.Context, clients []Client, records []SourceRecord) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, c := range clients {
			if _, err := tx.ExecContext(ctx,
				`INSERT INTO clients(id, name, revenue, cost) VALUES(?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
				c.ID, c.Name, c.Revenue, c.CostToServe); err != nil {
				return err
			}
		}
		for _, r := range records {
			fields, err := encodeFields(r.Fields)
			if err != nil {
				return fmt.Errorf("record %s/%s: %w", r.ClientID, r.Source, err)
			}
			if _, err := tx.ExecContext(ctx,
				`INSERT INTO records(client_id, source, as_of, fields) VALUES(?, ?, ?, ?)
				 ON CONFLICT(client_id, source) DO UPDATE SET as_of = excluded.as_of, fields = excluded.fields`,
				r.ClientID, r.Source, nanos(r.AsOf), string(fields)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *sqliteStore) Clients(ctx context.Context) ([]Client, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, revenue, cost FROM clients ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Client
	for rows.Next() {
		var c Client
		if err := rows.Scan(&c.ID, &c.Name, &c.Revenue, &c.CostToServe); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *sqliteStore) Client(ctx context.Context, id string) (Client, []SourceRecord, error) {
	c := Client{ID: id}
	err := s.db.QueryRowContext(ctx, `SELECT name, revenue, cost FROM clients WHERE id = ?`, id).
		Scan(&c.Name, &c.Revenue, &c.CostToServe)
	if err != nil {
		return Client{}, nil, notFound(err)
	}
	recs, err := s.records(ctx, `WHERE client_id = ?`, id)
	return c, recs, err
}

func (s *sqliteStore) Records(ctx context.Context) ([]SourceRecord, error) {
	return s.records(ctx, "")
}

// records lists source records matching where (a constant clause with
// placeholders for args), by client and source.
func (s *sqliteStore) records(ctx context.Context, where string, args ...any) ([]SourceRecord, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT client_id, source, as_of, fields FROM records `+where+` ORDER BY client_id, source`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SourceRecord
	for rows.Next() {
		var r SourceRecord
		var asOf int64
		var fields string
		if err := rows.Scan(&r.ClientID, &r.Source, &asOf, &fields); err != nil {
			return nil, err
		}
		r.AsOf = fromNanos(asOf)
		if r.Fields, err = decodeFields([]byte(fields)); err != nil {
			return nil, fmt.Errorf("record %s/%s: %w", r.ClientID, r.Source, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
