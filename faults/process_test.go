package faults

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/platform/mail/mailtest"
	"github.com/ctvacademy/academy/modules/platform/store"
	"github.com/ctvacademy/academy/modules/platform/store/embedded"
	"github.com/ctvacademy/academy/modules/quizzes"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// proc is the service running in a child process (this test binary re-run
// with childEnv set), on its own embedded store in dir.
type proc struct {
	t      *testing.T
	cmd    *exec.Cmd
	logs   string // the file of its output
	exited chan struct{}
	c      client
}

// log is what the child has written so far.
func (p *proc) log() string {
	b, _ := os.ReadFile(p.logs)
	return string(b)
}

// startProc starts the service in a child process on a port of its own and
// waits until it is ready. smtpURL "" delivers mail to files.
func startProc(t *testing.T, dir, smtpURL string) *proc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1", "ACADEMY_DATA_DIR="+dir, "ACADEMY_SMTP_URL="+smtpURL)
	logs, err := os.CreateTemp(t.TempDir(), "child-*.log")
	if err != nil {
		t.Fatal(err)
	}
	defer logs.Close()
	p := &proc{t: t, cmd: cmd, logs: logs.Name(), exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			if d := os.Getenv("FAULTS_LOG_DIR"); d != "" {
				_ = os.WriteFile(fmt.Sprintf("%s/%s-%d.log", d, strings.ReplaceAll(t.Name(), "/", "_"), cmd.Process.Pid), []byte(p.log()), 0o644)
			}
			t.Logf("child log (last 4 KB):\n%s", tail(p.log(), 4096))
		}
	})
	deadline := time.Now().Add(90 * time.Second)
	for {
		if p.c.base == "" {
			if addr := p.listening(); addr != "" {
				p.c = newClient("http://" + addr)
			}
		}
		if p.c.base != "" {
			if status, _, err := p.c.do("GET", "/readyz", "", nil); err == nil && status == 200 {
				return p
			}
		}
		select {
		case <-p.exited:
			t.Fatalf("the service exited before it was ready (%v):\n%s", cmd.ProcessState, tail(p.log(), 4096))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the service was not ready within 90 s:\n%s", tail(p.log(), 4096))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// listening is the address the child logged it serves on, "" before then.
func (p *proc) listening() string {
	for _, l := range p.lines() {
		if l.Msg == "listening" {
			return l.Addr
		}
	}
	return ""
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *proc) kill() {
	p.t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		p.t.Fatal(err)
	}
	<-p.exited
}

// term sends SIGTERM and returns the exit status once the process ended.
func (p *proc) term() (exitCode int, took time.Duration) {
	p.t.Helper()
	start := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(40 * time.Second):
		p.t.Fatal("the service did not exit within 40 s of SIGTERM")
	}
	return p.cmd.ProcessState.ExitCode(), time.Since(start)
}

// logLine is one line of the child's JSON log.
type logLine struct {
	Msg       string `json:"msg"`
	RequestID string `json:"request_id"`
	Status    int    `json:"status"`
	Attempt   string `json:"attempt"`
	Addr      string `json:"addr"`
}

