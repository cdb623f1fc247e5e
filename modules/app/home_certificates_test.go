package app_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/app/apptest"
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
	certs := demoCertificates(t, s, coord)
	live := map[string]bool{}
	var expiringWho, expiringCourse, expiringUntil string
	for _, c := range certs {
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

// The course pages tell a collaborator the courses they hold a live
// certificate of: a valid one is shown with its last day, and the quiz
// stays reachable by a plain link, not the button that invites a new
// attempt; an expiring one asks for the quiz to renew it; a course they
// hold nothing of keeps its button. The quiz's own page says that a pass
// of the cycle stands when it is taken again.
func TestCoursePagesTellAHolderTheirCertificate(t *testing.T) {
	t.Parallel()
	s, coord := startReconciled(t, nil)
	certs := demoCertificates(t, s, coord)
	held := map[string]map[string]string{} // collaborator → course → status
	for _, c := range certs {
		if held[c.CollaboratorID] == nil {
			held[c.CollaboratorID] = map[string]string{}
		}
		held[c.CollaboratorID][c.CourseCode] = c.Status
	}
	day := func(date string) string { // 2027-03-31 → 31/03/2027
		p := strings.Split(date, "-")
		return p[2] + "/" + p[1] + "/" + p[0]
	}
	emailOf := func(id string) string {
		var p struct {
			Email string `json:"email"`
		}
		s.Do(t, "GET", "/api/v1/collaborators/"+id, coord, nil).JSON(t, &p)
		return p.Email
	}
	quizLink := regexp.MustCompile(`<a[^>]*id="take-quiz"[^>]*>[^<]*</a>`)
	var sawValid, sawExpiring, sawNone, sawNote bool
	for _, c := range certs {
		if c.Status != "valid" && c.Status != "expiring" || (c.Status == "valid" && sawValid && sawNote) || (c.Status == "expiring" && sawExpiring) {
			continue
		}
		token := s.LoginDemo(t, emailOf(c.CollaboratorID))
		page := string(s.Page(t, "/courses/"+c.CourseCode, token).Body)
		link := quizLink.FindString(page)
		badge := "Chứng nhận có hiệu lực đến hết ngày " + day(c.ValidUntil)
		if !strings.Contains(page, `id="held">`+badge) {
			t.Errorf("%s's %s page (%s) does not say %q:\n%s", c.CollaboratorID, c.CourseCode, c.Status, badge, page)
		}
		if c.Status == "valid" {
			sawValid = true
			if strings.Contains(link, `class="btn"`) || !strings.Contains(link, "Làm lại bài kiểm tra") || strings.Count(page, `href="/courses/`+c.CourseCode+`/quiz"`) != 1 {
				t.Errorf("a valid certificate of %s: the quiz is %q, %d links", c.CourseCode, link, strings.Count(page, `href="/courses/`+c.CourseCode+`/quiz"`))
			}
			list := string(s.Page(t, "/courses", token).Body)
			li := regexp.MustCompile(`(?s)<li data-code="` + c.CourseCode + `">.*?</li>`).FindString(list)
			if !strings.Contains(li, badge) {
				t.Errorf("the course list does not say %q beside %s:\n%s", badge, c.CourseCode, li)
			}
			en := string(s.Page(t, "/courses/"+c.CourseCode+"?lang=en", token).Body)
			if !strings.Contains(en, "Certified until "+day(c.ValidUntil)) || !strings.Contains(quizLink.FindString(en), "Take the quiz again") {
				t.Errorf("in English the %s page says: %s", c.CourseCode, quizLink.FindString(en))
			}
			// The quiz's page, where an attempt is left: the pass stands.
			start := string(s.Page(t, "/courses/"+c.CourseCode+"/quiz", token).Body)
			if strings.Contains(start, `id="start"`) {
				sawNote = true
				if !strings.Contains(start, `id="passed-note">Anh/chị đã đạt bài kiểm tra này trong chu kỳ chứng nhận hiện tại.`) {
					t.Errorf("the %s quiz page of a holder with an attempt left has no note of the pass:\n%s", c.CourseCode, start)
				}
			}
		} else {
			sawExpiring = true
			if !strings.Contains(link, `class="btn"`) || !strings.Contains(link, "Làm bài kiểm tra để gia hạn chứng nhận") {
				t.Errorf("an expiring certificate of %s: the quiz is %q", c.CourseCode, link)
			}
		}
		if !sawNone {
			for _, course := range []string{"KC-101", "KC-102", "KC-103", "KC-104", "KC-105"} {
				if st := held[c.CollaboratorID][course]; st == "valid" || st == "expiring" {
					continue
				}
				sawNone = true
				page := string(s.Page(t, "/courses/"+course, token).Body)
				if l := quizLink.FindString(page); !strings.Contains(l, `class="btn"`) || !strings.Contains(l, ">Làm bài kiểm tra<") || strings.Contains(page, `id="held"`) {
					t.Errorf("%s holds no %s certificate, yet the page shows %q", c.CollaboratorID, course, l)
				}
				break
			}
		}
	}
	if !sawValid || !sawExpiring || !sawNone || !sawNote {
		t.Fatalf("the demo lacks a case: valid %v, expiring %v, a course not held %v, a holder with an attempt left %v", sawValid, sawExpiring, sawNone, sawNote)
	}
}

// demoCertificate is a certificate as the tests here read it from the API.
type demoCertificate struct {
	CollaboratorID string `json:"collaborator_id"`
	CourseCode     string `json:"course_code"`
	Status         string `json:"status"`
	ValidUntil     string `json:"valid_until"`
}

// demoCertificates are every certificate the coordinator sees.
func demoCertificates(t *testing.T, s *apptest.Server, coord string) []demoCertificate {
	t.Helper()
	var certs struct {
		Items []demoCertificate `json:"items"`
	}
	s.Do(t, "GET", "/api/v1/certifications?limit=1000", coord, nil).JSON(t, &certs)
	return certs.Items
}
