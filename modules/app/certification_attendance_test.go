package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/certification"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/clock"
)

// At a course that requires attendance (KC-101) a failed attempt, then a
// pass alone, issue nothing; an absent mark at a class of the course does not count; when
// the mark is corrected to present, the attendance event issues the
// certificate moments later, in the background (no nightly job runs), and the
// sheet's answer did not wait for it: completed at the class, the
// later of the two, and valid for the course's 24 months from that day.
func TestAttendanceEventIssuesTheCertificate(t *testing.T) {
	t.Parallel()
	s, clk, ctv, token, coord := kc101Stage(t)
	kc101 := func() []certification.View {
		t.Helper()
		var out []certification.View
		for _, v := range certs(t, s, token, "/api/v1/me/certifications").Items {
			if v.CourseCode == "KC-101" {
				out = append(out, v)
			}
		}
		return out
	}
	if got := kc101(); len(got) != 0 {
		t.Fatalf("%s holds a KC-101 certificate before the test: %+v", ctv.Code, got)
	}

	// A failed attempt first, then (after the retake wait) a pass.
	failQuiz(t, s, token, "KC-101")
	if got := kc101(); len(got) != 0 {
		t.Fatalf("a failed attempt issued %+v", got)
	}
	clk.Advance(61 * time.Minute)
	passQuiz(t, s, token, "KC-101")
	if got := kc101(); len(got) != 0 {
		t.Fatalf("a pass without attendance issued %+v", got)
	}

	// The class the same day in Vietnam, so that the day's nightly job
	// (run at start) has nothing to do with what follows.
	start := clk.Now().Add(2 * time.Hour)
	session := s.CreateSession(t, coord, "KC-101", "NT", "Tập huấn chính sách khuyến công", start)
	clk.Set(start.Add(30 * time.Minute))
	mark := func(status string) {
		t.Helper()
		r := s.Do(t, "PUT", "/api/v1/sessions/"+session+"/attendance", coord, []map[string]string{{"collaborator_id": ctv.ID, "status": status}})
		if r.Status != 200 {
			t.Fatalf("mark %s: %d %s", status, r.Status, r.Body)
		}
	}
	mark("absent")
	reconciled(t, s)
	if got := kc101(); len(got) != 0 {
		t.Fatalf("an absent mark issued %+v", got)
	}
	mark("present")
	reconciled(t, s)
	got := kc101()
	if len(got) != 1 || got[0].Status != certification.StatusValid || len(got[0].Cycles) != 1 {
		t.Fatalf("after the present mark: %+v", got)
	}
	c := got[0].Cycles[0]
	wantUntil := start.In(clock.VN).AddDate(2, 0, 0).Format(time.DateOnly)
	if !c.CompletedAt.Equal(start) || got[0].ValidUntil != wantUntil {
		t.Errorf("completed %s, valid until %s; want the class's start %s and %s", c.CompletedAt, got[0].ValidUntil, start, wantUntil)
	}
}

// A mark acknowledged just before the process stops is not lost: the
// person stays marked for a reconcile in the store, and the next process
// issues the certificate as it starts.
func TestAttendanceMarkedBeforeAStopIssuesAfterTheRestart(t *testing.T) {
	t.Parallel()
	s, clk, ctv, token, coord := kc101Stage(t)
	passQuiz(t, s, token, "KC-101")
	start := clk.Now().Add(2 * time.Hour)
	session := s.CreateSession(t, coord, "KC-101", "NT", "Tập huấn chính sách khuyến công", start)
	clk.Set(start.Add(30 * time.Minute))
	reconciled(t, s)
	s.App.Certification.Stop() // as if the process stopped before its background run
	if r := s.Do(t, "PUT", "/api/v1/sessions/"+session+"/attendance", coord, []map[string]string{{"collaborator_id": ctv.ID, "status": "present"}}); r.Status != 200 {
		t.Fatalf("mark present: %d %s", r.Status, r.Body)
	}
	if n, err := s.App.Certification.Pending(context.Background()); err != nil || n != 1 {
		t.Fatalf("people marked for a reconcile after the sheet's answer: %d, %v; want 1", n, err)
	}
	if got := certs(t, s, token, "/api/v1/me/certifications").Items; hasCourse(got, "KC-101") {
		t.Fatalf("issued with the background run stopped: %+v", got)
	}
	s.Restart(t)
	reconciled(t, s)
	token = s.LoginDemo(t, ctv.Email)
	if got := certs(t, s, token, "/api/v1/me/certifications").Items; !hasCourse(got, "KC-101") {
		t.Fatalf("after the restart: %+v; want the KC-101 certificate", got)
	}
}

func hasCourse(vs []certification.View, course string) bool {
	for _, v := range vs {
		if v.CourseCode == course {
			return true
		}
	}
	return false
}

// kc101Stage starts the service on a Monday morning in October and signs
// in a CTV of Nhơn Trạch (who holds no KC-101 certificate) and the
// coordinator.
func kc101Stage(t *testing.T) (s *apptest.Server, clk *clock.Manual, ctv collaborators.Collaborator, token, coord string) {
	t.Helper()
	clk = clock.NewManual(time.Date(2026, 10, 5, 2, 0, 0, 0, time.UTC))
	s = apptest.Start(t, apptest.Options{Clock: clk})
	ctv = s.Find(t, "ctv", "NT")
	return s, clk, ctv, s.LoginDemo(t, ctv.Email), s.LoginDemo(t, apptest.Coordinator)
}

// reconciled waits until certification's background run has reconciled
// every person an attendance mark left to it.
func reconciled(t *testing.T, s *apptest.Server) {
	t.Helper()
	apptest.Await(t, time.Minute, "people still wait for a reconcile", func() (int, error) {
		return s.App.Certification.Pending(context.Background())
	})
}
