// Package cli is what the benchmark commands on a fixture copy share: the
// end of their main, a run's directory, monitor and service log, a CPU
// profile, and the per-person books' backfills.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/ctvacademy/academy/bench/burst"
	"github.com/ctvacademy/academy/bench/fixture"
	"github.com/ctvacademy/academy/modules/app"
	"github.com/ctvacademy/academy/modules/platform/ledger"
	"github.com/ctvacademy/academy/modules/platform/mail"
	"github.com/ctvacademy/academy/modules/platform/store/embedded"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Main runs run and ends the process: status 1, with "name: error" on
// stderr, when it fails.
func Main(name string, run func() error) {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}

// Usage ends the process with status 2 and "name: message" on stderr:
// flags that do not make a run.
func Usage(name, format string, args ...any) {
	fmt.Fprintf(os.Stderr, name+": "+format+"\n", args...)
	os.Exit(2)
}

// MainOn is Main for a run on a fixture: it starts the run named name on
// data or a fresh copy of from (Start), calls run with a background
// context, and removes the copy after.
func MainOn(name, data, from string, run func(ctx context.Context, rn Run) error) {
	Main(name, func() error {
		rn, err := Start(name, data, from)
		if err != nil {
			return err
		}
		defer rn.Cleanup()
		return run(context.Background(), rn)
	})
}

// Flags are the flags of a run on a fixture: -data and -from (see Start),
// and -cpuprofile, the file of a CPU profile (see Profile).
type Flags struct {
	Data, From, CPUProfile string
}

// Register registers the flags; what names what -cpuprofile profiles.
func (f *Flags) Register(what string) {
	flag.StringVar(&f.Data, "data", "", "data directory to run on in place (changed by the run: what it writes, e.g. the per-person books' backfills, stays for the next run; default: a fresh temporary directory, removed at the end)")
	flag.StringVar(&f.From, "from", "", "data directory of a loaded fixture (go run ./bench/cmd/fixture -data DIR), copied into the run's data directory first")
	flag.StringVar(&f.CPUProfile, "cpuprofile", "", "write a CPU profile of "+what+" to this file")
}

// Main is MainOn on the flags' -data and -from.
func (f Flags) Main(name string, run func(ctx context.Context, rn Run) error) {
	MainOn(name, f.Data, f.From, run)
}

// LoadFixture loads the default fixture into db (its progress on stdout)
// unless db holds it already, and says how long the load took.
func LoadFixture(ctx context.Context, db *mongo.Database) error {
	fx := fixture.Default()
	fx.Log = os.Stdout
	rep, err := fixture.Load(ctx, db, fx)
	if err != nil {
		return err
	}
	if !rep.AlreadyLoaded {
		fmt.Printf("fixture loaded in %s\n", rep.Took.Round(time.Millisecond))
	}
	return nil
}

// Run is what a benchmark's run stands on.
type Run struct {
	// Began is when Start was called (before the copy of the fixture).
	Began time.Time
	// Dir is the data directory (burst.RunDir), Cleanup removes it when
	// it is a fresh copy.
	Dir     string
	Cleanup func()
	// Monitor samples the process; Log is the service's log: its warnings
	// and errors on stderr.
	Monitor *burst.Monitor
	Log     *slog.Logger
}

// Start makes the run named name on the data directory data, or on a fresh
// copy of from (burst.RunDir).
func Start(name, data, from string) (Run, error) {
	began := time.Now()
	dir, cleanup, err := burst.RunDir(name, data, from)
	if err != nil {
		return Run{}, err
	}
	return Run{Began: began, Dir: dir, Cleanup: cleanup, Monitor: burst.NewMonitor(),
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}, nil
}

// Profile writes a CPU profile to path from now until the returned stop
// is called; with no path it profiles nothing and stop does nothing.
func Profile(path string) (stop func(), err error) {
	start, err := OpenProfile(path)
	if err != nil {
		return nil, err
	}
	return start()
}

