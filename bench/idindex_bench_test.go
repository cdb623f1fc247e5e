package bench

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/platform/store"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// BenchmarkIDLookup is a find and an update by `_id` in a collection of
// 5,000 documents of 2 KB on the embedded store, without and with the `_id`
// lookup index of store.IndexIDs: without it SQLite parses every document
// of the collection to find one.
func BenchmarkIDLookup(b *testing.B) {
	for _, indexed := range []bool{false, true} {
		b.Run(fmt.Sprintf("indexed=%v", indexed), func(b *testing.B) {
			ctx := context.Background()
			st := storetest.Open(b, store.Config{Database: "ix", NoIDIndex: !indexed})
			coll := st.DB.Collection("docs")
			pad := strings.Repeat("x", 2000)
			docs := make([]any, 5000)
			for i := range docs {
				docs[i] = bson.D{{Key: "_id", Value: fmt.Sprintf("d%05d", i)}, {Key: "pad", Value: pad}, {Key: "n", Value: 0}}
			}
			if _, err := coll.InsertMany(ctx, docs); err != nil {
				b.Fatal(err)
			}
			if indexed {
				if _, err := st.IndexIDs(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				id := fmt.Sprintf("d%05d", (i*7919)%5000)
				if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Err(); err != nil {
					b.Fatal(err)
				}
				if _, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