// lines parses the child's log (lines that are not JSON are skipped).
func (p *proc) lines() []logLine {
	var out []logLine
	sc := bufio.NewScanner(strings.NewReader(p.log()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l logLine
		if json.Unmarshal(sc.Bytes(), &l) == nil && l.Msg != "" {
			out = append(out, l)
		}
	}
	return out
}

// fanOut is a service in a child process that mails to an SMTP server,
// with sessions to invite the first 50 collaborators to.
type fanOut struct {
	p      *proc
	dir    string
	coord  string // the coordinator's token
	people []person
	pl     plan
}

// startFanOut starts the service on a data directory of its own and
// schedules n sessions, each to invite the same 50 collaborators.
func startFanOut(t *testing.T, srv *mailtest.Server, n int) fanOut {
	t.Helper()
	f := fanOut{dir: t.TempDir()}
	f.p = startProc(t, f.dir, srv.URL())
	f.coord = f.p.c.login(t, apptest.Coordinator)
	f.people = f.p.c.people(t, f.coord)
	f.pl = f.p.c.planSame(t, f.coord, f.people, n, 50)
	return f
}

// restart starts the service again on the same data, repeats the
// invitation requests that were not acknowledged (they are idempotent) and
// waits until every invitation is delivered and the outbox is drained.
func (f fanOut) restart(t *testing.T, srv *mailtest.Server, acked []bool) *proc {
	t.Helper()
	p := startProc(t, f.dir, srv.URL())
	for i, id := range f.pl.sessions {
		if !acked[i] {
			p.c.must(t, "POST", "/api/v1/sessions/"+id+"/invitations", f.coord, f.pl.body(i), 200, nil)
		}
	}
	waitFor(t, 90*time.Second, "every invitation delivered after the restart", func() bool {
		return count(srv, f.pl.ids).delivered == len(f.pl.ids)
	})
	p.c.waitDrained(t, f.coord, 20*time.Second)
	return p
}

// The service is killed (SIGKILL) while it delivers 500 invitations and
// while invitation requests are still arriving, then started again on the
// same data directory. Every invitation whose request was answered 200
// arrives; the coordinator repeats the requests that got no answer (they
// are idempotent), and then every invitation arrives. Messages the killed
// process had handed to the server but not yet recorded are sent again
// with the same Message-ID: counted as duplicates.
func sigkillMidSend(t *testing.T) row {
	srv := mailtest.New(t)
	f := startFanOut(t, srv, 10)
	p, c, coord, pl := f.p, f.p.c, f.coord, f.pl
	acked := make([]bool, len(pl.sessions))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i, id := range pl.sessions {
			if status, _, err := c.do("POST", "/api/v1/sessions/"+id+"/invitations", coord, pl.body(i)); err == nil && status == 200 {
				acked[i] = true
			}
			time.Sleep(150 * time.Millisecond) // a coordinator going from class to class
		}
	}()
	// Mail is being sent while requests still arrive.
	waitFor(t, underLoad, "100 messages received before the kill", func() bool { return len(srv.Messages()) >= 100 })
	p.kill()
	<-done
	atKill := len(srv.Messages())
	ackedIDs := map[string]string{}
	nAcked := 0
	for i, s := range pl.sessions {
		if acked[i] {
			nAcked++
			for _, id := range pl.bySess[s] {
				ackedIDs[id] = pl.ids[id]
			}
		}
	}
	c2 := f.restart(t, srv, acked).c
	all, ofAcked := count(srv, pl.ids), count(srv, ackedIDs)
	failed := c2.outboxTotal(t, coord, "failed")
	if ofAcked.lost != 0 || all.lost != 0 || all.unexpected != 0 || failed != 0 {
		t.Errorf("after the restart: %d acknowledged invitations lost, %d lost in all, %d unexpected, %d failed", ofAcked.lost, all.lost, all.unexpected, failed)
	}
	// At most what one worker can hold unrecorded: its batch.
	if all.duplicated > 64 {
		t.Errorf("%d duplicates", all.duplicated)
	}
	return row{Case: "SIGKILL mid-send, restart", Expected: len(pl.ids), Lost: all.lost, Duplicated: all.duplicated, Failed: failed,
		Note: fmt.Sprintf("killed with %d of 500 received and %d of 10 requests answered (%d acknowledged invitations: %d lost); %d unanswered requests repeated after the restart; duplicates carry the first copy's Message-ID",
			atKill, nAcked, len(ackedIDs), ofAcked.lost, len(pl.sessions)-nAcked)}
}

// outcome is what a load client saw of one request.
type outcome struct {
	id     string
	sentAt time.Time
	status int
	err    error
}

