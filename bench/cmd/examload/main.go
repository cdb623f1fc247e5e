// Command examload runs the exam load of issue 8 on the embedded store with
// the benchmark fixture loaded: a thousand CTVs take a 30-minute quiz with
// an autosave every 30 s while coordinators and leadership browse every
// staff page beside them, with time compressed by -factor.
//
//	go run ./bench/cmd/fixture -data ./bench/out/data           # once
//	go run ./bench/cmd/examload -from ./bench/out/data -factor 10
//
// The run adds its own people (examload.AddPeople: 1,000 CTVs with accounts
// in ten bench units) and a bench-only course (examload.CourseCode, served
// beside the product's catalog), through the services, on a copy of the
// fixture, so the fixture's history stays as it is.
//
// The timeline, in exam time (divided by -factor in real time): each taker
// starts at a random moment of the first 5 minutes, autosaves every 30 s
// (answering a growing share of the questions) and submits 20–29 minutes
// after starting. Browsers (-browsers, half coordinators, half leadership)
// each open one staff page after another, thinking -think between two pages
// (also compressed). -span cuts the timeline after that much real time.
//
// It prints start-up to ready, per route n, errors, p50, p95, p99 and max,
// the peak memory of the process (service, embedded store and load
// generator together), where the store's time went, and PASS/FAIL per goal.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ctvacademy/academy/bench/burst"
	"github.com/ctvacademy/academy/bench/cli"
	"github.com/ctvacademy/academy/bench/examload"
	"github.com/ctvacademy/academy/bench/fixture"
	"github.com/ctvacademy/academy/modules/quizzes"
)

type flags struct {
	cli.Flags
	users    int
	factor   float64
	span     time.Duration
	browsers int
	think    time.Duration
	seed     uint64
}

func main() {
	var f flags
	f.Register("the timeline")
	flag.IntVar(&f.users, "users", 1000, "CTVs taking the exam")
	flag.Float64Var(&f.factor, "factor", 10, "time compression: exam time ÷ real time")
	flag.DurationVar(&f.span, "span", 0, "stop after this much real time (0: the whole timeline)")
	flag.IntVar(&f.browsers, "browsers", 4, "staff browsing pages beside the exam (half coordinators, half leadership)")
	flag.DurationVar(&f.think, "think", 10*time.Second, "exam time a browser spends on a page before the next")
	flag.Uint64Var(&f.seed, "seed", 8, "seed of the timeline and the answers")
	flag.Parse()
	if f.Data == "" && f.From == "" {
		cli.Usage("examload", "give -from <fixture data dir> (or -data); load the fixture with go run ./bench/cmd/fixture")
	}
	f.Main("examload", func(ctx context.Context, rn cli.Run) error { return run(ctx, rn, f) })
}

// samples holds the latencies of each route, and its errors.
type samples struct {
	mu   sync.Mutex
	d    map[string][]time.Duration
	errs map[string]int
	last map[string]string
}

func (s *samples) add(route string, d time.Duration, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.errs[route]++
		s.last[route] = err.Error()
		return
	}
	s.d[route] = append(s.d[route], d)
}

