package quizzes_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/quizzes"
)

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
		!strings.Contains(page.Body, `id="key-after-pass"`) || !strings.Contains(page.Body, "Đáp án đúng chỉ được công bố khi bạn đã đạt") {
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
