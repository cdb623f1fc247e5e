package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/loop"
)

// Defaults of WorkerOptions.
const (
	DefaultConcurrency = 4
	DefaultLease       = 2 * time.Minute
	DefaultSendTimeout = 30 * time.Second
	DefaultPoll        = time.Second
	DefaultLinger      = 50 * time.Millisecond
	DefaultBackoffBase = 10 * time.Second
	DefaultBackoffCap  = time.Hour
	// DefaultMaxAttempts gives a temporarily failing message about a day and
	// a half (the delay doubles from 10 s up to an hour) before it is failed.
	DefaultMaxAttempts = 48
)

// WorkerOptions configure a Worker; the zero value gives the defaults.
type WorkerOptions struct {
	// Concurrency is how many messages are sent at once. Default 4.
	Concurrency int
	// Batch is how many messages one lease query takes. Default
	// 16×Concurrency. On the embedded store each lease query decodes every
	// live envelope, whatever the batch's size: larger batches mean fewer
	// of them in a fan-out.
	Batch int
	// Lease is how long a leased message stays with this worker before
	// another may take it (this one crashed). Default 2 min; at least twice
	// SendTimeout.
	Lease time.Duration
	// SendTimeout bounds one delivery attempt. Default 30 s.
	SendTimeout time.Duration
	// Poll is how often Start's loop looks for due messages when no Enqueue
	// of this process woke it. Default 1 s.
	Poll time.Duration
	// Linger is how long Start's loop waits, after a lease found fewer due
	// messages than Batch, before it leases again: while a request queues
	// mail one message at a time, the next lease then takes many at once
	// (each lease and each record costs store commands, whatever the
	// batch's size). A lone message still goes at once. Default 50 ms;
	// negative: none. RunOnce does not linger.
	Linger time.Duration
	// The delay before attempt n+1 after a temporary failure is between half
	// and all of min(BackoffCap, BackoffBase·2^(n-1)). Defaults 10 s and 1 h.
	BackoffBase, BackoffCap time.Duration
	// MaxAttempts turns a message refused temporarily (SMTP 4xx) this many
	// times into a failed one. Attempts that found the server unavailable do
	// not count towards it: an outage fails no mail. Default DefaultMaxAttempts.
	MaxAttempts int
	// Logger receives failed attempts. Default slog.Default().
	Logger *slog.Logger
	// OnDone, when set, is called after a message is recorded sent or
	// failed, e.g. to note the delivery on the invitation that caused it
	// (cheaper than asking Outbox.Status once the message is archived).
	OnDone func(ctx context.Context, d Delivery)
}

// Worker delivers the outbox's due messages.
type Worker struct {
	box    *Outbox
	sender Sender
	clock  clock.Clock
	o      WorkerOptions
	log    *slog.Logger
	name   string
	seq    atomic.Uint64

	loop *loop.Loop

	// The circuit breaker: after an attempt found the server unavailable,
	// the worker sends nothing until pausedUntil, then one message (a probe);
	// the pause grows like a message's backoff while probes fail.
	brk         sync.Mutex
	failStreak  int
	pausedUntil time.Time

	// held are the messages this worker is sending, or has sent and not
	// yet recorded, each with the token of its latest lease. A lease that
	// lapsed meanwhile (a slow record on a loaded store) may return one of
	// them to this worker's next lease: it is not sent again, and its
	// outcome is recorded under the newer lease.
	heldMu sync.Mutex
	held   map[string]string
}

