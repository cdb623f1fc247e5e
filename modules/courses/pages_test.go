package courses_test

import (
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/app/apptest"
)

// TestCoursePageActionsUnderTheTitle: the course page shows its title once,
// then its actions — the start-quiz button for a collaborator, the results
// pages for staff (item analysis not for a team leader, as in the API) —
// before the lesson, not after it.
func TestCoursePageActionsUnderTheTitle(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	leader := s.Find(t, "team_leader", "NT")
	for _, tc := range []struct {
		who             string
		tok             string
		quiz, res, item bool
	}{
		{"ctv", ctvToken(t, s), true, false, false},
		{"team leader", s.LoginDemo(t, leader.Email), true, true, false},
		{"coordinator", s.LoginDemo(t, apptest.Coordinator), false, true, true},
	} {
		r := s.Page(t, "/courses/KC-101", tc.tok)
		body := string(r.Body)
		if r.Status != 200 || strings.Count(body, "<h1") != 1 {
			t.Fatalf("%s: %d, %d titles", tc.who, r.Status, strings.Count(body, "<h1"))
		}
		title, lesson := strings.Index(body, "<h1>Chính sách khuyến công</h1>"), strings.Index(body, `id="lesson"`)
		if title < 0 || lesson < title {
			t.Fatalf("%s: title at %d, lesson at %d", tc.who, title, lesson)
		}
		for _, a := range []struct {
			mark string
			want bool
		}{{`id="take-quiz" href="/courses/KC-101/quiz"`, tc.quiz}, {`href="/courses/KC-101/results"`, tc.res}, {`href="/courses/KC-101/item-analysis"`, tc.item}} {
			at := strings.Index(body, a.mark)
			switch {
			case a.want && (at < title || at > lesson):
				t.Errorf("%s: %s at %d, want between the title (%d) and the lesson (%d)", tc.who, a.mark, at, title, lesson)
			case !a.want && at >= 0:
				t.Errorf("%s: the page offers %s", tc.who, a.mark)
			}
		}
	}
}
