package app_test

import (
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/app/apptest"
)

// TestAPIQueryParametersAreStrict: a query parameter an API route does not
// read is a 400 problem naming it (a misspelt filter answered the whole
// unfiltered list: /api/v1/certifications?course_code=KC-999 gave all 279
// certificates), so is a parameter given twice (area_code=LK&area_code=BH
// used LK); what the route documents, and lang, still answer 200. Pages
// stay lenient.
func TestAPIQueryParametersAreStrict(t *testing.T) {
	t.Parallel()
	s, coord := apptest.StartAs(t, apptest.Coordinator)
	for _, c := range []struct{ path, field, message string }{
		{"/api/v1/certifications?course_code=KC-999", "course_code", "unknown query parameter: this route reads collaborator_id, status, area_code, course, limit, offset, lang"},
		{"/api/v1/reports/coverage?course=KC-999", "course", "unknown query parameter"},
		{"/api/v1/reports/quarters?quarter=2031-Q1", "quarter", "unknown query parameter"},
		{"/api/v1/certifications?area_code=LK&area_code=BH", "area_code", "appears twice"},
		{"/api/v1/attempts?course_code=KC-101&course_code=KC-102", "course_code", "appears twice"},
		{"/api/v1/courses?lang=fr", "lang", "must be vi or en"},
		{"/api/v1/areas?Lang=en", "Lang", "unknown query parameter"},
	} {
		r := s.Do(t, "GET", c.path, coord, nil)
		if r.Status != 400 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("GET %s: %d %s, want a 400 problem", c.path, r.Status, r.Body)
			continue
		}
		p := r.Problem(t)
		if len(p.Errors) != 1 || p.Errors[0].Field != c.field || !strings.Contains(p.Errors[0].Message, c.message) {
			t.Errorf("GET %s names %+v, want %s: %s", c.path, p.Errors, c.field, c.message)
		}
	}
	for _, path := range []string{
		"/api/v1/certifications?course=KC-101&area_code=LK",
		"/api/v1/attempts?course_code=KC-101",
		"/api/v1/reports/coverage",
		"/api/v1/reports/quarters",
		"/api/v1/courses?lang=en",
		"/api/v1/certifications?lang=vi&limit=5&offset=0",
		// The attendance export always read week; its document did not say so.
		"/api/v1/attendance/export.csv?week=2026-W50",
	} {
		if r := s.Do(t, "GET", path, coord, nil); r.Status != 200 {
			t.Errorf("GET %s: %d %s, want 200", path, r.Status, r.Body)
		}
	}
	// A page keeps its bookmarks: an unknown parameter is ignored there.
	if r := s.Page(t, "/courses?utm_source=zalo&lang=vi", coord); r.Status != 200 {
		t.Errorf("page /courses with an unknown parameter: %d", r.Status)
	}
}
