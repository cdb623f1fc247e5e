package app_test

import (
	"slices"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/reports"
)

// reportsDemo starts the demo service on a manual clock (20 Nov 2026)
// and signs in its coordinator and leadership user: with an NT
// collaborator, what the reports' tests change and read.
func reportsDemo(t *testing.T) (s *apptest.Server, clk *clock.Manual, coord, lead string, ctv collaborators.Collaborator) {
	t.Helper()
	clk = clock.NewManual(time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC))
	s = apptest.Start(t, apptest.Options{Clock: clk})
	return s, clk, s.LoginDemo(t, apptest.Coordinator), s.LoginDemo(t, apptest.Leadership), s.Find(t, "ctv", "NT")
}

// cellOf is a person's cell of a course in the matrix ("" when the
// person or the column is not in it).
func cellOf(c reports.Competency, id, course string) string {
	row, ok := rowOf(c, id)
	j := slices.Index(c.Courses, course)
	if !ok || j < 0 {
		return ""
	}
	return row.Cells[j].Status
}

// revokeCourse revokes a person's certificate of course as the
// coordinator.
func revokeCourse(t *testing.T, s *apptest.Server, coord, id, course string) {
	t.Helper()
	var mine struct {
		Items []struct {
			ID         string `json:"id"`
			CourseCode string `json:"course_code"`
		} `json:"items"`
	}
	s.Do(t, "GET", "/api/v1/certifications?collaborator_id="+id, coord, nil).JSON(t, &mine)
	for _, c := range mine.Items {
		if c.CourseCode == course {
			if r := s.Do(t, "POST", "/api/v1/certifications/"+c.ID+"/revoke", coord, map[string]string{"reason": "Cấp nhầm"}); r.Status != 200 {
				t.Fatalf("revoke: %d %s", r.Status, r.Body)
			}
			return
		}
	}
	t.Fatalf("no %s certificate listed: %+v", course, mine)
}

// TestReportsCacheFollowsEachInput: the reports' inputs are kept in
// process between requests (by the registry's, certification's and
// performance's versions and the day); each change of an input shows in
// the next report: a certificate issued (a quiz passed) and revoked, a
// contract moved, and a new day (TestCompetencyMatrixShowsStandingAnd-
// LastAttainment changes a record).
func TestReportsCacheFollowsEachInput(t *testing.T) {
	t.Parallel()
	s, clk, coord, lead, ctv := reportsDemo(t)
	const course = "KC-102"

	// Twice, so that the second is the cached copy's.
	for range 2 {
		if got := cellOf(competency(t, s, lead, "area_code=NT"), ctv.ID, course); got != "missing" {
			t.Fatalf("before the pass: %s's %s cell %q, want missing", ctv.Code, course, got)
		}
	}

	// A certificate issued.
	passQuiz(t, s, s.LoginDemo(t, ctv.Email), course)
	if got := cellOf(competency(t, s, lead, "area_code=NT"), ctv.ID, course); got != "valid" {
		t.Fatalf("after the pass: cell %q, want valid", got)
	}
	// The same certificate revoked.
	revokeCourse(t, s, coord, ctv.ID, course)
	if got := cellOf(competency(t, s, lead, "area_code=NT"), ctv.ID, course); got != "revoked" {
		t.Fatalf("after the revocation: cell %q, want revoked", got)
	}

	// A contract moved to end within the report's window.
	ending := func() bool {
		t.Helper()
		var l struct {
			Items []reports.Ending `json:"items"`
		}
		r := s.Do(t, "GET", "/api/v1/reports/contracts?area_code=NT&days=30&limit=500", lead, nil)
		if r.Status != 200 {
			t.Fatalf("contracts: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &l)
		return slices.ContainsFunc(l.Items, func(e reports.Ending) bool { return e.ID == ctv.ID })
	}
	if ending() {
		t.Fatalf("%s's contract ends within 30 days before the change", ctv.Code)
	}
	c := ctv.Contract
	patch := map[string]any{"contract": map[string]any{"number": c.Number, "starts_on": c.StartsOn, "ends_on": "2026-12-10",
		"status": c.Status, "quarterly_stipend": c.QuarterlyStipend}}
	if r := s.Do(t, "PATCH", "/api/v1/collaborators/"+ctv.ID, coord, patch); r.Status != 200 {
		t.Fatalf("patch the contract: %d %s", r.Status, r.Body)
	}
	if !ending() {
		t.Fatalf("%s's contract moved to 2026-12-10 is not in the contracts ending within 30 days", ctv.Code)
	}

	// A new day: the contract's days left move with the clock.
	days := func() int {
		t.Helper()
		var l struct {
			Items []reports.Ending `json:"items"`
		}
		s.Do(t, "GET", "/api/v1/reports/contracts?area_code=NT&days=30&limit=500", lead, nil).JSON(t, &l)
		for _, e := range l.Items {
			if e.ID == ctv.ID {
				return e.Days
			}
		}
		return -1
	}
	d0 := days()
	clk.Set(time.Date(2026, 11, 21, 3, 0, 0, 0, time.UTC))
	lead = s.LoginDemo(t, apptest.Leadership)
	if d1 := days(); d1 != d0-1 {
		t.Fatalf("a day on: %d days left, want %d", d1, d0-1)
	}
}