// SIGTERM while 14 clients autosave quiz answers and list sessions and 200
// invitations are being mailed: every request the service began to serve
// is answered (it logs each one it served; none of those met a reset),
// the process exits 0, no mail or job lease is left held in the store, and
// after a restart the rest of the mail goes out with no message twice.
func sigtermUnderLoad(t *testing.T) row {
	srv := mailtest.New(t)
	srv.SetDelay(0, 20*time.Millisecond)
	f := startFanOut(t, srv, 4)
	p, c, coord, pl := f.p, f.p.c, f.coord, f.pl
	takers := startAttempts(t, c, f.people, 12)

	var (
		mu       sync.Mutex
		outcomes []outcome
		stop     atomic.Bool
		seq      atomic.Int64
		wg       sync.WaitGroup
	)
	// Each client waits a little between requests: the store has one
	// connection, and back-to-back autosaves would starve the mail worker.
	const think = 25 * time.Millisecond
	send := func(method, path, token string, body any) error {
		o := outcome{id: fmt.Sprintf("load-%d", seq.Add(1)), sentAt: time.Now()}
		o.status, _, o.err = c.do(method, path, token, body, "X-Request-ID", o.id)
		mu.Lock()
		outcomes = append(outcomes, o)
		mu.Unlock()
		return o.err
	}
	for _, tk := range takers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 1; !stop.Load(); k++ {
				if send("PUT", "/api/v1/attempts/"+tk.id+"/answers", tk.token, map[string]any{"answers": tk.answers(1 + k%len(tk.questions))}) != nil {
					return // the service is going away
				}
				time.Sleep(think)
			}
		}()
	}
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				if send("GET", "/api/v1/sessions?limit=50", coord, nil) != nil {
					return
				}
				time.Sleep(think)
			}
		}()
	}
	wg.Add(1)
	acked := make([]bool, len(pl.sessions))
	go func() {
		defer wg.Done()
		for i, id := range pl.sessions {
			o := outcome{id: fmt.Sprintf("invite-%d", i), sentAt: time.Now()}
			o.status, _, o.err = c.do("POST", "/api/v1/sessions/"+id+"/invitations", coord, pl.body(i), "X-Request-ID", o.id)
			acked[i] = o.err == nil && o.status == 200
			mu.Lock()
			outcomes = append(outcomes, o)
			mu.Unlock()
		}
	}()
	waitFor(t, underLoad, "mail flowing under load", func() bool { return len(srv.Messages()) >= 10 })
	signalled := time.Now()
	code, took := p.term()
	stop.Store(true)
	wg.Wait()

	// What the service says it served, and what happened to each at the client.
	served, drained := map[string]bool{}, 0
	shutdown := false
	for _, l := range p.lines() {
		switch {
		case strings.HasPrefix(l.Msg, "shutting down"):
			shutdown = true
		case l.Msg == "http" && l.RequestID != "":
			served[l.RequestID] = true
			if shutdown {
				drained++
			}
		}
	}
	var answered, lostAnswers, beforeSignal, refused int
	for _, o := range outcomes {
		if o.sentAt.Before(signalled) {
			beforeSignal++
		}
		switch {
		case o.err == nil:
			answered++
		case served[o.id]:
			lostAnswers++
			t.Errorf("request %s was served but the client got %v", o.id, o.err)
		default:
			refused++
		}
	}
	if code != 0 {
		t.Errorf("exit status %d after SIGTERM, want 0", code)
	}
	if !shutdown {
		t.Error("the service never logged its shutdown")
	}
	if drained == 0 {
		t.Error("no request was in flight at the signal: the case proved nothing")
	}
	// Leases in the store after the exit.
	sending, jobLeases := leasesLeft(t, f.dir)
	if sending != 0 || jobLeases != 0 {
		t.Errorf("after the exit %d messages are still leased (sending) and %d job leases held", sending, jobLeases)
	}
	p2 := f.restart(t, srv, acked)
	x := count(srv, pl.ids)
	failed := p2.c.outboxTotal(t, coord, "failed")
	if x.lost != 0 || x.duplicated != 0 || failed != 0 {
		t.Errorf("mail after a clean shutdown and restart: lost %d, duplicated %d, failed %d", x.lost, x.duplicated, failed)
	}
	return row{Case: "SIGTERM under load, restart", Expected: len(pl.ids), Lost: x.lost, Duplicated: x.duplicated, Failed: failed,
		Note: fmt.Sprintf("exit %d after %.1f s; %d requests (%d before the signal): %d answered, %d in flight at the signal and drained, %d served but unanswered, %d refused unread (each client stops at its first refusal); leases left: %d mail, %d jobs",
			code, took.Seconds(), len(outcomes), beforeSignal, answered, drained, lostAnswers, refused, sending, jobLeases)}
}

