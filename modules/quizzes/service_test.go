package quizzes

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/storetest"
)

type swapCatalog struct{ c courses.Course }

func (s *swapCatalog) Course(code string) (courses.Course, bool) { return s.c, code == s.c.Code }
func (s *swapCatalog) Courses() []courses.Course                 { return []courses.Course{s.c} }

// TestEditingTheBankChangesNoGradedAttempt: the attempt holds a snapshot of
// its questions and key, so a later edit of quiz.yaml (a new key, a new
// version) leaves graded attempts, and open ones, as they were drawn.
func TestEditingTheBankChangesNoGradedAttempt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cat := &swapCatalog{c: testCourse()}
	cat.c.Quiz.QuestionsPerAttempt = 6
	svc := NewService(Deps{Store: NewStore(storetest.New(t)), Catalog: cat,
		Clock: clock.NewManual(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)), Rand: rand.New(rand.NewPCG(3, 4))})
	p := authz.Principal{UserID: "u", Role: "ctv", CollaboratorID: "c1", AreaCode: "NT"}
	a, _, err := svc.Start(ctx, p, "KC-900")
	if err != nil {
		t.Fatal(err)
	}
	right := map[string][]string{"q1": {"a"}, "q2": {"b", "c"}, "q3": {"false"}, "q4": {"d"}, "q5": {"b"}, "q6": {"a", "d"}}
	graded, err := svc.Submit(ctx, p, a.ID, right)
	if err != nil || graded.Score != 1 {
		t.Fatalf("submit: %+v %v", graded.Score, err)
	}
	// The bank is edited: every key changes, and so does the version.
	edited := testCourse()
	edited.Quiz.QuestionsPerAttempt = 6
	edited.Quiz.Version = "v2"
	for i := range edited.Quiz.Questions {
		for j := range edited.Quiz.Questions[i].Options {
			edited.Quiz.Questions[i].Options[j].Correct = !edited.Quiz.Questions[i].Options[j].Correct
		}
	}
	cat.c = edited
	got, err := svc.Get(ctx, authz.All, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Score != 1 || !got.Passed || got.QuizVersion != "v1" {
		t.Errorf("after the edit the graded attempt reads %v passed=%v version %s", got.Score, got.Passed, got.QuizVersion)
	}
	view := View(got, "vi", time.Now())
	for _, item := range view.Result.Review {
		if !item.IsCorrect {
			t.Errorf("review of %s changed after the edit", item.QuestionID)
		}
	}
	items, err := svc.ItemAnalysis(ctx, authz.All, "KC-900")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Asked == 1 && it.Correct != 1 {
			t.Errorf("item analysis regraded %s against the edited key", it.QuestionID)
		}
	}
	// A new attempt draws from the edited bank.
	b, _, err := svc.Start(ctx, p, "KC-900")
	if err != nil || b.QuizVersion != "v2" {
		t.Errorf("new attempt version %q (%v)", b.QuizVersion, err)
	}
}

// TestAGradedAttemptIsNotReopenedByAnotherProcessCache: each process keeps
// the open attempts it served in memory. When another process grades one,
// this one's autosave must be refused and its submit must return the
// result the other recorded, not grade the attempt a second time.
func TestAGradedAttemptIsNotReopenedByAnotherProcessCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	clk := clock.NewManual(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC))
	cat := &swapCatalog{c: testCourse()}
	cat.c.Quiz.QuestionsPerAttempt = 6
	one := NewService(Deps{Store: NewStore(db), Catalog: cat, Clock: clk, Rand: rand.New(rand.NewPCG(5, 6))})
	two := NewService(Deps{Store: NewStore(db), Catalog: cat, Clock: clk, Rand: rand.New(rand.NewPCG(7, 8))})
	p := authz.Principal{UserID: "u", Role: "ctv", CollaboratorID: "c1", AreaCode: "NT"}
	a, _, err := one.Start(ctx, p, "KC-900")
	if err != nil {
		t.Fatal(err)
	}
	right := map[string][]string{"q1": {"a"}, "q2": {"b", "c"}, "q3": {"false"}, "q4": {"d"}, "q5": {"b"}, "q6": {"a", "d"}}
	half := map[string][]string{"q1": {"a"}, "q2": {"b", "c"}, "q3": {"false"}}
	if _, err := one.SaveAnswers(ctx, p, a.ID, half); err != nil {
		t.Fatal(err)
	}
	// The other process grades the saved answers.
	clk.Advance(time.Minute)
	graded, err := two.Submit(ctx, p, a.ID, nil)
	if err != nil || graded.Score != 0.5 {
		t.Fatalf("submit on the other process: score %v, %v", graded.Score, err)
	}
	if _, err := one.SaveAnswers(ctx, p, a.ID, right); !errs.Is(err, errs.Conflict) {
		t.Errorf("autosave on the first process after grading: %v, want a conflict", err)
	}
	again, err := one.Submit(ctx, p, a.ID, right)
	if err != nil || again.Score != 0.5 || !again.SubmittedAt.Equal(graded.SubmittedAt) {
		t.Errorf("submit on the first process after grading: score %v at %v, %v; want the recorded 0.5", again.Score, again.SubmittedAt, err)
	}
	res, err := one.Get(ctx, authz.All, a.ID)
	if err != nil || res.Score != 0.5 || res.Status != StatusGraded {
		t.Errorf("stored result: %+v, %v", res.Score, err)
	}
}
