// Package embedded runs the embedded store: FerretDB with its SQLite
// handler, in-process on loopback, and the `_id` lookup indexes it needs.
// Only what starts a store imports it (the app, storetest, the bench
// commands): modules reach their collections through package store and do
// not link FerretDB or SQLite.
package embedded

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/FerretDB/FerretDB/ferretdb"

	"github.com/ctvacademy/academy/modules/platform/store"
)

// server is an in-process FerretDB server.
type server struct {
	uri  string
	dir  string
	stop func()
}

func (e *server) URI() string { return e.uri }

// Stop stops the server and waits for it to finish.
func (e *server) Stop() { e.stop() }

// IndexIDs adds the missing `_id` lookup indexes of database (IndexIDs).
func (e *server) IndexIDs(ctx context.Context, database string) (int, error) {
	return IndexIDs(ctx, e.dir, database)
}

// Start starts FerretDB with the SQLite handler on a loopback port,
// keeping its files in dir. Its logs go to logger at warn level and above.
// It is a store.Starter.
func Start(dir string, logger *slog.Logger) (store.Embedded, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("store: create %s: %w", dir, err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	unlock, err := lockDir(abs)
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.Default()
	}
	quiet := slog.New(knownHarmless{h: levelFilter{h: logger.Handler(), min: slog.LevelWarn}, held: &heldHeader{}}).With("component", "ferretdb")
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
		Logger:    quiet,
	})
	if err != nil {
		unlock()
		return nil, fmt.Errorf("store: start embedded server: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()
	return &server{uri: f.MongoDBURI(), dir: abs, stop: func() { cancel(); <-done; unlock() }}, nil
}

// levelFilter passes on only records at or above min.
type levelFilter struct {
	h   slog.Handler
	min slog.Level
}

func (f levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.min && f.h.Enabled(ctx, l)
}
func (f levelFilter) Handle(ctx context.Context, r slog.Record) error { return f.h.Handle(ctx, r) }
func (f levelFilter) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFilter{h: f.h.WithAttrs(a), min: f.min}
}
func (f levelFilter) WithGroup(n string) slog.Handler {
	return levelFilter{h: f.h.WithGroup(n), min: f.min}
}

// knownHarmless drops FerretDB's warnings about a command it does not know
// that is known to be harmless: endSessions, which the driver sends at every
// disconnect (each stop and CLI command logged a pair). FerretDB logs a
// failed command as two records on the connection's logger, "Response
// header: …" then "Response message: …" naming the error, so a header is
// held until the message after it says whether both go.
type knownHarmless struct {
	h    slog.Handler
	held *heldHeader // one per connection's logger (WithAttrs)
}

type heldHeader struct {
	mu sync.Mutex
	r  *slog.Record
}

// harmless are the errors of commands FerretDB v1 does not implement that
// the driver sends on its own.
var harmless = []string{"no such command: 'endSessions'"}

func (k knownHarmless) Enabled(ctx context.Context, l slog.Level) bool { return k.h.Enabled(ctx, l) }

func (k knownHarmless) Handle(ctx context.Context, r slog.Record) error {
	k.held.mu.Lock()
	prev := k.held.r
	k.held.r = nil
	if strings.HasPrefix(r.Message, "Response header:") {
		c := r.Clone()
		k.held.r = &c
		k.held.mu.Unlock()
		if prev != nil {
			return k.h.Handle(ctx, *prev)
		}
		return nil
	}
	k.held.mu.Unlock()
	if strings.HasPrefix(r.Message, "Response message:") {
		for _, h := range harmless {
			if strings.Contains(r.Message, h) {
				return nil // and its header with it
			}
		}
	}
	if prev != nil {
		if err := k.h.Handle(ctx, *prev); err != nil {
			return err
		}
	}
	return k.h.Handle(ctx, r)
}

func (k knownHarmless) WithAttrs(a []slog.Attr) slog.Handler {
	return knownHarmless{h: k.h.WithAttrs(a), held: &heldHeader{}}
}

func (k knownHarmless) WithGroup(n string) slog.Handler {
	return knownHarmless{h: k.h.WithGroup(n), held: &heldHeader{}}
}
