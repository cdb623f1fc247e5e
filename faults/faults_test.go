package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app"
	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/mail"
	"github.com/ctvacademy/academy/modules/platform/mail/mailtest"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"github.com/ctvacademy/academy/modules/platform/web/webtest"
	"github.com/ctvacademy/academy/modules/scheduling"
)

// childEnv, when set, makes the test binary run the service instead of the
// tests (the re-exec trick of the process cases: no separate build).
const childEnv = "ACADEMY_FAULTS_CHILD"

// mailFrom is the service's sender in every case.
const mailFrom = "academy@example.vn"

// workerOptions are the mail worker's settings in every case: leases,
// timeouts and backoff scaled down (1/24 to 1/3600 of the defaults) so that
// an outage, a retry or a lapsed lease plays out in seconds. A send starts
// only with the send timeout left on its lease, and on the embedded store a
// batch's lease takes up to a quarter of it: 5 s leave room for both on a
// loaded machine.
func workerOptions() mail.WorkerOptions {
	return mail.WorkerOptions{
		Lease:       5 * time.Second,
		SendTimeout: time.Second,
		Poll:        50 * time.Millisecond,
		BackoffBase: 100 * time.Millisecond,
		BackoffCap:  time.Second,
	}
}

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(child())
	}
	storetest.Main(m)
}

// child runs the service as cmd/academy's serve does — embedded store in
// ACADEMY_DATA_DIR, demo network, SIGTERM and Interrupt end it in order,
// exit status 0 after a clean shutdown — with the suite's worker settings,
// JSON logs on stderr at info level.
func child() int {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The child binds a port of its own before anything else and logs it
	// once it is ready to serve ("listening"): a port picked by the parent
	// and bound later could be taken by another test in between.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "academy:", err)
		return 1
	}
	addr := ln.Addr().String()
	cfg := app.Config{HTTPAddr: addr, BaseURL: "http://" + addr, DataDir: os.Getenv("ACADEMY_DATA_DIR"), MongoDB: "academy",
		SMTPURL: os.Getenv("ACADEMY_SMTP_URL"), MailFrom: mailFrom, Demo: true, DemoPassword: apptest.DemoPassword}
	opts := app.Options{Logger: logger, Mail: workerOptions(),
		Argon2: apptest.CheapHashing()}
	err = func() error {
		a, err := app.New(ctx, cfg, opts)
		if err != nil {
			return err
		}
		defer a.Close(context.Background())
		if err := a.Setup(ctx); err != nil {
			return err
		}
		logger.Info("listening", "addr", addr)
		return a.Serve(ctx, ln)
	}()
	if err != nil {
		fmt.Fprintln(os.Stderr, "academy:", err)
		return 1
	}
	return 0
}

// row is one case's figures.
type row struct {
	Case       string
	Expected   int    // messages (or autosaves and attempts) that must arrive once
	Lost       int    // expected and never delivered (or saved, or graded)
	Duplicated int    // extra copies delivered (or extra gradings)
	Failed     int    // marked failed in the outbox at the end (or answered with an error)
	Note       string // attempts and what else the case measured
	Took       time.Duration
}

// report collects the rows of the cases run.
type report struct {
	mu   sync.Mutex
	rows []row
}

func (r *report) add(t *testing.T, x row) {
	t.Helper()
	t.Logf("\n| case | expected | lost | duplicated | failed | took | notes |\n|---|---|---|---|---|---|---|\n%s", x.line())
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rows = append(r.rows, x)
}

func (x row) line() string {
	return fmt.Sprintf("| %s | %d | %d | %d | %d | %.1f s | %s |", x.Case, x.Expected, x.Lost, x.Duplicated, x.Failed, x.Took.Seconds(), x.Note)
}

func (r *report) table() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	b.WriteString("| case | expected | lost | duplicated | failed | took | notes |\n|---|---|---|---|---|---|---|\n")
	for _, x := range r.rows {
		b.WriteString(x.line() + "\n")
	}
	return b.String()
}

