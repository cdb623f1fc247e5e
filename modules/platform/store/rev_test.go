package store_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/ctvacademy/academy/modules/platform/store"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// revDoc is a counter written by read-modify-write.
type revDoc struct {
	ID  string `bson:"_id"`
	Rev int64  `bson:"rev"`
	N   int    `bson:"n"`
}

// addConcurrently has writers each add one to the counter "d" of coll
// through ReplaceIfRev, retrying when another got there first, and
// returns the counter as it ends.
func addConcurrently(t *testing.T, coll *mongo.Collection, writers int) revDoc {
	t.Helper()
	ctx := context.Background()
	if _, err := coll.InsertOne(ctx, revDoc{ID: "d"}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for try := 0; try < 1000; try++ {
				var cur revDoc
				if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: "d"}}).Decode(&cur); err != nil {
					t.Error(err)
					return
				}
				ok, err := store.ReplaceIfRev(ctx, coll, "d", cur.Rev, revDoc{ID: "d", Rev: cur.Rev + 1, N: cur.N + 1})
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					return
				}
			}
			t.Error("a writer never got through")
		}()
	}
	wg.Wait()
	var got revDoc
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: "d"}}).Decode(&got); err != nil {
		t.Fatal(err)
	}
	return got
}

// Read-modify-write through ReplaceIfRev loses no update: 40 writers each
// add one to a counter, retrying when another got there first.
func TestReplaceIfRevLosesNoUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	coll := storetest.New(t).Collection("revs")
	const writers = 40
	if got := addConcurrently(t, coll, writers); got.N != writers || got.Rev != writers {
		t.Errorf("after %d writers: n = %d, rev = %d", writers, got.N, got.Rev)
	}
	// A stale rev and a missing document change nothing.
	if ok, err := store.ReplaceIfRev(ctx, coll, "d", 3, revDoc{ID: "d", Rev: 4, N: -1}); ok || err != nil {
		t.Errorf("stale rev: %v, %v", ok, err)
	}
	if ok, err := store.ReplaceIfRev(ctx, coll, "missing", 0, revDoc{ID: "missing", Rev: 1}); ok || err != nil {
		t.Errorf("missing document: %v, %v", ok, err)
	}
	if n, _ := coll.CountDocuments(ctx, bson.D{}); n != 1 {
		t.Errorf("%d documents, want 1", n)
	}
}

// One process per embedded data directory: a second store on the same
// directory is refused with a message that says why.
func TestEmbeddedStoreLocksItsDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	first, err := store.StartEmbedded(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.StartEmbedded(dir, quiet); err == nil || !strings.Contains(err.Error(), "in use by another process") {
		t.Fatalf("second store on the same directory: %v", err)
	}
	first.Stop()
	again, err := store.StartEmbedded(dir, quiet)
	if err != nil {
		t.Fatalf("after the first stopped: %v", err)
	}
	again.Stop()
}

// InsertAll inserts in chunks and names, by index across the chunks, the
// documents refused as duplicates; the others are all stored.
func TestInsertAllReportsDuplicatesAcrossChunks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	coll := storetest.New(t).Collection("many")
	if _, err := coll.InsertMany(ctx, []any{bson.D{{Key: "_id", Value: "d007"}}, bson.D{{Key: "_id", Value: "d111"}}}); err != nil {
		t.Fatal(err)
	}
	docs := make([]any, 120)
	for i := range docs {
		docs[i] = bson.D{{Key: "_id", Value: fmt.Sprintf("d%03d", i)}}
	}
	dup, err := store.InsertAll(ctx, coll, docs)
	if err != nil || len(dup) != 2 || !dup[7] || !dup[111] {
		t.Fatalf("InsertAll = %v, %v; want duplicates 7 and 111", dup, err)
	}
	if n, _ := coll.CountDocuments(ctx, bson.D{}); n != 120 {
		t.Errorf("%d documents, want 120", n)
	}
}

// ReplaceIfRev's compare-and-set filter, as on MongoDB (a client that is
// not the store's only one), loses no update either.
func TestReplaceIfRevOnASharedClientLosesNoUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	shared, err := mongo.Connect(options.Client().ApplyURI(storetest.URI()).SetMaxPoolSize(store.EmbeddedPoolSize))
	if err != nil {
		t.Fatal(err)
	}
	defer shared.Disconnect(ctx)
	if store.Exclusive(shared.Database("x")) {
		t.Fatal("a client nobody marked counts as exclusive")
	}
	coll := shared.Database(storetest.New(t).Name()).Collection("revs")
	if got := addConcurrently(t, coll, 20); got.N != 20 || got.Rev != 20 {
		t.Errorf("after 20 writers: n = %d, rev = %d", got.N, got.Rev)
	}
}
