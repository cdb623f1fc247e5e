package app_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// The home page tells a course's certificate apart from its quiz: a pass
// in a course that also requires attendance, with no certificate yet, says
// attendance is what is missing (not a green "passed"); an expiring
// certificate shows its last day and says to take the quiz again. Both are
// found in the demo (its activity, reconciled) through the API, as a
// coordinator sees it.
func TestHomeShowsTheCertificateBesideTheQuiz(t *testing.T) {
	t.Parallel()
	s, coord := startReconciled(t, nil)
	var certs struct {
		Items []struct {
			CollaboratorID string `json:"collaborator_id"`
			CourseCode     string `json:"course_code"`
			Status         string `json:"status"`
			ValidUntil     string `json:"valid_until"`
		} `json:"items"`
	}
	s.Do(t, "GET", "/api/v1/certifications?limit=1000", coord, nil).JSON(t, &certs)
	live := map[string]bool{}
	var expiringWho, expiringCourse, expiringUntil string
	for _, c := range certs.Items {
		if c.Status == "valid" || c.Status == "expiring" {
			live[c.CollaboratorID+" "+c.CourseCode] = true
		}
		if c.Status == "expiring" && expiringWho == "" {
			expiringWho, expiringCourse, expiringUntil = c.CollaboratorID, c.CourseCode, c.ValidUntil
		}
	}
	var attempts struct {
		Items []struct {
			CollaboratorID string `json:"collaborator_id"`
			CourseCode     string `json:"course_code"`
			Passed         bool   `json:"passed"`
		} `json:"items"`
	}
	s.Do(t, "GET", "/api/v1/attempts?limit=1000", coord, nil).JSON(t, &attempts)
	var passedWho, passedCourse string
	for _, a := range attempts.Items {
		// KC-101, KC-103 and KC-104 require attendance (content/courses).
		if a.Passed && (a.CourseCode == "KC-101" || a.CourseCode == "KC-103" || a.CourseCode == "KC-104") && !live[a.CollaboratorID+" "+a.CourseCode] {
			passedWho, passedCourse = a.CollaboratorID, a.CourseCode
			break
		}
	}
	if expiringWho == "" || passedWho == "" {
		t.Fatalf("the demo has no expiring certificate (%q) or no pass without its attendance (%q)", expiringWho, passedWho)
	}
	item := func(who, course string) string {
		t.Helper()
		var p struct {
			Email string `json:"email"`
		}
		s.Do(t, "GET", "/api/v1/collaborators/"+who, coord, nil).JSON(t, &p)
		page := s.Page(t, "/", s.LoginDemo(t, p.Email))
		m := regexp.MustCompile(`(?s)<li data-code="` + course + `".*?</li>`).FindString(string(page.Body))
		if page.Status != 200 || m == "" {
			t.Fatalf("%s's home: %d, no item for %s", p.Email, page.Status, course)
		}
		return m
	}
	li := item(passedWho, passedCourse)
	if !strings.Contains(li, "còn yêu cầu tham dự một buổi học") || strings.Contains(li, "badge active") || strings.Contains(li, "Chứng nhận có hiệu lực") {
		t.Errorf("a pass without the attendance %s requires:\n%s", passedCourse, li)
	}
	y, m, d := 0, 0, 0
	fmt.Sscanf(expiringUntil, "%d-%d-%d", &y, &m, &d)
	li = item(expiringWho, expiringCourse)
	if want := fmt.Sprintf("Chứng nhận có hiệu lực đến hết ngày %02d/%02d/%d", d, m, y); !strings.Contains(li, want) || !strings.Contains(li, "làm lại bài kiểm tra để gia hạn") {
		t.Errorf("an expiring certificate of %s, want %q:\n%s", expiringCourse, want, li)
	}
}
