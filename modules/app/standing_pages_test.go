package app_test

import (
	"fmt"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/clock"
)

// standingAnswer is the standing API's answer, as far as the pages show it.
type standingAnswer struct {
	Standing string `json:"standing"`
	Reasons  []struct {
		Code string `json:"code"`
		Text struct{ VI, EN string }
	} `json:"reasons"`
	RenewalEligible bool `json:"renewal_eligible"`
	Certifications  []struct {
		ID         string `json:"id"`
		CourseCode string `json:"course_code"`
		Status     string `json:"status"`
	} `json:"certifications"`
	Contract struct {
		EndsOn string `json:"ends_on"`
	} `json:"contract"`
	RecommendedCourses []struct {
		CourseCode  string `json:"course_code"`
		NextSession *struct {
			ID string `json:"id"`
		} `json:"next_session"`
	} `json:"recommended_courses"`
}

func standingOf(t *testing.T, s *apptest.Server, token, id string) standingAnswer {
	t.Helper()
	r := s.Do(t, "GET", "/api/v1/collaborators/"+id+"/standing", token, nil)
	if r.Status != 200 {
		t.Fatalf("standing of %s: %d %s", id, r.Status, r.Body)
	}
	var v standingAnswer
	r.JSON(t, &v)
	return v
}

// certifiedCTV starts the service and signs in a CTV of NT who passed
// KC-102 (its certificate, none of the other required courses).
func certifiedCTV(t *testing.T) (*apptest.Server, collaborators.Collaborator, string) {
	t.Helper()
	s := apptest.Start(t, apptest.Options{})
	ctv := s.Find(t, "ctv", "NT")
	token := s.LoginDemo(t, ctv.Email)
	passQuiz(t, s, token, "KC-102")
	return s, ctv, token
}

// standingLabels are the standings as the pages name them in Vietnamese.
var standingLabels = map[string]string{"good": "Tốt", "attention": "Cần chú ý", "at_risk": "Có nguy cơ"}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// "My standing": a CTV who passed KC-102 (a certificate, not the others)
// with a KC-101 class scheduled in their district reads, in Vietnamese,
// their standing with its reasons, what to do next (each recommended
// course with its quiz, KC-101's class with its date and place), their
// certificates (KC-102 valid with its PDF, the others missing), the last
// four quarters, the contract's end and renewal eligibility; in English
// when they choose it; the menu leads there.
func TestMyStandingPage(t *testing.T) {
	t.Parallel()
	s, ctv, token := certifiedCTV(t)
	coord := s.LoginDemo(t, apptest.Coordinator)
	starts := time.Now().Add(10 * 24 * time.Hour).Truncate(time.Hour)
	r := s.Do(t, "POST", "/api/v1/sessions", coord, map[string]any{"course_code": "KC-101", "title": "Tập huấn chính sách khuyến công",
		"location": "Hội trường UBND huyện Nhơn Trạch", "area_code": "NT",
		"starts_at": starts.Format(time.RFC3339), "ends_at": starts.Add(3 * time.Hour).Format(time.RFC3339)})
	if r.Status != 201 {
		t.Fatalf("create session: %d %s", r.Status, r.Body)
	}
	v := standingOf(t, s, token, ctv.ID)
	if len(v.Reasons) == 0 || len(v.RecommendedCourses) == 0 {
		t.Fatalf("the CTV's standing has no reasons or no recommended course: %+v", v)
	}

	page := s.Forms(t, token).Get("/me/standing")
	if page.Status != 200 {
		t.Fatalf("GET /me/standing: %d %s", page.Status, page.Body)
	}
	label := standingLabels[v.Standing]
	mustContain(t, "my standing", page.Body, "<h1>Tình hình của tôi</h1>", `data-standing="`+v.Standing+`"`, label,
		`href="/me/standing"`, "Việc nên làm tiếp", "Chứng nhận các khóa bắt buộc", "Kết quả công việc 4 quý gần nhất",
		"Ngày kết thúc", formatVNDate(v.Contract.EndsOn))
	for _, reason := range v.Reasons {
		mustContain(t, "my standing's reasons", page.Body, html.EscapeString(reason.Text.VI))
	}
	for _, c := range v.RecommendedCourses {
		mustContain(t, "my standing's next steps", page.Body, `data-course="`+c.CourseCode+`"`, `href="/courses/`+c.CourseCode+`/quiz"`)
	}
	mustContain(t, "the KC-101 recommendation", page.Body, "Chính sách khuyến công", "Buổi tập huấn gần nhất:",
		starts.In(clock.VN).Format("02/01/2006 15:04")+", Hội trường UBND huyện Nhơn Trạch", `href="/me/sessions"`)
	for _, c := range v.Certifications {
		if c.CourseCode == "KC-102" {
			mustContain(t, "the KC-102 certificate", page.Body, `data-course="KC-102" data-status="valid"`, "Còn hiệu lực",
				`href="/api/v1/certifications/`+c.ID+`/pdf"`)
		}
	}
	mustContain(t, "a missing certificate", page.Body, `data-course="KC-101" data-status="missing"`, "Chưa có")
	if v.RenewalEligible {
		mustContain(t, "renewal", page.Body, "Đủ điều kiện gia hạn")
	} else {
		mustContain(t, "renewal", page.Body, "Chưa đủ điều kiện gia hạn")
	}
	// This quarter's report: linked from the page, and the CTV may draft it there.
	q := clock.QuarterOf(time.Now())
	report := "/performance/" + ctv.ID + "/" + q.String()
	mustContain(t, "this quarter's report", page.Body,
		`<a href="`+report+`" id="this-quarter">`+fmt.Sprintf("Báo cáo kết quả Quý %d/%d của tôi", q.Q, q.Year)+`</a>`)
	if draft := s.Forms(t, token).Get(report); draft.Status != 200 || !strings.Contains(draft.Body, `<form method="post" action="`+report+`" id="record-form">`) {
		t.Errorf("GET %s: %d, want the CTV's draft form:\n%s", report, draft.Status, draft.Body)
	}
	// The quarter's list is in the staff's menu, not in a CTV's.
	if strings.Contains(page.Body, `href="/performance"`) {
		t.Error("a CTV's menu links the quarter's list of records")
	}
	staff := s.Forms(t, coord).Get("/collaborators/" + ctv.ID + "/standing")
	mustContain(t, "the coordinator's page", staff.Body, `<a href="/performance">Kết quả quý</a>`, `id="this-quarter">`+fmt.Sprintf("Kết quả Quý %d/%d", q.Q, q.Year))

	en := s.Forms(t, token).Get("/me/standing?lang=en")
	mustContain(t, "my standing in English", en.Body, "<h1>My standing</h1>", "What to do next", "Take the quiz",
		"Certificates of required courses", "Next class:")
	for _, reason := range v.Reasons {
		mustContain(t, "my standing's reasons in English", en.Body, html.EscapeString(reason.Text.EN))
	}
	if strings.Contains(en.Body, "Việc nên làm tiếp") {
		t.Error("the English page still speaks Vietnamese")
	}
}

