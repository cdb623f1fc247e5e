package jobs_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/jobs"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var (
	t0    = time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)
	quiet = slog.New(slog.DiscardHandler)
)

// runner is a runner on db, quiet unless opts say otherwise.
func runner(db *mongo.Database, clk clock.Clock, opts jobs.Options) *jobs.Runner {
	if opts.Logger == nil {
		opts.Logger = quiet
	}
	return jobs.New(db, clk, opts)
}

func TestJobRunsOncePerInterval(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := clock.NewManual(t0)
	r := runner(storetest.New(t), clk, jobs.Options{})
	var runs []time.Time
	r.Add("reminders", time.Hour, func(_ context.Context, now time.Time) error {
		runs = append(runs, now)
		return nil
	})
	step := func(advance time.Duration, want int) {
		t.Helper()
		clk.Advance(advance)
		if err := r.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if len(runs) != want {
			t.Fatalf("at %v: %d runs, want %d", clk.Now().Sub(t0), len(runs), want)
		}
	}
	step(0, 1) // a new job is due at once
	step(0, 1)
	step(59*time.Minute, 1)
	step(time.Minute, 2)
	step(30*time.Minute, 2)
	step(30*time.Minute, 3)
	step(5*time.Hour, 4) // a late runner catches up with one run, not five
	step(0, 4)
	if !runs[3].Equal(t0.Add(7 * time.Hour)) {
		t.Errorf("runs at %v", runs)
	}
	states, err := r.States(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != 1 || !states[0].NextRun.Equal(t0.Add(8*time.Hour)) || !states[0].LastRun.Equal(t0.Add(7*time.Hour)) ||
		states[0].LeaseOwner != r.Owner() || states[0].LeaseUntil.After(clk.Now()) || states[0].LastError != "" {
		t.Errorf("state %+v", states)
	}
}

func TestFailedJobIsRetriedAtItsNextInterval(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := clock.NewManual(t0)
	r := runner(storetest.New(t), clk, jobs.Options{})
	var n int
	r.Add("flaky", 10*time.Minute, func(context.Context, time.Time) error {
		n++
		if n == 1 {
			return errors.New("smtp unreachable")
		}
		if n == 2 {
			panic("boom")
		}
		return nil
	})
	if err := r.RunDue(ctx); err != nil { // a job's failure is not the runner's
		t.Fatal(err)
	}
	st, _ := r.States(ctx)
	if n != 1 || len(st) != 1 || st[0].LastError != "smtp unreachable" || !st[0].NextRun.Equal(t0.Add(10*time.Minute)) {
		t.Fatalf("after a failure: n=%d %+v", n, st)
	}
	_ = r.RunDue(ctx)
	clk.Advance(9 * time.Minute)
	_ = r.RunDue(ctx)
	if n != 1 {
		t.Fatalf("retried before its interval: n=%d", n)
	}
	clk.Advance(time.Minute)
	_ = r.RunDue(ctx) // panics: recovered and recorded
	st, _ = r.States(ctx)
	if n != 2 || len(st) != 1 || st[0].LastError == "" {
		t.Fatalf("after a panic: n=%d %+v", n, st)
	}
	clk.Advance(10 * time.Minute)
	_ = r.RunDue(ctx)
	st, _ = r.States(ctx)
	if n != 3 || st[0].LastError != "" {
		t.Fatalf("after a success: n=%d %+v", n, st)
	}
}

// Two runners on one database (two processes) race for each run from several
// goroutines each: every interval the job runs exactly once, never twice at once.
func TestTwoRunnersNeverRunAJobAtOnce(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		ctx := context.Background()
		clk := clock.NewManual(t0)
		var inFlight, maxInFlight, runs atomic.Int32
		job := func(context.Context, time.Time) error {
			n := inFlight.Add(1)
			for {
				m := maxInFlight.Load()
				if n <= m || maxInFlight.CompareAndSwap(m, n) {
					break
				}
			}
			time.Sleep(3 * time.Millisecond) // widen the window an overlap would need
			runs.Add(1)
			inFlight.Add(-1)
			return nil
		}
		a := runner(db, clk, jobs.Options{})
		b := runner(db, clk, jobs.Options{})
		for _, r := range []*jobs.Runner{a, b} {
			r.Add("sweep", time.Minute, job)
			r.Add("other", time.Minute, func(context.Context, time.Time) error { return nil })
		}
		const rounds = 15
		for round := 0; round < rounds; round++ {
			var wg sync.WaitGroup
			for i := 0; i < 6; i++ {
				r := a
				if i%2 == 1 {
					r = b
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := r.RunDue(ctx); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			// Once more from each, after the run: the job is no longer due.
			for _, r := range []*jobs.Runner{b, a} {
				if err := r.RunDue(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if got := runs.Load(); got != int32(round+1) {
				t.Fatalf("round %d: %d runs in all, want %d", round, got, round+1)
			}
			clk.Advance(time.Minute)
		}
		if maxInFlight.Load() != 1 {
			t.Errorf("%d runs of one job at once", maxInFlight.Load())
		}
	})
}

// A runner whose holder crashed (its lease lapsed) takes the job over; while
// the lease holds, nobody else runs it.
func TestExpiredLeaseIsTakenOver(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		ctx := context.Background()
		clk := clock.NewManual(t0)
		release := make(chan struct{})
		started := make(chan struct{})
		a := runner(db, clk, jobs.Options{Lease: time.Minute})
		a.Add("sweep", time.Hour, func(context.Context, time.Time) error {
			close(started)
			<-release // a hung process
			return nil
		})
		var bRuns atomic.Int32
		b := runner(db, clk, jobs.Options{Lease: time.Minute})
		b.Add("sweep", time.Hour, func(context.Context, time.Time) error { bRuns.Add(1); return nil })

		aDone := make(chan error, 1)
		go func() { aDone <- a.RunDue(ctx) }()
		<-started
		clk.Advance(30 * time.Second) // still due, but a holds the lease
		if err := b.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if bRuns.Load() != 0 {
			t.Fatal("b ran the job while a held its lease")
		}
		clk.Advance(time.Minute) // a's lease lapsed: b takes over
		if err := b.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if bRuns.Load() != 1 {
			t.Fatalf("b ran %d times after a's lease lapsed", bRuns.Load())
		}
		close(release)
		if err := <-aDone; err != nil {
			t.Fatal(err)
		}
	})
}

func TestStopWaitsForRunningJob(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := clock.NewManual(t0)
	r := runner(storetest.New(t), clk, jobs.Options{Tick: time.Millisecond})
	started := make(chan struct{})
	release := make(chan struct{})
	var finished atomic.Bool
	r.Add("slow", time.Hour, func(context.Context, time.Time) error {
		close(started)
		<-release
		finished.Store(true)
		return nil
	})
	r.Start(ctx)
	<-started
	stopped := make(chan struct{})
	go func() { r.Stop(); close(stopped) }()
	select {
	case <-stopped:
		t.Fatal("Stop returned while the job was running")
	default:
	}
	close(release)
	<-stopped
	if !finished.Load() {
		t.Fatal("Stop returned before the job finished")
	}
	st, err := r.States(ctx)
	if err != nil || len(st) != 1 || !st[0].LastRun.Equal(t0) {
		t.Fatalf("the run was not recorded: %+v %v", st, err)
	}
	r.Stop() // twice is fine
}

// A job that honours its context (a backfill of years of records) is ended
// by Stop instead of holding the shutdown, and stays due: the next start
// runs it again.
func TestStopEndsARunningJobWhichStaysDue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := clock.NewManual(t0)
	db := storetest.New(t)
	r := runner(db, clk, jobs.Options{Tick: time.Millisecond})
	started := make(chan struct{})
	r.Add("backfill", time.Hour, func(ctx context.Context, _ time.Time) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	})
	r.Start(ctx)
	<-started
	r.Stop()
	st, err := r.States(ctx)
	if err != nil || len(st) != 1 {
		t.Fatalf("states: %+v %v", st, err)
	}
	if !st[0].LastRun.IsZero() || st[0].NextRun.After(t0) || st[0].LastError != "" || st[0].LeaseUntil.After(t0) {
		t.Fatalf("a stopped run must leave the job due, unrecorded and unleased: %+v", st[0])
	}

	// The next start runs it again, to its end this time.
	again := runner(db, clk, jobs.Options{Tick: time.Millisecond})
	ran := make(chan struct{})
	again.Add("backfill", time.Hour, func(context.Context, time.Time) error { close(ran); return nil })
	again.Start(ctx)
	<-ran
	again.Stop()
	st, err = again.States(ctx)
	if err != nil || len(st) != 1 || !st[0].LastRun.Equal(t0) || !st[0].NextRun.Equal(t0.Add(time.Hour)) {
		t.Fatalf("the second run was not recorded: %+v %v", st, err)
	}
}
