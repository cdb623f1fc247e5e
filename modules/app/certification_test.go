package app_test

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/certification"
	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/ctvacademy/academy/modules/quizzes"
)

// flakyEvents fails "quiz passed" while down is set, and otherwise has
// certification reconcile, as the app's own events do.
type flakyEvents struct {
	down atomic.Bool
	s    atomic.Pointer[apptest.Server]
}

func (e *flakyEvents) QuizPassed(ctx context.Context, p quizzes.Passed) error {
	if e.down.Load() {
		return errors.New("the listener is down")
	}
	return e.s.Load().App.Certification.QuizPassed(ctx, p.CollaboratorID)
}

// passQuiz starts and submits an attempt at course with the right answers,
// failing the test unless it is graded as passed.
func passQuiz(t *testing.T, s *apptest.Server, token, course string) {
	t.Helper()
	if !sitQuiz(t, s, token, course, false) {
		t.Fatalf("the right answers failed %s", course)
	}
}

// failQuiz starts and submits an attempt at course with a wrong option to
// every question, failing the test unless it is graded as failed.
func failQuiz(t *testing.T, s *apptest.Server, token, course string) {
	t.Helper()
	if sitQuiz(t, s, token, course, true) {
		t.Fatalf("the wrong answers passed %s", course)
	}
}

// sitQuiz starts an attempt at course, submits the right answers (a wrong
// option to every question when wrong) and says whether it passed.
func sitQuiz(t *testing.T, s *apptest.Server, token, course string, wrong bool) bool {
	t.Helper()
	r := s.Do(t, "POST", "/api/v1/courses/"+course+"/attempts", token, nil)
	if r.Status != 201 {
		t.Fatalf("start %s: %d %s", course, r.Status, r.Body)
	}
	id, answers := rightAnswers(t, s, r, course)
	if wrong {
		c, _ := s.App.Courses.Course(course)
		for _, q := range c.Quiz.Questions {
			if _, asked := answers[q.ID]; asked {
				i := slices.IndexFunc(q.Options, func(o courses.Option) bool { return !o.Correct })
				answers[q.ID] = []string{q.Options[i].ID}
			}
		}
	}
	r = s.Do(t, "POST", "/api/v1/attempts/"+id+"/submit", token, map[string]any{"answers": answers})
	if r.Status != 200 {
		t.Fatalf("submit %s: %d %s", course, r.Status, r.Body)
	}
	var graded struct {
		Passed bool `json:"passed"`
	}
	r.JSON(t, &graded)
	return graded.Passed
}

// rightAnswers decodes the attempt at course that started answers and
// returns its id with the right answers to each of its questions.
func rightAnswers(t *testing.T, s *apptest.Server, started apptest.Response, course string) (string, map[string][]string) {
	t.Helper()
	var a struct {
		ID        string `json:"id"`
		Questions []struct {
			ID string `json:"id"`
		} `json:"questions"`
	}
	started.JSON(t, &a)
	c, ok := s.App.Courses.Course(course)
	if !ok {
		t.Fatalf("no course %s", course)
	}
	answers := map[string][]string{}
	for _, q := range a.Questions {
		for _, bq := range c.Quiz.Questions {
			if bq.ID == q.ID {
				answers[q.ID] = bq.CorrectIDs()
			}
		}
	}
	return a.ID, answers
}

func certs(t *testing.T, s *apptest.Server, token, path string) web.List[certification.View] {
	t.Helper()
	r := s.Do(t, "GET", path, token, nil)
	if r.Status != 200 {
		t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
	}
	var l web.List[certification.View]
	r.JSON(t, &l)
	return l
}

