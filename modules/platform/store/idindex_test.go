package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/platform/store"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// The embedded store's `_id` lookups must use an index once IndexIDs has
// run, and finds, updates and deletes by `_id` must answer as before.
func TestIndexIDsMakesIDLookupsUseAnIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t, store.Config{Database: "ix"})

	coll := st.DB.Collection("things")
	for i := 0; i < 50; i++ {
		if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("t%02d", i)}, {Key: "n", Value: i}}); err != nil {
			t.Fatal(err)
		}
	}
	if plan := idPlan(t, st.DB, "things"); !strings.Contains(plan, "SCAN") {
		t.Fatalf("before IndexIDs the plan is %q, want a scan (has FerretDB changed its query?)", plan)
	}
	pass := func(what string, want int) {
		t.Helper()
		if n, err := st.IndexIDs(ctx); err != nil || n != want {
			t.Fatalf("%s: IndexIDs = %d, %v; want %d indexes created", what, n, err, want)
		}
	}
	pass("first pass", 1)
	// FerretDB's connections notice the new schema at their next write.
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "t50"}, {Key: "n", Value: 50}}); err != nil {
		t.Fatal(err)
	}
	if plan := idPlan(t, st.DB, "things"); !strings.Contains(plan, "USING INDEX") {
		t.Fatalf("after IndexIDs the plan is %q, want an index search", plan)
	}
	pass("second pass", 0)

	var d struct {
		N int `bson:"n"`
	}
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: "t17"}}).Decode(&d); err != nil || d.N != 17 {
		t.Fatalf("find t17 = %d, %v", d.N, err)
	}
	if err := coll.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: "t17"}}, bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 100}}}}).Err(); err != nil {
		t.Fatal(err)
	}
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: "t17"}}).Decode(&d); err != nil || d.N != 117 {
		t.Fatalf("after update t17 = %d, %v", d.N, err)
	}
	if res, err := coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: "t18"}}); err != nil || res.DeletedCount != 1 {
		t.Fatalf("delete t18 = %v, %v", res, err)
	}
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: "t18"}}).Err(); !store.IsNotFound(err) {
		t.Fatalf("t18 after delete: %v", err)
	}
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "t19"}}); !store.IsDuplicate(err) {
		t.Fatalf("duplicate _id insert: %v; FerretDB's unique index must still hold", err)
	}
	if c, err := coll.CountDocuments(ctx, bson.D{}); err != nil || c != 50 {
		t.Fatalf("count = %d, %v", c, err)
	}

	// A collection created later by its first insert is indexed by the next pass.
	if _, err := st.DB.Collection("later").InsertOne(ctx, bson.D{{Key: "_id", Value: "x"}}); err != nil {
		t.Fatal(err)
	}
	pass("after a new collection", 1)
	// Dropping a collection drops its table with the index.
	if err := st.DB.Collection("later").Drop(ctx); err != nil {
		t.Fatal(err)
	}
	pass("after a drop", 0)
}

// idPlan is the embedded store's own account (its explain command) of how
// SQLite runs an `_id` find on the collection.
func idPlan(t *testing.T, db *mongo.Database, collection string) string {
	t.Helper()
	var out struct {
		QueryPlanner struct {
			Plan []string `bson:"Plan"`
		} `bson:"queryPlanner"`
	}
	cmd := bson.D{{Key: "explain", Value: bson.D{{Key: "find", Value: collection}, {Key: "filter", Value: bson.D{{Key: "_id", Value: "t01"}}}}}}
	if err := db.RunCommand(context.Background(), cmd).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return strings.Join(out.QueryPlanner.Plan, "; ")
}
