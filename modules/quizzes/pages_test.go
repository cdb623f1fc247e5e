package quizzes_test

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/ctvacademy/academy/modules/platform/web/webtest"
	"github.com/ctvacademy/academy/modules/quizzes"
)

// pageBudget is what the take apptest.Shown and its stylesheet may weigh together,
// gzip-compressed, on a weak connection.
const pageBudget = 30 * 1024

var (
	choiceRe   = regexp.MustCompile(`<input type="(radio|checkbox)" name="q\.([^"]+)" value="([^"]+)"( checked)?>`)
	scriptRe   = regexp.MustCompile(`(?s)<script>(.*?)</script>`)
	subresRe   = regexp.MustCompile(`(?i)<link\b[^>]*\bhref=|<script\b[^>]*\bsrc=|<img\b[^>]*\bsrc=`)
	scoreRe    = regexp.MustCompile(`<strong id="score">(\d+)%</strong>`)
	diacritics = "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ"
)

// startQuiz opens the course's quiz apptest.Shown and presses the start button; it
// returns the attempt's apptest.Shown path.
func startQuiz(t *testing.T, p *apptest.Forms, code string) string {
	t.Helper()
	if r := p.Get("/courses/" + code + "/quiz"); r.Status != 200 {
		t.Fatalf("start page: %d %s", r.Status, r.Body)
	}
	r := p.Post("/courses/"+code+"/quiz", nil)
	if r.Status != 303 || !strings.HasPrefix(r.Location, "/attempts/") {
		t.Fatalf("start: %d → %q %s", r.Status, r.Location, r.Body)
	}
	return r.Location
}

// choices lists the inputs of a take page: question id → option values,
// and which are checked.
func choices(body string) (options map[string][]string, checked map[string][]string) {
	options, checked = map[string][]string{}, map[string][]string{}
	for _, m := range choiceRe.FindAllStringSubmatch(body, -1) {
		options[m[2]] = append(options[m[2]], m[3])
		if m[4] != "" {
			checked[m[2]] = append(checked[m[2]], m[3])
		}
	}
	return options, checked
}

func attemptView(t *testing.T, s *apptest.Server, path string) quizzes.AttemptView {
	t.Helper()
	a, err := s.App.Quizzes.Get(context.Background(), authz.All, strings.TrimPrefix(path, "/attempts/"))
	if err != nil {
		t.Fatal(err)
	}
	return quizzes.View(a, "vi", time.Now())
}

