package faults

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/mail"
	"github.com/ctvacademy/academy/modules/platform/mail/mailtest"
	"go.mongodb.org/mongo-driver/v2/bson"
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
	logger := slog.New(slog.NewTextHandler(logWriter{t}, &slog.HandlerOptions{Level: slog.LevelError}))
	s := apptest.Start(t, apptest.Options{SMTPURL: srv.URL(), Mail: workerOptions(), Logger: logger})
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

// The server refuses one recipient for good (550): the message is failed
// with the server's answer, on the outbox and on the invitation; once the
// server takes the address, a retry from the outbox API delivers it once.
func permanentFailure(t *testing.T) row {
	srv := mailtest.New(t)
	m := startMail(t, srv)
	p := m.sameInvitees(t, 1, 50)
	victim := p.invitees[0][7]
	srv.RefuseRcpt(victim.Email, 550)
	m.invite(t, p)
	waitFor(t, 30*time.Second, "49 delivered and 1 failed", func() bool {
		return count(srv, p.ids).delivered == 49 && m.c.outboxTotal(t, m.coord, "failed") == 1
	})
	failed := m.c.failedMessages(t, m.coord)
	if len(failed) != 1 || failed[0].To.Email != victim.Email || !strings.Contains(failed[0].LastError, "550") || failed[0].Attempts != 1 {
		t.Fatalf("failed messages: %+v", failed)
	}
	if d := m.c.invitationDelivery(t, m.coord, p.sessions[0]); d[victim.ID] != "failed" {
		t.Errorf("the refused invitation shows delivery %q, want failed", d[victim.ID])
	}
	srv.RefuseRcpt(victim.Email, 0)
	var retried mail.Delivery
	m.c.must(t, "POST", "/api/v1/outbox/"+escape(failed[0].ID)+"/retry", m.coord, nil, 200, &retried)
	if retried.Status != mail.Queued && retried.Status != mail.Sent {
		t.Errorf("retry answered %+v", retried)
	}
	x := m.waitDelivered(t, p, 50)
	checkTally(t, x, 50)
	if d := m.c.invitationDelivery(t, m.coord, p.sessions[0]); d[victim.ID] != "sent" {
		t.Errorf("after the retry the invitation shows delivery %q, want sent", d[victim.ID])
	}
	if status, body, err := m.c.do("POST", "/api/v1/outbox/"+escape(failed[0].ID)+"/retry", m.coord, nil); err != nil || status != 409 {
		t.Errorf("retrying a delivered message: %d %s %v, want 409", status, body, err)
	}
	left := m.c.outboxTotal(t, m.coord, "failed")
	return row{Case: "5xx to one of 50, retried from the outbox API", Expected: 50, Lost: x.lost, Duplicated: x.duplicated, Failed: left,
		Note: fmt.Sprintf("failed at once (1 attempt) with %q; after the retry: delivered once, %d failed", shorten(failed[0].LastError, 60), left)}
}

// poisonEmail passes the registry's email rule but no mail library takes
// it (a dot-atom may not hold two dots in a row).
const poisonEmail = "an..poison@example.vn"

// One poisoned message among 500: the server refuses its recipient for
// good (550) however often it is tried. The other 499 arrive once; the
// poisoned one is failed at its first attempt with the server's answer,
// on the outbox and on its invitation; no invitation request fails.
func poisonRefused(t *testing.T) row {
	srv := mailtest.New(t)
	m := startMail(t, srv)
	people := m.c.people(t, m.coord)
	refused := people[50]
	srv.RefuseRcpt(refused.Email, 550)
	x := m.poisonAmong500(t, refused, func(reason string) bool { return strings.Contains(reason, "550") })
	x.Case = "1 poisoned among 500: recipient refused for good (550)"
	return x
}

