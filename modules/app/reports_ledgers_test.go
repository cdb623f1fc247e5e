package app_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/reports"
)

// TestCourseReportCacheFollowsMarksAndGradingsOfEitherProcess: the course
// report's attendance entries and graded attempts are kept in process by
// the two books' write counts; a graded attempt and a session's marks each
// show in the next (warm) report, and a second service on the same
// database sees the first's mark, and the first the second's grading and
// mark.
func TestCourseReportCacheFollowsMarksAndGradingsOfEitherProcess(t *testing.T) {
	t.Parallel()
	s, clk, coord, lead, ctv := reportsDemo(t)
	const course = "KC-102"
	q4 := func(s *apptest.Server, token, course string) reports.CourseQuarter {
		t.Helper()
		for _, r := range courseRates(t, s, token, "area_code=NT&course="+course) {
			if r.Quarter == "2026-Q4" {
				return r
			}
		}
		return reports.CourseQuarter{}
	}
	// Twice, so that the second is the cached copy's.
	before := q4(s, lead, course)
	if again := q4(s, lead, course); !reflect.DeepEqual(again, before) {
		t.Fatalf("the same report twice:\n%+v\n%+v", before, again)
	}

	// A graded attempt (a pass) shows in the next report.
	passQuiz(t, s, s.LoginDemo(t, ctv.Email), course)
	after := q4(s, lead, course)
	if after.Attempts != before.Attempts+1 || after.Passed != before.Passed+1 {
		t.Fatalf("after a pass: %d attempts, %d passed; before %d, %d", after.Attempts, after.Passed, before.Attempts, before.Passed)
	}

	// A second service on the same database: the same report, warm there
	// too, then each sees the other's writes.
	tw := s.Twin(t)
	twLead := tw.LoginDemo(t, apptest.Leadership)
	for range 2 {
		if got := q4(tw, twLead, course); !reflect.DeepEqual(got, after) {
			t.Fatalf("the second service's report:\n got %+v\nwant %+v", got, after)
		}
	}
	mark := func(s *apptest.Server, token, status string) {
		t.Helper()
		id := s.CreateSession(t, token, course, "NT", "Ôn tập an toàn lao động", clk.Now().Add(time.Hour))
		if r := s.Do(t, "POST", "/api/v1/sessions/"+id+"/invitations", token, map[string]any{"collaborator_ids": []string{ctv.ID}}); r.Status != 200 {
			t.Fatalf("invite: %d %s", r.Status, r.Body)
		}
		clk.Advance(2 * time.Hour)
		if r := s.Do(t, "PUT", "/api/v1/sessions/"+id+"/attendance", token, []map[string]string{{"collaborator_id": ctv.ID, "status": status}}); r.Status != 200 {
			t.Fatalf("mark: %d %s", r.Status, r.Body)
		}
	}
	// The first service's mark, in the second's next report.
	mark(s, coord, "present")
	got := q4(tw, twLead, course)
	if got.Sessions != after.Sessions+1 || got.Invited != after.Invited+1 || got.Present != after.Present+1 {
		t.Fatalf("the second service after the first's mark:\n got %+v\nafter %+v", got, after)
	}
	// The second service's grading, then its mark, each in the first's
	// next report.
	other := tw.Find(t, "ctv", "NT")
	if other.ID == ctv.ID {
		for _, p := range tw.FindAll(t, "ctv", "NT", 2) {
			if p.ID != ctv.ID {
				other = p
				break
			}
		}
	}
	passQuiz(t, tw, tw.LoginDemo(t, other.Email), course)
	if got := q4(s, lead, course); got.Attempts != after.Attempts+1 || got.Passed != after.Passed+1 || got.Sessions != after.Sessions+1 {
		t.Fatalf("the first service after the second's pass:\n got %+v\nafter %+v", got, after)
	}
	mark(tw, tw.LoginDemo(t, apptest.Coordinator), "absent")
	last := q4(s, lead, course)
	if last.Sessions != after.Sessions+2 || last.Invited != after.Invited+2 || last.Present != after.Present+1 || last.Absent != after.Absent+1 ||
		last.Attempts != after.Attempts+1 || last.Passed != after.Passed+1 {
		t.Fatalf("the first service after the second's mark:\n got %+v\nafter %+v", last, after)
	}
	if got := q4(tw, twLead, course); !reflect.DeepEqual(got, last) {
		t.Fatalf("the two services' reports differ:\n%+v\n%+v", got, last)
	}
}
