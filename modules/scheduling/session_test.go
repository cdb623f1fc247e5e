package scheduling

import (
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
)

var t0 = time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC) // 08:00 in Vietnam

func TestOccurrences(t *testing.T) {
	t.Parallel()
	times, err := Occurrences("FREQ=WEEKLY;COUNT=4", t0)
	if err != nil || len(times) != 4 || !times[3].Equal(t0.AddDate(0, 0, 21)) {
		t.Fatalf("%v %v", times, err)
	}
	if times, err := Occurrences("RRULE:FREQ=MONTHLY;UNTIL=20270401T000000Z", t0); err != nil || len(times) != 4 {
		t.Errorf("until: %v %v", times, err)
	}
	for _, bad := range []string{"FREQ=WEEKLY", "FREQ=DAILY;COUNT=500", "NOT A RULE", "FREQ=WEEKLY;UNTIL=20200101T000000Z"} {
		if _, err := Occurrences(bad, t0); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func session(capacity int, invitees ...string) *Session {
	s := &Session{ID: "s1", Title: "Tập huấn", StartsAt: t0, EndsAt: t0.Add(3 * time.Hour), Capacity: capacity, Status: StatusScheduled,
		AreaCode: "NT", CheckinKey: []byte("0123456789abcdef0123456789abcdef")}
	if _, err := s.Invite(invitees, t0.Add(-72*time.Hour)); err != nil {
		panic(err)
	}
	return s
}

func TestWaitlistAndPromotion(t *testing.T) {
	t.Parallel()
	s := session(2, "a", "b", "c", "d")
	now := t0.Add(-48 * time.Hour)
	for i, id := range []string{"a", "b", "c", "d"} {
		if _, err := s.Respond(id, "accept", now.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	resp := func(id string) string { inv, _ := s.Invitation(id); return inv.Response }
	if resp("a") != ResponseAccepted || resp("b") != ResponseAccepted || resp("c") != ResponseWaitlisted || resp("d") != ResponseWaitlisted {
		t.Fatalf("responses %s %s %s %s", resp("a"), resp("b"), resp("c"), resp("d"))
	}
	promoted, err := s.Respond("a", "decline", now.Add(time.Hour))
	if err != nil || promoted != "c" || resp("c") != ResponseAccepted || resp("d") != ResponseWaitlisted {
		t.Fatalf("decline promoted %q (%v): c=%s d=%s", promoted, err, resp("c"), resp("d"))
	}
	// Declining from the waitlist frees nothing.
	if promoted, _ := s.Respond("d", "decline", now.Add(2*time.Hour)); promoted != "" {
		t.Errorf("waitlisted decline promoted %q", promoted)
	}
	if _, err := s.Respond("zz", "accept", now); !errs.Is(err, errs.NotFound) {
		t.Errorf("uninvited: %v", err)
	}
	if _, err := s.Respond("b", "maybe", now); !errs.Is(err, errs.Invalid) {
		t.Errorf("bad answer: %v", err)
	}
	if _, err := s.Respond("b", "decline", t0.Add(4*time.Hour)); !errs.Is(err, errs.Gone) {
		t.Errorf("answer after the session: %v", err)
	}
	if added, _ := s.Invite([]string{"a", "e"}, now); len(added) != 1 || added[0] != "e" {
		t.Errorf("re-invite added %v", added)
	}
}

func TestCheckIn(t *testing.T) {
	t.Parallel()
	s := session(0, "a")
	at := t0.Add(5 * time.Minute)
	code := s.CheckinCode(at)
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		t.Fatalf("code %q", code)
	}
	if s.CheckinCode(at.Add(CodePeriod)) == code {
		t.Error("the code does not rotate")
	}
	if m, err := s.CheckIn("a", "LT", code, at.Add(30*time.Second)); err != nil || m.Status != AttendPresent || m.WalkIn {
		t.Fatalf("check-in: %+v %v", m, err)
	}
	first, _ := s.MarkOf("a")
	// The previous minute's code is still taken; older ones are not. A
	// second check-in keeps the first one's time.
	if m, err := s.CheckIn("a", "LT", code, at.Add(CodePeriod)); err != nil || m != first {
		t.Errorf("previous minute's code, a second time: %+v %v, want the first mark %+v", m, err, first)
	}
	if _, err := s.CheckIn("a", "LT", code, at.Add(3*CodePeriod)); !errs.Is(err, errs.Unprocessable) {
		t.Errorf("stale code: %v", err)
	}
	late := t0.Add(40 * time.Minute)
	if m, err := s.CheckIn("b", "NT", s.CheckinCode(late), late); err != nil || m.Status != AttendLate || !m.WalkIn {
		t.Errorf("district walk-in late: %+v %v", m, err)
	}
	if _, err := s.CheckIn("c", "LT", s.CheckinCode(late), late); !errs.Is(err, errs.Forbidden) {
		t.Errorf("other district: %v", err)
	}
	early := t0.Add(-time.Hour)
	if _, err := s.CheckIn("a", "NT", s.CheckinCode(early), early); !errs.Is(err, errs.Unprocessable) {
		t.Errorf("before the window: %v", err)
	}
	after := t0.Add(4 * time.Hour)
	if _, err := s.CheckIn("a", "NT", s.CheckinCode(after), after); !errs.Is(err, errs.Unprocessable) {
		t.Errorf("after the end: %v", err)
	}
	if len(s.Attendance) != 2 {
		t.Errorf("attendance %+v", s.Attendance)
	}
	if m, _ := s.MarkOf("a"); m != first {
		t.Errorf("a's mark is %+v after checking in again, want the first %+v", m, first)
	}
	// Checking in late after being marked present stays present; after
	// being marked absent (the coordinator's list, before they arrived) the
	// check-in counts.
	if m, err := s.CheckIn("b", "NT", s.CheckinCode(late.Add(time.Hour)), late.Add(time.Hour)); err != nil || m.MarkedAt != late {
		t.Errorf("b checking in again an hour later: %+v %v, want the mark at %v", m, err, late)
	}
	s.SetMark(Mark{CollaboratorID: "a", Status: AttendAbsent, MarkedAt: late, MarkedBy: "coord"})
	if m, err := s.CheckIn("a", "LT", s.CheckinCode(late), late); err != nil || m.Status != AttendLate || m.MarkedBy != "checkin" {
		t.Errorf("checking in after an absent mark: %+v %v, want late by check-in", m, err)
	}
}