// poisonAmong500 invites 50 people to each of 10 sessions, victim being
// the last of the 50 of the fourth session, and checks that the other 499
// arrive once and that the victim's invitation fails with a reason ok
// accepts, in one of two ways: the request is answered 200 and the
// message is failed on the outbox and on the invitation; or the request
// is refused (4xx) naming the victim, invites nobody, and the same request
// without the victim is answered 200.
func (m mailStack) poisonAmong500(t *testing.T, victim person, ok func(reason string) bool) row {
	t.Helper()
	var people []person
	for _, p := range m.c.people(t, m.coord) {
		if p.ID != victim.ID {
			people = append(people, p)
		}
	}
	sessions := m.c.createSessions(t, m.coord, 10)
	inv := make([][]person, 10)
	for i := range inv {
		inv[i] = people[:50]
	}
	inv[3] = append(append([]person{}, people[:49]...), victim)
	p := newPlan(sessions, inv)
	poison := mail.MessageID(p.key(3, victim), mail.Address{Email: mailFrom})
	healthy := map[string]string{}
	for id, key := range p.ids {
		if id != poison {
			healthy[id] = key
		}
	}
	refusal := ""
	for i, id := range p.sessions {
		status, body, err := m.c.do("POST", "/api/v1/sessions/"+id+"/invitations", m.coord, p.body(i))
		switch {
		case err == nil && status == 200:
		case err == nil && i == 3 && (status == 400 || status == 422):
			var prob struct {
				Errors []struct{ Field, Message string } `json:"errors"`
			}
			_ = json.Unmarshal(body, &prob)
			if len(prob.Errors) != 1 || prob.Errors[0].Field != "collaborator_ids[49]" || !ok(prob.Errors[0].Message) {
				t.Fatalf("the request naming the poisoned invitee was refused without naming them: %d %s", status, body)
			}
			refusal = fmt.Sprintf("%d %s", status, prob.Errors[0].Message)
			if d := m.c.invitationDelivery(t, m.coord, id); len(d) != 0 {
				t.Errorf("a refused invitation request invited %d people", len(d))
			}
			p.invitees[3] = people[:49]
			m.c.must(t, "POST", "/api/v1/sessions/"+id+"/invitations", m.coord, p.body(3), 200, nil)
		default:
			t.Fatalf("invitations to session %d: %d %v %s", i, status, err, body)
		}
	}
	waitFor(t, 90*time.Second, "499 delivered, and the poisoned message failed or refused", func() bool {
		return count(m.srv, healthy).delivered >= 499 && (refusal != "" || m.c.outboxTotal(t, m.coord, "failed") >= 1)
	})
	m.c.waitDrained(t, m.coord, 20*time.Second)
	x := count(m.srv, healthy)
	checkTally(t, x, 499)
	failed := m.c.failedMessages(t, m.coord)
	if refusal != "" {
		if len(failed) != 0 {
			t.Errorf("failed messages after a refused request: %+v", failed)
		}
		return row{Expected: 499, Lost: x.lost, Duplicated: x.duplicated, Failed: 1,
			Note: fmt.Sprintf("the request naming it was refused, nobody invited: %q; sent again without them: 200", shorten(refusal, 110))}
	}
	if len(failed) != 1 || failed[0].To.Email != victim.Email || !ok(failed[0].LastError) {
		t.Fatalf("failed messages: %+v, want the one to %s", failed, victim.Email)
	}
	if d := m.c.invitationDelivery(t, m.coord, p.sessions[3]); d[victim.ID] != "failed" {
		t.Errorf("the poisoned invitation shows delivery %q, want failed", d[victim.ID])
	}
	return row{Expected: 499, Lost: x.lost, Duplicated: x.duplicated, Failed: len(failed),
		Note: fmt.Sprintf("failed on the outbox and the invitation after %d attempt(s), with %q; every request answered 200",
			failed[0].Attempts, shorten(failed[0].LastError, 70))}
}

// One poisoned message among 500 that cannot even be composed: its
// recipient's email passes the registry's rule but no mailer takes it. The
// other 499 arrive once; the poisoned one is failed with a reason.
func poisonUncomposable(t *testing.T) row {
	srv := mailtest.New(t)
	m := startMail(t, srv)
	bad := m.addPoisoned(t, m.c.people(t, m.coord)[0])
	x := m.poisonAmong500(t, bad, func(reason string) bool { return strings.Contains(reason, "email") })
	x.Case = "1 poisoned among 500: an address no mailer takes"
	return x
}

// addPoisoned puts a collaborator with poisonEmail in the registry: through
// the API when it takes the address, else straight into the store as data
// written before the rule was tightened would be.
func (m mailStack) addPoisoned(t *testing.T, like person) person {
	t.Helper()
	var created person
	status, body, err := m.c.do("POST", "/api/v1/collaborators", m.coord, map[string]any{
		"code": "CTV-POISON", "full_name": "Trần Thị Độc", "email": poisonEmail, "phone": "0912345678", "role": "ctv",
		"area_code": "NT", "commune": "Xã Phước An", "position": "Công chức Văn phòng - Thống kê",
		"contract": map[string]any{"number": "HĐ-999/2026", "starts_on": "2026-01-01", "ends_on": "2027-12-31", "status": "active", "quarterly_stipend": 1500000},
	})
	if err != nil {
		t.Fatal(err)
	}
	if status == 201 {
		if err := json.Unmarshal(body, &created); err != nil {
			t.Fatal(err)
		}
		return created
	}
	t.Logf("the API refuses %s (%d %s): writing it to the store directly", poisonEmail, status, body)
	ctx := context.Background()
	coll := m.s.App.DB.Collection("collaborators")
	var doc bson.M
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: like.ID}}).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	doc["_id"], doc["code"], doc["email"] = "poisoned-collaborator", "CTV-POISON", poisonEmail
	if _, err := coll.InsertOne(ctx, doc); err != nil {
		t.Fatal(err)
	}
	if err := collaborators.NewStore(m.s.App.DB).Bump(ctx); err != nil {
		t.Fatal(err)
	}
	// The registry trusts its copy a moment before it reads the version
	// again: wait until the service knows the person.
	waitFor(t, 10*time.Second, "the registry sees the collaborator written to the store", func() bool {
		status, _, err := m.c.do("GET", "/api/v1/collaborators/poisoned-collaborator", m.coord, nil)
		if err != nil {
			t.Fatal(err)
		}
		return status == 200
	})
	return person{ID: "poisoned-collaborator", Email: poisonEmail}
}

// logWriter writes into the test's log.
type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
