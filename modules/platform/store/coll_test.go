package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/store"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

type item struct {
	ID     string    `bson:"_id"`
	Rev    int64     `bson:"rev"`
	N      int       `bson:"n"`
	Status string    `bson:"status,omitempty"`
	At     time.Time `bson:"at,omitempty"`
}

// eachColl runs test, in parallel with the others, on a collection of
// items in each store mode (storetest.EachMode).
func eachColl(t *testing.T, test func(t *testing.T, ctx context.Context, c *store.Coll[item])) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		test(t, context.Background(), store.NewColl[item](db, "items", "item"))
	})
}

// insert inserts the items mk makes of 0 to n-1, one at a time.
func insert(t *testing.T, ctx context.Context, c *store.Coll[item], n int, mk func(i int) item) {
	t.Helper()
	for i := range n {
		if err := c.Insert(ctx, mk(i)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCollGetPutListDelete(t *testing.T) {
	eachColl(t, func(t *testing.T, ctx context.Context, c *store.Coll[item]) {
		if _, err := c.Get(ctx, "a"); errs.KindOf(err) != errs.NotFound || err.Error() != "no such item" {
			t.Fatalf("Get of a missing item: %v", err)
		}
		insert(t, ctx, c, 5, func(i int) item { return item{ID: fmt.Sprint("i", i), N: i} })
		if err := c.Insert(ctx, item{ID: "i0"}); !store.IsDuplicate(err) || !errors.Is(err, store.ErrDuplicate) {
			t.Fatalf("second insert of i0: %v, want a duplicate", err)
		}
		page, err := c.List(ctx, bson.D{{Key: "n", Value: bson.D{{Key: "$gte", Value: 1}}}},
			store.Find{Sort: bson.D{{Key: "n", Value: -1}}, Skip: 1, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) != 2 || page[0].ID != "i3" || page[1].ID != "i2" {
			t.Fatalf("page = %+v, want i3, i2", page)
		}
		if n, err := c.Count(ctx, nil); err != nil || n != 5 {
			t.Fatalf("Count = %d, %v", n, err)
		}
		got, err := c.GetMany(ctx, []string{"i4", "nope", "i1", "i4"})
		if err != nil || len(got) != 2 || got["i4"].N != 4 || got["i1"].N != 1 {
			t.Fatalf("GetMany = %+v, %v", got, err)
		}
		if err := c.Put(ctx, "i9", item{ID: "i9", N: 9}); err != nil {
			t.Fatal(err)
		}
		if err := c.Put(ctx, "i9", item{ID: "i9", N: 10}); err != nil {
			t.Fatal(err)
		}
		if d, err := c.Get(ctx, "i9"); err != nil || d.N != 10 {
			t.Fatalf("after two Puts: %+v, %v", d, err)
		}
		if err := c.DeleteIDs(ctx, []string{"i0", "i1", "nope"}); err != nil {
			t.Fatal(err)
		}
		if ok, err := c.Delete(ctx, "i2"); err != nil || !ok {
			t.Fatalf("Delete i2 = %v, %v", ok, err)
		}
		if ok, err := c.Delete(ctx, "i2"); err != nil || ok {
			t.Fatalf("second Delete i2 = %v, %v", ok, err)
		}
		if n, _ := c.Count(ctx, nil); n != 3 {
			t.Fatalf("%d left, want 3 (i3, i4, i9)", n)
		}
		dup, err := c.InsertMany(ctx, []item{{ID: "m1"}, {ID: "i3"}, {ID: "m2"}})
		if err != nil || len(dup) != 1 || !dup[1] {
			t.Fatalf("InsertMany dup = %v, %v; want index 1 only", dup, err)
		}
	})
}

func TestCollUpdateLosesNoWrite(t *testing.T) {
	eachColl(t, func(t *testing.T, ctx context.Context, c *store.Coll[item]) {
		if _, err := c.Update(ctx, "d", func(*item) error { return nil }); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("Update of a missing document: %v, want not found", err)
		}
		const writers = 12
		var wg sync.WaitGroup
		for i := 0; i < writers; i++ {
			wg.Go(func() {
				// Apply creates the document on the first write.
				if _, err := c.Apply(ctx, "d", func(d *item, found bool) error {
					d.N++
					return nil
				}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		got, err := c.Get(ctx, "d")
		if err != nil {
			t.Fatal(err)
		}
		if got.N != writers || got.Rev != writers {
			t.Fatalf("after %d increments: n=%d rev=%d", writers, got.N, got.Rev)
		}
		// fn's own error stops the update; ErrUnchanged writes nothing.
		boom := errors.New("boom")
		if _, err := c.Update(ctx, "d", func(d *item) error { d.N = 0; return boom }); !errors.Is(err, boom) {
			t.Fatalf("err = %v, want boom", err)
		}
		same, err := c.Update(ctx, "d", func(d *item) error { d.N = -1; return store.ErrUnchanged })
		if err != nil || same.Rev != writers {
			t.Fatalf("unchanged update = %+v, %v", same, err)
		}
		// The returned document carries the rev it was written with,
		// whatever fn set.
		next, err := c.Update(ctx, "d", func(d *item) error { d.Rev = 999; d.N++; return nil })
		if err != nil || next.Rev != writers+1 || next.N != writers+1 {
			t.Fatalf("update = %+v, %v", next, err)
		}
		if got, _ := c.Get(ctx, "d"); got.Rev != writers+1 || got.N != writers+1 {
			t.Fatalf("stored = %+v", got)
		}
	})
}

// A write behind Update's back (another process, or an older document
// without a rev) is not overwritten with what Update read before it.
func TestCollUpdateRereadsAfterAForeignWrite(t *testing.T) {
	t.Parallel()
	db := storetest.NewIn(t, storetest.Shared)
	ctx := context.Background()
	c := store.NewColl[item](db, "items", "item")
	if _, err := db.Collection("items").InsertOne(ctx, bson.D{{Key: "_id", Value: "d"}, {Key: "n", Value: 1}}); err != nil {
		t.Fatal(err)
	}
	calls := 0
	got, err := c.Update(ctx, "d", func(d *item) error {
		calls++
		if calls == 1 {
			// Another process writes between this read and the write.
			if _, err := db.Collection("items").UpdateOne(ctx, bson.D{{Key: "_id", Value: "d"}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "n", Value: 10}, {Key: "rev", Value: 7}}}}); err != nil {
				return err
			}
		}
		d.N++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 2 || got.N != 11 || got.Rev != 8 {
		t.Fatalf("calls=%d got=%+v; want the update applied again to n=10 rev=7", calls, got)
	}
}

func TestCollDeleteUnchanged(t *testing.T) {
	eachColl(t, func(t *testing.T, ctx context.Context, c *store.Coll[item]) {
		d, err := c.Apply(ctx, "d", func(d *item, _ bool) error { d.N = 1; return nil })
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Update(ctx, "d", func(d *item) error { d.N = 2; return nil }); err != nil {
			t.Fatal(err)
		}
		if ok, err := c.DeleteUnchanged(ctx, "d", d); err != nil || ok {
			t.Fatalf("delete of a changed document = %v, %v", ok, err)
		}
		cur, _ := c.Get(ctx, "d")
		if ok, err := c.DeleteUnchanged(ctx, "d", cur); err != nil || !ok {
			t.Fatalf("delete of the current document = %v, %v", ok, err)
		}
	})
}

func TestCollLeaseTakesEachDocumentOnce(t *testing.T) {
	eachColl(t, func(t *testing.T, ctx context.Context, c *store.Coll[item]) {
		insert(t, ctx, c, 30, func(i int) item { return item{ID: fmt.Sprintf("j%02d", i), Status: "queued"} })
		due := bson.D{{Key: "status", Value: "queued"}}
		var mu sync.Mutex
		taken := map[string]int{}
		var wg sync.WaitGroup
		for w := 0; w < 3; w++ {
			wg.Go(func() {
				for {
					got, err := c.Lease(ctx, due, bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: fmt.Sprint("w", w)}}}}, 4, nil)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, d := range got {
						if d.Status != fmt.Sprint("w", w) {
							t.Errorf("%s leased by w%d reads %q", d.ID, w, d.Status)
						}
						taken[d.ID]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(taken) != 30 {
			t.Fatalf("%d of 30 taken", len(taken))
		}
		for id, n := range taken {
			if n != 1 {
				t.Errorf("%s taken %d times", id, n)
			}
		}
		// more() stops a batch after its first document.
		if err := c.Put(ctx, "x1", item{ID: "x1", Status: "queued"}); err != nil {
			t.Fatal(err)
		}
		if err := c.Put(ctx, "x2", item{ID: "x2", Status: "queued"}); err != nil {
			t.Fatal(err)
		}
		got, err := c.Lease(ctx, due, bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: "late"}}}}, 10, func() bool { return false })
		if err != nil || len(got) != 1 {
			t.Fatalf("lease with more()=false took %d, %v; want 1", len(got), err)
		}
	})
}

// A document deleted between the lease's find and its take (on the
// embedded store, a delete whose caller was killed still runs to its end)
// is skipped: the lease takes the others and reports no error.
func TestCollLeaseSkipsADocumentDeletedMidway(t *testing.T) {
	eachColl(t, func(t *testing.T, ctx context.Context, c *store.Coll[item]) {
		insert(t, ctx, c, 3, func(i int) item { return item{ID: fmt.Sprintf("d%d", i), Status: "queued"} })
		due := bson.D{{Key: "status", Value: "queued"}}
		deleted := false
		got, err := c.Lease(ctx, due, bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: "taken"}}}}, 10, func() bool {
			if !deleted {
				deleted = true
				if _, err := c.Delete(ctx, "d1"); err != nil {
					t.Fatal(err)
				}
			}
			return true
		})
		if err != nil {
			t.Fatalf("lease with a document deleted midway: %v", err)
		}
		ids := []string{}
		for _, d := range got {
			ids = append(ids, d.ID)
		}
		if fmt.Sprint(ids) != "[d0 d2]" {
			t.Errorf("took %v, want [d0 d2]", ids)
		}
	})
}

