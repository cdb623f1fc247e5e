// Command quizburst runs the synchronized exam of issue 3 on the embedded
// store with the benchmark fixture loaded, against the whole service
// started in-process, and a raw-driver baseline at the same concurrency:
//
//	go run ./bench/cmd/quizburst                          # fresh store, fixture loaded first
//	go run ./bench/cmd/quizburst -from ./bench/out/data   # on a copy of a loaded fixture
//
// Phases, one after the other: (1) the app on the exam's schedule — every
// simulated CTV starts within 2 s, autosaves every 3 s three times, and all
// submit within a 10 s window; (2) the raw baseline on the same schedule on a
// fresh collection: one insert per start, one `_id` findOneAndUpdate per
// autosave and per submit; (3) and (4) the same two back to back with no
// waits (closed loop), where throughput is not bounded by the schedule. The
// closed loop uses other CTVs than the exam. Each phase starts on a freshly
// started store and service (same files) and is bounded (-phase-timeout).
// Logins happen before the measured phases, and so does the per-person
// books' backfill that a fresh copy of the fixture starts (-books). It prints per step n, errors,
// ops/s, p50 and p99 and the ratio app ÷ raw, the store commands each phase
// spent its time in, then PASS/FAIL per goal (the exit status does not
// depend on them).
//
// Who sits the exam (-mix): CTVs with attempts left at the course, in a
// seeded random order — first-timers and retakers as the fixture has them
// (realistic), or first-timers only (first).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ctvacademy/academy/bench/burst"
	"github.com/ctvacademy/academy/bench/cli"
	"github.com/ctvacademy/academy/bench/fixture"
	"github.com/ctvacademy/academy/modules/app"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/store"
	"github.com/ctvacademy/academy/modules/quizzes"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

type flags struct {
	cli.Flags
	users    int
	loadFix  bool
	course   string
	mix      string
	closed   bool
	seed     uint64
	phase    time.Duration
	app      bool
	rawDoc   string
	idIndex  bool
	books    bool
	commands int
}

func main() {
	var f flags
	flag.IntVar(&f.users, "users", 200, "simulated CTVs per phase")
	flag.IntVar(&f.commands, "commands", 8, "kinds of store command listed per phase, the costliest first")
	f.Register("the app's scheduled phase")
	flag.BoolVar(&f.loadFix, "fixture", true, "load the fixture first (skipped when the store holds it already)")
	flag.StringVar(&f.course, "course", "", "course of the exam (default: the catalog's newest, where the fixture leaves attempts)")
	flag.StringVar(&f.mix, "mix", "realistic", "who sits the exam: realistic (CTVs with attempts left, retakers included, as the fixture has them) or first (first attempts only)")
	flag.BoolVar(&f.closed, "closed", true, "also run the closed-loop phases")
	flag.Uint64Var(&f.seed, "seed", 7, "seed of the schedule, the selection and the answers")
	flag.DurationVar(&f.phase, "phase-timeout", 150*time.Second, "bound on each phase: requests not done by then count as errors")
	flag.BoolVar(&f.app, "app", true, "run the app's phases (false: the raw baseline only)")
	flag.StringVar(&f.rawDoc, "raw-doc", "slim", "raw baseline's document: slim (question ids and option order, as the quiz engine stores an attempt) or full (with the question texts and key, as it did before quiz_banks)")
	flag.BoolVar(&f.idIndex, "id-index", true, "add the embedded store's _id lookup indexes (store.IndexIDs) to the app's and the raw baseline's collections")
	flag.BoolVar(&f.books, "books", true, "wait until the per-person books' backfills have finished (and no job runs or is due) before the phases, as on a running service; false: the phases run beside the backfills")
	flag.Parse()
	f.Main("quizburst", func(ctx context.Context, rn cli.Run) error { return run(ctx, rn, f) })
}

