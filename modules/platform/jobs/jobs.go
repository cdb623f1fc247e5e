// Package jobs runs interval jobs (reminders, expiry sweeps) so that each job
// runs in at most one process at a time: a run first takes the job's lease, a
// single-document compare-and-set on the jobs collection, which works the same
// on MongoDB and on the embedded store.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/loop"
	"github.com/ctvacademy/academy/modules/platform/store"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Collection is the collection holding one lease document per job name.
const Collection = "jobs"

// Defaults of Options.
const (
	DefaultLease = 5 * time.Minute
	DefaultTick  = 10 * time.Second
)

// Func is the work of one job. now is the time the run was due at (the
// runner's clock when it took the lease); ctx ends when the runner's context
// does. A returned error is logged and the job runs again at its next interval.
type Func func(ctx context.Context, now time.Time) error

// Options configure a Runner; the zero value is usable.
type Options struct {
	// Owner names this runner in the leases it takes; random when empty.
	// Two runners must never share an owner.
	Owner string
	// Lease is how long a run holds its job before another runner may take
	// it over (the holder crashed). It is renewed every Lease/3 while the job
	// runs. Default DefaultLease.
	Lease time.Duration
	// Tick is how often Start's loop looks for due jobs. Default DefaultTick.
	Tick time.Duration
	// Logger receives failed runs and store errors. Default slog.Default().
	Logger *slog.Logger
}

// State is what the jobs collection records about one job.
type State struct {
	Name       string    `bson:"_id" json:"name"`
	NextRun    time.Time `bson:"next_run" json:"next_run"`
	LastRun    time.Time `bson:"last_run,omitempty" json:"last_run,omitzero"`
	LastError  string    `bson:"last_error,omitempty" json:"last_error,omitempty"`
	LeaseOwner string    `bson:"lease_owner" json:"lease_owner"`
	LeaseUntil time.Time `bson:"lease_until" json:"lease_until"`
}

// Runner runs registered jobs at their intervals.
type Runner struct {
	coll  *store.Coll[State]
	clock clock.Clock
	owner string
	lease time.Duration
	tick  time.Duration
	log   *slog.Logger

	mu      sync.Mutex
	jobs    []*job
	loop    *loop.Loop
	running sync.WaitGroup
	// halt ends the contexts of the running jobs; Stop calls it.
	halted context.Context
	halt   context.CancelFunc
}

type job struct {
	name  string
	every time.Duration
	fn    Func

	// Guarded by Runner.mu.
	busy      bool
	notBefore time.Time // this runner ran the job and knows its next run
	// Only touched by the goroutine running the job (busy serializes them).
	ensured bool
}

// epoch is the lease_until of a job nobody holds.
var epoch = time.Unix(0, 0).UTC()