func TestCollUpdateOrphansOnlyWhenSoleClient(t *testing.T) {
	t.Parallel()
	for _, m := range storetest.Modes {
		t.Run(string(m), func(t *testing.T) {
			db := storetest.NewIn(t, m)
			ctx := context.Background()
			c := store.NewColl[item](db, "jobs", "job")
			if err := c.Insert(ctx, item{ID: "a", Status: "sending"}); err != nil {
				t.Fatal(err)
			}
			n, err := c.UpdateOrphans(ctx, bson.D{{Key: "status", Value: "sending"}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: "queued"}}}})
			if err != nil {
				t.Fatal(err)
			}
			want := map[storetest.Mode]int{storetest.Exclusive: 1, storetest.Shared: 0}[m]
			if n != want {
				t.Fatalf("released %d, want %d", n, want)
			}
		})
	}
}

// One finds by a filter other than `_id`; DeleteWhere removes what a
// filter matches and counts it.
func TestCollOneAndDeleteWhere(t *testing.T) {
	eachColl(t, func(t *testing.T, ctx context.Context, c *store.Coll[item]) {
		insert(t, ctx, c, 6, func(i int) item { return item{ID: fmt.Sprint("i", i), N: i % 2, Status: fmt.Sprint("s", i)} })
		if got, err := c.One(ctx, bson.D{{Key: "status", Value: "s3"}}); err != nil || got.ID != "i3" || got.N != 1 {
			t.Fatalf("One status=s3: %+v, %v; want i3", got, err)
		}
		if _, err := c.One(ctx, bson.D{{Key: "status", Value: "closed"}}); errs.KindOf(err) != errs.NotFound || err.Error() != "no such item" {
			t.Fatalf("One status=closed: %v; want no such item", err)
		}
		n, err := c.DeleteWhere(ctx, bson.D{{Key: "n", Value: 1}})
		if err != nil || n != 3 {
			t.Fatalf("DeleteWhere n=1: %d, %v; want 3", n, err)
		}
		left, err := c.List(ctx, nil, store.Find{Sort: bson.D{{Key: "_id", Value: 1}}})
		if err != nil || len(left) != 3 || left[0].ID != "i0" || left[1].ID != "i2" || left[2].ID != "i4" {
			t.Fatalf("left after DeleteWhere: %+v, %v; want i0 i2 i4", left, err)
		}
		if n, err := c.DeleteWhere(ctx, bson.D{{Key: "n", Value: 1}}); err != nil || n != 0 {
			t.Fatalf("second DeleteWhere: %d, %v; want 0", n, err)
		}
	})
}