func run(ctx context.Context, rn cli.Run, f flags) error {
	dir, mon, serverLog := rn.Dir, rn.Monitor, rn.Log
	stamp := strconv.FormatInt(time.Now().UnixNano(), 36)
	rawColls := []string{"bench_raw_burst_" + stamp, "bench_raw_closed_" + stamp}
	var indexed []string // collections the raw baseline writes, indexed as the app's are
	if f.idIndex {
		indexed = rawColls
	}
	s, err := burst.StartStack(ctx, burst.StackConfig{Dir: dir, Monitor: mon, Log: serverLog, IDIndex: f.idIndex, Extra: indexed})
	if err != nil {
		return err
	}
	defer func() { s.Close() }()
	fmt.Printf("embedded store in %s (driver pool of %d connection; _id lookup indexes: %v)\n", dir, store.EmbeddedPoolSize, f.idIndex)
	if f.loadFix {
		if err := cli.LoadFixture(ctx, s.DB); err != nil {
			return err
		}
	}

	// The first reminders of a fixture's certificates wait in the
	// outbox: sent now, not during a phase.
	if err := cli.Drain(ctx, s.DB, 15*time.Minute); err != nil {
		return err
	}
	// A running service filled its per-person books once, after the
	// upgrade that brought them; on a fresh copy of the fixture their
	// backfill jobs would write beside the phases, and a person's reads
	// fall back to scanning the session archive until they are done.
	if f.books {
		began := time.Now()
		if err := cli.WaitBooks(ctx, s, 15*time.Minute); err != nil {
			return err
		}
		fmt.Printf("per-person books complete after %s\n", time.Since(began).Round(100*time.Millisecond))
	}
	course, ok := s.App.Courses.Course(f.course)
	if f.course == "" {
		course, ok = fixture.NewestCourse(s.App.Courses), true
	}
	if !ok {
		return fmt.Errorf("no course %q", f.course)
	}
	burstSet, closedSet, err := pick(ctx, s.App, s.DB, course, f)
	if err != nil {
		return err
	}

	// Sign in before anything is measured.
	client := burst.NewClient(2*f.users, 2*time.Minute)
	t := time.Now()
	for _, set := range [][]person{burstSet, closedSet} {
		if err := login(ctx, client, s.Base, set); err != nil {
			return err
		}
	}
	fmt.Printf("signed in %d CTVs in %s (argon2id default parameters, 4 at a time)\n\n", len(burstSet)+len(closedSet), time.Since(t).Round(time.Millisecond))

	r := rand.New(rand.NewPCG(f.seed, 1))
	appTakers := func(ps []person) []burst.Taker {
		out := make([]burst.Taker, len(ps))
		for i, p := range ps {
			out[i] = &burst.AppTaker{Client: client, Base: s.Base, Token: p.token, Course: course.Code, Rand: rand.New(rand.NewPCG(r.Uint64(), 2))}
		}
		return out
	}
	rawTakers := func(coll string, ps []person) []burst.Taker {
		out := make([]burst.Taker, len(ps))
		for i, p := range ps {
			rr := rand.New(rand.NewPCG(r.Uint64(), 3))
			out[i] = &burst.RawTaker{Coll: s.DB.Collection(coll), Rand: rr, Full: f.rawDoc == "full",
				Attempt: quizzes.NewCycleAttempt(quizzes.AttemptKey{Collaborator: p.c.ID, Course: course.Code, Cycle: p.cycle, N: p.prior + 1}, p.c.AreaCode, course, time.Now(), rr)}
		}
		return out
	}
	defer func() {
		for _, c := range rawColls {
			_ = s.DB.Collection(c).Drop(context.Background())
		}
	}()

	where := map[string][]burst.CommandStats{}
	// Each phase runs on a freshly started store and service (same files):
	// what one phase's overload leaves behind — queued commands, a SQLite
	// connection left "interrupted" by cancelled queries — must not count
	// in the next.
	phase := func(name string, do func(ctx context.Context) burst.Result) burst.Result {
		s.Close()
		if s, err = burst.StartStack(ctx, burst.StackConfig{Dir: dir, Monitor: mon, Log: serverLog, IDIndex: f.idIndex, Extra: indexed}); err != nil {
			fmt.Fprintln(os.Stderr, "restart:", err)
			os.Exit(1)
		}
		warm(ctx, client, s.Base, burstSet[0].token)
		mon.Take()
		pctx, cancel := context.WithTimeout(ctx, f.phase)
		defer cancel()
		fmt.Printf("running: %s … (load average %s)\n", name, burst.LoadAvg())
		res := do(pctx)
		cut := ""
		if res.Cut {
			cut = fmt.Sprintf(", cut at the %s bound", f.phase)
		}
		fmt.Printf("  done in %s%s (load average %s)\n", res.Wall.Round(time.Millisecond), cut, burst.LoadAvg())
		where[name] = mon.Take()
		return res
	}
	startProfile, err := cli.OpenProfile(f.CPUProfile)
	if err != nil {
		return err
	}
	var appBurst, rawB, appClosed, rawC burst.Result
	if f.app {
		appBurst = phase("app, synchronized exam", func(ctx context.Context) burst.Result {
			if stop, err := startProfile(); err == nil {
				defer stop()
			}
			return burst.RunScheduled(ctx, "app", appTakers(burstSet), burst.Exam, f.seed)
		})
	}
	rawB = phase("raw driver, synchronized exam", func(ctx context.Context) burst.Result {
		return burst.RunScheduled(ctx, "raw", rawTakers(rawColls[0], burstSet), burst.Exam, f.seed)
	})
	if f.closed {
		if f.app {
			appClosed = phase("app, closed loop", func(ctx context.Context) burst.Result {
				return burst.RunClosed(ctx, "app", appTakers(closedSet), burst.Exam.Saves)
			})
		}
		rawC = phase("raw driver, closed loop", func(ctx context.Context) burst.Result {
			return burst.RunClosed(ctx, "raw", rawTakers(rawColls[1], closedSet), burst.Exam.Saves)
		})
	}

	fmt.Printf("\nmachine: %d CPUs (GOMAXPROCS %d), %s %s/%s; course %s; %d simulated CTVs per phase; raw documents %s\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH, course.Code, f.users, f.rawDoc)
	fmt.Println("ops/s counts successful requests per second over the step's span; errors include requests a phase's bound left unsent")
	fmt.Printf("\nsynchronized exam (all start within %s, autosave every %s ×%d, all submit within a %s window)\n",
		burst.Exam.StartSpread, burst.Exam.SaveEvery, burst.Exam.Saves, burst.Exam.SubmitWindow)
	table(appBurst, rawB)
	if f.closed {
		fmt.Printf("\nclosed loop (each CTV: start → %d autosaves → submit, back to back)\n", burst.Exam.Saves)
		table(appClosed, rawC)
	}
	errorsOf := func(r burst.Result) {
		for _, e := range r.FirstErrors {
			fmt.Printf("  %s error: %s\n", r.Name, e)
		}
	}
	errorsOf(appBurst)
	errorsOf(appClosed)
	errorsOf(rawB)
	errorsOf(rawC)
	fmt.Println("\nwhere the time goes: store commands during each phase (one connection: their durations add up to its busy time)")
	for _, name := range []string{"app, synchronized exam", "raw driver, synchronized exam", "app, closed loop", "raw driver, closed loop"} {
		rows := where[name]
		if len(rows) == 0 {
			continue
		}
		var total time.Duration
		for _, r := range rows {
			total += r.Total
		}
		fmt.Printf("  %s: %s in %d kinds of command\n", name, burst.Ms(total), len(rows))
		for i, r := range rows {
			if i == f.commands {
				break
			}
			fmt.Printf("    %-14s %-22s %5d× (%3d failed)  total %9s  mean %9s  max %9s\n", r.Command, r.Collection, r.N, r.Failed,
				burst.Ms(r.Total), burst.Ms(r.Total/time.Duration(max(1, r.N))), burst.Ms(r.Max))
		}
	}
	if !f.app {
		return nil
	}

	fmt.Println("\ngoals (embedded store, fixture loaded):")
	appErrs := appBurst.All.Errors + appClosed.All.Errors
	burst.Goal("0 errors", appErrs == 0, fmt.Sprintf("%d errors (exam %d, closed loop %d)", appErrs, appBurst.All.Errors, appClosed.All.Errors))
	burst.Goal("start p99 ≤ 500 ms", appBurst.Steps[burst.Start].P99 <= 500*time.Millisecond && appBurst.Steps[burst.Start].N > 0,
		p99Detail("exam start", appBurst.Steps[burst.Start], 500*time.Millisecond))
	burst.Goal("submit p99 ≤ 1 s", appBurst.Steps[burst.Submit].P99 <= time.Second && appBurst.Steps[burst.Submit].N > 0,
		p99Detail("exam submit", appBurst.Steps[burst.Submit], time.Second))
	if f.closed {
		ratio := appClosed.All.OpsPerSec / rawC.All.OpsPerSec
		burst.Goal("app throughput ≥ 0.5× raw", ratio >= 0.5,
			fmt.Sprintf("closed loop %.1f vs %.1f ops/s = %.2f× (exam, bounded by its schedule: %.2f×)", appClosed.All.OpsPerSec, rawC.All.OpsPerSec, ratio,
				appBurst.All.OpsPerSec/rawB.All.OpsPerSec))
	} else {
		burst.Goal("app throughput ≥ 0.5× raw", appBurst.All.OpsPerSec/rawB.All.OpsPerSec >= 0.5,
			fmt.Sprintf("exam %.2f× (bounded by the schedule; run the closed loop for a meaningful ratio)", appBurst.All.OpsPerSec/rawB.All.OpsPerSec))
	}
	fmt.Printf("\ntotal %s\n", time.Since(rn.Began).Round(time.Second))
	return nil
}

// person is a CTV of the fixture who sits the exam.
type person struct {
	c     collaborators.Collaborator
	prior int // earlier attempts at the course in its latest cycle
	cycle int // that cycle
	token string
}

// pick chooses the CTVs of the scheduled and of the closed-loop phases
// (disjoint): CTVs with attempts left at the course, in a seeded random
// order; with -mix first, only those with no attempt yet.
func pick(ctx context.Context, a *app.App, db *mongo.Database, course courses.Course, f flags) ([]person, []person, error) {
	ctvs, err := a.Collaborators.List(ctx, authz.All, collaborators.Filter{Role: authz.RoleCTV})
	if err != nil {
		return nil, nil, err
	}
	// Earlier attempts, from the ids of the graded ones: read once,
	// before anything is measured.
	cur, err := db.Collection("quiz_results").Find(ctx, bson.D{}, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, nil, err
	}
	var slots []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &slots); err != nil {
		return nil, nil, err
	}
	// prior counts the attempts of each person's latest cycle.
	prior, cycle := map[string]int{}, map[string]int{}
	for _, s := range slots {
		k, err := quizzes.ParseAttemptKey(s.ID)
		if err != nil || k.Course != course.Code || k.Cycle < cycle[k.Collaborator] {
			continue
		}
		if k.Cycle > cycle[k.Collaborator] {
			cycle[k.Collaborator], prior[k.Collaborator] = k.Cycle, 0
		}
		prior[k.Collaborator]++
	}
	var eligible []person
	for _, c := range ctvs {
		n := prior[c.ID]
		if n < course.Quiz.MaxAttempts && (f.mix != "first" || n == 0) {
			eligible = append(eligible, person{c: c, prior: n, cycle: max(cycle[c.ID], 1)})
		}
	}
	r := rand.New(rand.NewPCG(f.seed, 0x7069636b))
	r.Shuffle(len(eligible), func(i, j int) { eligible[i], eligible[j] = eligible[j], eligible[i] })
	need := f.users
	if f.closed {
		need *= 2
	}
	if len(eligible) < need {
		return nil, nil, fmt.Errorf("only %d of %d CTVs have attempts left at %s (mix %s); %d needed", len(eligible), len(ctvs), course.Code, f.mix, need)
	}
	burstSet, closedSet := eligible[:f.users], eligible[f.users:need]
	describe := func(name string, ps []person) {
		hist := map[int]int{}
		for _, p := range ps {
			hist[p.prior]++
		}
		var parts []string
		for k := 0; k < course.Quiz.MaxAttempts; k++ {
			if hist[k] > 0 {
				parts = append(parts, fmt.Sprintf("%d with %d earlier attempt(s)", hist[k], k))
			}
		}
		fmt.Printf("%s: %d CTVs at %s: %s\n", name, len(ps), course.Code, strings.Join(parts, ", "))
	}
	fmt.Printf("%d CTVs in the fixture, %d earlier attempts at %s (mix %s)\n", len(ctvs), total(prior), course.Code, f.mix)
	describe("exam", burstSet)
	if f.closed {
		describe("closed loop", closedSet)
	}
	return burstSet, closedSet, nil
}

