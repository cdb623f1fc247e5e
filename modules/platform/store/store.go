// Package store opens the MongoDB database every module keeps its
// collections in: an external MongoDB when a URI is configured, otherwise an
// embedded FerretDB (SQLite handler) started in-process on loopback.
package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"
)

// Config says where the store lives.
type Config struct {
	URI      string // external MongoDB; empty starts the embedded server
	Database string
	DataDir  string // the embedded server keeps its SQLite files under DataDir/store
	Logger   *slog.Logger
	// NoIDIndex leaves out the `_id` lookup indexes of the embedded store
	// (idindex.go), for measuring what they change.
	NoIDIndex bool
}

// Store is an open connection to the database.
type Store struct {
	Client *mongo.Client
	DB     *mongo.Database
	// Mode is "embedded" or "mongodb", for start-up messages and /readyz.
	Mode string

	stopEmbedded func()
	ids          *idIndexer
}

// Embedded is an in-process FerretDB server.
type Embedded struct {
	URI  string
	stop func()
}

// Stop stops the server and waits for it to finish.
func (e *Embedded) Stop() { e.stop() }

// StartEmbedded starts FerretDB with the SQLite handler on a loopback port,
// keeping its files in dir. Its logs go to logger at warn level and above.
func StartEmbedded(dir string, logger *slog.Logger) (*Embedded, error) {
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
	return &Embedded{URI: f.MongoDBURI(), stop: func() { cancel(); <-done; unlock() }}, nil
}

// EmbeddedPoolSize is the driver's connection pool size on the embedded
// store: one. FerretDB v1 runs every update as read, modify in Go, then
// `UPDATE … WHERE _id = ?` of the whole document, so two connections updating
// one document at once lose a write — even `$inc`, even with the expected
// state in the filter (store_test.go shows it). It answers the
// commands of one connection in order, so a single connection makes every
// findOneAndUpdate atomic, as on MongoDB. SQLite has one writer anyway:
// a larger pool adds no write throughput there (docs/STORE.md).
const EmbeddedPoolSize = 1

// Open connects to the configured store, starting the embedded server when
// no URI is set, and waits until it answers a ping.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	s := &Store{Mode: "mongodb"}
	uri := cfg.URI
	opts := options.Client()
	dir := filepath.Join(cfg.DataDir, "store")
	if uri == "" {
		emb, err := StartEmbedded(dir, cfg.Logger)
		if err != nil {
			return nil, err
		}
		s.Mode, s.stopEmbedded, uri = "embedded", emb.Stop, emb.URI
		opts.SetMaxPoolSize(EmbeddedPoolSize)
	} else {
		opts.SetWriteConcern(writeconcern.Majority()).SetRetryWrites(true)
	}
	opts.ApplyURI(uri).SetTimeout(30 * time.Second)
	client, err := mongo.Connect(opts)
	if err != nil {
		s.stop()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	s.Client = client
	s.DB = client.Database(cfg.Database)
	if s.Mode == "embedded" {
		MarkExclusive(client)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := s.Ping(pingCtx); err != nil {
		_ = s.Close(context.Background())
		return nil, fmt.Errorf("store: ping: %w", err)
	}
	if s.Mode == "embedded" && !cfg.NoIDIndex {
		logger := cfg.Logger
		if logger == nil {
			logger = slog.Default()
		}
		s.ids = startIDIndexer(dir, cfg.Database, time.Minute, func(err error) {
			logger.Warn("store: _id lookup indexes", "err", err)
		})
		if _, err := s.ids.pass(ctx); err != nil {
			_ = s.Close(context.Background())
			return nil, err
		}
	}
	return s, nil
}

// IndexIDs adds the embedded store's `_id` lookup indexes to collections
// created since the last pass (see idindex.go); call it once the modules
// have created their collections. A no-op on MongoDB.
func (s *Store) IndexIDs(ctx context.Context) (int, error) {
	if s.ids == nil {
		return 0, nil
	}
	return s.ids.pass(ctx)
}

// Ping checks that the store answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.Client.Ping(ctx, nil)
}

// Close disconnects and stops the embedded server, in that order.
func (s *Store) Close(ctx context.Context) error {
	var err error
	if s.Client != nil {
		err = s.Client.Disconnect(ctx)
	}
	s.stop()
	return err
}

func (s *Store) stop() {
	if s.ids != nil {
		s.ids.close()
		s.ids = nil
	}
	if s.stopEmbedded != nil {
		s.stopEmbedded()
		s.stopEmbedded = nil
	}
}

// IsDuplicate reports whether err is a unique-index violation. The embedded
// store reports one on insert as MongoDB does (E11000), but on update as an
// InternalError carrying SQLite's "UNIQUE constraint failed": both count.
func IsDuplicate(err error) bool {
	if err == nil {
		return false
	}
	return errors.Is(err, ErrDuplicate) || mongo.IsDuplicateKeyError(err) || strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// IsNotFound reports whether err says no document matched.
func IsNotFound(err error) bool { return errors.Is(err, mongo.ErrNoDocuments) }

// Index is one index a module needs on one of its collections.
type Index struct {
	Collection string
	Keys       any // an ordered bson.D
	Unique     bool
	Name       string
}

// EnsureIndexes creates the given indexes; creating an existing one is a no-op.
func EnsureIndexes(ctx context.Context, db *mongo.Database, indexes []Index) error {
	for _, ix := range indexes {
		model := mongo.IndexModel{Keys: ix.Keys, Options: options.Index().SetName(ix.Name)}
		if ix.Unique {
			model.Options.SetUnique(true)
		}
		if _, err := db.Collection(ix.Collection).Indexes().CreateOne(ctx, model); err != nil {
			return fmt.Errorf("store: index %s.%s: %w", ix.Collection, ix.Name, err)
		}
	}
	return nil
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

// Secret returns the named random secret shared by every process on the
// database, creating it on first use (the unique _id settles a race).
func Secret(ctx context.Context, db *mongo.Database, name string) ([]byte, error) {
	coll := db.Collection("secrets")
	var d struct {
		Key []byte `bson:"key"`
	}
	err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&d)
	if err == nil {
		return d.Key, nil
	}
	if !IsNotFound(err) {
		return nil, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "key", Value: key}}); err != nil && !IsDuplicate(err) {
		return nil, err
	}
	err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&d)
	return d.Key, err
}
