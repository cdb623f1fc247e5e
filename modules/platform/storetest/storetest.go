// Package storetest gives each test a database of its own on one store per
// test package: an embedded server started in TestMain, or the MongoDB named
// by ACADEMY_TEST_MONGODB_URI.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/store"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

var (
	mu     sync.Mutex
	client *mongo.Client
	uri    string
)

// Main starts the package's store, runs the tests and stops it. Call it
// from TestMain: `func TestMain(m *testing.M) { storetest.Main(m) }`.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	uri = os.Getenv("ACADEMY_TEST_MONGODB_URI")
	if uri == "" {
		dir, err := os.MkdirTemp("", "academy-store-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "storetest:", err)
			return 2
		}
		defer os.RemoveAll(dir)
		emb, err := store.StartEmbedded(dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			fmt.Fprintln(os.Stderr, "storetest:", err)
			return 2
		}
		defer emb.Stop()
		uri = emb.URI
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
	return m.Run()
}

// URI returns the address of the package's store, for tests that start a
// whole server against it.
func URI() string { return uri }

// New returns a fresh database for the test, dropped when the test ends.
func New(t testing.TB) *mongo.Database {
	t.Helper()
	mu.Lock()
	c := client
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
