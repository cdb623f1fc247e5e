package scheduling_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	ical "github.com/arran4/golang-ical"
	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/scheduling"
)

// Text that reaches mail subjects, bodies and calendar entries is refused
// with a control character in it — at create, PATCH, cancel and on the
// form — with a 400 naming the field, and nothing changes.
func TestControlCharactersInMailedFieldsAreRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := apptest.Start(t, apptest.Options{Clock: clock.NewManual(monday)})
	coord := s.LoginDemo(t, apptest.Coordinator)
	start := monday.Add(48 * time.Hour)
	at := times(start, 2*time.Hour)
	x := newSession(t, s, coord, at)
	body := func(k, v string) map[string]any {
		in := map[string]any{"title": "Tập huấn", "location": "Hội trường", "trainer": "ThS. Lê Văn Hùng"}
		for k, v := range at {
			in[k] = v
		}
		in[k] = v
		return in
	}
	for _, tc := range []struct {
		name, method, path string
		body               any
		field              string
	}{
		{"title with a line feed", "POST", "/api/v1/sessions", body("title", "Tập huấn\nBcc: evil@example"), "title"},
		{"location with a bare CR", "POST", "/api/v1/sessions", body("location", "Hall\rATTENDEE:mailto:evil@example\rX-INJ:1"), "location"},
		{"trainer with an escape", "POST", "/api/v1/sessions", body("trainer", "Lê\x1b[31m Hùng"), "trainer"},
		{"title with a C1 control", "POST", "/api/v1/sessions", body("title", "Tập\u0085huấn"), "title"},
		{"title with a tab", "POST", "/api/v1/sessions", body("title", "Tập\thuấn"), "title"},
		{"recurrence on two lines", "POST", "/api/v1/sessions", body("recurrence", "DTSTART:20000101T000000Z\nRRULE:FREQ=WEEKLY;COUNT=2"), "recurrence"},
		{"a year of seconds", "POST", "/api/v1/sessions", body("recurrence", "FREQ=SECONDLY;UNTIL="+start.AddDate(1, 0, 0).UTC().Format("20060102T150405Z")), "recurrence"},
		{"PATCH title", "PATCH", "/api/v1/sessions/" + x.ID, map[string]any{"title": "Mới\r\nX-INJ: 1"}, "title"},
		{"PATCH location", "PATCH", "/api/v1/sessions/" + x.ID, map[string]any{"location": "Hall\rX"}, "location"},
		{"cancel reason", "POST", "/api/v1/sessions/" + x.ID + "/cancel", map[string]any{"reason": "Trùng lịch\rX-INJ: 1"}, "reason"},
	} {
		r := s.Do(t, tc.method, tc.path, coord, tc.body)
		if r.Status != 400 {
			t.Errorf("%s: %d, want 400: %s", tc.name, r.Status, r.Body)
			continue
		}
		if p := r.Problem(t); !p.HasField(tc.field) {
			t.Errorf("%s: the problem does not name %s: %s", tc.name, tc.field, r.Body)
		}
	}
	f := s.Forms(t, coord)
	f.Get("/sessions/new")
	form := url.Values{"title": {"Tập huấn"}, "date": {start.In(time.FixedZone("ICT", 7*3600)).Format("2006-01-02")}, "start": {"08:00"}, "end": {"11:00"},
		"location": {"Hall\rATTENDEE:mailto:evil@example"}, "area_code": {"NT"}}
	if r := f.Post("/sessions", form); r.Status != 400 || !strings.Contains(r.Body, `id="err-location"`) || !strings.Contains(r.Body, "ký tự điều khiển") {
		t.Errorf("the form with a bare CR in the location: %d\n%s", r.Status, r.Body)
	}
	all, err := s.App.Scheduling.List(ctx, authz.All, scheduling.Query{})
	if err != nil || len(all) != 1 || all[0].Title != x.Title || all[0].Location != x.Location || all[0].Status != scheduling.StatusScheduled {
		t.Errorf("sessions after the refusals: %+v, %v", all, err)
	}
}

// invitationsOf reads a session's invitations by collaborator.
func invitationsOf(t *testing.T, s *apptest.Server, tok, id string) map[string]scheduling.InvitationView {
	t.Helper()
	var invs struct {
		Items []scheduling.InvitationView `json:"items"`
	}
	s.Do(t, "GET", "/api/v1/sessions/"+id+"/invitations", tok, nil).JSON(t, &invs)
	out := map[string]scheduling.InvitationView{}
	for _, inv := range invs.Items {
		out[inv.CollaboratorID] = inv
	}
	return out
}