func run(ctx context.Context, rn cli.Run, f flags) error {
	mon := rn.Monitor
	fmt.Printf("machine: %d CPUs, %s %s/%s; load average %s\n", runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, burst.LoadAvg())

	began := time.Now()
	// The service's store indexes `_id` of collections created since start
	// within a minute (store.Open's indexer); the fixture has no live
	// attempts, so their collections are made and indexed before serving,
	// as they are on a service that has run an exam before.
	live := []string{"quiz_attempts", "quiz_answers", "quiz_slots", "quiz_progress", "quiz_summaries", "quiz_unit_results"}
	s, err := burst.StartStack(ctx, burst.StackConfig{Dir: rn.Dir, Monitor: mon, Log: rn.Log, IDIndex: true, Extra: live,
		Courses: examload.Courses()})
	if err != nil {
		return err
	}
	defer func() { s.Close() }()
	client := burst.NewClient(f.users+f.browsers, 60*time.Second)
	if err := waitReady(ctx, client, s.Base); err != nil {
		return err
	}
	startup := time.Since(began)
	fmt.Printf("start-up to ready (embedded store, indexes, service, /readyz 200): %s\n", burst.Ms(startup))
	areas, err := s.App.Collaborators.Areas(ctx)
	if err != nil {
		return err
	}
	if len(areas) < 100 {
		return fmt.Errorf("the store holds %d district units: load the fixture first (go run ./bench/cmd/fixture)", len(areas))
	}

	t := time.Now()
	if err := examload.AddPeople(ctx, s.DB, s.App.Collaborators, f.users); err != nil {
		return fmt.Errorf("bench people: %w", err)
	}
	tokens := make([]string, f.users)
	var wg sync.WaitGroup
	var loginErr atomic.Value
	sem := make(chan struct{}, 8)
	for i := range tokens {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer func() { <-sem; wg.Done() }()
			tok, _, err := s.App.Accounts.Login(ctx, examload.Email(i), examload.Password)
			if err != nil {
				loginErr.Store(err)
			}
			tokens[i] = tok
		}(i)
	}
	wg.Wait()
	if err, _ := loginErr.Load().(error); err != nil {
		return fmt.Errorf("signing in the takers: %w", err)
	}
	coord, err := burst.Login(ctx, client, s.Base, fixture.CoordinatorEmail, fixture.Password)
	if err != nil {
		return fmt.Errorf("coordinator: %w", err)
	}
	lead, err := burst.Login(ctx, client, s.Base, fixture.LeadershipEmail, fixture.Password)
	if err != nil {
		return fmt.Errorf("leadership: %w", err)
	}
	pages, err := staffPages(ctx, client, s.Base, coord)
	if err != nil {
		return err
	}
	fmt.Printf("bench people and sign-in: %d takers in %s; %d staff pages to browse\n", f.users, burst.Ms(time.Since(t)), len(pages.coordinator))
	mon.Take()

	stop, err := cli.Profile(f.CPUProfile)
	if err != nil {
		return err
	}
	defer stop()

	scale := func(d time.Duration) time.Duration { return time.Duration(float64(d) / f.factor) }
	r := rand.New(rand.NewPCG(f.seed, 0x6578616d))
	type plan struct{ start, submit time.Duration }
	plans := make([]plan, f.users)
	var end time.Duration
	for i := range plans {
		st := time.Duration(r.Int64N(int64(5 * time.Minute)))
		plans[i] = plan{start: scale(st), submit: scale(st + 20*time.Minute + time.Duration(r.Int64N(int64(9*time.Minute))))}
		end = max(end, plans[i].submit)
	}
	if f.span > 0 && f.span < end {
		end = f.span
	}
	fmt.Printf("timeline: factor %.1f, %s of real time (exam time %s); load average %s\n", f.factor, burst.Ms(end),
		(time.Duration(float64(end) * f.factor)).Round(time.Second), burst.LoadAvg())

	rec := &samples{d: map[string][]time.Duration{}, errs: map[string]int{}, last: map[string]string{}}
	runCtx, stop := context.WithTimeout(ctx, end+2*time.Minute)
	defer stop()
	t0 := time.Now()
	deadline := t0.Add(end)
	var peakHeap atomic.Uint64
	memDone := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peakHeap.Load() {
				peakHeap.Store(ms.HeapInuse)
			}
			select {
			case <-memDone:
				return
			case <-tick.C:
			}
		}
	}()
	var started, submitted atomic.Int64
	var takers sync.WaitGroup
	for i := range plans {
		takers.Add(1)
		go func(i int) {
			defer takers.Done()
			tk := taker{c: client, base: s.Base, token: tokens[i], r: rand.New(rand.NewPCG(f.seed, uint64(i)))}
			if !sleepUntil(runCtx, t0.Add(plans[i].start), deadline) {
				return
			}
			if err := timed(rec, "POST /api/v1/courses/:code/attempts", func() error { return tk.start(runCtx) }); err != nil {
				return
			}
			started.Add(1)
			submitAt := t0.Add(plans[i].submit)
			for k := 1; ; k++ {
				next := t0.Add(plans[i].start + scale(time.Duration(k)*30*time.Second))
				if next.After(submitAt) {
					break
				}
				if !sleepUntil(runCtx, next, deadline) {
					return
				}
				share := min(1, float64(k)/45)
				_ = timed(rec, "PUT /api/v1/attempts/:id/answers", func() error { return tk.save(runCtx, share) })
			}
			if !sleepUntil(runCtx, submitAt, deadline) {
				return
			}
			if timed(rec, "POST /api/v1/attempts/:id/submit", func() error { return tk.submit(runCtx) }) == nil {
				submitted.Add(1)
			}
		}(i)
	}
	browsing := make(chan struct{})
	var browsers sync.WaitGroup
	for b := 0; b < f.browsers; b++ {
		browsers.Add(1)
		go func(b int) {
			defer browsers.Done()
			token := coord
			list := pages.coordinator
			if b%2 == 1 {
				token, list = lead, pages.leadership
			}
			br := rand.New(rand.NewPCG(f.seed, 0x62726f77+uint64(b)))
			for k := br.IntN(len(list)); ; k++ {
				select {
				case <-browsing:
					return
				case <-time.After(scale(f.think/2 + time.Duration(br.Int64N(int64(f.think))))):
				}
				pg := list[k%len(list)]
				_ = timed(rec, "page "+pg.route, func() error {
					return burst.Call(runCtx, client, "GET", s.Base+pg.path, token, nil, http.StatusOK, nil)
				})
			}
		}(b)
	}
	takers.Wait()
	close(browsing)
	browsers.Wait()
	wall := time.Since(t0)
	close(memDone)
	where := mon.Take()

	fmt.Printf("\nran %s: %d started, %d submitted; load average %s\n\n", burst.Ms(wall), started.Load(), submitted.Load(), burst.LoadAvg())
	fmt.Printf("| route | n | err | p50 | p95 | p99 | max |\n|---|---|---|---|---|---|---|\n")
	routes := make([]string, 0, len(rec.d)+len(rec.errs))
	seen := map[string]bool{}
	for k := range rec.d {
		routes, seen[k] = append(routes, k), true
	}
	for k := range rec.errs {
		if !seen[k] {
			routes = append(routes, k)
		}
	}
	sort.Strings(routes)
	var errors int
	worstPage, worstQuiz := time.Duration(0), time.Duration(0)
	for _, k := range routes {
		ds := rec.d[k]
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		p99 := burst.Percentile(ds, 0.99)
		var mx time.Duration
		if len(ds) > 0 {
			mx = ds[len(ds)-1]
		}
		fmt.Printf("| %s | %d | %d | %s | %s | %s | %s |\n", k, len(ds), rec.errs[k], burst.Ms(burst.Percentile(ds, 0.5)),
			burst.Ms(burst.Percentile(ds, 0.95)), burst.Ms(p99), burst.Ms(mx))
		errors += rec.errs[k]
		if strings.HasPrefix(k, "page ") {
			worstPage = max(worstPage, p99)
		} else if !strings.Contains(k, "/courses/") {
			worstQuiz = max(worstQuiz, p99)
		}
	}
	for k, e := range rec.last {
		fmt.Printf("last error of %s: %s\n", k, e)
	}
	hwm := vmHWM()
	fmt.Printf("\npeak memory: resident %s (VmHWM of the process: service, embedded store and load generator), Go heap in use %d MiB\n",
		hwm, peakHeap.Load()>>20)
	fmt.Printf("\nwhere the store's time went (one connection; %s of %s wall):\n", burst.Ms(totalOf(where)), burst.Ms(wall))
	for i, c := range where {
		if i == 10 {
			break
		}
		fmt.Printf("  %-16s %-22s n=%-6d total %-9s max %s\n", c.Command, c.Collection, c.N, burst.Ms(c.Total), burst.Ms(c.Max))
	}
	fmt.Printf("\ngoals at factor %.1f:\n", f.factor)
	burst.Goal("0 errors", errors == 0, fmt.Sprintf("%d", errors))
	burst.Goal("autosave and submit p99 ≤ 250 ms", worstQuiz <= 250*time.Millisecond, burst.Ms(worstQuiz))
	burst.Goal("every page p99 ≤ 200 ms", worstPage <= 200*time.Millisecond, burst.Ms(worstPage))
	burst.Goal("start-up to ready ≤ 3 s", startup <= 3*time.Second, burst.Ms(startup))
	return nil
}

