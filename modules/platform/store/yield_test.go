package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/loop"
	"github.com/ctvacademy/academy/modules/platform/store"
	"github.com/ctvacademy/academy/modules/platform/storetest"
)

// inLoop runs fn once as a background loop's run and returns its result.
func inLoop(t *testing.T, fn func(ctx context.Context) error) <-chan error {
	got := make(chan error, 1)
	l := loop.New(func(ctx context.Context, _ <-chan struct{}) { got <- fn(ctx) }, loop.Options{Every: time.Hour})
	l.Start(context.Background())
	t.Cleanup(l.Stop)
	return got
}

func within(t *testing.T, got <-chan error, what string) {
	t.Helper()
	select {
	case err := <-got:
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("%s: still waiting after 20 s", what)
	}
}

// On the embedded store a background loop's reads and writes wait while a
// request is in flight, and go when it ends; a request's own do not wait.
func TestBackgroundWaitsForRequestsInFlight(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t) // the embedded store's path: a gate of its own
	c := store.NewColl[item](db, "items", "item")
	if err := c.Insert(ctx, item{ID: "a", N: 1}); err != nil {
		t.Fatal(err)
	}
	store.SetYieldMax(db, time.Hour)
	done := store.Interactive(db)
	got := inLoop(t, func(ctx context.Context) error {
		_, err := c.Update(ctx, "a", func(d *item) error { d.N = 2; return nil })
		return err
	})
	for deadline := time.Now().Add(20 * time.Second); store.GateWaiting(db) != 1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the loop's update never came to the gate")
		}
	}
	// The request's own read goes at once and sees the document unchanged.
	d, err := c.Get(ctx, "a")
	if err != nil || d.N != 1 {
		t.Fatalf("request's read during the wait: %+v, %v; want n 1", d, err)
	}
	select {
	case err := <-got:
		t.Fatalf("the loop's update went ahead of the request in flight (err %v)", err)
	default:
	}
	done()
	within(t, got, "the loop's update after the request ended")
	if d, err := c.Get(ctx, "a"); err != nil || d.N != 2 {
		t.Fatalf("after the loop's update: %+v, %v; want n 2", d, err)
	}
}

// A background operation waits for YieldMax at most: a request that never
// ends slows background work and does not stop it.
func TestBackgroundWaitIsBounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t) // the embedded store's path: a gate of its own
	c := store.NewColl[item](db, "items", "item")
	store.SetYieldMax(db, 20*time.Millisecond)
	done := store.Interactive(db)
	defer done()
	within(t, inLoop(t, func(ctx context.Context) error { return c.Insert(ctx, item{ID: "b"}) }), "the loop's insert while a request stays in flight")
	if n, err := c.Count(ctx, nil); err != nil || n != 1 {
		t.Fatalf("count: %d, %v; want 1", n, err)
	}
}
