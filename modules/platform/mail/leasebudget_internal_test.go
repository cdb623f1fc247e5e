package mail

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/storetest"
)

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
// would use up the lease, the embedded store's lease stops after a quarter
// of the lease: the messages it took can still be sent before their lease
// lapses, and the others stay queued, untouched, for the next lease.
func TestLeaseOneByOneStopsBeforeTheLeaseIsSpent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t0 := time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)
	clk := &ticking{t: t0}
	box := NewOutbox(storetest.New(t), clk)
	for i := 0; i < 8; i++ {
		m := Message{Key: fmt.Sprintf("k%d", i), To: Address{Email: "a@example.vn"}, Subject: "s", Text: "t"}
		if _, err := box.Enqueue(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	now := clk.Now()
	clk.step = 10 * time.Second // each further reading: one slow update
	until := now.Add(time.Minute)
	took, err := box.takeOneByOne(ctx, now, until, "A", 8)
	if err != nil {
		t.Fatal(err)
	}
	// 15 s (a quarter of the minute) allow the first update and one more.
	if len(took) != 2 {
		t.Fatalf("took %d messages, want 2 before a quarter of the lease went by", len(took))
	}
	for _, d := range took {
		if d.Status != sending || d.LeaseToken != "A" || !d.LeaseUntil.Equal(until) || d.Attempts != 1 {
			t.Errorf("taken: %+v", d)
		}
	}
	queued, total, err := box.List(ctx, Queued, 100, 0)
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
}