// leasesLeft opens the stopped service's store and counts the messages
// still leased and the job leases still held.
func leasesLeft(t *testing.T, dir string) (sending, jobs int64) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{Database: "academy", DataDir: dir, Logger: slog.New(slog.DiscardHandler), Embedded: embedded.Start})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	sending, err = st.DB.Collection("mail_outbox").CountDocuments(ctx, bson.D{{Key: "status", Value: "sending"}})
	if err != nil {
		t.Fatal(err)
	}
	jobs, err = st.DB.Collection("jobs").CountDocuments(ctx, bson.D{{Key: "lease_until", Value: bson.D{{Key: "$gt", Value: time.Unix(0, 0).UTC()}}}})
	if err != nil {
		t.Fatal(err)
	}
	return sending, jobs
}

// taker is a collaborator with an open KC-101 attempt.
type taker struct {
	email, token, id string
	questions        []string
	key              map[string][]string // question → correct options
}

// answers are the correct answers to the first n questions.
func (tk taker) answers(n int) map[string][]string {
	out := map[string][]string{}
	for _, q := range tk.questions[:n] {
		out[q] = tk.key[q]
	}
	return out
}

// startAttempts signs in n collaborators and starts their KC-101 attempts
// (skipping anyone the quiz refuses, e.g. out of attempts).
func startAttempts(t *testing.T, c client, people []person, n int) []taker {
	t.Helper()
	cat, probs := courses.Load(content.FS)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	course, _ := cat.Course("KC-101")
	key := map[string][]string{}
	for _, q := range course.Quiz.Questions {
		key[q.ID] = q.CorrectIDs()
	}
	var out []taker
	for _, who := range people {
		if len(out) == n {
			break
		}
		if who.Role != "ctv" && who.Role != "team_leader" {
			continue
		}
		tk := taker{email: who.Email, token: c.login(t, who.Email), key: key}
		status, body, err := c.do("POST", "/api/v1/courses/KC-101/attempts", tk.token, nil)
		if err != nil {
			t.Fatal(err)
		}
		if status != 201 && status != 200 {
			continue
		}
		var v quizzes.AttemptView
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatal(err)
		}
		tk.id = v.ID
		for _, q := range v.Questions {
			tk.questions = append(tk.questions, q.ID)
		}
		out = append(out, tk)
	}
	if len(out) < n {
		t.Fatalf("only %d collaborators could start KC-101", len(out))
	}
	return out
}

