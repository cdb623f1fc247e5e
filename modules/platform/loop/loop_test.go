package loop_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/loop"
)

// harness drives a loop by its ticks and wakes and sees each run start.
type harness struct {
	ticks chan time.Time
	wake  chan struct{}
	runs  chan int
	log   *bytes.Buffer // written by the loop before it takes a tick or a wake
	l     *loop.Loop
}

func start(t *testing.T, later bool, fn func(n int, stop <-chan struct{})) *harness {
	t.Helper()
	h := &harness{ticks: make(chan time.Time), wake: make(chan struct{}), runs: make(chan int, 10), log: &bytes.Buffer{}}
	n := 0
	h.l = loop.New(func(_ context.Context, stop <-chan struct{}) {
		n++
		h.runs <- n
		if fn != nil {
			fn(n, stop)
		}
	}, loop.Options{Every: time.Hour, Wake: h.wake, Later: later, Ticks: h.ticks,
		Logger: slog.New(slog.NewTextHandler(h.log, nil))})
	h.l.Start(context.Background())
	t.Cleanup(h.l.Stop)
	return h
}

// next waits for the next run to start and checks its number.
func (h *harness) next(t *testing.T, want int) {
	t.Helper()
	if got := <-h.runs; got != want {
		t.Fatalf("run %d started, want run %d", got, want)
	}
}

func TestLoopRunsAtOnceOnEachTickAndWhenWoken(t *testing.T) {
	t.Parallel()
	h := start(t, false, nil)
	h.next(t, 1) // at once
	h.ticks <- time.Time{}
	h.next(t, 2)
	h.wake <- struct{}{} // an hour early
	h.next(t, 3)
	h.l.Start(context.Background()) // started already: nothing
	h.l.Stop()
	select {
	case n := <-h.runs:
		t.Fatalf("run %d after Stop", n)
	default:
	}
}

func TestLoopLaterWaitsForTheFirstTickOrWake(t *testing.T) {
	t.Parallel()
	h := start(t, true, nil)
	h.wake <- struct{}{} // received only once the loop waits: nothing ran before
	h.next(t, 1)
	h.ticks <- time.Time{}
	h.next(t, 2)
}

// Stop tells the run in progress (its stop channel closes) and returns
// only once that run has returned.
func TestLoopStopWaitsForTheRunInProgress(t *testing.T) {
	t.Parallel()
	release, sawStop := make(chan struct{}), make(chan struct{})
	h := start(t, false, func(_ int, stop <-chan struct{}) {
		<-stop
		close(sawStop)
		<-release
	})
	h.next(t, 1)
	stopped := make(chan struct{})
	go func() {
		h.l.Stop()
		close(stopped)
	}()
	<-sawStop
	select {
	case <-stopped:
		t.Fatal("Stop returned while the run was still going")
	default:
	}
	close(release)
	<-stopped
}

// A run that panics is logged, and the loop runs again at the next tick.
func TestLoopRecoversAPanickingRun(t *testing.T) {
	t.Parallel()
	h := start(t, false, func(n int, _ <-chan struct{}) {
		if n == 1 {
			panic("boom")
		}
	})
	h.next(t, 1)
	h.ticks <- time.Time{} // taken only once the first run, panic and all, is over
	h.next(t, 2)
	if !strings.Contains(h.log.String(), "boom") {
		t.Errorf("the panic was not logged: %q", h.log.String())
	}
}

// The loop ends with its context, and Stop then returns at once.
func TestLoopEndsWithItsContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	runs := make(chan struct{}, 1)
	l := loop.New(func(context.Context, <-chan struct{}) { runs <- struct{}{} }, loop.Options{Every: time.Hour})
	l.Start(ctx)
	<-runs
	cancel()
	l.Stop()
}