// rawGet fetches path with Accept-Encoding: gzip and returns the bytes as
// they crossed the wire.
func rawGet(t *testing.T, s *apptest.Server, path, token string) (*http.Response, []byte) {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	req, err := http.NewRequest("GET", s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html,*/*")
	req.Header.Set("Accept-Encoding", "gzip")
	if token != "" {
		req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: token})
	}
	resp, b := webtest.Send(t, client, req)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d", path, resp.StatusCode)
	}
	return resp, b
}

func gunzip(t *testing.T, what string, b []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("%s is not gzip: %v", what, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return string(out)
}

// The take apptest.Shown and its stylesheet fit the weak-connection budget: at
// most 30 KB gzip-compressed together, two requests on first load (the
// apptest.Shown and app.css; the script is inline and allowed by its hash);
// its footer has no stray separator.
func testTakePageFitsTheBudget(t *testing.T, s *apptest.Server) {
	tok := signIn(t, s, "TB")
	path := startQuiz(t, s.Forms(t, tok), course)

	resp, raw := rawGet(t, s, path, tok)
	if enc := resp.Header.Get("Content-Encoding"); enc != "gzip" {
		t.Fatalf("take apptest.Shown Content-Encoding = %q, want gzip", enc)
	}
	body := gunzip(t, "take page", raw)
	footerHasNoStraySeparator(t, body)
	cssResp, cssRaw := rawGet(t, s, "/static/app.css", "")
	if enc := cssResp.Header.Get("Content-Encoding"); enc != "gzip" {
		t.Fatalf("app.css Content-Encoding = %q, want gzip", enc)
	}
	css := gunzip(t, "app.css", cssRaw)

	script := scriptRe.FindStringSubmatch(body)
	if script == nil {
		t.Fatal("the take apptest.Shown has no inline script")
	}
	t.Logf("take page: %d bytes gzip (%d raw); app.css: %d bytes gzip (%d raw); total %d of %d; inline script %d bytes",
		len(raw), len(body), len(cssRaw), len(css), len(raw)+len(cssRaw), pageBudget, len(script[1]))
	if total := len(raw) + len(cssRaw); total > pageBudget {
		t.Errorf("take apptest.Shown + app.css = %d bytes gzip, over the %d budget", total, pageBudget)
	}
	if n := len(script[1]); n > 15*1024 {
		t.Errorf("inline script is %d bytes, over 15 KB", n)
	}

	refs := subresRe.FindAllString(body, -1)
	if len(refs) != 1 || !strings.Contains(body, `<link rel="stylesheet" href="/static/app.css">`) {
		t.Errorf("the apptest.Shown loads %d subresources %q, want only /static/app.css", len(refs), refs)
	}
	if strings.Contains(css, "url(") || strings.Contains(css, "@import") {
		t.Error("app.css loads more resources")
	}
	// The inline script runs: the CSP lists its hash.
	sum := sha256.Sum256([]byte(script[1]))
	if h := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(resp.Header.Get("Content-Security-Policy"), h) {
		t.Errorf("CSP %q does not allow the inline script (%s)", resp.Header.Get("Content-Security-Policy"), h)
	}
}

// Before submission the take apptest.Shown shows questions and options in
// Vietnamese, and nothing that tells the right options apart.
func testTakePageHoldsNoAnswerKey(t *testing.T, s *apptest.Server) {
	tok := signIn(t, s, "LK")
	pc := s.Forms(t, tok)
	path := startQuiz(t, pc, course)

	for _, lang := range []string{"vi", "en"} {
		r := pc.Get(path + "?lang=" + lang)
		if r.Status != 200 {
			t.Fatalf("take apptest.Shown (%s): %d", lang, r.Status)
		}
		low := strings.ToLower(r.Body)
		for _, leak := range []string{"correct", "is_correct", "review", `"result"`} {
			if strings.Contains(low, leak) {
				t.Errorf("the %s take apptest.Shown contains %q before submission", lang, leak)
			}
		}
		v := attemptView(t, s, path)
		options, checked := choices(r.Body)
		if len(options) != len(v.Questions) || len(checked) != 0 {
			t.Errorf("%s: %d questions with inputs (%d checked), want %d, none checked", lang, len(options), len(checked), len(v.Questions))
		}
		// Every option is there, in the attempt's shuffled order, and
		// nothing marks one apart from the others.
		for _, q := range v.Questions {
			if got := strings.Join(options[q.ID], ","); got != strings.Join(optionIDs(q), ",") {
				t.Errorf("%s: question %s shows options %s, want %v", lang, q.ID, got, optionIDs(q))
			}
		}
	}

	r := pc.Get(path + "?lang=vi")
	v := attemptView(t, s, path)
	c, _ := s.App.Courses.Course(course)
	bq, _ := c.Quiz.Question(v.Questions[0].ID)
	for _, want := range []string{`<html lang="vi">`, "Nộp bài", "Lưu bài", "Hạn nộp bài", "Thời gian còn lại", html.EscapeString(bq.Text.VI)} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the take apptest.Shown does not show %q", want)
		}
	}
	if !strings.ContainsAny(bq.Text.VI, diacritics) {
		t.Errorf("question text %q has no Vietnamese diacritics", bq.Text.VI)
	}
	// The deadline is shown in Vietnam's time.
	if want := v.Deadline.In(clock.VN).Format("02/01/2006 15:04"); !strings.Contains(r.Body, `<dd id="deadline">`+want+`</dd>`) {
		t.Errorf("deadline %s not shown", want)
	}
}

func optionIDs(q quizzes.TakerQuestion) []string {
	out := make([]string, len(q.Options))
	for i, o := range q.Options {
		out[i] = o.ID
	}
	return out
}

// With JavaScript off a CTV starts, saves half the answers, finds them
// kept, submits the rest and reads the score.
func TestQuizWithoutJavaScript(t *testing.T) {
	t.Parallel()
	s, tok := signedIn(t, "NT")
	pc := s.Forms(t, tok)

	start := pc.Get("/courses/" + course + "/quiz")
	for _, want := range []string{"Bài kiểm tra", "10", "20 phút", "70%", "đã dùng 0/3 lần, còn 3 lần", "Bắt đầu làm bài"} {
		if !strings.Contains(start.Body, want) {
			t.Errorf("the start apptest.Shown does not show %q", want)
		}
	}
	// A form without the CSRF token is refused.
	if r := pc.Post("/courses/"+course+"/quiz", url.Values{"_csrf": {"forged"}}); r.Status != 403 {
		t.Errorf("start with a forged CSRF token: %d", r.Status)
	}
	path := startQuiz(t, pc, course)
	// Starting again resumes the same attempt.
	if again := startQuiz(t, pc, course); again != path {
		t.Errorf("second start went to %s, want %s", again, path)
	}
	if r := pc.Get("/courses/" + course + "/quiz"); !strings.Contains(r.Body, "Tiếp tục làm bài") || !strings.Contains(r.Body, "đã dùng 1/3 lần, còn 2 lần") {
		t.Error("the start apptest.Shown does not offer to continue the open attempt")
	}

	v := attemptView(t, s, path)
	right := key(t, s, v, true)
	half := url.Values{"action": {"save"}}
	for i, q := range v.Questions {
		if i < len(v.Questions)/2 {
			for _, o := range right[q.ID] {
				half.Add("q."+q.ID, o)
			}
		}
	}
	pc.Get(path)
	r := pc.Post(path, half)
	if r.Status != 303 || r.Location != path+"?saved=1" {
		t.Fatalf("save: %d → %q %s", r.Status, r.Location, r.Body)
	}
	r = pc.Get(r.Location)
	if !strings.Contains(r.Body, `<p class="muted" id="saved" role="status">Đã lưu</p>`) {
		t.Error("no “Đã lưu” notice after saving")
	}
	_, checked := choices(r.Body)
	if len(checked) != len(v.Questions)/2 {
		t.Errorf("%d questions checked after saving, want %d", len(checked), len(v.Questions)/2)
	}
	for i, q := range v.Questions[:len(v.Questions)/2] {
		got, want := slices.Sorted(slices.Values(checked[q.ID])), slices.Sorted(slices.Values(right[q.ID]))
		if !slices.Equal(got, want) {
			t.Errorf("question %d (%s) shows %s checked, want %s", i+1, q.ID, got, want)
		}
	}

	// An option that is not one of the question's renders a friendly 400.
	bad := url.Values{"action": {"save"}, "q." + v.Questions[0].ID: {"zz"}}
	if r := pc.Post(path, bad); r.Status != 400 || !strings.Contains(r.Body, "không khớp với bài làm") || !strings.Contains(r.Body, `id="quiz"`) {
		t.Errorf("bad answer: %d, want 400 with the form and an explanation", r.Status)
	}

	all := url.Values{"action": {"submit"}}
	for _, q := range v.Questions {
		for _, o := range right[q.ID] {
			all.Add("q."+q.ID, o)
		}
	}
	// The last question wrong: 90%.
	last := v.Questions[len(v.Questions)-1]
	all.Del("q." + last.ID)
	r = pc.Post(path, all)
	if r.Status != 303 || r.Location != path {
		t.Fatalf("submit: %d → %q", r.Status, r.Location)
	}
	r = pc.Get(path)
	m := scoreRe.FindStringSubmatch(r.Body)
	if r.Status != 200 || m == nil || m[1] != "90" {
		t.Fatalf("result page: %d, score %v", r.Status, m)
	}
	for _, want := range []string{"Đạt", "9/10 câu đúng", "Đáp án đúng", "(không trả lời)", "Sai"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the result apptest.Shown does not show %q", want)
		}
	}
	if strings.Contains(r.Body, `id="quiz"`) {
		t.Error("the result apptest.Shown still has the form")
	}

	// Saving after submission changes nothing and says the attempt is closed.
	wrong := url.Values{"action": {"save"}}
	for qid, o := range key(t, s, v, false) {
		wrong.Set("q."+qid, o[0])
	}
	r = pc.Post(path, wrong)
	if r.Status != 303 || r.Location != path+"?closed=1" {
		t.Fatalf("save after submit: %d → %q", r.Status, r.Location)
	}
	r = pc.Get(r.Location)
	if m := scoreRe.FindStringSubmatch(r.Body); m == nil || m[1] != "90" || !strings.Contains(r.Body, "Bài làm này đã đóng") {
		t.Errorf("after a late save the apptest.Shown shows score %v", m)
	}

	mine := pc.Get("/me/attempts")
	if mine.Status != 200 || !strings.Contains(mine.Body, `href="`+path+`"`) || !strings.Contains(mine.Body, "90%") {
		t.Errorf("my attempts page: %d", mine.Status)
	}
	if r := pc.Get("/courses/" + course + "/quiz"); !strings.Contains(r.Body, "đã dùng 1/3 lần, còn 2 lần") || !strings.Contains(r.Body, "Điểm cao nhất: 90%.") {
		t.Error("the start apptest.Shown does not count the graded attempt")
	}
	// In English.
	if r := pc.Get(path + "?lang=en"); !strings.Contains(r.Body, "9 of 10 questions right") || !strings.Contains(r.Body, "Passed") {
		t.Error("the English result page")
	}
}

// Another collaborator's attempt is not found, to read or to post; the
// team leader of its district sees its state, without a form.
func TestOtherPeoplesAttemptPages(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	owner := s.Find(t, "ctv", "NT")
	other := s.Find(t, "ctv", "LT")
	tokOwner, tokOther := s.LoginDemo(t, owner.Email), s.LoginDemo(t, other.Email)
	path := startQuiz(t, s.Forms(t, tokOwner), course)
	v := attemptView(t, s, path)

	pc := s.Forms(t, tokOther)
	r := pc.Get(path)
	if r.Status != 404 || !strings.Contains(r.Body, "Không tìm thấy trang") || strings.Contains(r.Body, html.EscapeString(v.Questions[0].Text)) {
		t.Errorf("another CTV's attempt page: %d", r.Status)
	}
	if r := pc.Post(path, url.Values{"action": {"save"}}); r.Status != 404 {
		t.Errorf("posting to another CTV's attempt: %d", r.Status)
	}
	if r := pc.Post(path, url.Values{"action": {"submit"}}); r.Status != 404 {
		t.Errorf("submitting another CTV's attempt: %d", r.Status)
	}
	if got := attemptView(t, s, path); got.Status != "open" {
		t.Errorf("another CTV's post changed the attempt: %s", got.Status)
	}

	leader := s.Find(t, "team_leader", "NT")
	r = s.Forms(t, s.LoginDemo(t, leader.Email)).Get(path)
	if r.Status != 200 || !strings.Contains(r.Body, "Đang làm") || strings.Contains(r.Body, `id="quiz"`) || strings.Contains(r.Body, html.EscapeString(v.Questions[0].Text)) {
		t.Errorf("the team leader's view of an open attempt: %d", r.Status)
	}
	// Staff do not take quizzes: no start page.
	if r := s.Forms(t, s.LoginDemo(t, apptest.Coordinator)).Get("/courses/" + course + "/quiz"); r.Status != 403 {
		t.Errorf("a coordinator's start page: %d", r.Status)
	}
	// A signed-out visitor is sent to sign in.
	if r := s.Forms(t, "").Get(path); r.Status != 303 || !strings.HasPrefix(r.Location, "/login") {
		t.Errorf("anonymous: %d → %s", r.Status, r.Location)
	}
}

// footerHasNoStraySeparator checks a take page: the line under the
// questions says the time left without a leading "·" when nothing has been
// saved yet; the saved state has a line of its own.
func footerHasNoStraySeparator(t *testing.T, page string) {
	t.Helper()
	for _, p := range regexp.MustCompile(`(?s)<p[^>]*>(.*?)</p>`).FindAllStringSubmatch(page, -1) {
		text := strings.TrimSpace(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(p[1], ""))
		if strings.HasPrefix(text, "·") || strings.HasSuffix(text, "·") {
			t.Errorf("a line of the take page begins or ends with a separator: %q", p[0])
		}
	}
	if !strings.Contains(page, `<p class="muted" id="saved" role="status"></p>`) || !strings.Contains(page, "data-countdown") {
		t.Error("the saved state or the time left is missing")
	}
}

// signedIn starts the service (with opts) and signs a collaborator of
// unit area in: the server and their token.
func signedIn(t *testing.T, area string, opts ...apptest.Options) (*apptest.Server, string) {
	t.Helper()
	s := apptest.Start(t, opts...)
	return s, signIn(t, s, area)
}

// signIn signs a collaborator of unit area in: their token.
func signIn(t *testing.T, s *apptest.Server, area string) string {
	t.Helper()
	return s.LoginDemo(t, s.Find(t, "ctv", area).Email)
}

// TestOnOneService runs, in parallel on one service, the tests that each
// look only at their own person's attempt (people of different units).
func TestOnOneService(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	for name, test := range map[string]func(*testing.T, *apptest.Server){
		"TakePageFitsTheBudget":                     testTakePageFitsTheBudget,
		"TakePageHoldsNoAnswerKey":                  testTakePageHoldsNoAnswerKey,
		"AutosaveRacingSubmit":                      testAutosaveRacingSubmit,
		"ScoreOnlyCoursesHideTheKeyAfterSubmission": testScoreOnlyCoursesHideTheKeyAfterSubmission,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			test(t, s)
		})
	}
}

// The review of a graded attempt, by the course's review setting.

// correctLists finds the review's lists of right options anywhere in a JSON
// answer ("correct" as a list; a number named correct is the count of
// right answers).
func correctLists(t *testing.T, body []byte) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("not JSON: %v: %s", err, body)
	}
	var out []string
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if _, list := e.([]any); k == "correct" && list {
					out = append(out, path+"."+k)
				}
				walk(e, path+"."+k)
			}
		case []any:
			for _, e := range x {
				walk(e, path+"[]")
			}
		}
	}
	walk(v, "")
	return out
}

// keyOnPage matches the "right answer" lines of a result page.
var keyOnPage = regexp.MustCompile(`<dt>\s*(Đáp án đúng|Right answer)\s*</dt>`)

// TestAFailedAttemptNeverShowsTheKey: under answers_after_pass (the
// shipped courses' setting) a failed attempt's result, its GET and its
// page say which questions were wrong and never the right options; the
// next attempt waits retake_after_minutes, on the API and the page; once
// the person passes, the review of both attempts shows the key.
func TestAFailedAttemptNeverShowsTheKey(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC) // 09:00 in Vietnam
	clk := clock.NewManual(now)
	s := apptest.Start(t, apptest.Options{Clock: clk})
	c, _ := s.App.Courses.Course(course)
	if c.Quiz.Review != courses.ReviewAnswersAfterPass || c.Quiz.RetakeAfterMinutes != 60 {
		t.Fatalf("%s: review %q, retake after %d; the test expects answers_after_pass and 60", course, c.Quiz.Review, c.Quiz.RetakeAfterMinutes)
	}
	ctv := s.Find(t, "ctv", "VC")
	tok := s.LoginDemo(t, ctv.Email)
	pc := s.Forms(t, tok)

	// Attempt 1, every answer wrong: 0%.
	v, r := start(t, s, tok)
	if r.Status != 201 {
		t.Fatalf("start: %d %s", r.Status, r.Body)
	}
	r = s.Do(t, "POST", "/api/v1/attempts/"+v.ID+"/submit", tok, map[string]any{"answers": key(t, s, v, false)})
	if r.Status != 200 {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	var res quizzes.Result
	r.JSON(t, &res)
	if res.Passed || res.Correct != 0 || res.KeyShown || len(res.Review) != len(v.Questions) {
		t.Fatalf("failed result: %+v", res)
	}
	for _, item := range res.Review {
		if item.IsCorrect || len(item.Chosen) != 1 {
			t.Errorf("review item %+v: want marked wrong with the chosen option", item)
		}
	}
	if leaks := correctLists(t, r.Body); len(leaks) > 0 {
		t.Errorf("the failed result carries right options at %v: %s", leaks, r.Body)
	}
	r = s.Do(t, "GET", "/api/v1/attempts/"+v.ID, tok, nil)
	if leaks := correctLists(t, r.Body); r.Status != 200 || len(leaks) > 0 || !strings.Contains(string(r.Body), `"is_correct":false`) {
		t.Errorf("GET of the failed attempt: %d, right options at %v: %s", r.Status, leaks, r.Body)
	}
	page := pc.Get("/attempts/" + v.ID)
	if page.Status != 200 || keyOnPage.MatchString(page.Body) || !strings.Contains(page.Body, "Sai") ||
		!strings.Contains(page.Body, `id="key-after-pass"`) || !strings.Contains(page.Body, "Đáp án đúng chỉ được công bố khi anh/chị đã đạt") {
		t.Errorf("the failed attempt's page: %d, key shown %v: %s", page.Status, keyOnPage.FindString(page.Body), page.Body)
	}
	// No question's card names its right option.
	cards := strings.Split(page.Body, `<div class="card">`)[1:]
	if len(cards) != len(v.Questions) {
		t.Fatalf("%d question cards on the failed attempt's page, want %d", len(cards), len(v.Questions))
	}
	for i, q := range v.Questions {
		bq, _ := c.Quiz.Question(q.ID)
		card, _, _ := strings.Cut(cards[i], "</div>")
		_, facts, _ := strings.Cut(card, `<dl class="facts">`) // past the question and its right/wrong badge
		for _, o := range bq.Options {
			if o.Correct && strings.Contains(facts, o.Text.VI) {
				t.Errorf("the failed attempt's page shows the right option %q of %s", o.Text.VI, q.ID)
			}
		}
	}

	// The retake waits 60 minutes after the submission: the API says when,
	// in Vietnam's time, with Retry-After; the page shows it instead of
	// the start button, and a posted start is refused.
	clk.Advance(59 * time.Minute)
	r = s.Do(t, "POST", "/api/v1/courses/"+course+"/attempts", tok, nil)
	if r.Status != 422 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("a start before the wait is over: %d %s", r.Status, r.Body)
	}
	if p := r.Problem(t); !strings.Contains(p.Detail, "2026-12-07T10:00:00+07:00") || !strings.Contains(p.Detail, "60 minutes") {
		t.Errorf("the refusal does not say when: %q", p.Detail)
	}
	if ra := r.Header.Get("Retry-After"); ra != "60" {
		t.Errorf("Retry-After %q, want 60 (seconds)", ra)
	}
	startPage := pc.Get("/courses/" + course + "/quiz")
	if !strings.Contains(startPage.Body, `id="retake-wait"`) || !strings.Contains(startPage.Body, "Lần làm bài tiếp theo mở lúc 07/12/2026 10:00") ||
		strings.Contains(startPage.Body, `id="start"`) {
		t.Errorf("the start page inside the wait: %s", startPage.Body)
	}
	if p := pc.Post("/courses/"+course+"/quiz", nil); p.Status != 422 || !strings.Contains(p.Body, "Chưa đến giờ làm lại bài") {
		t.Errorf("a posted start inside the wait: %d %s", p.Status, p.Body)
	}
	if en := pc.Get("/courses/" + course + "/quiz?lang=en"); !strings.Contains(en.Body, "The next attempt opens at 07/12/2026 10:00") {
		t.Errorf("the English start page inside the wait: %s", en.Body)
	}
	var mine struct {
		Total int `json:"total"`
	}
	if s.Do(t, "GET", "/api/v1/me/attempts", tok, nil).JSON(t, &mine); mine.Total != 1 {
		t.Errorf("%d attempts after refused starts, want 1", mine.Total)
	}

	// After the wait: attempt 2 from the page, all right: passed, and the
	// key is shown, for it and for the failed attempt 1.
	clk.Advance(time.Minute)
	startPage = pc.Get("/courses/" + course + "/quiz")
	if strings.Contains(startPage.Body, `id="retake-wait"`) || !strings.Contains(startPage.Body, `id="start"`) {
		t.Errorf("the start page after the wait offers no start: %s", startPage.Body)
	}
	path := startQuiz(t, pc, course)
	v2 := attemptView(t, s, path)
	if v2.Number != 2 {
		t.Fatalf("the retake is attempt %d", v2.Number)
	}
	r = s.Do(t, "POST", "/api/v1/attempts/"+v2.ID+"/submit", tok, map[string]any{"answers": key(t, s, v2, true)})
	r.JSON(t, &res)
	if r.Status != 200 || !res.Passed || !res.KeyShown || len(res.Review) != len(v2.Questions) {
		t.Fatalf("passed result: %d %+v", r.Status, res)
	}
	for _, item := range res.Review {
		bq, _ := c.Quiz.Question(item.QuestionID)
		if strings.Join(item.Correct, ",") != strings.Join(slices.Sorted(slices.Values(bq.CorrectIDs())), ",") {
			t.Errorf("passed review of %s shows %v as right, want %v", item.QuestionID, item.Correct, bq.CorrectIDs())
		}
	}
	var first quizzes.AttemptView
	s.Do(t, "GET", "/api/v1/attempts/"+v.ID, tok, nil).JSON(t, &first)
	if first.Result == nil || !first.Result.KeyShown || len(first.Result.Review) == 0 || len(first.Result.Review[0].Correct) == 0 {
		t.Errorf("after a pass, the failed attempt's review: %+v", first.Result)
	}
	if p := pc.Get(path); !keyOnPage.MatchString(p.Body) || strings.Contains(p.Body, `id="key-after-pass"`) {
		t.Errorf("the passed attempt's page shows no key")
	}
	if p := pc.Get("/attempts/" + v.ID); !keyOnPage.MatchString(p.Body) {
		t.Errorf("after a pass, the failed attempt's page shows no key")
	}
}

// TestAnExpiredAttemptStartsTheWaitAtItsDeadline: an attempt left open
// past its time counts as ended at its deadline; a start after it is
// refused until the wait after the deadline is over, and it is graded.
func TestAnExpiredAttemptStartsTheWaitAtItsDeadline(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	clk := clock.NewManual(now)
	s := apptest.Start(t, apptest.Options{Clock: clk})
	c, _ := s.App.Courses.Course(course)
	ctv := s.Find(t, "ctv", "DQ")
	tok := s.LoginDemo(t, ctv.Email)
	v, r := start(t, s, tok)
	if r.Status != 201 {
		t.Fatalf("start: %d %s", r.Status, r.Body)
	}
	deadline := now.Add(time.Duration(c.Quiz.TimeLimitMinutes) * time.Minute)
	// The first start after the deadline grades it and, inside the wait
	// after the deadline, starts nothing.
	clk.Set(deadline.Add(10 * time.Minute))
	if _, r := start(t, s, tok); r.Status != 422 || !strings.Contains(r.Problem(t).Detail, deadline.Add(time.Hour).In(time.FixedZone("", 7*3600)).Format(time.RFC3339)) {
		t.Fatalf("a start 10 minutes after the deadline: %d %s", r.Status, r.Body)
	}
	var got quizzes.AttemptView
	if s.Do(t, "GET", "/api/v1/attempts/"+v.ID, tok, nil).JSON(t, &got); got.Status != quizzes.StatusGraded {
		t.Errorf("the expired attempt is %s, want graded", got.Status)
	}
	clk.Set(deadline.Add(time.Hour))
	if next, r := start(t, s, tok); r.Status != 201 || next.Number != 2 {
		t.Errorf("a start when the wait is over: %d attempt %d", r.Status, next.Number)
	}
}

// TestKeyShownFollowsTheReviewSetting is the rule on its own: answers
// always, score_only never, answers_after_pass after a pass of the course.
func TestKeyShownFollowsTheReviewSetting(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		review               string
		passed, passedBefore bool
		key, outcomes        bool
	}{
		{courses.ReviewAnswers, false, false, true, true},
		{courses.ReviewScoreOnly, true, true, false, false},
		{courses.ReviewAnswersAfterPass, false, false, false, true},
		{courses.ReviewAnswersAfterPass, true, false, true, true},
		{courses.ReviewAnswersAfterPass, false, true, true, true},
	} {
		a := quizzes.Attempt{Review: c.review, Passed: c.passed, CoursePassed: c.passedBefore}
		if a.ShowsKey() != c.key || a.ShowsOutcomes() != c.outcomes {
			t.Errorf("%+v: key %v, outcomes %v", c, a.ShowsKey(), a.ShowsOutcomes())
		}
	}
}
