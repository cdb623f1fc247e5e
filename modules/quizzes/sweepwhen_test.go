package quizzes

import (
	"context"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"
)

// lookCounter is the quiz store, counting the sweep's looks at the live
// attempts (each decodes all of them on the embedded store).
type lookCounter struct {
	*Store
	looks atomic.Int32
}

func (c *lookCounter) LiveToSweep(ctx context.Context, now time.Time) ([]Attempt, error) {
	c.looks.Add(1)
	return c.Store.LiveToSweep(ctx, now)
}

// The sweep looks at the live attempts only when one may be overdue: the
// earliest deadline it saw or its process started, and at most SweepEvery
// after its last look for attempts another process started; an attempt
// left open is graded all the same.
func TestSweepLooksOnlyWhenAnAttemptMayBeOverdue(t *testing.T) {
	eachRig(t, 0, func(t *testing.T, ctx context.Context, r *rig) {
		clk := r.clk
		limit := time.Duration(r.cat.c.Quiz.TimeLimitMinutes) * time.Minute
		other := r.service(3)
		st := &lookCounter{Store: r.st}
		sweeper := NewService(Deps{Store: st, Catalog: r.cat, Clock: clk, Rand: rand.New(rand.NewPCG(1, 2))})
		sweep := func(wantLooks int32, wantGraded int) {
			t.Helper()
			n, err := sweeper.Sweep(ctx)
			if err != nil || n != wantGraded || st.looks.Load() != wantLooks {
				t.Fatalf("at +%s: graded %d (%v), %d looks; want %d graded, %d looks", clk.Now().Sub(t0), n, err, st.looks.Load(), wantGraded, wantLooks)
			}
		}
		sweep(1, 0) // nothing known yet: it looks
		clk.Advance(time.Minute)
		sweep(1, 0) // nothing live: not before SweepEvery

		// Another process starts an attempt; this one learns of it at its next look.
		if _, _, err := other.Start(ctx, ctv("c1", "NT"), "KC-900"); err != nil {
			t.Fatal(err)
		}
		clk.Set(t0.Add(SweepEvery))
		sweep(2, 0) // SweepEvery after the first look; the attempt is not due until t0+1m+limit+Grace
		if SweepEvery+time.Minute < time.Minute+limit {
			clk.Set(t0.Add(SweepEvery + time.Minute))
			sweep(2, 0) // it knows the deadline: no look before it
		}
		clk.Set(t0.Add(time.Minute + limit + Grace + time.Second))
		sweep(3, 1) // overdue: looked at and graded

		// An attempt this process starts is graded once overdue.
		clk.Advance(time.Minute)
		a, _, err := sweeper.Start(ctx, ctv("c2", "NT"), "KC-900")
		if err != nil {
			t.Fatal(err)
		}
		clk.Set(a.Deadline.Add(Grace + time.Second))
		sweep(4, 1)
	})
}