// 50 collaborators take KC-101, each autosaving one more correct answer at
// a time, when the service is killed (SIGKILL) and started again on the
// same data. Every autosave answered 200 is there afterwards (or the one
// in flight at the kill, never an older one); every attempt is then
// submitted twice at once: both answers carry the one result, and each
// attempt is graded once ("quiz passed" once, one result in the list).
func quizRestart(t *testing.T) row {
	dir := t.TempDir()
	p := startProc(t, dir, "")
	c := p.c
	coord := c.login(t, apptest.Coordinator)
	takers := startAttempts(t, c, c.people(t, coord), 50)
	acked := make([]int, len(takers))   // answers in the last acknowledged autosave
	pending := make([]int, len(takers)) // answers of the autosave in flight, if any
	var saves atomic.Int64
	var wg sync.WaitGroup
	for i, tk := range takers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 1; k <= len(tk.questions); k++ {
				pending[i] = k
				status, _, err := c.do("PUT", "/api/v1/attempts/"+tk.id+"/answers", tk.token, map[string]any{"answers": tk.answers(k)})
				if err != nil {
					return // the service is gone
				}
				if status != 200 {
					t.Errorf("autosave %d of %s: %d", k, tk.id, status)
					return
				}
				acked[i], pending[i] = k, 0
				saves.Add(1)
			}
		}()
	}
	waitFor(t, underLoad, "150 autosaves acknowledged", func() bool { return saves.Load() >= 150 })
	p.kill()
	wg.Wait()
	nAcked := saves.Load()
	p2 := startProc(t, dir, "")
	c2 := p2.c
	lostSaves := 0
	for i, tk := range takers {
		var v quizzes.AttemptView
		c2.must(t, "GET", "/api/v1/attempts/"+tk.id, tk.token, nil, 200, &v)
		got := len(v.Answers)
		ok := reflect.DeepEqual(v.Answers, tk.answers(got)) && (got == acked[i] || (pending[i] != 0 && got == pending[i]))
		if !ok {
			lostSaves++
			t.Errorf("attempt %s after the restart holds %d answers %v; acknowledged %d (in flight %d)", tk.id, got, v.Answers, acked[i], pending[i])
		}
	}
	// Every attempt submitted twice at once, with all its answers.
	type result struct {
		status int
		r      quizzes.Result
		err    error
	}
	results := make([][2]result, len(takers))
	for i, tk := range takers {
		for j := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				status, body, err := c2.do("POST", "/api/v1/attempts/"+tk.id+"/submit", tk.token, map[string]any{"answers": tk.answers(len(tk.questions))})
				results[i][j] = result{status: status, err: err}
				if err == nil && status == 200 {
					results[i][j].err = json.Unmarshal(body, &results[i][j].r)
				}
			}()
		}
	}
	wg.Wait()
	failedSubmits := 0
	for i, tk := range takers {
		a, b := results[i][0], results[i][1]
		if a.err != nil || b.err != nil || a.status != 200 || b.status != 200 {
			failedSubmits++
			t.Errorf("submitting %s twice: %d %v, %d %v", tk.id, a.status, a.err, b.status, b.err)
			continue
		}
		// The store keeps milliseconds: the grader's own answer may carry more.
		if !a.r.Passed || a.r.Score != 1 || a.r.Score != b.r.Score ||
			!a.r.SubmittedAt.Truncate(time.Millisecond).Equal(b.r.SubmittedAt.Truncate(time.Millisecond)) {
			t.Errorf("%s: the two submissions answered %+v and %+v", tk.id, a.r, b.r)
		}
		if status, _, err := c2.do("PUT", "/api/v1/attempts/"+tk.id+"/answers", tk.token, map[string]any{"answers": tk.answers(1)}); err != nil || status != 409 {
			t.Errorf("autosave after submission: %d %v, want 409", status, err)
		}
	}
	// Graded once: one "quiz passed" per attempt over both processes' logs,
	// one graded row per attempt in the results.
	passed := map[string]int{}
	for _, l := range append(p.lines(), p2.lines()...) {
		if l.Msg == "quiz passed" {
			passed[l.Attempt]++
		}
	}
	var list struct {
		Items []quizzes.ResultRow `json:"items"`
	}
	c2.must(t, "GET", "/api/v1/attempts?course_code=KC-101&limit=1000", coord, nil, 200, &list)
	rows := map[string]int{}
	for _, r := range list.Items {
		if r.Status == quizzes.StatusGraded {
			rows[r.ID]++
		}
	}
	gradedTwice, notGraded := 0, 0
	for _, tk := range takers {
		switch {
		case passed[tk.id] == 0 || rows[tk.id] == 0:
			notGraded++
			t.Errorf("%s: %d passes announced, %d graded rows", tk.id, passed[tk.id], rows[tk.id])
		case passed[tk.id] > 1 || rows[tk.id] > 1:
			gradedTwice += max(passed[tk.id], rows[tk.id]) - 1
			t.Errorf("%s graded more than once: %d passes announced, %d graded rows", tk.id, passed[tk.id], rows[tk.id])
		}
	}
	return row{Case: "SIGKILL during 50 quiz attempts, restart", Expected: len(takers), Lost: lostSaves + notGraded, Duplicated: gradedTwice, Failed: failedSubmits,
		Note: fmt.Sprintf("killed after %d acknowledged autosaves: %d lost; each attempt then submitted twice at once: %d graded twice, %d not graded",
			nAcked, lostSaves, gradedTwice, notGraded)}
}
