package app_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/reports"
)

func courseRates(t *testing.T, s *apptest.Server, token, query string) []reports.CourseQuarter {
	t.Helper()
	r := s.Do(t, "GET", "/api/v1/reports/courses?limit=1000&"+query, token, nil)
	if r.Status != 200 {
		t.Fatalf("GET courses?%s: %d %s", query, r.Status, r.Body)
	}
	var l struct {
		Items []reports.CourseQuarter `json:"items"`
		Total int                     `json:"total"`
	}
	r.JSON(t, &l)
	if l.Total != len(l.Items) {
		t.Fatalf("courses?%s: %d of %d items", query, len(l.Items), l.Total)
	}
	return l.Items
}

// TestCourseRatesCountTheDemosAttemptsAndNewMarks: on the real store, the
// attendance and quiz report over the whole network counts every graded
// attempt the demo wrote, each once; a session held and marked through
// the API adds its entries to its course's quarter in its people's
// district (present and late attend, excused leaves the denominator,
// absent and unmarked count against); and a team leader's report is
// leadership's filtered to their district. (The demo's sessions are
// written after the attendance book's backfill has finished here, so
// only marks given through the service are in the books.)
func TestCourseRatesCountTheDemosAttemptsAndNewMarks(t *testing.T) {
	t.Parallel()
	clk := clock.NewManual(time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC))
	s := startWithActivity(t, clk)
	act := s.App.DemoActivity
	if act == nil || act.Attempts == 0 {
		t.Fatalf("the demo's activity: %+v", act)
	}
	lead, coord := s.LoginDemo(t, apptest.Leadership), s.LoginDemo(t, apptest.Coordinator)
	var attempts, passed int
	for _, r := range courseRates(t, s, lead, "") {
		attempts += r.Attempts
		passed += r.Passed
		if r.Invited != r.Present+r.Late+r.Excused+r.Absent+r.Unmarked || r.PassedPeople > r.Passed {
			t.Errorf("%s %s does not add up: %+v", r.Course, r.Quarter, r)
		}
	}
	if attempts != act.Attempts || passed != act.Passed {
		t.Errorf("the report counts %d attempts, %d passed; the demo wrote %d, %d", attempts, passed, act.Attempts, act.Passed)
	}

	// A KC-101 session in NT: five invited, four marked.
	kc101 := func() reports.CourseQuarter {
		for _, r := range courseRates(t, s, lead, "area_code=NT&course=KC-101") {
			if r.Quarter == "2026-Q4" {
				return r
			}
		}
		return reports.CourseQuarter{}
	}
	before := kc101()
	people := s.FindAll(t, "ctv", "NT", 5)[:5]
	id := s.CreateSession(t, coord, "KC-101", "NT", "Tập huấn an toàn lao động", clk.Now().Add(time.Hour))
	ids := make([]string, len(people))
	for i, p := range people {
		ids[i] = p.ID
	}
	if r := s.Do(t, "POST", "/api/v1/sessions/"+id+"/invitations", coord, map[string]any{"collaborator_ids": ids}); r.Status != 200 {
		t.Fatalf("invite: %d %s", r.Status, r.Body)
	}
	if got := kc101(); !reflect.DeepEqual(got, before) {
		t.Errorf("a session to come counts: %+v, before %+v", got, before)
	}
	clk.Advance(2 * time.Hour)
	marks := []map[string]string{}
	for i, st := range []string{"present", "late", "excused", "absent"} {
		marks = append(marks, map[string]string{"collaborator_id": ids[i], "status": st})
	}
	if r := s.Do(t, "PUT", "/api/v1/sessions/"+id+"/attendance", coord, marks); r.Status != 200 {
		t.Fatalf("mark: %d %s", r.Status, r.Body)
	}
	after := kc101()
	want := before
	want.Quarter, want.Course = "2026-Q4", "KC-101"
	want.Sessions++
	want.Invited += 5
	want.Present++
	want.Late++
	want.Excused++
	want.Absent++
	want.Unmarked++
	want.AttendanceRate = nil
	if n := want.Expected(); n > 0 {
		rate := float64(want.Attended()) / float64(n)
		want.AttendanceRate = &rate
	}
	if !reflect.DeepEqual(after, want) {
		t.Errorf("after the session:\n got %+v\nwant %+v", after, want)
	}

	leader := s.Find(t, "team_leader", "NT")
	tl := s.LoginDemo(t, leader.Email)
	mine := courseRates(t, s, tl, "")
	if nt := courseRates(t, s, lead, "area_code=NT"); len(mine) == 0 || !reflect.DeepEqual(mine, nt) {
		t.Errorf("the NT team leader's report:\n%+v\nleadership's for NT:\n%+v", mine, nt)
	}
	if other := courseRates(t, s, tl, "area_code=LT"); len(other) != 0 {
		t.Errorf("the NT team leader asking for LT: %+v", other)
	}
}
