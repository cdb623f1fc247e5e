// Command fanout runs the invitation fan-out of issue 4 on the embedded
// store with the benchmark fixture loaded, against the whole service
// started in-process and a real SMTP server on loopback:
//
//	go run ./bench/cmd/fanout                                  # fresh store, fixture loaded first
//	go run ./bench/cmd/fanout -from ./bench/out/fanout-data    # on a copy of a loaded fixture
//
// The coordinator of the fixture creates -sessions upcoming sessions and
// invites -n collaborators in all (collaborator_ids, one request per
// session, back to back) through the HTTP API; the service queues the
// invitation mails in its outbox and its mail worker delivers them over SMTP
// to the catcher (bench/fanout), which parses each one for its RSVP link.
// Measured: from the first invitation request to the n-th invitation
// received, and each request's own latency. Beside it, from the first
// request until the last invitation arrives: RSVP answers (POST
// /rsvp/{token}, answer=accept|decline, no sign-in, tokens taken from the
// mails as they arrive) and attendance marks (PUT
// /api/v1/sessions/{id}/attendance by the coordinator, one invitee a
// request, as on the phone roster) at steady rates, each by a few clients
// (by default 4 answers a second by 4 browsers, each opening the link first,
// and 1 mark a second by 2 phones; -rsvp-rate 20 -mark-rate 5 is a stress
// the embedded store cannot serve at 100 ms).
// Attendance is taken at a class going on now (-marks-on ongoing: two
// sessions started half an hour ago, 30 invitees each, invited before the
// measurement) or at the fan-out's own sessions, which then start in 20
// minutes (-marks-on fanout). It prints n, errors, ops/s, p50, p99 for each,
// the store commands of the window by collection, and PASS/FAIL per goal
// (the exit status does not depend on them).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"runtime"
	"sync"
	"time"

	"github.com/ctvacademy/academy/bench/burst"
	"github.com/ctvacademy/academy/bench/cli"
	"github.com/ctvacademy/academy/bench/fanout"
	"github.com/ctvacademy/academy/bench/fixture"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/mail"
	"github.com/ctvacademy/academy/modules/platform/store"
	"github.com/ctvacademy/academy/modules/scheduling"
)

type flags struct {
	cli.Flags
	n, sessions     int
	loadFix         bool
	idIndex         bool
	rsvpClients     int
	rsvpRate        float64
	decline         float64
	markClients     int
	markRate        float64
	marksOn         string
	mailConcurrency int
	mailLinger      time.Duration
	timeout         time.Duration
	seed            uint64
}

// Goals of issue 4 on the embedded store.
const (
	goalDelivered = 10 * time.Second
	goalP99       = 100 * time.Millisecond
)

func main() {
	var f flags
	flag.IntVar(&f.n, "n", 500, "invitations of the fan-out, in all")
	flag.IntVar(&f.sessions, "sessions", 2, "upcoming sessions they are spread over (one invitation request each; at most 500 invitees a session)")
	f.Register("the fan-out window")
	flag.BoolVar(&f.loadFix, "fixture", true, "load the fixture first (skipped when the store holds it already)")
	flag.BoolVar(&f.idIndex, "id-index", true, "add the embedded store's _id lookup indexes (store.IndexIDs) after Setup and the fixture load (false measures without them only on a store this command loads: one loaded by bench/cmd/fixture has them already)")
	flag.IntVar(&f.rsvpClients, "rsvp-clients", 4, "concurrent RSVP clients")
	flag.Float64Var(&f.rsvpRate, "rsvp-rate", 4, "RSVP answers per second, all clients together (as tokens arrive; 0: none)")
	flag.Float64Var(&f.decline, "decline", 0.2, "share of RSVP answers that decline")
	flag.IntVar(&f.markClients, "mark-clients", 2, "concurrent attendance clients (the coordinator's phones)")
	flag.Float64Var(&f.markRate, "mark-rate", 1, "attendance marks per second, all clients together (0: none)")
	flag.StringVar(&f.marksOn, "marks-on", "ongoing", "where attendance is taken: ongoing (two classes going on now, 30 invitees each) or fanout (the fan-out's sessions, starting in 20 minutes)")
	flag.IntVar(&f.mailConcurrency, "mail-concurrency", 0, "mail worker's concurrent sends (0: the service's default, mail.DefaultConcurrency; app.Config has no setting)")
	flag.DurationVar(&f.mailLinger, "mail-linger", 0, "mail worker's wait before leasing again after a short batch (0: the service's default, mail.DefaultLinger; negative: none)")
	flag.DurationVar(&f.timeout, "timeout", 2*time.Minute, "bound on the fan-out: invitations not received by then count as undelivered")
	flag.Uint64Var(&f.seed, "seed", 4, "seed of the choice of invitees, answers and marks")
	flag.Parse()
	if f.marksOn != "ongoing" && f.marksOn != "fanout" {
		cli.Usage("fanout", "-marks-on must be ongoing or fanout")
	}
	if f.sessions < 1 || f.n < f.sessions || (f.n+f.sessions-1)/f.sessions > scheduling.MaxInvitations {
		cli.Usage("fanout", "-n %d over -sessions %d: each session holds 1 to %d invitees", f.n, f.sessions, scheduling.MaxInvitations)
	}
	f.Main("fanout", func(ctx context.Context, rn cli.Run) error { return run(ctx, rn, f) })
}

