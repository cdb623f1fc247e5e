package faults

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/mail"
	"github.com/ctvacademy/academy/modules/platform/mail/mailtest"
)

// mailStack is the whole service in this process, mailing a loopback SMTP
// server, with the coordinator signed in.
type mailStack struct {
	srv   *mailtest.Server
	s     *apptest.Server
	c     client
	coord string
}

func startMail(t *testing.T, srv *mailtest.Server) mailStack {
	t.Helper()
	// Errors of the service show in the test's log; the warnings every
	// failed attempt writes would drown it.
	s := apptest.Start(t, apptest.Options{SMTPURL: srv.URL(), Mail: workerOptions(), Logger: apptest.Logger(t, slog.LevelError)})
	c := newClient(s.URL)
	return mailStack{srv: srv, s: s, c: c, coord: c.login(t, apptest.Coordinator)}
}

// sameInvitees invites the same per people to each of n new sessions.
func (m mailStack) sameInvitees(t *testing.T, n, per int) plan {
	t.Helper()
	return m.c.planSame(t, m.coord, m.c.people(t, m.coord), n, per)
}

// invite sends every invitation request of the plan; each must answer 200.
func (m mailStack) invite(t *testing.T, p plan) {
	t.Helper()
	for i, id := range p.sessions {
		m.c.must(t, "POST", "/api/v1/sessions/"+id+"/invitations", m.coord, p.body(i), 200, nil)
	}
}

// waitDelivered waits until every planned message arrived and the outbox
// holds nothing queued, then counts.
func (m mailStack) waitDelivered(t *testing.T, p plan, want int) tally {
	t.Helper()
	waitFor(t, 90*time.Second, fmt.Sprintf("%d messages delivered", want),
		func() bool { return count(m.srv, p.ids).delivered >= want })
	m.c.waitDrained(t, m.coord, 20*time.Second)
	return count(m.srv, p.ids)
}

// sentAttempts sums the attempts of the delivered messages (the outbox's
// archive) and counts those that took more than one.
func (m mailStack) sentAttempts(t *testing.T) (total, retried int) {
	t.Helper()
	var l struct {
		Items []mail.Delivery `json:"items"`
	}
	m.c.must(t, "GET", "/api/v1/outbox?limit=1000&status=sent", m.coord, nil, 200, &l)
	for _, d := range l.Items {
		total += d.Attempts
		if d.Attempts > 1 {
			retried++
		}
	}
	return total, retried
}

// queuedAttempts sums the attempts of the messages still queued.
func (m mailStack) queuedAttempts(t *testing.T) int {
	t.Helper()
	var l struct {
		Items []mail.Delivery `json:"items"`
	}
	m.c.must(t, "GET", "/api/v1/outbox?limit=1000&status=queued", m.coord, nil, 200, &l)
	n := 0
	for _, d := range l.Items {
		n += d.Attempts
	}
	return n
}

// noneFailed checks that no message is failed and returns how many are
// (0 unless the check failed) and the attempts of the delivered ones.
func (m mailStack) noneFailed(t *testing.T) (failed, attempts int) {
	t.Helper()
	if failed = m.c.outboxTotal(t, m.coord, "failed"); failed != 0 {
		t.Errorf("%d messages failed", failed)
	}
	attempts, _ = m.sentAttempts(t)
	return failed, attempts
}

func checkTally(t *testing.T, x tally, want int) {
	t.Helper()
	if x.lost != 0 || x.duplicated != 0 || x.unexpected != 0 || x.delivered != want {
		t.Errorf("delivered %d of %d: lost %d, duplicated %d, unexpected %d", x.delivered, want, x.lost, x.duplicated, x.unexpected)
	}
}