// login signs every person in, four at a time (argon2id is the cost).
func login(ctx context.Context, c *http.Client, base string, ps []person) error {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	work := make(chan int)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				tok, err := burst.Login(ctx, c, base, ps[i].c.Email, fixture.Password)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("sign in %s: %w", ps[i].c.Email, err)
				}
				ps[i].token = tok
				mu.Unlock()
			}
		}()
	}
	for i := range ps {
		work <- i
	}
	close(work)
	wg.Wait()
	return firstErr
}

// warm makes one signed-in request, so that the service's caches (the
// registry) are loaded before a phase is measured.
func warm(ctx context.Context, c *http.Client, base, token string) {
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/me", nil)
	if err != nil {
		return
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err := c.Do(req); err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

func table(app, raw burst.Result) {
	fmt.Printf("  %-9s | %5s %4s %8s %9s %9s | %5s %4s %8s %9s %9s | %s\n",
		"step", "app n", "err", "ops/s", "p50", "p99", "raw n", "err", "ops/s", "p50", "p99", "app÷raw ops/s")
	row := func(name string, a, r burst.StepStats) {
		ratio := "-"
		if r.OpsPerSec > 0 {
			ratio = fmt.Sprintf("%.2f", a.OpsPerSec/r.OpsPerSec)
		}
		fmt.Printf("  %-9s | %5d %4d %8.1f %9s %9s | %5d %4d %8.1f %9s %9s | %s\n",
			name, a.N, a.Errors, a.OpsPerSec, burst.Ms(a.P50), burst.Ms(a.P99), r.N, r.Errors, r.OpsPerSec, burst.Ms(r.P50), burst.Ms(r.P99), ratio)
	}
	for _, s := range burst.Steps {
		row(s.String(), app.Steps[s], raw.Steps[s])
	}
	row("all", app.All, raw.All)
	if lag := max(app.All.MaxLag, raw.All.MaxLag); lag > 0 {
		fmt.Printf("  (largest delay of a request against its schedule: app %s, raw %s; app max latency %s)\n", burst.Ms(app.All.MaxLag), burst.Ms(raw.All.MaxLag), burst.Ms(app.All.Max))
	}
}

func p99Detail(name string, s burst.StepStats, limit time.Duration) string {
	if s.N == 0 {
		return fmt.Sprintf("%s: none sent within the phase's bound (%d not sent)", name, s.NotRun)
	}
	d := fmt.Sprintf("%s p99 %s (%s)", name, burst.Ms(s.P99), burst.Over(s.P99, limit))
	if s.NotRun > 0 {
		d += fmt.Sprintf(", %d more not sent within the phase's bound", s.NotRun)
	}
	return d
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