func run(ctx context.Context, rn cli.Run, f flags) error {
	catcher, err := fanout.StartCatcher()
	if err != nil {
		return err
	}
	defer catcher.Close()

	mon := rn.Monitor
	s, err := startStack(ctx, rn.Dir, mon, rn.Log, catcher.URL(), f)
	if err != nil {
		return err
	}
	defer s.Close()

	coordToken, err := burst.Login(ctx, s.client, s.Base, fixture.CoordinatorEmail, fixture.Password)
	if err != nil {
		return fmt.Errorf("coordinator sign-in: %w", err)
	}
	all, err := s.App.Collaborators.List(ctx, authz.All, collaborators.Filter{})
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(f.seed, 0x66616e))
	r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	extra := 0
	if f.marksOn == "ongoing" {
		extra = 60
	}
	if len(all) < f.n+extra {
		return fmt.Errorf("the registry has %d collaborators; %d needed", len(all), f.n+extra)
	}
	invitees, others := all[:f.n], all[f.n:]

	// The fan-out's sessions, and the classes where attendance is taken.
	now := time.Now()
	fanStart := now.AddDate(0, 0, 7).Truncate(time.Hour)
	if f.marksOn == "fanout" {
		fanStart = now.Add(20 * time.Minute)
	}
	per := (f.n + f.sessions - 1) / f.sessions
	type target struct {
		id     string
		people []string
	}
	var fan []target
	for i := range f.sessions {
		id, err := createSession(ctx, s, coordToken, fmt.Sprintf("Tập huấn toàn mạng lưới — lớp %d", i+1), fanStart)
		if err != nil {
			return err
		}
		t := target{id: id}
		for _, c := range invitees[i*per : min((i+1)*per, f.n)] {
			t.people = append(t.people, c.ID)
		}
		fan = append(fan, t)
	}
	var marksAt []target
	if f.marksOn == "fanout" {
		marksAt = fan
	} else {
		before := catcher.Len()
		for i := range 2 {
			id, err := createSession(ctx, s, coordToken, fmt.Sprintf("Sinh hoạt chuyên đề — lớp %d", i+1), now.Add(-30*time.Minute))
			if err != nil {
				return err
			}
			t := target{id: id}
			for _, c := range others[i*30 : (i+1)*30] {
				t.people = append(t.people, c.ID)
			}
			if err := invite(ctx, s, coordToken, t.id, t.people); err != nil {
				return err
			}
			marksAt = append(marksAt, t)
		}
		// Their invitations are delivered before anything is measured.
		if err := waitFor(ctx, catcher, func() bool { return catcher.Len() >= before+60 }, time.Minute); err != nil {
			return fmt.Errorf("the ongoing classes' 60 invitations: %d received: %w", catcher.Len()-before, err)
		}
	}
	warm(ctx, s, coordToken)
	fmt.Printf("setting: %d invitations over %d sessions of ≤%d (starting %s); RSVP %d clients at %.0f/s (%.0f%% decline); attendance %d clients at %.0f/s on %s sessions (one line a request)\n",
		f.n, f.sessions, per, fanStart.Format(time.RFC3339), f.rsvpClients, f.rsvpRate, 100*f.decline, f.markClients, f.markRate, f.marksOn)
	fmt.Printf("mail worker: %d concurrent sends, lease batch %d, linger %s (%s); SMTP %s (loopback: no TLS, the sender's default policy for a local catcher)\n",
		s.concurrency, 4*s.concurrency, s.linger, s.concurrencyFrom, catcher.URL())

	// The fan-out.
	// The invitations' Message-IDs, as the outbox makes them from their keys.
	want := map[string]bool{}
	for _, t := range fan {
		for _, cid := range t.people {
			key := scheduling.NoticeKey(scheduling.NoticeInvite, scheduling.Session{ID: t.id}, cid)
			want[mail.MessageID(key, mail.Address{Email: s.App.Config.MailFrom})] = true
		}
	}
	isFan := func(m fanout.Mail) bool { return want[m.MessageID] }
	var (
		mu       sync.Mutex
		arrivals []time.Time
		seen     = map[string]bool{}
	)
	tokens := make(chan string, f.n)
	catcher.Watch(func(m fanout.Mail) {
		if !isFan(m) {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if seen[m.MessageID] {
			return
		}
		seen[m.MessageID] = true
		arrivals = append(arrivals, m.At)
		if m.Token != "" {
			select {
			case tokens <- m.Token:
			default:
			}
		}
	})
	delivered := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(arrivals)
	}

	client := fanout.NewClient(f.rsvpClients+f.markClients+2, 30*time.Second)
	// RSVP clients are browsers: they open the link (GET, which also sets
	// the form's CSRF cookie) and post the answer with the page's token.
	// Each has its cookies of its own: with one jar, two first visits at
	// once each got a CSRF cookie, the jar kept one, and the other's answer
	// was refused (403).
	browsers := make([]*http.Client, f.rsvpClients)
	for i := range browsers {
		browsers[i] = fanout.NewClient(1, 30*time.Second)
		browsers[i].Jar, _ = cookiejar.New(nil)
	}
	// The lane paces the clients (page + answer); each request is recorded
	// on its own.
	rsvp := &fanout.Lane{Name: "RSVP", Clients: f.rsvpClients, Rate: f.rsvpRate}
	page := &fanout.Lane{Name: "RSVP page (GET)"}
	answer := &fanout.Lane{Name: "RSVP answer (POST)"}
	rr := rand.New(rand.NewPCG(f.seed, 0x72737670))
	var rmu sync.Mutex
	answers := map[string]int{}
	rsvp.Next = func(ctx context.Context, i int) func(context.Context) error {
		browser := browsers[i]
		var tok string
		select {
		case tok = <-tokens:
		case <-ctx.Done():
			return nil
		}
		rmu.Lock()
		choice := "accept"
		if rr.Float64() < f.decline {
			choice = "decline"
		}
		rmu.Unlock()
		return func(ctx context.Context) error {
			g := fanout.Sample{Began: time.Now()}
			var token string
			token, g.Err = fanout.GetForm(ctx, browser, s.Base+"/rsvp/"+tok, http.StatusOK)
			g.End = time.Now()
			page.Add(g)
			if g.Err != nil {
				return fmt.Errorf("the page before: %w", g.Err)
			}
			p := fanout.Sample{Began: time.Now()}
			p.Err = fanout.PostForm(ctx, browser, s.Base+"/rsvp/"+tok, url.Values{"answer": {choice}, "_csrf": {token}}, http.StatusSeeOther)
			p.End = time.Now()
			answer.Add(p)
			if p.Err == nil {
				rmu.Lock()
				answers[choice]++
				rmu.Unlock()
			}
			return p.Err
		}
	}
	marks := &fanout.Lane{Name: "attendance mark", Clients: f.markClients, Rate: f.markRate}
	mr := rand.New(rand.NewPCG(f.seed, 0x6d61726b))
	statuses := []string{scheduling.AttendPresent, scheduling.AttendPresent, scheduling.AttendPresent, scheduling.AttendPresent,
		scheduling.AttendPresent, scheduling.AttendLate, scheduling.AttendExcused, scheduling.AttendAbsent}
	marks.Next = func(context.Context, int) func(context.Context) error {
		rmu.Lock()
		t := marksAt[mr.IntN(len(marksAt))]
		line := []scheduling.MarkInput{{CollaboratorID: t.people[mr.IntN(len(t.people))], Status: statuses[mr.IntN(len(statuses))]}}
		rmu.Unlock()
		return func(ctx context.Context) error {
			return burst.Call(ctx, client, "PUT", s.Base+"/api/v1/sessions/"+t.id+"/attendance", coordToken, line, http.StatusOK, nil)
		}
	}

	startProfile, err := cli.OpenProfile(f.CPUProfile)
	if err != nil {
		return err
	}
	// The fan-out is measured once the start-up work is done (a fresh
	// process warms its caches and sends what its jobs queued), as routes
	// and coldreports measure.
	waited, idle := mon.WaitIdle(500*time.Millisecond, 3*time.Minute)
	fmt.Printf("store idle: %v, after %s\n", idle, waited.Round(100*time.Millisecond))
	mon.Take()
	load0 := burst.LoadAvg()
	fmt.Printf("\nrunning the fan-out … (load average %s)\n", load0)
	stopProfile, err := startProfile()
	if err != nil {
		return err
	}
	sideCtx, stopSide := context.WithCancel(ctx)
	reqCtx, stopReqs := context.WithTimeout(ctx, f.timeout+time.Minute)
	defer stopReqs()
	var side sync.WaitGroup
	t0 := time.Now()
	for _, l := range []*fanout.Lane{rsvp, marks} {
		side.Add(1)
		go func() { defer side.Done(); l.Run(sideCtx, reqCtx) }()
	}
	type inviteCall struct {
		took time.Duration
		err  error
	}
	var calls []inviteCall
	for _, t := range fan {
		c := time.Now()
		err := invite(ctx, s, coordToken, t.id, t.people)
		calls = append(calls, inviteCall{took: time.Since(c), err: err})
	}
	requestsDone := time.Since(t0)
	werr := waitFor(ctx, catcher, func() bool { return delivered() >= f.n }, f.timeout-time.Since(t0))
	tEnd := time.Now()
	stopSide()
	stopProfile()
	side.Wait()
	where := mon.Take()
	load1 := burst.LoadAvg()
	catcher.Watch(nil)

	mu.Lock()
	got := len(arrivals)
	var firstAt, lastAt time.Time
	if got > 0 {
		firstAt, lastAt = arrivals[0], arrivals[got-1]
	}
	mu.Unlock()
	fmt.Printf("  done in %s (load average %s)\n", tEnd.Sub(t0).Round(time.Millisecond), load1)

	// Report.
	fmt.Printf("\nmachine: %d CPUs (GOMAXPROCS %d), %s %s/%s; embedded store (driver pool of %d connection; _id lookup indexes: %v); load average %s before, %s after\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH, store.EmbeddedPoolSize, f.idIndex, load0, load1)
	fmt.Printf("\ninvitation fan-out: %d invitations over %d sessions\n", f.n, f.sessions)
	errCalls := 0
	for i, c := range calls {
		status := "ok"
		if c.err != nil {
			status, errCalls = c.err.Error(), errCalls+1
		}
		fmt.Printf("  invitation request %d (%d invitees): %s  %s\n", i+1, len(fan[i].people), burst.Ms(c.took), status)
	}
	fmt.Printf("  invitation requests, all: %s\n", burst.Ms(requestsDone))
	var total time.Duration
	rate := 0.0
	if got > 0 {
		total = lastAt.Sub(t0)
		rate = float64(got) / total.Seconds()
		fmt.Printf("  first invitation received %s after the first request\n", burst.Ms(firstAt.Sub(t0)))
		fmt.Printf("  %d of %d received in %s: %.1f messages/s (from the first request; %.1f/s from the first mail to the last)\n",
			got, f.n, burst.Ms(total), rate, float64(got-1)/max(lastAt.Sub(firstAt).Seconds(), 1e-9))
	} else {
		fmt.Printf("  none of %d received\n", f.n)
	}
	if werr != nil {
		fmt.Printf("  NOT all delivered within %s: %d of %d\n", f.timeout, got, f.n)
	}
	size, sized := 0, 0
	for _, m := range catcher.Mails() {
		if isFan(m) {
			size, sized = size+m.Size, sized+1
		}
	}
	fmt.Printf("  SMTP catcher: %d messages in all, %d accepted twice, %d unparseable; an invitation is %.1f KB on the wire\n",
		catcher.Len(), catcher.Duplicates(), catcher.Unparsed(), float64(size)/float64(max(sized, 1))/1000)

	fmt.Printf("\nbeside it, requests begun from the first invitation request to the last invitation received (%s)\n", burst.Ms(tEnd.Sub(t0)))
	fmt.Printf("  %-17s | %5s %4s %8s %9s %9s %9s\n", "", "n", "err", "ops/s", "p50", "p99", "max")
	stats := map[string]fanout.Stats{}
	for _, l := range []*fanout.Lane{page, answer, marks} {
		st := l.Stats(t0, tEnd)
		stats[l.Name] = st
		fmt.Printf("  %-17s | %5d %4d %8.1f %9s %9s %9s\n", l.Name, st.N, st.Errors, st.OpsPerSec, burst.Ms(st.P50), burst.Ms(st.P99), burst.Ms(st.Max))
		for _, e := range st.FirstErrors {
			fmt.Printf("    error: %s\n", e)
		}
	}
	fmt.Printf("  RSVP answers recorded: %d accept, %d decline\n", answers["accept"], answers["decline"])
	// What the service says now (after the window).
	for _, t := range fan {
		var v scheduling.SessionView
		if err := burst.Call(ctx, client, "GET", s.Base+"/api/v1/sessions/"+t.id, coordToken, nil, http.StatusOK, &v); err == nil {
			fmt.Printf("  session %s: %d invited, %d accepted, %d waitlisted\n", t.id, v.Invited, v.Accepted, v.Waitlisted)
		}
	}

	fmt.Println("\nwhere the time goes: store commands during the window (one connection: their durations add up to its busy time)")
	var busy time.Duration
	for _, w := range where {
		busy += w.Total
	}
	fmt.Printf("  %s of store time in %s (%.0f%% busy), %d kinds of command\n", burst.Ms(busy), burst.Ms(tEnd.Sub(t0)), 100*busy.Seconds()/tEnd.Sub(t0).Seconds(), len(where))
	for i, w := range where {
		if i == 12 {
			break
		}
		fmt.Printf("    %-14s %-22s %5d× (%3d failed)  total %9s  mean %9s  max %9s\n", w.Command, w.Collection, w.N, w.Failed,
			burst.Ms(w.Total), burst.Ms(w.Total/time.Duration(max(1, w.N))), burst.Ms(w.Max))
	}

	fmt.Println("\ngoals (embedded store, fixture loaded):")
	burst.Goal(fmt.Sprintf("%d delivered ≤ %s", f.n, goalDelivered), werr == nil && got >= f.n && total <= goalDelivered && errCalls == 0,
		fmt.Sprintf("%d of %d in %s, %.1f messages/s (%d invitation requests failed)", got, f.n, burst.Ms(total), rate, errCalls))
	for _, name := range []string{answer.Name, marks.Name} {
		st := stats[name]
		if (name == answer.Name && f.rsvpRate <= 0) || (name == marks.Name && f.markRate <= 0) {
			fmt.Printf("  -     %-34s not run (rate 0)\n", name+" p99 ≤ "+burst.Ms(goalP99))
			continue
		}
		burst.Goal(fmt.Sprintf("%s p99 ≤ %s", name, burst.Ms(goalP99)), st.N > 0 && st.Errors == 0 && st.P99 <= goalP99,
			fmt.Sprintf("p99 %s over %d requests (%s), %d errors", burst.Ms(st.P99), st.N, burst.Over(st.P99, goalP99), st.Errors))
	}
	fmt.Printf("\ntotal %s\n", time.Since(rn.Began).Round(time.Second))
	return nil
}

