// Package store opens the MongoDB database every module keeps its
// collections in: an external MongoDB when a URI is configured, otherwise an
// embedded FerretDB (SQLite handler) started in-process on loopback by the
// Starter the caller hands in (package store/embedded).
package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

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
	// Embedded starts the embedded server when URI is empty: embedded.Start.
	Embedded Starter
	// NoIDIndex leaves out the `_id` lookup indexes of the embedded store
	// (embedded/idindex.go), for measuring what they change.
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

// Embedded is a running embedded server: package store/embedded starts
// one. The embedded engine (FerretDB and SQLite) lives there, not here, so
// that a module and the tests that need no store build without it.
type Embedded interface {
	// URI is the server's MongoDB address.
	URI() string
	// IndexIDs adds the `_id` lookup indexes missing from the collections
	// of database and reports how many it created.
	IndexIDs(ctx context.Context, database string) (int, error)
	// Stop stops the server and waits for it to finish.
	Stop()
}

// Starter starts an embedded server keeping its files in dir, logging to
// logger: embedded.Start.
type Starter func(dir string, logger *slog.Logger) (Embedded, error)

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
	var emb Embedded
	if uri == "" {
		if cfg.Embedded == nil {
			return nil, errors.New("store: no MongoDB URI and no embedded server to start")
		}
		var err error
		if emb, err = cfg.Embedded(dir, cfg.Logger); err != nil {
			return nil, err
		}
		s.Mode, s.stopEmbedded, uri = "embedded", emb.Stop, emb.URI()
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
		s.ids = startIDIndexer(func(ctx context.Context) (int, error) { return emb.IndexIDs(ctx, cfg.Database) }, time.Minute, func(err error) {
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
// created since the last pass (see embedded/idindex.go); call it once the modules
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
