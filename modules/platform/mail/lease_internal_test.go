package mail

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

var t0 = time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)

// queued returns an outbox on db with n messages queued at the clock's time.
func queued(t *testing.T, db *mongo.Database, clk clock.Clock, n int) *Outbox {
	t.Helper()
	box := NewOutbox(db, clk)
	for i := range n {
		m := Message{Key: fmt.Sprintf("k%d", i), To: Address{Email: "a@example.vn"}, Subject: "s", Text: "t"}
		if _, err := box.Enqueue(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	return box
}

// leaseAll leases up to n messages for token at now, for a minute, and
// checks each is leased to it with the given attempt count.
func leaseAll(t *testing.T, box *Outbox, now time.Time, token string, n, attempts int) []outboxDoc {
	t.Helper()
	until := now.Add(time.Minute)
	docs, _, err := box.lease(context.Background(), now, until, token, n)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if d.Status != sending || d.LeaseToken != token || !d.LeaseUntil.Equal(until) || d.Attempts != attempts {
			t.Errorf("%s took %+v", token, d)
		}
	}
	return docs
}

// Two workers cannot both lease a message: the second takes only what the
// first left, and a lapsed lease is taken over.
func TestLeaseTakesOnlyMessagesStillDue(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		box := queued(t, db, clock.NewManual(t0), 5)
		a := leaseAll(t, box, t0, "A", 3, 1)
		b := leaseAll(t, box, t0, "B", 10, 1)
		if len(a) != 3 || len(b) != 2 {
			t.Fatalf("A took %d, B %d: want 3 and the 2 left", len(a), len(b))
		}
		for _, d := range b {
			for _, x := range a {
				if d.ID == x.ID {
					t.Errorf("%s leased twice", d.ID)
				}
			}
		}
		// Once A's and B's leases lapse (they crashed), C takes them over.
		if c := leaseAll(t, box, t0.Add(time.Minute+time.Second), "C", 10, 2); len(c) != 5 {
			t.Fatalf("C took %d", len(c))
		}
	})
}

// ticking is a clock that moves on by step every time it is read, as if
// each store command in between took that long.
type ticking struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *ticking) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(c.step)
	return c.t
}

// On a store so slow that leasing a whole batch one message at a time
// would use up the lease, the lease stops after a quarter of it: the
// messages it took can still be sent before their lease lapses, and the
// others stay queued, untouched, for the next lease.
func TestLeaseStopsBeforeTheLeaseIsSpent(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		clk := &ticking{t: t0}
		box := queued(t, db, clk, 8)
		now := clk.Now()
		clk.step = 10 * time.Second // each further reading: one slow update
		// 15 s (a quarter of the minute) allow the first update and one more.
		if took := leaseAll(t, box, now, "A", 8, 1); len(took) != 2 {
			t.Fatalf("took %d messages, want 2 before a quarter of the lease went by", len(took))
		}
		queued, total, err := box.List(context.Background(), Queued, 100, 0)
		if err != nil || total != 8 {
			t.Fatalf("listed %d queued (%v)", total, err)
		}
		untouched := 0
		for _, d := range queued {
			if !d.Sending && d.Attempts == 0 {
				untouched++
			}
		}
		if untouched != 6 {
			t.Errorf("%d messages left queued and untouched, want 6", untouched)
		}
	})
}
