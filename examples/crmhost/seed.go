package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// frameworkRules is the wealthdesk advisory framework, version 1 of a new
// database's rule file.
//
//go:embed framework.rules
var frameworkRules string

// seedOptions size the generated book and the seeded users' passwords.
type seedOptions struct {
	Clients    int
	PerClient  int
	Seed       uint64
	Now        time.Time
	BcryptCost int // 0: bcrypt.DefaultCost
}

// demoUsers are the users a new database gets; each one's password is
// their name followed by "-demo" (see the README). dana is both author
// and approver, to show that nobody approves their own version.
var demoUsers = []User{
	{Name: "ada", Roles: []Role{Adviser}},
	{Name: "alice", Roles: []Role{Adviser, Author}},
	{Name: "carol", Roles: []Role{Adviser, Author}},
	{Name: "bob", Roles: []Role{Adviser, Approver}},
	{Name: "dana", Roles: []Role{Adviser, Author, Approver}},
	{Name: "feed", Roles: []Role{Feed}},
}

// seedAuthor is who the seeded version 1 is written and approved by.
const seedAuthor = "seed"

// seed fills an empty store with a generated book, the wealthdesk
// framework as version 1, deployed, and the demo users. A store seeded
// before is left alone; a seed cut short is completed on the next start
// (every step skips what is there).
func seed(ctx context.Context, st Store, o seedOptions) error {
	if _, err := st.Meta(ctx, "seeded"); err == nil {
		return nil
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	f := generate(o.Seed, o.Clients, o.PerClient, o.Now)
	if err := seedBook(ctx, st, f); err != nil {
		return err
	}
	if err := seedVersion(ctx, st, o.Now); err != nil {
		return err
	}
	if err := seedUsers(ctx, st, o.BcryptCost); err != nil {
		return err
	}
	return st.SetMeta(ctx, "seeded", o.Now.UTC().Format(time.RFC3339))
}

// seedBook stores the firm's journey, clients, records and responses.
func seedBook(ctx context.Context, st Store, f *firm) error {
	j, err := json.Marshal(journeyConfig{Settings: f.settings, Stimuli: f.stimuli})
	if err != nil {
		return err
	}
	if err := st.SetMeta(ctx, "journey", string(j)); err != nil {
		return err
	}
	const chunk = 200
	for from := 0; from < len(f.clients); from += chunk {
		to := min(from+chunk, len(f.clients))
		var recs []SourceRecord
		var resps []Response
		for i := from; i < to; i++ {
			recs = append(recs, f.records(i)...)
			resps = append(resps, f.responses(i)...)
		}
		if err := st.AddClients(ctx, f.clients[from:to], recs); err != nil {
			return err
		}
		if _, err := st.Ingest(ctx, resps); err != nil {
			return err
		}
	}
	return nil
}

// seedVersion stores the wealthdesk framework as the deployed version 1.
func seedVersion(ctx context.Context, st Store, now time.Time) error {
	if _, err := st.Deployed(ctx); err == nil {
		return nil
	}
	js, err := ruleJSON(frameworkRules)
	if err != nil {
		return fmt.Errorf("the seeded framework: %w", err)
	}
	_, err = st.CreateVersion(ctx, Version{Text: frameworkRules, JSON: js, Status: Deployed, Author: seedAuthor,
		CreatedAt: now, UpdatedAt: now, SubmittedAt: now, Approver: seedAuthor, ApprovedAt: now,
		Deployer: seedAuthor, DeployedAt: now, Note: "the wealthdesk framework"})
	return err
}

// seedUsers stores the demo users that are not there yet.
func seedUsers(ctx context.Context, st Store, cost int) error {
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	for _, u := range demoUsers {
		if _, err := st.User(ctx, u.Name); err == nil {
			continue
		}
		hash, err := bcrypt.GenerateFromPassword([]byte(u.Name+"-demo"), cost)
		if err != nil {
			return err
		}
		u.PasswordHash = hash
		if err := st.AddUser(ctx, u); err != nil {
			return err
		}
	}
	return nil
}