// Change's one-command writes and Update's read and replace of the same
// document, side by side, lose none of each other's writes.
func TestCollChangeAndUpdateLoseNoWrite(t *testing.T) {
	eachColl(t, func(t *testing.T, ctx context.Context, c *store.Coll[item]) {
		if ok, err := c.Change(ctx, "none", bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}}, false); err != nil || ok {
			t.Fatalf("Change of a missing document without upsert: %v, %v", ok, err)
		}
		if _, err := c.Get(ctx, "none"); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("Change without upsert created it: %v", err)
		}
		const each = 8
		var wg sync.WaitGroup
		for range each {
			wg.Go(func() {
				if ok, err := c.Change(ctx, "d", bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}}, true); err != nil || !ok {
					t.Error(ok, err)
				}
			})
			wg.Go(func() {
				if _, err := c.Apply(ctx, "d", func(d *item, _ bool) error { d.N += 100; return nil }); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		got, err := c.Get(ctx, "d")
		if err != nil {
			t.Fatal(err)
		}
		if got.N != each*101 || got.Rev != 2*each {
			t.Fatalf("after %d changes and %d updates: n=%d rev=%d", each, each, got.N, got.Rev)
		}
		// An update of other operators gets its rev bump too.
		if _, err := c.Change(ctx, "d", bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: "x"}}}}, false); err != nil {
			t.Fatal(err)
		}
		if got, _ := c.Get(ctx, "d"); got.Status != "x" || got.Rev != 2*each+1 {
			t.Fatalf("after $set: %+v", got)
		}
	})
}