// awaitSent waits until the session has want invitations, each recorded
// as sent (the mail worker notes a delivery just after the SMTP server
// took it), and returns them by collaborator.
func awaitSent(t *testing.T, s *apptest.Server, tok, id string, want int) map[string]scheduling.InvitationView {
	t.Helper()
	var invs map[string]scheduling.InvitationView
	apptest.Await(t, 20*time.Second, "of the invitations not recorded as sent", func() (int, error) {
		invs = invitationsOf(t, s, tok, id)
		unsent := max(want-len(invs), 0)
		for _, inv := range invs {
			if inv.Delivery != "sent" {
				unsent++
			}
		}
		return unsent, nil
	})
	return invs
}

// One session whose notices cannot be mailed (a title with a line break,
// stored before titles were checked) does not stop the others: after a
// crash left the invitations of both recorded and unmailed, the catch-up
// delivers every invitation of the healthy session over SMTP, marks the
// poisoned session's invitations failed with the reason, and mails them
// once the title is fixed. A location with bare CRs, stored the same way,
// stays one LOCATION in the calendar part a mail reader parses.
func TestPoisonedSessionDoesNotStopTheCatchUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, s, coord, start := mailed(t)
	at := times(start, 2*time.Hour)
	poisoned := newSession(t, s, coord, at) // the first the catch-up meets
	healthy := newSession(t, s, coord, map[string]any{"starts_at": start.Add(24 * time.Hour).Format(time.RFC3339),
		"ends_at": start.Add(26 * time.Hour).Format(time.RFC3339)})
	var people []string
	for _, c := range s.Collaborators(t) {
		if !c.Archived && len(people) < 24 {
			people = append(people, c.ID)
		}
	}
	// What an older version recorded before dying: invitations to both,
	// no mail; the poisoned title and a location with bare CRs.
	st := scheduling.NewStore(s.App.DB)
	for id, change := range map[string]func(*scheduling.Session){
		healthy.ID: func(y *scheduling.Session) {
			y.Location = "Hall\rATTENDEE:mailto:evil@example\rX-INJ:1"
		},
		poisoned.ID: func(y *scheduling.Session) { y.Title = "Tập huấn\nBcc: evil@example" },
	} {
		if _, err := st.Update(ctx, id, func(y *scheduling.Session) error {
			change(y)
			_, err := y.Invite(people, time.Now())
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	s.Restart(t)
	coord = s.LoginDemo(t, apptest.Coordinator)
	if err := s.App.Scheduling.CatchUp(ctx); err != nil {
		t.Fatalf("catch-up: %v", err)
	}
	got := srv.Wait(t, len(people))
	waitOutboxEmpty(t, s) // every message queued is sent: nothing more arrives
	if got = srv.Messages(); len(got) != len(people) {
		t.Fatalf("%d mails arrived, want the healthy session's %d", len(got), len(people))
	}
	for _, m := range got {
		if !strings.HasPrefix(m.Subject, "Thư mời tập huấn: "+healthy.Title) {
			t.Errorf("mail %q", m.Subject)
		}
		ics := partOf(t, m, "text/calendar").Body
		cal, err := ical.ParseCalendar(strings.NewReader(ics))
		if err != nil {
			t.Fatalf("the calendar part does not parse: %v\n%q", err, ics)
		}
		events := cal.Events()
		if len(events) != 1 {
			t.Fatalf("%d events", len(events))
		}
		attendees := 0
		for _, p := range events[0].Properties {
			switch {
			case p.IANAToken == "ATTENDEE":
				attendees++
				if strings.Contains(p.Value, "evil") {
					t.Errorf("an injected attendee %q", p.Value)
				}
			case strings.HasPrefix(p.IANAToken, "X-"):
				t.Errorf("an injected property %s:%s", p.IANAToken, p.Value)
			case p.IANAToken == "LOCATION" && p.Value != "Hall\nATTENDEE:mailto:evil@example\nX-INJ:1": // one value, unescaped
				t.Errorf("LOCATION %q", p.Value)
			}
		}
		if attendees != 1 {
			t.Errorf("%d attendees in %q", attendees, ics)
		}
	}
	awaitSent(t, s, coord, healthy.ID, len(people))
	bad := invitationsOf(t, s, coord, poisoned.ID)
	if len(bad) != len(people) {
		t.Fatalf("%d invitations to the poisoned session", len(bad))
	}
	for _, inv := range bad {
		if inv.Delivery != scheduling.DeliveryFailed || !strings.Contains(inv.DeliveryError, "subject") {
			t.Fatalf("a poisoned invitation: %+v", inv)
		}
	}
	// Fixing the title mails them.
	if r := s.Do(t, "PATCH", "/api/v1/sessions/"+poisoned.ID, coord, map[string]any{"title": "Tập huấn kỹ năng"}); r.Status != 200 {
		t.Fatalf("fix the title: %d %s", r.Status, r.Body)
	}
	srv.Wait(t, 2*len(people))
	for _, inv := range invitationsOf(t, s, coord, poisoned.ID) {
		if inv.Delivery == scheduling.DeliveryFailed || inv.DeliveryError != "" {
			t.Errorf("after the fix: %+v", inv)
		}
	}
}