// TestFaults runs every case and prints the table docs/RELIABILITY.md
// publishes. Each case also runs alone: -run 'TestFaults/Lanes/.*/<case>'.
func TestFaults(t *testing.T) {
	var rep report
	type fault struct {
		name string
		run  func(t *testing.T) row
	}
	// Two lanes run side by side: the service in this process (on the
	// package's store) and the service in a child process (on a store of
	// its own); the cases of a lane run one after another.
	lanes := []struct {
		name   string
		faults []fault
	}{
		{"InProcess", []fault{
			{"SMTPDownDuringFanOut", smtpDown},
			{"SlowSMTPTwoWorkers", slowSMTP},
			{"TemporaryFailureThenSuccess", temporaryFailure},
			{"PermanentFailureAndRetry", permanentFailure},
			{"PoisonRefusedAmong500", poisonRefused},
			{"PoisonUncomposableAmong500", poisonUncomposable},
		}},
		{"Process", []fault{
			{"SIGKILLMidSend", sigkillMidSend},
			{"SIGTERMUnderLoad", sigtermUnderLoad},
			{"RestartDuringQuizAttempts", quizRestart},
		}},
	}
	t.Run("Lanes", func(t *testing.T) {
		for _, lane := range lanes {
			t.Run(lane.name, func(t *testing.T) {
				t.Parallel()
				for _, f := range lane.faults {
					t.Run(f.name, func(t *testing.T) {
						start := time.Now()
						x := f.run(t)
						x.Took = time.Since(start)
						rep.add(t, x)
					})
				}
			})
		}
	})
	t.Logf("faults:\n%s", rep.table())
}

// client speaks JSON to a running service.
type client struct {
	base string
	hc   *http.Client
}

func newClient(base string) client {
	return client{base: base, hc: &http.Client{Timeout: 60 * time.Second}}
}

// do sends a request (body as JSON unless nil) and reads the answer whole.
// hdr holds extra header pairs.
func (c client) do(method, path, token string, body any, hdr ...string) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		j, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	webtest.SetHeaders(req, token, hdr...)
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}

// must sends a request, fails the test unless it answers want, and decodes
// the body into out (when not nil).
func (c client) must(t testing.TB, method, path, token string, body any, want int, out any) {
	t.Helper()
	status, data, err := c.do(method, path, token, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if status != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, status, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, data)
		}
	}
}

