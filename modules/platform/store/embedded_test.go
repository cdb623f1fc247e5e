package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/ctvacademy/academy/modules/platform/store"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

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
