// Package storetest gives each test a database of its own on one store per
// test package: an embedded server started in TestMain, or the MongoDB named
// by ACADEMY_TEST_MONGODB_URI.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/store"
	"github.com/ctvacademy/academy/modules/platform/store/embedded"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

var (
	mu     sync.Mutex
	client *mongo.Client // the embedded store's path: this process is its only client
	shared *mongo.Client // MongoDB's path: compare-and-set on rev, leases by findOneAndUpdate
	uri    string
	// engine is the package's embedded server (nil on MongoDB).
	engine store.Embedded
)

// IndexIDs adds the embedded store's `_id` lookup indexes to the
// collections db has (the server's IndexIDs), as a service's store does for its
// own: without them every lookup by `_id` reads the whole collection.
// Nothing to do on MongoDB.
func IndexIDs(ctx context.Context, db *mongo.Database) (int, error) {
	if engine == nil {
		return 0, nil
	}
	return engine.IndexIDs(ctx, db.Name())
}

// Main starts the package's store, runs the tests and stops it. Call it
// from TestMain: `func TestMain(m *testing.M) { storetest.Main(m) }`.
func Main(m *testing.M) {
	os.Exit(Run(m))
}

// Run is Main for a TestMain with work of its own after the tests: it
// runs them on the package's store and returns their exit code.
func Run(m *testing.M) int {
	gcLess()
	uri = os.Getenv("ACADEMY_TEST_MONGODB_URI")
	if uri == "" {
		dir, err := storeDir()
		if err != nil {
			fmt.Fprintln(os.Stderr, "storetest:", err)
			return 2
		}
		defer os.RemoveAll(dir)
		emb, err := embedded.Start(dir, slog.New(slog.DiscardHandler))
		if err != nil {
			fmt.Fprintln(os.Stderr, "storetest:", err)
			return 2
		}
		defer emb.Stop()
		engine, uri = emb, emb.URI()
	}
	opts := options.Client().ApplyURI(uri).SetTimeout(60 * time.Second)
	if os.Getenv("ACADEMY_TEST_MONGODB_URI") == "" {
		opts.SetMaxPoolSize(store.EmbeddedPoolSize)
	}
	c, err := mongo.Connect(opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "storetest:", err)
		return 2
	}
	client = c
	if os.Getenv("ACADEMY_TEST_MONGODB_URI") == "" {
		store.MarkExclusive(c)
	}
	defer func() { _ = c.Disconnect(context.Background()) }()
	// The shared client is not marked: the store handles take MongoDB's
	// path on it. One connection, like the embedded store's own client:
	// the embedded store is not atomic across two connections, so a test
	// database is only ever used through one of the two clients.
	s, err := mongo.Connect(options.Client().ApplyURI(uri).SetTimeout(60 * time.Second).SetMaxPoolSize(store.EmbeddedPoolSize))
	if err != nil {
		fmt.Fprintln(os.Stderr, "storetest:", err)
		return 2
	}
	shared = s
	defer func() { _ = s.Disconnect(context.Background()) }()
	return m.Run()
}

// testGCPercent is the garbage collector's target in a test binary (GOGC;
// the runtime's default is 100). A test package runs the service and the
// embedded store in one process, whose live heap is small and whose tests
// are bound by the CPU: collecting less often trades a few tens of
// megabytes for the collector's marking. A GOGC in the environment wins.
const testGCPercent = 400

// gcLess sets testGCPercent unless GOGC is set.
func gcLess() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(testGCPercent)
	}
}

// storeDir makes the directory of the package's embedded store: under
// ACADEMY_TEST_STORE_DIR when set, else under /dev/shm (RAM) where one can
// be made there, else under the temporary directory. The store is the same
// FerretDB on the same SQLite files either way; in RAM its commits skip the
// disk's flushes. The tests of what survives a crash or a restart run the
// service on a data directory of their own (t.TempDir), on disk.
func storeDir() (string, error) {
	if dir := os.Getenv("ACADEMY_TEST_STORE_DIR"); dir != "" {
		return os.MkdirTemp(dir, "academy-store-")
	}
	if dir, err := os.MkdirTemp("/dev/shm", "academy-store-"); err == nil {
		return dir, nil
	}
	return os.MkdirTemp("", "academy-store-")
}

// Open opens an embedded store of the test's own, in a temporary
// directory unless cfg.DataDir names one, logging nothing unless
// cfg.Logger is set, on embedded.Start unless cfg.Embedded is set, and closes it when the test ends: for the tests of
// the embedded store itself (its `_id` index, its files), which the
// package's shared store cannot serve.
func Open(t testing.TB, cfg store.Config) *store.Store {
	t.Helper()
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Embedded == nil {
		cfg.Embedded = embedded.Start
	}
	st, err := store.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	return st
}

// URI returns the address of the package's store, for tests that start a
// whole server against it.
func URI() string { return uri }

// Mode is a path through the store handles: Exclusive is the embedded
// store's (this process is the only client: a lock in the process and a
// replace by `_id`), Shared is MongoDB's (compare-and-set on "rev", leases
// by findOneAndUpdate). Modules never choose; tests do.
type Mode string

// The two modes.
const (
	Exclusive Mode = "exclusive"
	Shared    Mode = "shared"
)

// Modes are both, for tests that run in each.
var Modes = []Mode{Exclusive, Shared}

// New returns a fresh database for the test on the embedded store's path,
// dropped when the test ends.
func New(t testing.TB) *mongo.Database { return NewIn(t, Exclusive) }

// EachMode runs test as a subtest in each mode, on a fresh database each;
// the two subtests run in parallel (each mode has its own client), so
// test must not share unguarded state between them.
func EachMode(t *testing.T, test func(t *testing.T, db *mongo.Database)) {
	t.Helper()
	for _, m := range Modes {
		t.Run(string(m), func(t *testing.T) {
			t.Parallel()
			test(t, NewIn(t, m))
		})
	}
}

// NewIn returns a fresh database for the test in the given mode, dropped
// when the test ends.
func NewIn(t testing.TB, m Mode) *mongo.Database {
	t.Helper()
	mu.Lock()
	c := client
	if m == Shared {
		c = shared
	}
	mu.Unlock()
	if c == nil {
		t.Fatal("storetest: no store; call storetest.Main from TestMain")
	}
	name := NewName(t)
	db := c.Database(name)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = db.Drop(ctx)
	})
	return db
}

// Indexed creates indexes on db, failing the test if it cannot, and
// returns db: `accounts.NewStore(storetest.Indexed(t, db, accounts.Indexes()))`.
func Indexed(t testing.TB, db *mongo.Database, indexes []store.Index) *mongo.Database {
	t.Helper()
	if err := store.EnsureIndexes(context.Background(), db, indexes); err != nil {
		t.Fatal(err)
	}
	return db
}

// NewName returns a unique database name derived from the test's name.
func NewName(t testing.TB) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	base := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, t.Name())
	if len(base) > 40 {
		base = base[len(base)-40:]
	}
	return "t_" + base + "_" + hex.EncodeToString(b)
}
