package courses_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/platform/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// summaryJSON is a course as the API lists it.
type summaryJSON struct {
	Code          string            `json:"code"`
	Title         map[string]string `json:"title"`
	Summary       map[string]string `json:"summary"`
	RequiredFor   []string          `json:"required_for"`
	Certification struct {
		ValidityMonths     int  `json:"validity_months"`
		RenewalWindowDays  int  `json:"renewal_window_days"`
		RequiresAttendance bool `json:"requires_attendance"`
	} `json:"certification"`
	QuestionsPerAttempt int               `json:"questions_per_attempt"`
	TimeLimitMinutes    int               `json:"time_limit_minutes"`
	PassMark            float64           `json:"pass_mark"`
	MaxAttempts         int               `json:"max_attempts"`
	Lesson              map[string]string `json:"lesson"`
}

// ctvToken signs in the first CTV of the demo network.
func ctvToken(t *testing.T, s *apptest.Server) string {
	t.Helper()
	for _, c := range s.Collaborators(t) {
		if c.Role == "ctv" && !c.Archived {
			return s.LoginDemo(t, c.Email)
		}
	}
	t.Fatal("no CTV in the demo network")
	return ""
}

// assertNoAnswerKey fails when body carries any part of a quiz bank.
func assertNoAnswerKey(t *testing.T, what string, body []byte) {
	t.Helper()
	b := string(body)
	for _, key := range []string{`"correct"`, `"questions"`, `"options"`, `"quiz"`} {
		if strings.Contains(b, key) {
			t.Errorf("%s contains the key %s", what, key)
		}
	}
	const q01 = "Văn bản gốc quy định về hoạt động khuyến công là văn bản nào?"
	if strings.Contains(b, q01) {
		t.Errorf("%s contains the text of KC-101 q01", what)
	}
	cat, _ := courses.Load(content.FS)
	for _, c := range cat.Courses() {
		for _, q := range c.Quiz.Questions {
			for _, text := range []string{q.Text.VI, q.Text.EN} {
				// A true/false statement may quote the lesson word for word;
				// only a text the lessons do not hold betrays the bank.
				if strings.Contains(b, text) && !strings.Contains(c.Lesson.VI+c.Lesson.EN, text) {
					t.Errorf("%s contains the text of %s %s", what, c.Code, q.ID)
				}
			}
		}
	}
}

func TestCourseAPI(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	tok := ctvToken(t, s)

	r := s.Do(t, "GET", "/api/v1/courses", tok, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("list: %d %s", r.Status, r.Body)
	}
	assertNoAnswerKey(t, "the list", r.Body)
	var list struct {
		Items []summaryJSON `json:"items"`
		Total int           `json:"total"`
	}
	r.JSON(t, &list)
	if list.Total != 5 || len(list.Items) != 5 {
		t.Fatalf("list: total %d, %d items, want 5", list.Total, len(list.Items))
	}
	first := list.Items[0]
	if first.Code != "KC-101" || first.Title["vi"] != "Chính sách khuyến công" ||
		first.Title["en"] != "The industrial extension policy framework" {
		t.Errorf("first course = %+v", first)
	}
	if strings.Join(first.RequiredFor, ",") != "ctv,team_leader" || first.Certification.ValidityMonths != 24 ||
		first.Certification.RenewalWindowDays != 60 || !first.Certification.RequiresAttendance ||
		first.QuestionsPerAttempt != 10 || first.TimeLimitMinutes != 20 || first.PassMark != 0.7 || first.MaxAttempts != 3 {
		t.Errorf("first course settings = %+v", first)
	}
	for _, it := range list.Items {
		if it.Title["vi"] == "" || it.Summary["vi"] == "" || it.Summary["en"] == "" {
			t.Errorf("%s: untranslated title or summary", it.Code)
		}
		if it.Lesson != nil {
			t.Errorf("%s: the list carries the lesson", it.Code)
		}
	}
	if r := s.Do(t, "GET", "/api/v1/courses?limit=2&offset=4", tok, nil); r.Status != http.StatusOK ||
		!strings.Contains(string(r.Body), `"total":5`) || !strings.Contains(string(r.Body), `"code":"KC-105"`) ||
		strings.Contains(string(r.Body), `"code":"KC-104"`) {
		t.Errorf("paged list: %d %s", r.Status, r.Body)
	}

	r = s.Do(t, "GET", "/api/v1/courses/KC-103", tok, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("get: %d %s", r.Status, r.Body)
	}
	assertNoAnswerKey(t, "one course", r.Body)
	var one summaryJSON
	r.JSON(t, &one)
	if one.Code != "KC-103" || strings.Join(one.RequiredFor, ",") != "ctv" ||
		!strings.HasPrefix(one.Lesson["vi"], "# Khảo sát nhu cầu") || !strings.HasPrefix(one.Lesson["en"], "# Needs survey") {
		t.Errorf("KC-103 = %+v", one)
	}
	if r := s.Do(t, "GET", "/api/v1/courses/kc-103", tok, nil); r.Status != http.StatusOK {
		t.Errorf("lower-case code: %d", r.Status)
	}
}