// stack is the service on the embedded store (burst.Stack) and what the
// fan-out reports of its mail worker.
type stack struct {
	*burst.Stack
	client          *http.Client
	concurrency     int
	linger          time.Duration
	concurrencyFrom string
}

// startStack starts burst.Stack with SMTPURL pointing to the catcher, the
// mail worker's options when given, the fixture when asked and the `_id`
// lookup indexes (store.IndexIDs).
func startStack(ctx context.Context, dir string, mon *burst.Monitor, log *slog.Logger, smtpURL string, f flags) (*stack, error) {
	s := &stack{client: burst.NewClient(8, 2*time.Minute), concurrency: mail.DefaultConcurrency, linger: mail.DefaultLinger,
		concurrencyFrom: "the service's defaults: app.Config has no setting"}
	const from = "academy@localhost"
	prepare := func(ctx context.Context, b *burst.Stack) error {
		if f.mailConcurrency <= 0 && f.mailLinger == 0 {
			return nil
		}
		// The worker app.New built, with other options: same sender
		// settings as buildMail's.
		sender, err := mail.NewSMTPSender(smtpURL, mail.SMTPOptions{From: mail.Address{Email: from, Name: "Trung tâm Khuyến công"}})
		if err != nil {
			return err
		}
		b.App.MailWorker = mail.NewWorker(b.App.Outbox, sender, clock.System{}, mail.WorkerOptions{Concurrency: f.mailConcurrency,
			Linger: f.mailLinger, Logger: log})
		if f.mailConcurrency > 0 {
			s.concurrency = f.mailConcurrency
		}
		if f.mailLinger != 0 {
			s.linger = max(f.mailLinger, 0)
		}
		s.concurrencyFrom = "set by -mail-concurrency / -mail-linger"
		return nil
	}
	loaded := func(ctx context.Context, b *burst.Stack) error {
		fmt.Printf("embedded store in %s (driver pool of %d connection)\n", dir, store.EmbeddedPoolSize)
		if f.loadFix {
			if err := cli.LoadFixture(ctx, b.DB); err != nil {
				return err
			}
		}
		if !f.idIndex && (f.From != "" || !f.loadFix) {
			fmt.Println("note: -id-index=false keeps the _id lookup indexes the store's files have already (bench/cmd/fixture adds them)")
		}
		return nil
	}
	b, err := burst.StartStack(ctx, burst.StackConfig{Dir: dir, Monitor: mon, Log: log, SMTPURL: smtpURL, MailFrom: from,
		Prepare: prepare, Loaded: loaded, IDIndex: f.idIndex})
	if err != nil {
		return nil, err
	}
	s.Stack = b
	return s, nil
}

