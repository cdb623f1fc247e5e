package home_test

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/home"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"github.com/ctvacademy/academy/modules/quizzes"
)

func TestNextQuizIsTheFirstRequiredCourseThatCanBeTakenNow(t *testing.T) {
	t.Parallel()
	passed := home.CourseStatus{Code: "A", State: home.Passed}
	waiting := home.CourseStatus{Code: "B", State: home.Failed, Used: 1, Max: 3, RetakeAt: time.Now().Add(time.Hour)}
	spent := home.CourseStatus{Code: "C", State: home.Failed, Used: 3, Max: 3}
	fresh := home.CourseStatus{Code: "D", State: home.NotStarted, Max: 3, Takeable: true}
	open := home.CourseStatus{Code: "E", State: home.InProgress, Used: 3, Max: 3, Resume: true, Takeable: true}
	for _, tc := range []struct {
		name string
		in   []home.CourseStatus
		want string
	}{
		{"none required", nil, ""},
		{"passed, waiting and spent are skipped", []home.CourseStatus{passed, waiting, spent, fresh}, "D"},
		{"an open attempt is next in its place", []home.CourseStatus{open, fresh}, "E"},
		{"nothing to take", []home.CourseStatus{passed, waiting, spent}, ""},
	} {
		got, ok := home.NextQuiz(tc.in)
		if ok != (tc.want != "") || got.Code != tc.want {
			t.Errorf("%s: got %q (%v), want %q", tc.name, got.Code, ok, tc.want)
		}
	}
}

var (
	answerForm = regexp.MustCompile(`<form method="post" action="(/rsvp/[0-9a-zA-Z_-]+)" class="actions">`)
	courseItem = regexp.MustCompile(`(?s)<li data-code="([^"]+)" data-state="([^"]+)">(.*?)</li>`)
	nextQuiz   = regexp.MustCompile(`<a class="btn" id="next-quiz" href="/courses/([^/]+)/quiz">`)
)

// courseLines reads the required courses of a home page: code → state and
// the item's text.
func courseLines(body string) (order []string, state, text map[string]string) {
	state, text = map[string]string{}, map[string]string{}
	for _, m := range courseItem.FindAllStringSubmatch(body, -1) {
		order = append(order, m[1])
		state[m[1]], text[m[1]] = m[2], html.UnescapeString(m[3])
	}
	return order, state, text
}