func totalOf(cs []burst.CommandStats) time.Duration {
	var t time.Duration
	for _, c := range cs {
		t += c.Total
	}
	return t
}

func timed(rec *samples, route string, f func() error) error {
	t := time.Now()
	err := f()
	rec.add(route, time.Since(t), err)
	return err
}

// sleepUntil waits for at, and says false when at is past the deadline or
// the run was stopped.
func sleepUntil(ctx context.Context, at, deadline time.Time) bool {
	if at.After(deadline) {
		return false
	}
	select {
	case <-ctx.Done():
		return false
	case <-time.After(time.Until(at)):
		return true
	}
}

func waitReady(ctx context.Context, c *http.Client, base string) error {
	for i := 0; i < 600; i++ {
		if resp, err := c.Get(base + "/readyz"); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	return fmt.Errorf("not ready after 3 s")
}

func vmHWM() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
		}
	}
	return "?"
}

// taker takes the bench course's quiz through the API.
type taker struct {
	c         *http.Client
	base      string
	token     string
	r         *rand.Rand
	id        string
	questions []quizzes.TakerQuestion
}

func (t *taker) start(ctx context.Context) error {
	var v quizzes.AttemptView
	err := burst.Call(ctx, t.c, "POST", t.base+"/api/v1/courses/"+examload.CourseCode+"/attempts", t.token, nil, http.StatusCreated, &v)
	t.id, t.questions = v.ID, v.Questions
	return err
}

