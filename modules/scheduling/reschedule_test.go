package scheduling_test

import (
	"context"
	"strings"
	"testing"
	"time"

	ical "github.com/arran4/golang-ical"
	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/mail/mailtest"
	"github.com/ctvacademy/academy/modules/scheduling"
)

// noticeRead is one notice as a mail reader gets it: the plain text, and
// the calendar part read by an independent parser (golang-ical).
type noticeRead struct {
	Subject  string
	Text     string
	Sequence string
	Start    string
	Location string
	PartStat string
	RSVP     string
}

// readNotices parses the calendar part of each message after the first
// `from`, by recipient address.
func readNotices(t *testing.T, got []mailtest.Received, from int) map[string]noticeRead {
	t.Helper()
	out := map[string]noticeRead{}
	for _, m := range got[from:] {
		cal, err := ical.ParseCalendar(strings.NewReader(partOf(t, m, "text/calendar").Body))
		if err != nil {
			t.Fatalf("%q: the calendar part does not parse: %v", m.Subject, err)
		}
		events := cal.Events()
		if len(events) != 1 || len(events[0].Attendees()) != 1 {
			t.Fatalf("%q: %d events", m.Subject, len(events))
		}
		ev, who := events[0], events[0].Attendees()[0]
		prop := func(p ical.ComponentProperty) string {
			if x := ev.GetProperty(p); x != nil {
				return x.Value
			}
			return ""
		}
		rsvp := ""
		if v := who.ICalParameters["RSVP"]; len(v) > 0 {
			rsvp = v[0]
		}
		to := who.Email()
		if _, dup := out[to]; dup {
			t.Fatalf("two notices to %s", to)
		}
		out[to] = noticeRead{Subject: m.Subject, Text: partOf(t, m, "text/plain").Body, Sequence: prop(ical.ComponentPropertySequence),
			Start: prop(ical.ComponentPropertyDtStart), Location: prop(ical.ComponentPropertyLocation),
			PartStat: string(who.ParticipationStatus()), RSVP: rsvp}
	}
	return out
}

// mailed starts the service mailing over SMTP to a catcher, signs the
// coordinator in and picks a start three days ahead.
func mailed(t *testing.T) (*mailtest.Server, *apptest.Server, string, time.Time) {
	t.Helper()
	srv := mailtest.New(t)
	s := apptest.Start(t, apptest.Options{SMTPURL: srv.URL()})
	return srv, s, s.LoginDemo(t, apptest.Coordinator), time.Now().Add(72 * time.Hour).Truncate(time.Minute)
}

