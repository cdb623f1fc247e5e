package faults

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/mail"
	"github.com/ctvacademy/academy/modules/platform/mail/mailtest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Messages the SMTP server refuses for good: they fail at once with its
// answer, on the outbox and on the invitation, and the others go out.

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
	waitFor(t, underLoad, "49 delivered and 1 failed", func() bool {
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

// shorten cuts s to n characters.
func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