// OpenProfile creates the CPU profile's file at path now, so that a bad
// path fails before the run, and returns start, which begins the profile
// and returns its stop (which closes the file). With no path, start and
// stop do nothing.
func OpenProfile(path string) (start func() (stop func(), err error), err error) {
	if path == "" {
		return func() (func(), error) { return func() {}, nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return func() (func(), error) {
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, err
		}
		return func() { pprof.StopCPUProfile(); f.Close() }, nil
	}, nil
}

// Backfill is one per-person book's backfill as ledger_backfills records
// it: one document per book, Done once it has finished.
type Backfill struct {
	ID   string `bson:"_id"`
	Done bool   `bson:"done"`
}

// Backfills reads every per-person book's backfill.
func Backfills(ctx context.Context, db *mongo.Database) ([]Backfill, error) {
	cur, err := db.Collection(ledger.BackfillsColl).Find(ctx, bson.D{})
	if err != nil {
		return nil, err
	}
	var docs []Backfill
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	return docs, nil
}

// BooksDone reports whether the backfills of both per-person books
// (attendance and attempts) have started and finished.
func BooksDone(ctx context.Context, db *mongo.Database) (bool, error) {
	docs, err := Backfills(ctx, db)
	if err != nil {
		return false, err
	}
	return len(pendingBooks(docs)) == 0, nil
}

// FillBooks readies a loaded fixture for certification's nightly work, as
// a running service would have it: certification's collections exist
// with their `_id` lookup index (a running store's indexer adds it within
// a minute), and the modules' per-person book jobs ("-book") have run
// until BooksDone, at most runs times each.
func FillBooks(ctx context.Context, a *app.App, db *mongo.Database, dir string, runs int) error {
	for _, name := range []string{"certificates", "certificate_codes", "certification_version", "certification_jobs", "certification_dirty"} {
		_ = db.CreateCollection(ctx, name) // exists already: fine
	}
	if _, err := embedded.IndexIDs(ctx, filepath.Join(dir, "store"), db.Name()); err != nil {
		return err
	}
	for _, m := range a.Modules {
		for _, j := range m.Jobs() {
			if !strings.HasSuffix(j.Name, "-book") {
				continue
			}
			for range runs {
				if err := j.Run(ctx, time.Now()); err != nil {
					return fmt.Errorf("%s: %w", j.Name, err)
				}
				if done, err := BooksDone(ctx, db); err != nil || done {
					break
				}
			}
		}
	}
	return nil
}

// FillBooksThenProfile runs FillBooks, says how long the books took, and
// starts a CPU profile to path (Profile): what the caller measures next
// is profiled, the books' backfills not.
func FillBooksThenProfile(ctx context.Context, a *app.App, db *mongo.Database, dir string, runs int, path string) (stop func(), err error) {
	t := time.Now()
	if err := FillBooks(ctx, a, db, dir, runs); err != nil {
		return nil, err
	}
	fmt.Printf("per-person books complete after %s\n", time.Since(t).Round(time.Millisecond))
	return Profile(path)
}

// Queued is how many mails wait in the outbox, or wait for their bodies
// to be deleted after delivery. A fixture whose certificates were issued
// (fixture -certificates) holds their first reminders, thousands of them:
// the worker sending them at start-up, and deleting their bodies after,
// would be measured with whatever runs beside it.
func Queued(ctx context.Context, db *mongo.Database) (int64, error) {
	var n int64
	for _, c := range []string{mail.OutboxCollection, mail.BodiesCollection} {
		k, err := db.Collection(c).CountDocuments(ctx, bson.D{})
		if err != nil {
			return 0, err
		}
		n += k
	}
	return n, nil
}

// Drain waits until the outbox is empty (the service's worker sends what
// is queued), at most within; it prints how long it waited when it did.
func Drain(ctx context.Context, db *mongo.Database, within time.Duration) error {
	began := time.Now()
	for {
		n, err := Queued(ctx, db)
		if err != nil || n == 0 {
			if err == nil && time.Since(began) > time.Second {
				fmt.Printf("outbox drained in %s\n", time.Since(began).Round(100*time.Millisecond))
			}
			return err
		}
		if time.Since(began) > within {
			return fmt.Errorf("%d mails still queued after %s", n, within)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// knownBooks are the per-person books whose backfills the benchmarks wait
// for: a book whose backfill has not started yet has no document in
// ledger_backfills and is not complete.
var knownBooks = []string{"attendance_by_person", "attempts_by_person"}

// pendingBooks names the backfills of docs not yet complete, and the
// known books whose backfill has not started.
func pendingBooks(docs []Backfill) []string {
	var pending []string
	for _, b := range knownBooks {
		if !slices.ContainsFunc(docs, func(d Backfill) bool { return d.ID == b }) {
			pending = append(pending, b+" (not started)")
		}
	}
	for _, d := range docs {
		if !d.Done {
			pending = append(pending, d.ID)
		}
	}
	return pending
}

// WaitBooks waits until no job runs or is due, and the known books' backfills (ledger_backfills,
// one document per book, done when finished), every other backfill that
// document collection records, and the archived sessions' index (the
// head of sessions_index, done when finished) are complete, and the mail
// outbox is empty (a fixture's certificates queue their first reminders).
func WaitBooks(ctx context.Context, s *burst.Stack, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		pending, err := pendingBackfills(ctx, s)
		if err != nil {
			return err
		}
		if len(pending) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("backfills not finished within %s: %v", within, pending)
		}
		time.Sleep(time.Second)
	}
}

// pendingBackfills names the backfills not yet complete.
func pendingBackfills(ctx context.Context, s *burst.Stack) ([]string, error) {
	docs, err := Backfills(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	pending := pendingBooks(docs)
	// A job running or due (certification's nightly reconcile runs at
	// start-up) would be measured with what the benchmark measures.
	states, err := s.App.Jobs.States(ctx)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	for _, j := range states {
		if j.LeaseUntil.After(now) || !j.NextRun.After(now) {
			pending = append(pending, "job "+j.Name)
		}
	}
	if n, err := Queued(ctx, s.DB); err != nil {
		return nil, err
	} else if n > 0 {
		pending = append(pending, fmt.Sprintf("mail_outbox (%d queued or bodies to delete)", n))
	}
	var head struct {
		Done bool `bson:"done"`
	}
	err = s.DB.Collection("sessions_index").FindOne(ctx, bson.D{{Key: "_id", Value: "head"}}).Decode(&head)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		pending = append(pending, "sessions_index (not started)")
	case err != nil:
		return nil, err
	case !head.Done:
		pending = append(pending, "sessions_index")
	}
	return pending, nil
}
