package quizzes

import (
	"context"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
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

// Item analysis reads the outcomes kept in the rosters; an entry written
// before they were kept is completed from the results archive, with the
// same figures.
func TestItemAnalysisFromSummariesAndFromTheArchiveAgree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	cat := &swapCatalog{c: testCourse()}
	cat.c.Quiz.QuestionsPerAttempt = 6
	svc := NewService(Deps{Store: NewStore(db), Catalog: cat,
		Clock: clock.NewManual(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)), Rand: rand.New(rand.NewPCG(9, 10))})
	for i, c := range []string{"c1", "c2", "c3"} {
		p := authz.Principal{UserID: "u" + c, Role: "ctv", CollaboratorID: c, AreaCode: "NT"}
		a, _, err := svc.Start(ctx, p, "KC-900")
		if err != nil {
			t.Fatal(err)
		}
		right := map[string][]string{"q1": {"a"}, "q2": {"b", "c"}, "q3": {"false"}, "q4": {"d"}, "q5": {"b"}, "q6": {"a", "d"}}
		answers := map[string][]string{} // c1 answers 2 questions (rightly), c2 4, c3 all 6
		for k := 1; k <= 2*(i+1); k++ {
			q := "q" + strconv.Itoa(k)
			answers[q] = right[q]
		}
		if _, err := svc.Submit(ctx, p, a.ID, answers); err != nil {
			t.Fatal(err)
		}
	}
	fromSummaries, err := svc.ItemAnalysis(ctx, authz.All, "KC-900")
	if err != nil {
		t.Fatal(err)
	}
	asked, correct := 0, 0
	for _, it := range fromSummaries {
		asked += it.Asked
		correct += it.Correct
	}
	if asked != 18 || correct != 2+4+6 {
		t.Fatalf("from summaries: %d asked, %d correct; want 18 and 12", asked, correct)
	}
	// Rosters as they were before outcomes were kept.
	if _, err := db.Collection(rostersColl).UpdateMany(ctx, bson.D{}, bson.D{{Key: "$unset", Value: bson.D{
		{Key: "results.0.items", Value: ""}, {Key: "results.1.items", Value: ""}, {Key: "results.2.items", Value: ""}}}}); err != nil {
		t.Fatal(err)
	}
	rs, err := NewStore(db).Results(ctx, Filter{CourseCode: "KC-900"})
	if err != nil || len(rs) != 3 || len(rs[0].Outcomes) != 0 {
		t.Fatalf("rosters still carry outcomes: %d results, %v", len(rs), err)
	}
	fromArchive, err := svc.ItemAnalysis(ctx, authz.All, "KC-900")
	if err != nil {
		t.Fatal(err)
	}
	for i := range fromSummaries {
		if fromSummaries[i] != fromArchive[i] {
			t.Errorf("%s: from summaries %+v, from the archive %+v", fromSummaries[i].QuestionID, fromSummaries[i], fromArchive[i])
		}
	}
}

// Results recorded before rosters existed reach the staff lists once the
// rosters are built from the per-person summaries, at start.
func TestBackfillBuildsRostersFromEarlierResults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	cat := &swapCatalog{c: testCourse()}
	cat.c.Quiz.QuestionsPerAttempt = 6
	svc := NewService(Deps{Store: NewStore(db), Catalog: cat,
		Clock: clock.NewManual(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)), Rand: rand.New(rand.NewPCG(11, 12))})
	for _, who := range []authz.Principal{
		{UserID: "u1", Role: "ctv", CollaboratorID: "c1", AreaCode: "NT"},
		{UserID: "u2", Role: "ctv", CollaboratorID: "c2", AreaCode: "BH"},
	} {
		a, _, err := svc.Start(ctx, who, "KC-900")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Submit(ctx, who, a.ID, map[string][]string{"q1": {"a"}}); err != nil {
			t.Fatal(err)
		}
	}
	before, err := svc.List(ctx, authz.All, Filter{CourseCode: "KC-900"})
	if err != nil || len(before) != 2 {
		t.Fatalf("before: %d results, %v", len(before), err)
	}
	if err := db.Collection(rostersColl).Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if gone, _ := svc.List(ctx, authz.All, Filter{CourseCode: "KC-900"}); len(gone) != 0 {
		t.Fatalf("without rosters the list shows %d", len(gone))
	}
	n, err := svc.Backfill(ctx)
	if err != nil || n != 2 {
		t.Fatalf("backfill = %d, %v; want 2", n, err)
	}
	after, err := svc.List(ctx, authz.Scope{Kind: authz.ScopeArea, AreaCode: "BH"}, Filter{CourseCode: "KC-900"})
	if err != nil || len(after) != 1 || after[0].CollaboratorID != "c2" {
		t.Fatalf("after backfill, BH sees %+v, %v", after, err)
	}
	if n, err := svc.Backfill(ctx); err != nil || n != 0 {
		t.Errorf("second backfill = %d, %v; want nothing", n, err)
	}
}

// A crash after the result is recorded but before the progress, rosters
// and live set are updated loses nothing: the sweep finds the attempt
// still live, takes the recorded result, and completes the rest once.
func TestGradingACrashInterruptedIsCompletedOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	clk := clock.NewManual(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC))
	cat := &swapCatalog{c: testCourse()}
	cat.c.Quiz.QuestionsPerAttempt = 6
	st := NewStore(db)
	svc := NewService(Deps{Store: st, Catalog: cat, Clock: clk, Rand: rand.New(rand.NewPCG(13, 14))})
	p := authz.Principal{UserID: "u", Role: "ctv", CollaboratorID: "c1", AreaCode: "NT"}
	a, _, err := svc.Start(ctx, p, "KC-900")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SaveAnswers(ctx, p, a.ID, map[string][]string{"q1": {"a"}, "q2": {"b", "c"}, "q3": {"false"}}); err != nil {
		t.Fatal(err)
	}
	// The grader records the result, then the process dies.
	live, err := svc.live(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	graded := live.Grade(clk.Now())
	if won, err := st.Record(ctx, graded); err != nil || !won {
		t.Fatalf("record: %v, %v", won, err)
	}
	clk.Advance(time.Duration(cat.c.Quiz.TimeLimitMinutes)*time.Minute + time.Hour)
	for round := 0; round < 2; round++ {
		if _, err := svc.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		mine, err := svc.List(ctx, authz.Scope{Kind: authz.ScopeOwn, CollaboratorID: "c1"}, Filter{})
		if err != nil || len(mine) != 1 || mine[0].Score != graded.Score || mine[0].Status != StatusGraded {
			t.Fatalf("round %d: my attempts %+v, %v; want the recorded result once", round, mine, err)
		}
		staff, err := svc.List(ctx, authz.All, Filter{CourseCode: "KC-900"})
		if err != nil || len(staff) != 1 {
			t.Fatalf("round %d: staff list %d, %v; want 1", round, len(staff), err)
		}
		done, err := st.Graded(ctx, "c1", "KC-900")
		if err != nil || len(done) != 1 || done[0] != 1 {
			t.Fatalf("round %d: graded numbers %v, %v", round, done, err)
		}
	}
	if open, err := st.Open(ctx, Filter{}); err != nil || len(open) != 0 {
		t.Errorf("still live after the sweep: %d, %v", len(open), err)
	}
}
