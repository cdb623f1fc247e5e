package mail

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/storetest"
)

// Two workers that found the same due messages (each saw them before the
// other leased them) cannot both take them: the lease re-checks that each is
// still due, in the same single-document update that takes it.
func TestLeaseTakesOnlyMessagesStillDue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t0 := time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)
	clk := clock.NewManual(t0)
	box := NewOutbox(storetest.New(t), clk)
	for i := 0; i < 5; i++ {
		m := Message{Key: fmt.Sprintf("k%d", i), To: Address{Email: "a@example.vn"}, Subject: "s", Text: "t"}
		if _, err := box.Enqueue(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	idsA, err := box.dueIDs(ctx, t0, 3)
	if err != nil || len(idsA) != 3 {
		t.Fatalf("due: %v %v", idsA, err)
	}
	idsB, _ := box.dueIDs(ctx, t0, 10) // B's view, taken before A leases
	until := t0.Add(time.Minute)
	a, err := box.take(ctx, idsA, t0, until, "A")
	if err != nil || len(a) != 3 || a[0].Status != sending || a[0].Attempts != 1 || !a[0].LeaseUntil.Equal(until) {
		t.Fatalf("A took %+v %v", a, err)
	}
	b, err := box.take(ctx, idsB, t0, until, "B")
	if err != nil || len(b) != 2 {
		t.Fatalf("B took %d of A's %d and 2 free ones: %v", len(b), len(a), err)
	}
	for _, d := range b {
		for _, x := range a {
			if d.ID == x.ID {
				t.Errorf("%s leased twice", d.ID)
			}
		}
	}
	// Once A's lease lapses (A crashed), C takes A's messages over.
	later := until.Add(time.Second)
	c, err := box.take(ctx, idsB, later, later.Add(time.Minute), "C")
	if err != nil || len(c) != 5 {
		t.Fatalf("C took %d: %v", len(c), err)
	}
	for _, d := range c {
		if d.Attempts != 2 || d.LeaseToken != "C" {
			t.Errorf("after the takeover: %+v", d)
		}
	}
}
