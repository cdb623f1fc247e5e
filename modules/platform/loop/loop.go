// Package loop runs a background function every interval and whenever it
// is woken, until it is stopped: the one start/stop/tick/wake loop of the
// job runner, the mail worker and the embedded store's `_id` indexer.
package loop

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// Func is one run. stop is closed when Stop is called: a long run may end
// early on it; ctx is the context given to Start and is not canceled by Stop.
type Func func(ctx context.Context, stop <-chan struct{})

// Options configure a Loop.
type Options struct {
	// Every is the interval between runs when nothing wakes the loop.
	Every time.Duration
	// Wake, when set, runs the function early whenever it receives.
	Wake <-chan struct{}
	// Later: the first run waits for the first interval (or a wake)
	// instead of starting at once.
	Later bool
	// Logger receives a run's panic. Default slog.Default().
	Logger *slog.Logger
	// Ticks replaces the interval's ticker (tests drive the loop with it).
	Ticks <-chan time.Time
}

// Loop is a background loop; its zero value is not usable, use New.
type Loop struct {
	fn   Func
	o    Options
	mu   sync.Mutex
	stop chan struct{} // closed by Stop; nil when not started
	done chan struct{} // closed when the loop has returned
}

// New returns a loop calling fn as o says; Start starts it.
func New(fn Func, o Options) *Loop {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Loop{fn: fn, o: o}
}

// Start runs the loop in the background until Stop or the end of ctx.
// Calling Start on a started loop does nothing.
func (l *Loop) Start(ctx context.Context) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stop != nil {
		return
	}
	stop, done := make(chan struct{}), make(chan struct{})
	l.stop, l.done = stop, done
	go func() {
		defer close(done)
		ticks := l.o.Ticks
		if ticks == nil {
			t := time.NewTicker(l.o.Every)
			defer t.Stop()
			ticks = t.C
		}
		for first := !l.o.Later; ; first = false {
			if !first {
				select {
				case <-stop:
					return
				case <-ctx.Done():
					return
				case <-ticks:
				case <-l.o.Wake:
				}
			}
			select {
			case <-stop:
				return
			default:
			}
			l.run(ctx, stop)
		}
	}()
}

// run calls fn once; a panic is logged and the loop goes on.
func (l *Loop) run(ctx context.Context, stop <-chan struct{}) {
	defer func() {
		if p := recover(); p != nil {
			l.o.Logger.Error("background loop panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	l.fn(ctx, stop)
}

// Stop closes the run's stop channel and waits for the loop to return,
// with the run in progress, if any. A loop not started stops at once.
func (l *Loop) Stop() {
	l.mu.Lock()
	stop, done := l.stop, l.done
	l.stop, l.done = nil, nil
	l.mu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
}
