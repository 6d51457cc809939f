// Command crmhost is a reference host for engagekit: a wealth manager's CRM
// service over a SQLite database, with the book, client and plan pages and
// a rule workbench with maker-checker deployment. See the README.
//
//	go run .                          # http://127.0.0.1:8080, crmhost.db
//	go run . -addr 127.0.0.1:9000 -db /tmp/other.db
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	dbPath := flag.String("db", "crmhost.db", "SQLite database file (created and seeded if new)")
	clients := flag.Int("clients", 300, "clients in the generated book of a new database")
	secure := flag.Bool("secure-cookies", false, "set the Secure flag on cookies (serve over HTTPS)")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(*addr, *dbPath, *clients, *secure, log); err != nil {
		log.Error("crmhost stopped", "err", err)
		os.Exit(1)
	}
}

// run serves until SIGINT or SIGTERM, then lets the requests in flight
// finish (for up to 10 s) and closes the store.
func run(addr, dbPath string, clients int, secure bool, log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := openSQLite(ctx, dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	if err := seed(ctx, st, seedOptions{Clients: clients, PerClient: 30, Seed: 1, Now: start.UTC()}); err != nil {
		return fmt.Errorf("seeding %s: %w", dbPath, err)
	}
	h, err := newHost(ctx, st, func() time.Time { return time.Now().UTC() }, log)
	if err != nil {
		return err
	}
	srv, err := newServer(h, secure)
	if err != nil {
		return err
	}
	hs := &http.Server{Addr: addr, Handler: srv, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
	errc := make(chan error, 1)
	go func() { errc <- hs.ListenAndServe() }()
	log.Info("crmhost serving", "url", "http://"+addr, "db", dbPath, "clients", len(h.clients), "ready_in", time.Since(start).Round(time.Millisecond))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
