package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ctvacademy/academy/modules/platform/store"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// The exactly-once patterns every module relies on must hold under
// concurrency: $inc loses no increment, a compare-and-set filter lets one
// writer through, a unique index admits one insert.
func TestSingleDocumentUpdatesAreAtomic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	coll := storetest.New(t).Collection("counters")
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "c"}, {Key: "n", Value: 0}, {Key: "state", Value: "open"}}); err != nil {
		t.Fatal(err)
	}
	const workers = 40
	var wg sync.WaitGroup
	var won atomic.Int32
	for i := 0; i < workers; i++ {
		wg.Go(func() {
			if err := coll.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: "c"}}, bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}}).Err(); err != nil {
				t.Error(err)
			}
			err := coll.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: "c"}, {Key: "state", Value: "open"}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "state", Value: "closed"}}}}).Err()
			if err == nil {
				won.Add(1)
			} else if err != mongo.ErrNoDocuments {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	var d struct {
		N int `bson:"n"`
	}
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: "c"}}).Decode(&d); err != nil {
		t.Fatal(err)
	}
	if d.N != workers {
		t.Errorf("n = %d after %d parallel $inc", d.N, workers)
	}
	if won.Load() != 1 {
		t.Errorf("%d writers passed the compare-and-set filter, want 1", won.Load())
	}
}

func TestUniqueIndexAdmitsOneAndIsReportedAsDuplicate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	if err := store.EnsureIndexes(ctx, db, []store.Index{{Collection: "people", Keys: bson.D{{Key: "email", Value: 1}}, Unique: true, Name: "email_unique"}}); err != nil {
		t.Fatal(err)
	}
	// Creating it again is a no-op.
	if err := store.EnsureIndexes(ctx, db, []store.Index{{Collection: "people", Keys: bson.D{{Key: "email", Value: 1}}, Unique: true, Name: "email_unique"}}); err != nil {
		t.Fatal(err)
	}
	coll := db.Collection("people")
	var wg sync.WaitGroup
	var ok atomic.Int32
	for i := 0; i < 10; i++ {
		wg.Go(func() {
			_, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: i}, {Key: "email", Value: "a@example.vn"}})
			switch {
			case err == nil:
				ok.Add(1)
			case !store.IsDuplicate(err):
				t.Errorf("insert: %v is not reported as a duplicate", err)
			}
		})
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Errorf("%d inserts passed the unique index", ok.Load())
	}
	// An update into a taken value is a duplicate too (the embedded store
	// reports it differently from an insert).
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: 100}, {Key: "email", Value: "b@example.vn"}}); err != nil {
		t.Fatal(err)
	}
	_, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: 100}}, bson.D{{Key: "$set", Value: bson.D{{Key: "email", Value: "a@example.vn"}}}}, options.UpdateOne())
	if !store.IsDuplicate(err) {
		t.Errorf("update into a taken email: %v", err)
	}
}