func (t *taker) answers(share float64) map[string][]string {
	out := map[string][]string{}
	n := int(share * float64(len(t.questions)))
	for _, q := range t.questions[:n] {
		out[q.ID] = []string{q.Options[t.r.IntN(len(q.Options))].ID}
	}
	return out
}

func (t *taker) save(ctx context.Context, share float64) error {
	return burst.Call(ctx, t.c, "PUT", t.base+"/api/v1/attempts/"+url.PathEscape(t.id)+"/answers", t.token,
		quizzes.AnswersBody{Answers: t.answers(share)}, http.StatusOK, nil)
}

func (t *taker) submit(ctx context.Context) error {
	return burst.Call(ctx, t.c, "POST", t.base+"/api/v1/attempts/"+url.PathEscape(t.id)+"/submit", t.token,
		quizzes.AnswersBody{Answers: t.answers(1)}, http.StatusOK, nil)
}

type page struct{ route, path string }

type pageSet struct{ coordinator, leadership []page }

// idList is a page of an API list, read for its items' ids.
type idList struct {
	Items []struct {
		ID string `json:"id"`
	} `json:"items"`
}

// staffPages lists every staff page with concrete ids from the fixture:
// the home page, the week of sessions, a session, its roster and check-in
// screen, the course list and a course, its quiz results, the registry and
// a person, the outbox, and the bench course as the takers see it.
func staffPages(ctx context.Context, c *http.Client, base, token string) (pageSet, error) {
	var sessions idList
	if err := burst.Call(ctx, c, "GET", base+"/api/v1/sessions?limit=3", token, nil, http.StatusOK, &sessions); err != nil {
		return pageSet{}, fmt.Errorf("sessions: %w", err)
	}
	var people idList
	if err := burst.Call(ctx, c, "GET", base+"/api/v1/collaborators?limit=1", token, nil, http.StatusOK, &people); err != nil {
		return pageSet{}, fmt.Errorf("collaborators: %w", err)
	}
	common := []page{{"/", "/"}, {"/sessions", "/sessions"}, {"/courses", "/courses"}, {"/courses/:code", "/courses/KC-101"},
		{"/collaborators", "/collaborators"}}
	if len(people.Items) > 0 {
		common = append(common, page{"/collaborators/:id", "/collaborators/" + people.Items[0].ID})
	}
	for _, s := range sessions.Items {
		common = append(common, page{"/sessions/:id", "/sessions/" + url.PathEscape(s.ID)})
	}
	coord := append([]page{}, common...)
	coord = append(coord, page{"/sessions/new", "/sessions/new"}, page{"/outbox", "/outbox"})
	for _, s := range sessions.Items {
		coord = append(coord, page{"/sessions/:id/roster", "/sessions/" + url.PathEscape(s.ID) + "/roster"},
			page{"/sessions/:id/checkin-screen", "/sessions/" + url.PathEscape(s.ID) + "/checkin-screen"})
	}
	// Pages added by later issues (results, reports) join here as they land.
	return pageSet{coordinator: coord, leadership: common}, nil
}