// Who reads which standing page: a CTV their own only (another's is not
// found, nor the staff's page of theirs elsewhere); a team leader their
// district's people, not another district's; staff everyone; /me/standing
// is for collaborators only.
func TestStandingPagesAccess(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{})
	nt := s.FindAll(t, "ctv", "NT", 2)
	lt := s.Find(t, "ctv", "LT")
	ctv := s.Forms(t, s.LoginDemo(t, nt[0].Email))
	leader := s.Forms(t, s.LoginDemo(t, s.Find(t, "team_leader", "NT").Email))
	coord := s.Forms(t, s.LoginDemo(t, apptest.Coordinator))
	for _, c := range []struct {
		who    string
		f      *apptest.Forms
		path   string
		status int
	}{
		{"the CTV, own page", ctv, "/collaborators/" + nt[0].ID + "/standing", 200},
		{"the CTV, a colleague's", ctv, "/collaborators/" + nt[1].ID + "/standing", 404},
		{"the CTV, another district's", ctv, "/collaborators/" + lt.ID + "/standing", 404},
		{"the team leader, their district's CTV", leader, "/collaborators/" + nt[1].ID + "/standing", 200},
		{"the team leader, another district's CTV", leader, "/collaborators/" + lt.ID + "/standing", 404},
		{"the team leader, another district's record", leader, "/collaborators/" + lt.ID, 404},
		{"the team leader, their own", leader, "/me/standing", 200},
		{"the coordinator, anyone", coord, "/collaborators/" + lt.ID + "/standing", 200},
		{"the coordinator, my standing", coord, "/me/standing", 403},
	} {
		if got := c.f.Get(c.path); got.Status != c.status {
			t.Errorf("%s: GET %s = %d, want %d", c.who, c.path, got.Status, c.status)
		} else if c.status == 404 && (strings.Contains(got.Body, nt[1].FullName) || strings.Contains(got.Body, lt.FullName)) {
			t.Errorf("%s: the refusal names the person", c.who)
		}
	}
	own := ctv.Get("/collaborators/" + nt[0].ID + "/standing")
	mustContain(t, "the CTV's own page by id", own.Body, "<h1>Tình hình của tôi</h1>", "/quiz\"")
	staff := coord.Get("/collaborators/" + lt.ID + "/standing")
	mustContain(t, "the coordinator's page", staff.Body, "<h1>Tình hình của "+html.EscapeString(lt.FullName)+"</h1>")
	if strings.Contains(staff.Body, "/quiz\"") || strings.Contains(staff.Body, "Làm bài kiểm tra") {
		t.Error("staff are offered to take the person's quiz")
	}
}