func TestCertificationFromAPassThroughTheAPI(t *testing.T) {
	t.Parallel()
	ev := &flakyEvents{}
	ev.down.Store(true)
	s := apptest.Start(t, apptest.Options{Events: ev})
	ev.s.Store(s)
	ctv := s.Find(t, "ctv", "NT")
	ctvToken := s.LoginDemo(t, ctv.Email)
	coord := s.LoginDemo(t, apptest.Coordinator)

	// The pass is recorded while the listener fails: no certificate yet.
	passQuiz(t, s, ctvToken, "KC-102")
	if l := certs(t, s, ctvToken, "/api/v1/me/certifications"); l.Total != 0 {
		t.Fatalf("a certificate without the event: %+v", l)
	}
	// The daily job's work repairs it (the job itself ran at start-up,
	// before the pass: today is done).
	if _, _, err := s.App.Certification.ReconcileAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	mine := certs(t, s, ctvToken, "/api/v1/me/certifications")
	if mine.Total != 1 || mine.Items[0].CourseCode != "KC-102" || mine.Items[0].Status != certification.StatusValid ||
		mine.Items[0].CollaboratorID != ctv.ID || mine.Items[0].VerificationCode == "" {
		t.Fatalf("after the daily job: %+v", mine)
	}
	id := mine.Items[0].ID

	// Scopes: staff see it, the NT team leader sees it, another district's does not.
	if l := certs(t, s, coord, "/api/v1/certifications?collaborator_id="+ctv.ID); l.Total != 1 {
		t.Fatalf("coordinator: %+v", l)
	}
	if l := certs(t, s, s.LoginDemo(t, apptest.Leadership), "/api/v1/certifications?status=valid&course=KC-102"); l.Total < 1 {
		t.Fatalf("leadership: %+v", l)
	}
	if l := certs(t, s, s.LoginDemo(t, s.Find(t, "team_leader", "NT").Email), "/api/v1/certifications"); l.Total != 1 {
		t.Fatalf("NT team leader: %+v", l)
	}
	if l := certs(t, s, s.LoginDemo(t, s.Find(t, "team_leader", "LT").Email), "/api/v1/certifications"); l.Total != 0 {
		t.Fatalf("LT team leader: %+v", l)
	}
	other := s.Find(t, "ctv", "LT")
	if l := certs(t, s, s.LoginDemo(t, other.Email), "/api/v1/certifications?collaborator_id="+ctv.ID); l.Total != 0 {
		t.Fatalf("another CTV: %+v", l)
	}
	for path, field := range map[string]string{
		"/api/v1/certifications?status=lost": "status", "/api/v1/certifications?limit=0": "limit",
		"/api/v1/certifications?offset=-1": "offset", "/api/v1/me/certifications?status=x": "status",
		"/api/v1/certifications?course=KC-999": "course", "/api/v1/attempts?course_code=KC-999": "course_code",
		"/api/v1/certifications?area_code=ZZ": "area_code",
		// Every filter naming a district unit refuses one the registry lacks.
		"/api/v1/attempts?area_code=ZZ": "area_code", "/api/v1/courses/KC-101/results?area_code=ZZ": "area_code",
		"/api/v1/recognition?quarter=2026-Q3&area_code=ZZ": "area_code",
	} {
		if r := s.Do(t, "GET", path, coord, nil); r.Status != 400 || !r.Problem(t).HasField(field) {
			t.Errorf("GET %s: %d %s, want 400 naming %s", path, r.Status, r.Body, field)
		}
	}

	// Revoke: the coordinator's, with a reason, once.
	if r := s.Do(t, "POST", "/api/v1/certifications/"+id+"/revoke", ctvToken, map[string]string{"reason": "x"}); r.Status != 403 {
		t.Fatalf("CTV revokes: %d", r.Status)
	}
	if r := s.Do(t, "POST", "/api/v1/certifications/"+id+"/revoke", coord, map[string]string{"reason": ""}); r.Status != 400 || !r.Problem(t).HasField("reason") {
		t.Fatalf("revoke without a reason: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "POST", "/api/v1/certifications/"+id+"/revoke", coord, map[string]string{"reason": "Cấp nhầm", "extra": "x"}); r.Status != 400 {
		t.Fatalf("revoke with an unknown field: %d %s", r.Status, r.Body)
	}
	r := s.Do(t, "POST", "/api/v1/certifications/"+id+"/revoke", coord, map[string]string{"reason": "Cấp nhầm"})
	var v certification.View
	if r.Status != 200 {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &v)
	if v.Status != certification.StatusRevoked || v.RevokeReason != "Cấp nhầm" {
		t.Fatalf("revoked: %+v", v)
	}
	if r := s.Do(t, "POST", "/api/v1/certifications/"+id+"/revoke", coord, map[string]string{"reason": "again"}); r.Status != 409 {
		t.Fatalf("second revoke: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "POST", "/api/v1/certifications/nope/revoke", coord, map[string]string{"reason": "x"}); r.Status != 404 {
		t.Fatalf("revoke of nothing: %d %s", r.Status, r.Body)
	}

	// With the listener up, a pass issues at once (a new certificate: the
	// revocation opened a new cycle of attempts).
	ev.down.Store(false)
	passQuiz(t, s, ctvToken, "KC-102")
	mine = certs(t, s, ctvToken, "/api/v1/me/certifications?status=valid")
	if mine.Total != 1 || mine.Items[0].ID == id || mine.Items[0].VerificationCode == v.VerificationCode {
		t.Fatalf("after a later pass: %+v", mine)
	}
}