// The rule of README's "Scheduling": a change of place, title or trainer
// keeps every answer and tells each invitee (but those who declined) with
// their own PARTSTAT and no request to answer again, unless they have not
// answered; a change of date or time returns every answer to pending and
// asks everyone to answer again (PARTSTAT=NEEDS-ACTION); the waitlist keeps
// its order when the waitlisted accept again. What the session records,
// what the mail says and what its calendar part says agree in each case.
func TestRescheduleAsksAgainAndAnUpdateKeepsAnswers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, s, coord, start := mailed(t)
	x := newSession(t, s, coord, with(times(start, 3*time.Hour), map[string]any{"capacity": 2}))
	var nt []string
	email := map[string]string{}
	for _, c := range s.Collaborators(t) {
		if c.AreaCode == "NT" && !c.Archived && len(nt) < 5 {
			nt = append(nt, c.ID)
			email[c.ID] = c.Email
		}
	}
	if len(nt) < 5 {
		t.Fatalf("NT has %d people", len(nt))
	}
	a, b, c, d, e := nt[0], nt[1], nt[2], nt[3], nt[4]
	if r := s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/invitations", coord, map[string]any{"collaborator_ids": nt}); r.Status != 200 {
		t.Fatalf("invite: %d %s", r.Status, r.Body)
	}
	answer := func(id, ans string) {
		t.Helper()
		if _, err := s.App.Scheduling.Answer(ctx, s.App.Scheduling.Token(x.ID, id), ans); err != nil {
			t.Fatalf("%s %s: %v", id, ans, err)
		}
	}
	answer(a, "accept")
	answer(b, "accept")
	answer(c, "accept") // full: waitlisted
	answer(d, "decline")
	// e does not answer.
	responses := func() map[string]string {
		out := map[string]string{}
		for id, inv := range invitationsOf(t, s, coord, x.ID) {
			out[id] = inv.Response
		}
		return out
	}
	want := map[string]string{a: "accepted", b: "accepted", c: "waitlisted", d: "declined", e: "pending"}
	for id, r := range want {
		if got := responses()[id]; got != r {
			t.Fatalf("%s answered %s before the changes, want %s", id, got, r)
		}
	}
	srv.Wait(t, 5)
	waitOutboxEmpty(t, s)

	// 1. A new place and trainer: answers kept, each told their own.
	r := s.Do(t, "PATCH", "/api/v1/sessions/"+x.ID, coord, map[string]any{"location": "Phòng họp UBND xã Phước An", "trainer": "TS. Nguyễn Thị Mai"})
	if r.Status != 200 {
		t.Fatalf("update: %d %s", r.Status, r.Body)
	}
	got := srv.Wait(t, 9)
	waitOutboxEmpty(t, s) // every notice queued is sent: and no more, not to the decliner
	if n := len(srv.Messages()); n != 9 {
		t.Fatalf("%d messages after the update, want 5 invitations and 4 updates (not to the decliner)", n)
	}
	if rs := responses(); rs[a] != "accepted" || rs[b] != "accepted" || rs[c] != "waitlisted" || rs[d] != "declined" || rs[e] != "pending" {
		t.Errorf("answers after a change of place: %v", rs)
	}
	updates := readNotices(t, got, 5)
	if _, told := updates[email[d]]; told {
		t.Error("the decliner was told of the new place")
	}
	for id, wantStat := range map[string]string{a: "ACCEPTED", b: "ACCEPTED", c: "TENTATIVE", e: "NEEDS-ACTION"} {
		n, ok := updates[email[id]]
		if !ok {
			t.Errorf("no update to %s", id)
			continue
		}
		if !strings.HasPrefix(n.Subject, "Cập nhật thông tin buổi tập huấn") || n.Sequence != "1" || n.Location != "Phòng họp UBND xã Phước An" ||
			!strings.Contains(n.Text, "TS. Nguyễn Thị Mai") {
			t.Errorf("update to %s: %+v", id, n)
		}
		if n.PartStat != wantStat {
			t.Errorf("update to %s (%s): PARTSTAT=%s, want %s", id, want[id], n.PartStat, wantStat)
		}
		// The text asks the unanswered to answer by its link; the calendar
		// part asks nobody (RSVP=FALSE), since nothing reads its replies.
		asked := id == e
		if n.RSVP != "FALSE" || strings.Contains(n.Text, "không cần trả lời lại") == asked || strings.Contains(n.Text, "chưa trả lời") != asked {
			t.Errorf("update to %s (%s) asks to answer: RSVP=%s, text:\n%s", id, want[id], n.RSVP, n.Text)
		}
	}
	if n := updates[email[c]]; !strings.Contains(n.Text, "danh sách chờ") {
		t.Errorf("the waitlisted invitee is not told they still wait:\n%s", n.Text)
	}
	if n := updates[email[a]]; !strings.Contains(n.Text, "giữ chỗ") || !rsvpLink.MatchString(n.Text) {
		t.Errorf("the accepted invitee is not told their place is kept, with a link to decline:\n%s", n.Text)
	}
	waitOutboxEmpty(t, s)

	// 2. A new day: every answer returns to pending, everyone is asked again.
	later := start.Add(24 * time.Hour)
	r = s.Do(t, "PATCH", "/api/v1/sessions/"+x.ID, coord, times(later, 3*time.Hour))
	if r.Status != 200 {
		t.Fatalf("reschedule: %d %s", r.Status, r.Body)
	}
	got = srv.Wait(t, 14)
	waitOutboxEmpty(t, s)
	if n := len(srv.Messages()); n != 14 {
		t.Fatalf("%d messages after the reschedule, want 14 (one to each of the 5)", n)
	}
	for id, r := range responses() {
		if r != "pending" {
			t.Errorf("%s is %s after the reschedule, want pending", id, r)
		}
	}
	var view scheduling.SessionView
	s.Do(t, "GET", "/api/v1/sessions/"+x.ID, coord, nil).JSON(t, &view)
	if view.Accepted != 0 || view.Waitlisted != 0 || view.Sequence != 2 {
		t.Errorf("after the reschedule: %d accepted, %d waitlisted, sequence %d", view.Accepted, view.Waitlisted, view.Sequence)
	}
	asked := readNotices(t, got, 9)
	for _, id := range nt {
		n, ok := asked[email[id]]
		if !ok {
			t.Errorf("no reschedule notice to %s (%s before)", id, want[id])
			continue
		}
		link := s.App.Scheduling.RSVPURL(x.ID, id)
		if !strings.HasPrefix(n.Subject, "Đổi lịch tập huấn") || n.Sequence != "2" || n.Start != later.UTC().Format("20060102T150405Z") ||
			!strings.Contains(n.Text, "trả lời lại") || strings.Contains(n.Text, "không cần trả lời lại") || !strings.Contains(n.Text, link) {
			t.Errorf("reschedule notice to %s: %+v", id, n)
		}
		if n.PartStat != "NEEDS-ACTION" || n.RSVP != "FALSE" {
			t.Errorf("reschedule notice to %s (%s before): PARTSTAT=%s RSVP=%s", id, want[id], n.PartStat, n.RSVP)
		}
	}

	// 3. Places go to the new accepts; the waitlisted of before keeps their place in the queue.
	answer(e, "accept")
	answer(a, "accept") // full again
	answer(b, "accept") // waitlisted now
	answer(c, "accept") // waitlisted before b was, so ahead of b
	if rs := responses(); rs[e] != "accepted" || rs[a] != "accepted" || rs[b] != "waitlisted" || rs[c] != "waitlisted" {
		t.Fatalf("answers after the reschedule: %v", rs)
	}
	answer(e, "decline")
	if rs := responses(); rs[c] != "accepted" || rs[b] != "waitlisted" {
		t.Errorf("a freed place went to %v: want the earlier waitlisted (%s)", rs, c)
	}
	got = srv.Wait(t, 15)
	promoted := readNotices(t, got, 14)[email[c]]
	if !strings.HasPrefix(promoted.Subject, "Đã có chỗ") || promoted.PartStat != "ACCEPTED" {
		t.Errorf("the promotion notice: %+v", promoted)
	}
}