// New returns a runner keeping its leases in db's jobs collection.
func New(db *mongo.Database, clk clock.Clock, opts Options) *Runner {
	if opts.Owner == "" {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		opts.Owner = hex.EncodeToString(b)
	}
	if opts.Lease <= 0 {
		opts.Lease = DefaultLease
	}
	if opts.Tick <= 0 {
		opts.Tick = DefaultTick
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	r := &Runner{
		coll: store.NewColl[State](db, Collection, "job"), clock: clk, owner: opts.Owner, lease: opts.Lease, tick: opts.Tick,
		log: opts.Logger.With("component", "jobs"),
	}
	r.halted, r.halt = context.WithCancel(context.Background())
	// Not waiting for the jobs it started lets a long job run while others
	// stay on time.
	r.loop = loop.New(func(ctx context.Context, _ <-chan struct{}) { r.dispatch(ctx) },
		loop.Options{Every: r.tick, Logger: r.log})
	return r
}

// Indexes are the jobs collection's indexes: none beyond _id, since every
// read and write addresses a job by its name.
func Indexes() []store.Index { return nil }

// Owner returns the name this runner writes into the leases it takes.
func (r *Runner) Owner() string { return r.owner }

// Add registers a job that runs every interval, first as soon as it is due
// (at once for a job the database has never seen). It panics on an empty or
// repeated name or a non-positive interval: jobs are registered at start-up.
func (r *Runner) Add(name string, every time.Duration, fn Func) {
	if name == "" || every <= 0 || fn == nil {
		panic(fmt.Sprintf("jobs: Add(%q, %v): need a name, a positive interval and a function", name, every))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, j := range r.jobs {
		if j.name == name {
			panic(fmt.Sprintf("jobs: job %q added twice", name))
		}
	}
	r.jobs = append(r.jobs, &job{name: name, every: every, fn: fn})
}

// RunDue runs, concurrently, every job that is due by the runner's clock and
// whose lease this runner can take, and waits for them. A job already running
// in this runner is skipped. It returns only store errors; a job's own error
// is logged and recorded in its State.
func (r *Runner) RunDue(ctx context.Context) error {
	return r.dispatch(ctx)()
}

// Start runs due jobs every tick, and once at once, until ctx ends or Stop
// is called. Calling Start on a started runner does nothing.
func (r *Runner) Start(ctx context.Context) {
	r.mu.Lock()
	if r.halted.Err() != nil {
		r.halted, r.halt = context.WithCancel(context.Background())
	}
	r.mu.Unlock()
	r.loop.Start(ctx)
}

// Stop ends Start's loop, ends the context of every running job and waits
// for them to return, so that a long job (a backfill walking years of
// records) does not hold a shutdown. A job that returns because it was
// stopped is recorded as not run: it stays due and runs again at the next
// start, which is why a job must be safe to run again from the beginning
// or resumable (a backfill records its position). A job that ignores its
// context is waited for.
func (r *Runner) Stop() {
	r.loop.Stop()
	r.mu.Lock()
	r.halt()
	r.mu.Unlock()
	r.running.Wait()
}

// States lists the recorded state of every job in the database, by name.
func (r *Runner) States(ctx context.Context) ([]State, error) {
	return r.coll.List(ctx, nil, store.Find{Sort: bson.D{{Key: "_id", Value: 1}}})
}

// dispatch starts a goroutine for each due job that is not running here and
// returns a function waiting for them and reporting their store errors.
func (r *Runner) dispatch(ctx context.Context) (wait func() error) {
	now := r.clock.Now()
	r.mu.Lock()
	var started []*job
	for _, j := range r.jobs {
		if !j.busy && !now.Before(j.notBefore) {
			j.busy = true
			started = append(started, j)
		}
	}
	r.running.Add(len(started))
	r.mu.Unlock()

	errc := make(chan error, len(started))
	for _, j := range started {
		go func() {
			defer r.running.Done()
			ran, err := r.runIfDue(ctx, j, now)
			r.mu.Lock()
			j.busy = false
			if ran && err == nil {
				j.notBefore = now.Add(j.every)
			}
			r.mu.Unlock()
			if err != nil && ctx.Err() == nil {
				r.log.Error("job store error", "job", j.name, "err", err)
			}
			errc <- err
		}()
	}
	return func() error {
		var all []error
		for range started {
			all = append(all, <-errc)
		}
		return errors.Join(all...)
	}
}

// runIfDue takes the job's lease if it is due, runs it and records the run.
func (r *Runner) runIfDue(ctx context.Context, j *job, now time.Time) (ran bool, err error) {
	ok, err := r.claim(ctx, j, now)
	if err != nil || !ok {
		return false, err
	}
	r.mu.Lock()
	halted := r.halted
	r.mu.Unlock()
	jctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(halted, cancel)()
	stopRenewing := r.renew(ctx, j)
	runErr := call(jctx, j.fn, now)
	stopRenewing()
	stopped := runErr != nil && halted.Err() != nil
	switch {
	case stopped:
		r.log.Info("job stopped before its end; it runs again at the next start", "job", j.name, "err", runErr)
	case runErr != nil:
		r.log.Error("job failed", "job", j.name, "err", runErr)
	}
	// The record is written even when ctx has ended, within a bound.
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer fcancel()
	return !stopped, r.finish(fctx, j, now, runErr, stopped)
}

// claim takes the job's lease when the job is due and nobody else holds it.
// The first claim of a job the database does not know inserts its document;
// two runners inserting at once are told apart by the unique _id.
func (r *Runner) claim(ctx context.Context, j *job, now time.Time) (bool, error) {
	filter := bson.D{
		{Key: "_id", Value: j.name},
		{Key: "next_run", Value: bson.D{{Key: "$lte", Value: now}}},
		{Key: "$or", Value: bson.A{
			bson.D{{Key: "lease_until", Value: bson.D{{Key: "$lt", Value: now}}}},
			bson.D{{Key: "lease_owner", Value: r.owner}},
		}},
	}
	update := bson.D{{Key: "$set", Value: bson.D{
		{Key: "lease_owner", Value: r.owner},
		{Key: "lease_until", Value: now.Add(r.lease)},
	}}}
	for {
		err := r.coll.Raw().FindOneAndUpdate(ctx, filter, update).Err()
		switch {
		case err == nil:
			j.ensured = true
			return true, nil
		case !store.IsNotFound(err):
			return false, err
		case j.ensured:
			return false, nil // not due, or another runner holds it
		}
		// The job may not exist yet: create it, due now and free, then try again.
		err = r.coll.Insert(ctx, State{Name: j.name, NextRun: now, LeaseUntil: epoch})
		if err != nil && !store.IsDuplicate(err) {
			return false, err
		}
		j.ensured = true
	}
}

// renew extends the lease every lease/3 while the job runs, so a job longer
// than its lease is not taken over by another runner.
func (r *Runner) renew(ctx context.Context, j *job) (stop func()) {
	l := loop.New(func(ctx context.Context, _ <-chan struct{}) {
		_, err := r.coll.Raw().UpdateOne(ctx, bson.D{{Key: "_id", Value: j.name}, {Key: "lease_owner", Value: r.owner}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "lease_until", Value: r.clock.Now().Add(r.lease)}}}})
		if err != nil && ctx.Err() == nil {
			r.log.Warn("job lease renewal failed", "job", j.name, "err", err)
		}
	}, loop.Options{Every: r.lease / 3, Later: true, Logger: r.log})
	l.Start(ctx)
	return l.Stop
}

// finish records the run, schedules the next one an interval after this
// one was due, and releases the lease. A stopped run only releases the
// lease: the job stays due.
func (r *Runner) finish(ctx context.Context, j *job, now time.Time, runErr error, stopped bool) error {
	set := bson.D{{Key: "lease_until", Value: epoch}}
	if !stopped {
		msg := ""
		if runErr != nil {
			msg = runErr.Error()
		}
		set = append(set, bson.E{Key: "last_run", Value: now}, bson.E{Key: "next_run", Value: now.Add(j.every)},
			bson.E{Key: "last_error", Value: msg})
	}
	_, err := r.coll.Raw().UpdateOne(ctx, bson.D{{Key: "_id", Value: j.name}, {Key: "lease_owner", Value: r.owner}},
		bson.D{{Key: "$set", Value: set}})
	return err
}

// call runs fn, turning a panic into an error so one bad job cannot take the
// process down.
func call(ctx context.Context, fn Func, now time.Time) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return fn(ctx, now)
}
