package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/ctvacademy/academy/modules/platform/store"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// A counter reads 0 before its first bump; concurrent bumps each get a
// count of their own and the value is their number; two counters in one
// collection count apart; the document is {_id, v}, as the version
// documents written before Counter existed.
func TestCounter(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		ctx := context.Background()
		a, b := store.NewCounter(db, "versions", "a"), store.NewCounter(db, "versions", "b")
		if v, err := a.Value(ctx); err != nil || v != 0 {
			t.Fatalf("before a bump: %d %v, want 0", v, err)
		}
		const n = 8
		got := make(chan int64, n)
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				v, err := a.Bump(ctx)
				if err != nil {
					t.Error(err)
				}
				got <- v
			})
		}
		wg.Wait()
		close(got)
		seen := map[int64]bool{}
		for v := range got {
			seen[v] = true
		}
		if len(seen) != n || !seen[1] || !seen[n] {
			t.Errorf("the bumps returned %v, want each of 1..%d once", seen, n)
		}
		if v, err := a.Value(ctx); err != nil || v != n {
			t.Errorf("after %d bumps: %d %v", n, v, err)
		}
		if v, err := b.Bump(ctx); err != nil || v != 1 {
			t.Errorf("the other counter's first bump: %d %v, want 1", v, err)
		}
		var doc struct {
			ID string `bson:"_id"`
			V  int64  `bson:"v"`
		}
		if err := db.Collection("versions").FindOne(ctx, map[string]string{"_id": "a"}).Decode(&doc); err != nil || doc.V != n {
			t.Errorf("stored: %+v %v, want {a %d}", doc, err, n)
		}
	})
}
