package apptest

import (
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/scheduling"
)

// CreateSession creates, as token (a coordinator's), a three-hour session
// of course in area ("" for the network) titled title from start, through
// POST /api/v1/sessions, and returns its id.
func (s *Server) CreateSession(t testing.TB, token, course, area, title string, start time.Time) string {
	t.Helper()
	r := s.Do(t, "POST", "/api/v1/sessions", token, map[string]any{"course_code": course, "title": title,
		"location": "Hội trường Trung tâm", "area_code": area, "trainer": "ThS. Lê Văn Hùng",
		"starts_at": start.Format(time.RFC3339), "ends_at": start.Add(3 * time.Hour).Format(time.RFC3339)})
	if r.Status != 201 {
		t.Fatalf("create a session of %s in %q: %d %s", course, area, r.Status, r.Body)
	}
	var created struct {
		Items []scheduling.SessionView `json:"items"`
	}
	r.JSON(t, &created)
	return created.Items[0].ID
}