// A change to this and the following occurrences of a series carries only
// the fields it names. A title alone leaves every occurrence's times as
// they were, whatever the length of the edited one, and is an update, not
// a reschedule. A new start moves each occurrence by the edited one's shift,
// each keeping its own length; a new end gives each the edited one's new
// length.
func TestAFollowingChangeCarriesOnlyTheFieldsItNames(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{Clock: clock.NewManual(monday)})
	coord := s.LoginDemo(t, apptest.Coordinator)
	vn := clock.VN
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 12, day, hour, minute, 0, 0, vn) }
	r := s.Do(t, "POST", "/api/v1/sessions", coord, map[string]any{"course_code": "KC-101", "title": "Sinh hoạt chuyên đề",
		"starts_at": at(9, 8, 0).Format(time.RFC3339), "ends_at": at(9, 11, 30).Format(time.RFC3339),
		"location": "Phòng họp Trung tâm", "area_code": "NT", "recurrence": "FREQ=WEEKLY;COUNT=3"})
	var series created
	r.JSON(t, &series)
	if r.Status != 201 || len(series.Items) != 3 {
		t.Fatalf("series: %d %s", r.Status, r.Body)
	}
	ids := []string{series.Items[0].ID, series.Items[1].ID, series.Items[2].ID}
	who := s.Find(t, "ctv", "NT")
	for _, id := range ids {
		if r := s.Do(t, "POST", "/api/v1/sessions/"+id+"/invitations", coord, map[string]any{"collaborator_ids": []string{who.ID}}); r.Status != 200 {
			t.Fatalf("invite: %d %s", r.Status, r.Body)
		}
	}
	patch := func(id, apply string, body map[string]any) {
		t.Helper()
		if r := s.Do(t, "PATCH", "/api/v1/sessions/"+id+"?apply="+apply, coord, body); r.Status != 200 {
			t.Fatalf("PATCH apply=%s %v: %d %s", apply, body, r.Status, r.Body)
		}
	}
	wantTimes := func(step string, want ...time.Time) {
		t.Helper()
		for i, id := range ids {
			if got := getSession(t, s, id); !got.StartsAt.Equal(want[2*i]) || !got.EndsAt.Equal(want[2*i+1]) {
				t.Errorf("%s: occurrence %d at %v–%v, want %v–%v", step, i+1, got.StartsAt.In(vn), got.EndsAt.In(vn), want[2*i], want[2*i+1])
			}
		}
	}
	// mailedKinds is the kinds of notice queued or sent to who for id.
	mailedKinds := func(id string) map[string]bool {
		t.Helper()
		kinds := map[string]bool{}
		for key := range mailKeys(t, s, map[string]any{"to.email": who.Email}) {
			if kind, rest, _ := strings.Cut(key, ":"); strings.HasPrefix(rest, id+":") {
				kinds[kind] = true
			}
		}
		return kinds
	}

	// The first occurrence alone moves to 13:30–16:30 (three hours).
	patch(ids[0], scheduling.ApplyThis, map[string]any{"starts_at": at(9, 13, 30).Format(time.RFC3339), "ends_at": at(9, 16, 30).Format(time.RFC3339)})
	before := []scheduling.Session{getSession(t, s, ids[1]), getSession(t, s, ids[2])}

	// A title alone: the times stay, the notice is an update.
	patch(ids[0], scheduling.ApplyFollowing, map[string]any{"title": "Sinh hoạt chuyên đề (đổi tên)"})
	wantTimes("a new title", at(9, 13, 30), at(9, 16, 30), at(16, 8, 0), at(16, 11, 30), at(23, 8, 0), at(23, 11, 30))
	for i, id := range ids[1:] {
		got := getSession(t, s, id)
		if got.Title != "Sinh hoạt chuyên đề (đổi tên)" || got.Sequence != before[i].Sequence+1 || got.Rescheduled != before[i].Rescheduled {
			t.Errorf("occurrence %d after a new title: %q, sequence %d, rescheduled %d (before: sequence %d, rescheduled %d)",
				i+2, got.Title, got.Sequence, got.Rescheduled, before[i].Sequence, before[i].Rescheduled)
		}
		if kinds := mailedKinds(id); kinds[scheduling.NoticeReschedule] || !kinds[scheduling.NoticeUpdate] {
			t.Errorf("occurrence %d after a new title: notices %v, want an update and no reschedule", i+2, kinds)
		}
	}

	// A start alone: every occurrence moves by the first one's shift (+30 min) and keeps its own length.
	patch(ids[0], scheduling.ApplyFollowing, map[string]any{"starts_at": at(9, 14, 0).Format(time.RFC3339)})
	wantTimes("a new start", at(9, 14, 0), at(9, 17, 0), at(16, 8, 30), at(16, 12, 0), at(23, 8, 30), at(23, 12, 0))
	for i, id := range ids[1:] {
		if kinds := mailedKinds(id); !kinds[scheduling.NoticeReschedule] {
			t.Errorf("occurrence %d after a new start: notices %v, want a reschedule", i+2, kinds)
		}
	}

	// A start and an end: every occurrence moves by the shift and takes the new length (two hours).
	patch(ids[0], scheduling.ApplyFollowing, map[string]any{"starts_at": at(9, 15, 0).Format(time.RFC3339), "ends_at": at(9, 17, 0).Format(time.RFC3339)})
	wantTimes("a new start and end", at(9, 15, 0), at(9, 17, 0), at(16, 9, 30), at(16, 11, 30), at(23, 9, 30), at(23, 11, 30))

	// An end alone: every occurrence keeps its start and takes the new length (two and a half hours).
	patch(ids[0], scheduling.ApplyFollowing, map[string]any{"ends_at": at(9, 17, 30).Format(time.RFC3339)})
	wantTimes("a new end", at(9, 15, 0), at(9, 17, 30), at(16, 9, 30), at(16, 12, 0), at(23, 9, 30), at(23, 12, 0))
}
