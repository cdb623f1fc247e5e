package e2e

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/quizzes"
)

// A CTV on a phone signs in, opens a course, starts its quiz, answers
// half the questions, waits for the autosave, reloads and finds the
// answers kept, answers the rest, submits and reads the score.
func TestCTVTakesAQuizOnAPhone(t *testing.T) {
	t.Parallel()
	const course = "KC-101"
	srv, ctx := Start(t, phoneWidth, phoneHeight)
	loginCTV(t, ctx, srv, "NT")

	Open(t, ctx, srv.URL+"/courses/"+course)
	Load(t, ctx, "open the quiz", chromedp.Click(chromedp.ID("take-quiz")))
	if loc := Run(t, ctx, "read the location", chromedp.Location()); loc != srv.URL+"/courses/"+course+"/quiz" {
		t.Fatalf("the quiz link led to %s", loc)
	}
	rules := Run(t, ctx, "read the rules", chromedp.Text(chromedp.ID("rules")))
	if !strings.Contains(rules, "20 phút") || !strings.Contains(rules, "còn 3 lần") {
		t.Errorf("the rules do not show the time limit and attempts left:\n%s", rules)
	}
	assertFits(t, ctx, phoneWidth)

	Load(t, ctx, "start the quiz", chromedp.Click(chromedp.CSS(`#start button[type=submit]`)))
	loc := Run(t, ctx, "read the location", chromedp.Location())
	id, ok := strings.CutPrefix(loc, srv.URL+"/attempts/")
	if !ok {
		t.Fatalf("starting led to %s, want an attempt page", loc)
	}
	assertFits(t, ctx, phoneWidth)

	questions := Run(t, ctx, "list the questions",
		chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#quiz [role=group]"), g => g.id.slice(2))`))
	if len(questions) < 2 {
		t.Fatalf("the page shows %d questions", len(questions))
	}
	half := questions[:len(questions)/2]
	want := answerFirstOptions(t, ctx, half)

	// The script saves within a few seconds and says when.
	Run(t, ctx, "wait for the autosave", chromedp.Poll[bool](
		`document.getElementById("quiz").dataset.state === "saved" && document.getElementById("saved").textContent.startsWith("Đã lưu lúc ")`,
		chromedp.WithPollingTimeout(20*time.Second)))
	notice := Run(t, ctx, "read the notice", chromedp.Text(chromedp.ID("saved")))
	if !regexp.MustCompile(`^Đã lưu lúc \d\d:\d\d$`).MatchString(notice) {
		t.Errorf("autosave notice = %q", notice)
	}
	if got := savedAnswers(t, srv, id); len(got) != len(half) {
		t.Errorf("the server holds %d answers after the autosave, want %d: %v", len(got), len(half), got)
	}

	Load(t, ctx, "reload the page", chromedp.Reload())
	if got := checked(t, ctx); !slices.Equal(got, want) {
		t.Errorf("after reloading the page shows %v checked, want %v", got, want)
	}
	countdown := Run(t, ctx, "read the countdown", chromedp.Text(chromedp.CSS(`#timing [data-countdown]`)))
	if !regexp.MustCompile(`^(1\d|20):\d\d$`).MatchString(countdown) {
		t.Errorf("countdown = %q, want mm:ss under 20 minutes", countdown)
	}

	answerFirstOptions(t, ctx, questions[len(half):])
	Load(t, ctx, "submit", chromedp.Click(chromedp.CSS(`#quiz button[value=submit]`)))
	if loc := Run(t, ctx, "read the location", chromedp.Location()); loc != srv.URL+"/attempts/"+id {
		t.Errorf("submitting led to %s", loc)
	}
	a := stored(t, srv.App.Quizzes.Get, id)
	if a.Status != quizzes.StatusGraded || len(a.Answers) != len(questions) {
		t.Fatalf("after submitting the attempt is %s with %d answers", a.Status, len(a.Answers))
	}
	score := Run(t, ctx, "read the score", chromedp.Text(chromedp.ID("score")))
	if want := fmt.Sprintf("%d%%", int(a.Score*100+0.5)); score != want {
		t.Errorf("the result shows %q, want %q", score, want)
	}
	verdict := Run(t, ctx, "read the verdict", chromedp.Text(chromedp.ID("verdict")))
	if want := map[bool]string{true: "Đạt", false: "Chưa đạt"}[a.Passed]; verdict != want {
		t.Errorf("the verdict is %q, want %q", verdict, want)
	}
	assertFits(t, ctx, phoneWidth)
}

// answerFirstOptions clicks the first option of each question and returns
// the checked inputs as the page reports them.
func answerFirstOptions(t *testing.T, ctx context.Context, questions []string) []string {
	t.Helper()
	for _, q := range questions {
		Do(t, ctx, "answer "+q, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#q-%s input`, q))))
	}
	return checked(t, ctx)
}

// checked lists the checked inputs of the quiz form as name=value, sorted.
func checked(t *testing.T, ctx context.Context) []string {
	t.Helper()
	got := Run(t, ctx, "read the checked answers", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll("#quiz input:checked"), i => i.name + "=" + i.value)`))
	slices.Sort(got)
	return got
}

func savedAnswers(t *testing.T, srv *apptest.Server, id string) map[string][]string {
	t.Helper()
	a := stored(t, srv.App.Quizzes.Get, id)
	return a.Answers
}

// When the countdown reaches zero the page submits itself, with the
// answers on the form, and shows the result.
func TestQuizSubmitsItselfWhenTimeRunsOut(t *testing.T) {
	t.Parallel()
	srv, ctx, clk := StartAt(t, phoneWidth, phoneHeight, time.Now())
	loginCTV(t, ctx, srv, "LK")

	Open(t, ctx, srv.URL+"/courses/KC-101/quiz")
	Load(t, ctx, "start the quiz", chromedp.Click(chromedp.CSS(`#start button[type=submit]`)))
	id := strings.TrimPrefix(Run(t, ctx, "read the location", chromedp.Location()), srv.URL+"/attempts/")
	a := stored(t, srv.App.Quizzes.Get, id)
	// Three seconds before the deadline on the server's clock.
	clk.Set(a.Deadline.Add(-3 * time.Second))
	Load(t, ctx, "reload the page", chromedp.Reload())
	first := a.Questions[0].ID
	Do(t, ctx, "answer the first question", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#q-%s input`, first))))
	Do(t, ctx, "wait for the result", chromedp.WaitVisible(chromedp.ID("score")))

	a = stored(t, srv.App.Quizzes.Get, id)
	if a.Status != quizzes.StatusGraded || a.Late || len(a.Answers[first]) != 1 {
		t.Errorf("after time ran out the attempt is %s (late %v) with answers %v", a.Status, a.Late, a.Answers)
	}
	assertFits(t, ctx, phoneWidth)
}