func next(body string) string {
	if m := nextQuiz.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

// takeQuiz starts the course's quiz as tok and submits every answer right
// or wrong, through the API.
func takeQuiz(t *testing.T, s *apptest.Server, tok, code string, right bool) {
	t.Helper()
	r := s.Do(t, "POST", "/api/v1/courses/"+code+"/attempts", tok, nil)
	if r.Status != 201 {
		t.Fatalf("start %s: %d %s", code, r.Status, r.Body)
	}
	var v quizzes.AttemptView
	r.JSON(t, &v)
	c, _ := s.App.Courses.Course(code)
	answers := map[string][]string{}
	for _, q := range v.Questions {
		bq, _ := c.Quiz.Question(q.ID)
		for _, o := range bq.Options {
			if o.Correct == right {
				answers[q.ID] = append(answers[q.ID], o.ID)
				if !right {
					break
				}
			}
		}
	}
	r = s.Do(t, "POST", "/api/v1/attempts/"+v.ID+"/submit", tok, map[string]any{"answers": answers})
	var res quizzes.Result
	r.JSON(t, &res)
	if r.Status != 200 || res.Passed != right {
		t.Fatalf("submit %s: %d passed %v, want %v", code, r.Status, res.Passed, right)
	}
}

// TestCollaboratorHome: a CTV's home shows the session they are invited
// to with the answer buttons, and accepting there records the answer; it
// lists the courses required for them with where they stand after a
// failed and a passed attempt, and the next quiz is the first they can
// take now (a failed course waits its retake time, then is next again).
func TestCollaboratorHome(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC) // Monday 09:00 in Vietnam
	clk := clock.NewManual(now)
	s := apptest.Start(t, apptest.Options{Clock: clk})
	coord := s.LoginDemo(t, apptest.Coordinator)
	ctv := s.Find(t, "ctv", "NT")
	tok := s.LoginDemo(t, ctv.Email)

	// Signed out: to sign in; staff: to the registry.
	if r := s.Page(t, "/", ""); r.Status != 303 || r.Header.Get("Location") != "/login" {
		t.Errorf("signed out: %d → %q", r.Status, r.Header.Get("Location"))
	}
	if r := s.Page(t, "/", coord); r.Status != 303 || r.Header.Get("Location") != "/collaborators" {
		t.Errorf("coordinator: %d → %q", r.Status, r.Header.Get("Location"))
	}
	// Leadership's home is the competency matrix, which answers them.
	lead := s.LoginDemo(t, apptest.Leadership)
	if r := s.Page(t, "/", lead); r.Status != 303 || r.Header.Get("Location") != "/reports/competency" {
		t.Errorf("leadership: %d → %q", r.Status, r.Header.Get("Location"))
	} else if m := s.Page(t, "/reports/competency", lead); m.Status != 200 || !strings.Contains(string(m.Body), `id="matrix"`) {
		t.Errorf("leadership's home: %d", m.Status)
	}

	starts := now.Add(72 * time.Hour)
	r := s.Do(t, "POST", "/api/v1/sessions", coord, map[string]any{"course_code": "KC-101", "title": "Tập huấn chính sách khuyến công",
		"location": "Hội trường UBND huyện Nhơn Trạch", "area_code": "NT",
		"starts_at": starts.Format(time.RFC3339), "ends_at": starts.Add(3 * time.Hour).Format(time.RFC3339)})
	if r.Status != 201 {
		t.Fatalf("create session: %d %s", r.Status, r.Body)
	}
	var created struct {
		Items []struct{ ID string } `json:"items"`
	}
	r.JSON(t, &created)
	sessionID := created.Items[0].ID
	if r := s.Do(t, "POST", "/api/v1/sessions/"+sessionID+"/invitations", coord, map[string]any{"collaborator_ids": []string{ctv.ID}}); r.Status >= 300 {
		t.Fatalf("invite: %d %s", r.Status, r.Body)
	}

	b := s.Forms(t, tok)
	page := b.Get("/")
	if page.Status != 200 {
		t.Fatalf("home: %d %s", page.Status, page.Body)
	}
	for _, want := range []string{"Việc cần làm", "Tập huấn chính sách khuyến công", "Hội trường UBND huyện Nhơn Trạch",
		"09:00–12:00, 10/12/2026", "Chưa trả lời", `value="accept"`, `value="decline"`, `href="/me/attempts"`, "Kết quả của tôi"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("home lacks %q", want)
		}
	}
	if strings.Contains(page.Body, "<script") {
		t.Error("the home page needs no script")
	}
	m := answerForm.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no answer form on the home page: %s", page.Body)
	}
	got := b.Post(m[1], url.Values{"answer": {"accept"}})
	if got.Status != 303 {
		t.Fatalf("accept: %d %s", got.Status, got.Body)
	}
	// The answer page says it is recorded and leads back home.
	if saved := b.Get(got.Location); saved.Status != 200 || !strings.Contains(saved.Body, "Đã ghi nhận trả lời") ||
		!strings.Contains(saved.Body, `<a href="/" id="home-link">`) {
		t.Errorf("after accepting: %d %s", saved.Status, saved.Body)
	}
	var invs struct {
		Items []struct {
			CollaboratorID string `json:"collaborator_id"`
			Response       string `json:"response"`
		} `json:"items"`
	}
	s.Do(t, "GET", "/api/v1/sessions/"+sessionID+"/invitations", coord, nil).JSON(t, &invs)
	if len(invs.Items) != 1 || invs.Items[0].CollaboratorID != ctv.ID || invs.Items[0].Response != "accepted" {
		t.Errorf("after accepting on the home page the session records %+v", invs.Items)
	}
	if page = b.Get("/"); !strings.Contains(page.Body, `<span class="badge accepted">Tham dự</span>`) {
		t.Errorf("home after accepting does not say so: %s", page.Body)
	}

	// Nothing taken yet: the five courses required for a CTV, not
	// started; the next quiz is the first.
	order, state, _ := courseLines(page.Body)
	if strings.Join(order, ",") != "KC-101,KC-102,KC-103,KC-104,KC-105" {
		t.Fatalf("required courses %v", order)
	}
	for _, c := range order {
		if state[c] != home.NotStarted {
			t.Errorf("%s: %s before any attempt", c, state[c])
		}
	}
	if n := next(page.Body); n != "KC-101" {
		t.Errorf("next quiz %q, want KC-101", n)
	}

	// KC-101 failed, KC-102 passed.
	takeQuiz(t, s, tok, "KC-101", false)
	clk.Advance(5 * time.Minute)
	takeQuiz(t, s, tok, "KC-102", true)
	page = b.Get("/")
	_, state, text := courseLines(page.Body)
	if state["KC-101"] != home.Failed || !strings.Contains(text["KC-101"], "Chưa đạt: đã làm 1/3 lần") ||
		!strings.Contains(text["KC-101"], "Được làm lại từ 10:00 07/12/2026") {
		t.Errorf("KC-101 after a failed attempt: %s %q", state["KC-101"], text["KC-101"])
	}
	if state["KC-102"] != home.Passed || !strings.Contains(text["KC-102"], "Đạt ngày 07/12/2026") {
		t.Errorf("KC-102 after a passed attempt: %s %q", state["KC-102"], text["KC-102"])
	}
	if state["KC-103"] != home.NotStarted {
		t.Errorf("KC-103: %s", state["KC-103"])
	}
	// KC-101 waits its retake, KC-102 is passed: KC-103 is next.
	if n := next(page.Body); n != "KC-103" {
		t.Errorf("next quiz %q during KC-101's retake wait, want KC-103", n)
	}
	clk.Advance(61 * time.Minute)
	if n := next(b.Get("/").Body); n != "KC-101" {
		t.Errorf("next quiz %q once KC-101's retake opens, want KC-101", n)
	}

	// A team leader has a home too, without the CTV-only course.
	leader := s.Find(t, "team_leader", "NT")
	page = s.Forms(t, s.LoginDemo(t, leader.Email)).Get("/")
	order, _, _ = courseLines(page.Body)
	if page.Status != 200 || strings.Join(order, ",") != "KC-101,KC-102,KC-104,KC-105" {
		t.Errorf("team leader's home: %d, courses %v", page.Status, order)
	}
	if strings.Contains(page.Body, "Tập huấn chính sách khuyến công") {
		t.Error("the team leader's home shows a session they are not invited to")
	}
}

func TestMain(m *testing.M) { storetest.Main(m) }