// The standing panel on a collaborator's page: the coordinator and the
// district's team leader read the person's standing, its reasons, renewal,
// certificates, quarters and recommended courses, compactly, with a link
// to the whole page; in English too.
func TestCollaboratorPageStandingPanel(t *testing.T) {
	t.Parallel()
	s, ctv, token := certifiedCTV(t)
	v := standingOf(t, s, token, ctv.ID)
	label := standingLabels[v.Standing]
	for _, who := range []string{apptest.Coordinator, apptest.Leadership, s.Find(t, "team_leader", "NT").Email} {
		page := s.Forms(t, s.LoginDemo(t, who)).Get("/collaborators/" + ctv.ID)
		if page.Status != 200 {
			t.Fatalf("%s: the collaborator page: %d", who, page.Status)
		}
		mustContain(t, who+"'s panel", page.Body, `id="standing" data-standing="`+v.Standing+`"`, "Tình hình", label,
			`data-course="KC-102" data-status="valid"`, `data-course="KC-101" data-status="missing"`,
			`href="/collaborators/`+ctv.ID+`/standing"`, "Xem đầy đủ tình hình")
		for _, reason := range v.Reasons {
			mustContain(t, who+"'s panel reasons", page.Body, html.EscapeString(reason.Text.VI))
		}
		for _, c := range v.RecommendedCourses {
			mustContain(t, who+"'s panel next steps", page.Body, `<li data-course="`+c.CourseCode+`"><a href="/courses/`+c.CourseCode+`">`)
		}
	}
	en := s.Forms(t, s.LoginDemo(t, apptest.Coordinator)).Get("/collaborators/" + ctv.ID + "?lang=en")
	mustContain(t, "the panel in English", en.Body, "See the full standing", "Certificates of required courses")
	for _, reason := range v.Reasons {
		mustContain(t, "the panel's reasons in English", en.Body, html.EscapeString(reason.Text.EN))
	}
}

// formatVNDate writes YYYY-MM-DD as the pages do: DD/MM/YYYY.
func formatVNDate(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return d.Format("02/01/2006")
}

// A CTV who holds a valid KC-102 certificate and reported late in the
// last two closed quarters is recommended KC-102 (and KC-105) for
// reporting on time: KC-102 to review, its lesson linked, not its quiz
// (a quiz would spend an attempt on a certificate she holds); the API says
// so with action "review", and "quiz" for every course she lacks.
func TestMyStandingReviewsACourseAlreadyHeld(t *testing.T) {
	t.Parallel()
	s, ctv, token := certifiedCTV(t)
	coord := s.LoginDemo(t, apptest.Coordinator)
	q := clock.QuarterOf(time.Now()).Prev()
	for _, quarter := range []clock.Quarter{q, q.Prev()} {
		approveRecord(t, s, coord, ctv.ID, quarter.String(), map[string]any{"profiles": 10, "surveys": 10, "referrals": 2, "report_on_time": false})
	}
	r := s.Do(t, "GET", "/api/v1/collaborators/"+ctv.ID+"/standing", token, nil)
	var v struct {
		RecommendedCourses []struct {
			CourseCode string `json:"course_code"`
			Action     string `json:"action"`
			Reason     struct {
				Code string `json:"code"`
			} `json:"reason"`
		} `json:"recommended_courses"`
	}
	r.JSON(t, &v)
	actions := map[string]string{}
	for _, c := range v.RecommendedCourses {
		actions[c.CourseCode] = c.Action
		if want := map[bool]string{true: "review", false: "quiz"}[c.CourseCode == "KC-102"]; c.Action != want {
			t.Errorf("recommended %s (%s): action %q, want %q", c.CourseCode, c.Reason.Code, c.Action, want)
		}
	}
	if actions["KC-102"] != "review" || actions["KC-105"] != "quiz" {
		t.Fatalf("recommended %+v, want KC-102 to review and KC-105's quiz", v.RecommendedCourses)
	}

	page := s.Forms(t, token).Get("/me/standing")
	if page.Status != 200 {
		t.Fatalf("GET /me/standing: %d", page.Status)
	}
	item := func(code string) string {
		_, after, ok := strings.Cut(page.Body, `<li data-course="`+code+`">`)
		li, _, _ := strings.Cut(after, "</li>")
		if !ok {
			t.Fatalf("the page recommends no %s:\n%s", code, page.Body)
		}
		return li
	}
	held := item("KC-102")
	mustContain(t, "the KC-102 recommendation", held, `href="/courses/KC-102" class="btn review">Ôn lại bài học</a>`, "không cần làm bài kiểm tra")
	if strings.Contains(held, "/quiz") || strings.Contains(held, "Làm bài kiểm tra") {
		t.Errorf("the page offers the quiz of KC-102, whose certificate is valid:\n%s", held)
	}
	mustContain(t, "the KC-105 recommendation", item("KC-105"), `href="/courses/KC-105/quiz" class="btn quiz">Làm bài kiểm tra</a>`)
}