// NewWorker returns a worker sending box's messages with sender.
func NewWorker(box *Outbox, sender Sender, clk clock.Clock, opts WorkerOptions) *Worker {
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.Batch <= 0 {
		opts.Batch = 16 * opts.Concurrency
	}
	if opts.SendTimeout <= 0 {
		opts.SendTimeout = DefaultSendTimeout
	}
	if opts.Lease <= 0 {
		opts.Lease = DefaultLease
	}
	opts.Lease = max(opts.Lease, 2*opts.SendTimeout)
	if opts.Poll <= 0 {
		opts.Poll = DefaultPoll
	}
	if opts.Linger == 0 {
		opts.Linger = DefaultLinger
	}
	if opts.BackoffBase <= 0 {
		opts.BackoffBase = DefaultBackoffBase
	}
	if opts.BackoffCap <= 0 {
		opts.BackoffCap = DefaultBackoffCap
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	w := &Worker{box: box, sender: sender, clock: clk, o: opts, log: opts.Logger.With("component", "mail"),
		name: hex.EncodeToString(b), held: map[string]string{}}
	w.loop = loop.New(func(ctx context.Context, stop <-chan struct{}) {
		if err := w.drain(ctx, stop, w.o.Linger); err != nil && ctx.Err() == nil {
			w.log.Error("mail outbox", "err", err)
		}
	}, loop.Options{Every: opts.Poll, Wake: box.wake, Logger: w.log})
	return w
}

// RunOnce delivers every message that is due by the worker's clock, at most
// Concurrency at a time, and returns when all of them are recorded (sent,
// failed, or queued for a later attempt). When an attempt finds the server
// unavailable, it stops there: the other messages stay queued, and later
// runs send one message at a time, after a growing pause, until one gets
// through. It returns store errors only.
// When ctx ends, sends in flight are abandoned unrecorded, as if the process
// had been killed: their leases lapse and another worker sends them again.
func (w *Worker) RunOnce(ctx context.Context) error {
	return w.drain(ctx, nil, 0)
}

// Start delivers due messages in the background: at once, whenever an
// Enqueue of this process wakes it, and every Poll, until Stop or the end of
// ctx. Calling Start on a started worker does nothing.
func (w *Worker) Start(ctx context.Context) { w.loop.Start(ctx) }

// Stop stops leasing messages, gives back those leased but not yet started,
// and waits for the sends in flight to finish and be recorded.
func (w *Worker) Stop() { w.loop.Stop() }

// drain leases due messages batch by batch and sends them with Concurrency
// goroutines; after a batch short of Batch it waits linger (if positive)
// before the next lease. Outcomes are recorded by one goroutine in groups:
// whatever finished while it recorded the previous group goes into one
// write per kind (sent, failed, retry), instead of one write per message
// that would scan the live collection each time on the embedded store.
func (w *Worker) drain(ctx context.Context, stop <-chan struct{}, linger time.Duration) error {
	results := make(chan outcome, w.o.Concurrency)
	recorded := make(chan struct{})
	go func() {
		defer close(recorded)
		w.recordLoop(ctx, results)
	}()
	slots := make(chan struct{}, w.o.Concurrency)
	var wg sync.WaitGroup
	defer func() {
		wg.Wait()
		close(results)
		<-recorded
	}()
	for {
		select {
		case <-stop:
			return nil
		default:
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		now := w.clock.Now()
		probing, paused := w.breaker(now)
		if paused {
			return nil
		}
		n := w.o.Batch
		if probing {
			n = 1
		}
		token := fmt.Sprintf("%s-%d", w.name, w.seq.Add(1))
		docs, found, err := w.box.lease(ctx, now, now.Add(w.o.Lease), token, n)
		if err != nil {
			return err
		}
		if found == 0 {
			return nil
		}
		docs = w.hold(docs, token)
		for i, d := range docs {
			select {
			case slots <- struct{}{}:
			case <-stop:
				w.giveBack(ctx, docs[i:], token)
				return nil
			case <-ctx.Done():
				w.unhold(ids(docs[i:]))
				return ctx.Err()
			}
			if _, paused := w.breaker(w.clock.Now()); paused {
				<-slots
				w.giveBack(ctx, docs[i:], token)
				return nil
			}
			// A message that waited for a slot so long that its lease could
			// lapse mid-send goes back, so that no other worker takes it
			// while this one sends it.
			if w.clock.Now().Add(w.o.SendTimeout).After(d.LeaseUntil) {
				<-slots
				w.giveBack(ctx, docs[i:i+1], token)
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-slots }()
				sendCtx, cancel := context.WithTimeout(ctx, w.o.SendTimeout)
				err := w.send(sendCtx, d.toMessage())
				cancel()
				if ctx.Err() != nil {
					// Killed or shut down mid-send: record nothing. Whether
					// or not the server took the message, the lease lapses
					// and it is sent again, with the same Message-ID.
					w.unhold([]string{d.ID})
					return
				}
				w.observe(err)
				results <- outcome{doc: d, token: token, err: err}
			}()
		}
		if probing {
			wg.Wait() // the probe's outcome decides whether to go on
		} else if linger > 0 && len(docs) < n {
			t := time.NewTimer(linger)
			select {
			case <-t.C:
			case <-stop:
				t.Stop()
				return nil
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			}
		}
	}
}

// send sends one message; a panic of the sender fails that message alone
// (permanently: it would panic again), not the worker and its other sends.
func (w *Worker) send(ctx context.Context, m Message) (err error) {
	defer func() {
		if p := recover(); p != nil {
			w.log.Error("mail sender panicked", "id", m.ID, "panic", p, "stack", string(debug.Stack()))
			err = Permanent(fmt.Errorf("the sender failed on this message: %v", p))
		}
	}()
	return w.sender.Send(ctx, m)
}

// hold returns the leased docs this worker does not hold already, and
// holds them; of the others it keeps only the newer lease's token.
func (w *Worker) hold(docs []outboxDoc, token string) []outboxDoc {
	w.heldMu.Lock()
	defer w.heldMu.Unlock()
	out := docs[:0:0]
	for _, d := range docs {
		if _, sending := w.held[d.ID]; !sending {
			out = append(out, d)
		}
		w.held[d.ID] = token
	}
	return out
}

// heldToken is the token of the latest lease of a held message ("": not held).
func (w *Worker) heldToken(id string) string {
	w.heldMu.Lock()
	defer w.heldMu.Unlock()
	return w.held[id]
}

// unhold forgets messages recorded, given back or abandoned.
func (w *Worker) unhold(ids []string) {
	w.heldMu.Lock()
	defer w.heldMu.Unlock()
	for _, id := range ids {
		delete(w.held, id)
	}
}

func (w *Worker) giveBack(ctx context.Context, docs []outboxDoc, token string) {
	ids := ids(docs)
	defer w.unhold(ids)
	if err := w.box.release(ctx, ids, token, w.clock.Now()); err != nil && ctx.Err() == nil {
		w.log.Error("mail outbox: release", "ids", ids, "err", err)
	}
}

// ids are the docs' ids.
func ids(docs []outboxDoc) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out
}