func (c client) login(t testing.TB, email string) string {
	t.Helper()
	var out struct {
		Token string `json:"token"`
	}
	c.must(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": apptest.DemoPassword}, 200, &out)
	return out.Token
}

// person is a collaborator an invitation goes to.
type person struct {
	ID       string `json:"id"`
	Email    string `json:"email"`
	Role     string `json:"role"`
	Archived bool   `json:"archived"`
}

// people lists the network's active collaborators.
func (c client) people(t testing.TB, token string) []person {
	t.Helper()
	var l struct {
		Items []person `json:"items"`
	}
	c.must(t, "GET", "/api/v1/collaborators?limit=1000", token, nil, 200, &l)
	var out []person
	for _, p := range l.Items {
		if !p.Archived {
			out = append(out, p)
		}
	}
	return out
}

// createSessions schedules n network-wide KC-101 sessions, one a day from
// the day after tomorrow, and returns their ids.
func (c client) createSessions(t testing.TB, token string, n int) []string {
	t.Helper()
	day := time.Now().UTC().Truncate(24 * time.Hour).Add(48*time.Hour + time.Hour)
	ids := make([]string, n)
	for i := range ids {
		starts := day.Add(time.Duration(i) * 24 * time.Hour)
		var out struct {
			Items []scheduling.SessionView `json:"items"`
		}
		c.must(t, "POST", "/api/v1/sessions", token, map[string]any{
			"course_code": "KC-101", "title": fmt.Sprintf("Tập huấn chính sách khuyến công, lớp %d", i+1),
			"location": "Hội trường Trung tâm Khuyến công", "trainer": "ThS. Lê Văn Hùng",
			"starts_at": starts.Format(time.RFC3339), "ends_at": starts.Add(2 * time.Hour).Format(time.RFC3339),
		}, 201, &out)
		ids[i] = out.Items[0].ID
	}
	return ids
}

// planSame schedules n sessions, each to invite the first per of people.
func (c client) planSame(t testing.TB, token string, people []person, n, per int) plan {
	t.Helper()
	inv := make([][]person, n)
	for i := range inv {
		inv[i] = people[:per]
	}
	return newPlan(c.createSessions(t, token, n), inv)
}

// plan is an invitation fan-out: who is invited to which session, and the
// Message-ID each invitation mail must arrive with.
type plan struct {
	sessions []string
	invitees [][]person          // per session
	ids      map[string]string   // Message-ID → outbox key
	bySess   map[string][]string // session → its Message-IDs
}

// newPlan invites invitees[i] to sessions[i].
func newPlan(sessions []string, invitees [][]person) plan {
	p := plan{sessions: sessions, invitees: invitees, ids: map[string]string{}, bySess: map[string][]string{}}
	for i, s := range sessions {
		for _, x := range invitees[i] {
			key := p.key(i, x)
			id := mail.MessageID(key, mail.Address{Email: mailFrom})
			p.ids[id] = key
			p.bySess[s] = append(p.bySess[s], id)
		}
	}
	return p
}

// key is the outbox key of the invitation of x to session i.
func (p plan) key(i int, x person) string {
	return scheduling.NoticeKey(scheduling.NoticeInvite, scheduling.Session{ID: p.sessions[i]}, x.ID)
}

func (p plan) body(i int) map[string]any {
	ids := make([]string, len(p.invitees[i]))
	for j, x := range p.invitees[i] {
		ids[j] = x.ID
	}
	return map[string]any{"collaborator_ids": ids}
}

// tally compares what the SMTP server accepted with the plan.
type tally struct {
	delivered, lost, duplicated, unexpected int
}

func count(srv *mailtest.Server, want map[string]string) tally {
	var x tally
	got := srv.CountByID()
	for id := range want {
		switch n := got[id]; {
		case n == 0:
			x.lost++
		default:
			x.delivered++
			x.duplicated += n - 1
		}
	}
	for id, n := range got {
		if _, ok := want[id]; !ok {
			x.unexpected += n
		}
	}
	return x
}

// underLoad bounds a wait for progress that a loaded machine slows down
// (CI beside another test run): the wait ends as soon as its condition
// holds; the bound only says when to give up.
const underLoad = 2 * time.Minute

// waitFor polls cond every 20 ms until it holds or the deadline passes.
func waitFor(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: not yet %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// outboxTotal is how many messages the outbox API lists with a status.
func (c client) outboxTotal(t testing.TB, token, status string) int {
	t.Helper()
	var l struct {
		Total int `json:"total"`
	}
	c.must(t, "GET", "/api/v1/outbox?limit=1&status="+status, token, nil, 200, &l)
	return l.Total
}

// failedMessages lists the failed messages of the outbox.
func (c client) failedMessages(t testing.TB, token string) []mail.Delivery {
	t.Helper()
	var l struct {
		Items []mail.Delivery `json:"items"`
	}
	c.must(t, "GET", "/api/v1/outbox?limit=1000&status=failed", token, nil, 200, &l)
	return l.Items
}

// waitDrained waits until the outbox holds nothing queued or being sent.
func (c client) waitDrained(t testing.TB, token string, within time.Duration) {
	t.Helper()
	waitFor(t, within, "the outbox still holds queued messages", func() bool { return c.outboxTotal(t, token, "queued") == 0 })
}

// invitationDelivery is the delivery of each invitation of a session, by
// collaborator, as the coordinator sees it.
func (c client) invitationDelivery(t testing.TB, token, session string) map[string]string {
	t.Helper()
	var l struct {
		Items []scheduling.InvitationView `json:"items"`
	}
	c.must(t, "GET", "/api/v1/sessions/"+session+"/invitations", token, nil, 200, &l)
	out := map[string]string{}
	for _, inv := range l.Items {
		out[inv.CollaboratorID] = inv.Delivery
	}
	return out
}

// escape is a path segment with its colons and the like escaped.
func escape(s string) string { return url.PathEscape(s) }