// The SMTP server is down from before the first of 500 invitations until
// well after the last was queued: the API answers as usual, no message
// fails (an outage fails no mail), the worker probes one message at a time
// with a growing pause; when the server is back every message arrives once.
func smtpDown(t *testing.T) row {
	srv := mailtest.New(t)
	srv.Stop()
	m := startMail(t, srv)
	p := m.sameInvitees(t, 10, 50)
	m.invite(t, p)
	// The outage lasts until the worker has made ten attempts, probes with
	// a growing pause between them (100 ms doubling to 1 s) as a minute does
	// with the defaults (probes after 10, 20 and 40 s): a count, not a time,
	// so that a loaded machine sees the same outage.
	outage := time.Now()
	waitFor(t, 60*time.Second, "ten attempts during the outage", func() bool { return m.queuedAttempts(t) >= 10 })
	queued, failedDuring := m.c.outboxTotal(t, m.coord, "queued"), m.c.outboxTotal(t, m.coord, "failed")
	attemptsDuring := m.queuedAttempts(t)
	if queued != 500 || failedDuring != 0 || len(srv.Messages()) != 0 {
		t.Errorf("during the outage: %d queued, %d failed, %d received; want 500, 0, 0", queued, failedDuring, len(srv.Messages()))
	}
	srv.Start()
	back := time.Now()
	x := m.waitDelivered(t, p, 500)
	checkTally(t, x, 500)
	failed, total := m.noneFailed(t)
	return row{Case: "SMTP down during 500 invitations", Expected: 500, Lost: x.lost, Duplicated: x.duplicated, Failed: failed,
		Note: fmt.Sprintf("down %.1f s; %d attempts while down (probes, one message at a time); %d attempts in all; all delivered %.1f s after it came back",
			back.Sub(outage).Seconds(), attemptsDuring, total, time.Since(back).Seconds())}
}

// A slow SMTP server (150 ms to take each message, 20 ms before MAIL) and
// two workers on one outbox, as two processes would run: leases lapse while
// messages wait for a sending slot (a batch of 64 takes about 3 s, the
// lease is 2 s), and no message is sent twice or by both at once.
func slowSMTP(t *testing.T) row {
	srv := mailtest.New(t)
	srv.SetDelay(20*time.Millisecond, 150*time.Millisecond)
	m := startMail(t, srv)
	other := mail.NewOutbox(m.s.App.DB, clock.System{})
	sender, err := mail.NewSMTPSender(srv.URL(), mail.SMTPOptions{From: mail.Address{Email: mailFrom}})
	if err != nil {
		t.Fatal(err)
	}
	w := mail.NewWorker(other, sender, clock.System{}, workerOptions())
	w.Start(context.Background())
	t.Cleanup(w.Stop)
	p := m.sameInvitees(t, 2, 50)
	start := time.Now()
	m.invite(t, p)
	x := m.waitDelivered(t, p, 100)
	took := time.Since(start)
	checkTally(t, x, 100)
	if n := srv.OverlapCount(); n != 0 {
		t.Errorf("%d messages were in DATA twice at once", n)
	}
	failed, total := m.noneFailed(t)
	return row{Case: "slow SMTP (170 ms a message), two workers", Expected: 100, Lost: x.lost, Duplicated: x.duplicated, Failed: failed,
		Note: fmt.Sprintf("%d attempts; %d sessions of the server received a message twice at once; delivered in %.1f s",
			total, srv.OverlapCount(), took.Seconds())}
}

// The server answers 4xx to the first ten messages (five at RCPT, five
// after DATA): each is tried again after its backoff and arrives once.
func temporaryFailure(t *testing.T) row {
	srv := mailtest.New(t)
	srv.FailNext(5, "rcpt", 451)
	srv.FailNext(5, "data", 452)
	m := startMail(t, srv)
	p := m.sameInvitees(t, 1, 50)
	m.invite(t, p)
	x := m.waitDelivered(t, p, 50)
	checkTally(t, x, 50)
	failed := m.c.outboxTotal(t, m.coord, "failed")
	total, retried := m.sentAttempts(t)
	if failed != 0 || total != 60 || retried < 1 {
		t.Errorf("failed %d, attempts %d (want 60: one more per 4xx), retried %d", failed, total, retried)
	}
	return row{Case: "4xx to 10 of 50, then success", Expected: 50, Lost: x.lost, Duplicated: x.duplicated, Failed: failed,
		Note: fmt.Sprintf("%d attempts for 50 messages; %d messages needed more than one", total, retried)}
}