func TestCourseAPIErrors(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	tok := ctvToken(t, s)
	r := s.Do(t, "GET", "/api/v1/courses/KC-999", tok, nil)
	if p := r.Problem(t); r.Status != http.StatusNotFound || p.Status != http.StatusNotFound {
		t.Errorf("unknown course: %d %s", r.Status, r.Body)
	}
	for _, path := range []string{"/api/v1/courses", "/api/v1/courses/KC-101"} {
		r := s.Do(t, "GET", path, "", nil)
		if p := r.Problem(t); r.Status != http.StatusUnauthorized || p.Status != http.StatusUnauthorized {
			t.Errorf("anonymous %s: %d %s", path, r.Status, r.Body)
		}
	}
	if r := s.Do(t, "GET", "/api/v1/courses?limit=0", tok, nil); r.Status != http.StatusBadRequest || !r.Problem(t).HasField("limit") {
		t.Errorf("limit=0: %d %s", r.Status, r.Body)
	}
	// Every staff role reads the catalog too.
	for _, email := range []string{apptest.Coordinator, apptest.Leadership, apptest.Admin} {
		if r := s.Do(t, "GET", "/api/v1/courses", s.LoginDemo(t, email), nil); r.Status != http.StatusOK {
			t.Errorf("%s: %d", email, r.Status)
		}
	}
	for _, route := range []string{"/api/v1/courses", "/api/v1/courses/:code"} {
		if !s.App.Platform.Docs.Has("GET", route) {
			t.Errorf("OpenAPI lacks GET %s", route)
		}
	}
}

// page fetches a page as a browser would, signed in with token.
func page(t *testing.T, s *apptest.Server, path, token string) (int, http.Header, string) {
	t.Helper()
	r := s.Page(t, path, token)
	return r.Status, r.Header, string(r.Body)
}

func TestCoursePages(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	tok := ctvToken(t, s)

	status, h, body := page(t, s, "/courses", tok)
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		t.Fatalf("list page: %d %s", status, body)
	}
	if n := strings.Count(body, `data-code="KC-10`); n != 5 {
		t.Errorf("list page shows %d courses, want 5", n)
	}
	for _, want := range []string{`<html lang="vi">`, "Chính sách khuyến công", `href="/courses/KC-101"`, "Bắt buộc với anh/chị"} {
		if !strings.Contains(body, want) {
			t.Errorf("list page lacks %q", want)
		}
	}

	status, _, body = page(t, s, "/courses/KC-101", tok)
	if status != http.StatusOK {
		t.Fatalf("lesson page: %d %s", status, body)
	}
	for _, want := range []string{
		"<h1>Chính sách khuyến công</h1>",
		"<h2>1. Khuyến công là gì và dựa trên văn bản nào</h2>",
		"<strong>Nghị định số 45/2012/NĐ-CP",
		"24 tháng",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("lesson page lacks %q", want)
		}
	}
	if strings.Contains(body, "<script") {
		t.Error("lesson page contains a <script>")
	}
	assertNoAnswerKey(t, "the lesson page", []byte(body))

	status, _, body = page(t, s, "/courses/KC-101?lang=en", tok)
	if status != http.StatusOK || !strings.Contains(body, `<html lang="en">`) ||
		!strings.Contains(body, "<h2>1. What khuyến công is and which texts it rests on</h2>") ||
		!strings.Contains(body, "24 months") {
		t.Errorf("English lesson page: %d", status)
	}

	if status, _, _ := page(t, s, "/courses/KC-999", tok); status != http.StatusNotFound {
		t.Errorf("unknown course page: %d", status)
	}
	status, h, _ = page(t, s, "/courses/KC-101", "")
	if status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
		t.Errorf("anonymous lesson page: %d to %q, want a redirect to sign in", status, h.Get("Location"))
	}
}