func createSession(ctx context.Context, s *stack, token, title string, start time.Time) (string, error) {
	in := scheduling.Input{Title: title, StartsAt: start, EndsAt: start.Add(3 * time.Hour), Location: "Hội trường Trung tâm Khuyến công",
		Trainer: "ThS. Nguyễn Văn Hùng"}
	var out scheduling.CreateResult
	if err := burst.Call(ctx, s.client, "POST", s.Base+"/api/v1/sessions", token, in, http.StatusCreated, &out); err != nil {
		return "", err
	}
	if len(out.Items) != 1 {
		return "", fmt.Errorf("POST /api/v1/sessions made %d sessions", len(out.Items))
	}
	return out.Items[0].ID, nil
}

func invite(ctx context.Context, s *stack, token, sessionID string, ids []string) error {
	var out scheduling.InviteResult
	err := burst.Call(ctx, s.client, "POST", s.Base+"/api/v1/sessions/"+sessionID+"/invitations", token,
		scheduling.InviteRequest{CollaboratorIDs: ids}, http.StatusOK, &out)
	if err == nil && len(out.Invited) != len(ids) {
		err = fmt.Errorf("invited %d of %d", len(out.Invited), len(ids))
	}
	return err
}

// waitFor waits until done() holds, checking whenever the catcher receives
// a message (and every 50 ms), for at most d.
func waitFor(ctx context.Context, c *fanout.Catcher, done func() bool, d time.Duration) error {
	limit := time.NewTimer(max(d, 0))
	defer limit.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !done() {
		select {
		case <-c.Arrived():
		case <-tick.C:
		case <-limit.C:
			if done() {
				return nil
			}
			return fmt.Errorf("not within %s", d.Round(time.Millisecond))
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// warm makes a few signed-in requests, so that the service's caches (the
// registry) are loaded before anything is measured.
func warm(ctx context.Context, s *stack, token string) {
	for _, p := range []string{"/api/v1/me", "/api/v1/collaborators?limit=1"} {
		_ = burst.Call(ctx, s.client, "GET", s.Base+p, token, nil, http.StatusOK, nil)
	}
}
