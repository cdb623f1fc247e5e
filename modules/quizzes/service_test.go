package quizzes

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
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
	r := newRig(storetest.New(t), 6)
	cat, svc := r.cat, r.service(3)
	p := ctv("c1", "NT")
	a, _, err := svc.Start(ctx, p, "KC-900")
	if err != nil {
		t.Fatal(err)
	}
	graded, err := svc.Submit(ctx, p, a.ID, allRight())
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
	eachMode(t, func(t *testing.T, db *mongo.Database) {
		testGradedElsewhere(t, newRig(db, 6))
	})
}

func testGradedElsewhere(t *testing.T, r *rig) {
	ctx := context.Background()
	clk := r.clk
	one, two := r.service(5), newRig(r.db, 6).service(7)
	p := ctv("c1", "NT")
	a, _, err := one.Start(ctx, p, "KC-900")
	if err != nil {
		t.Fatal(err)
	}
	right := allRight()
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

// Item analysis reads the outcomes kept in the units' results; an entry written
// before they were kept is completed from the results archive, with the
// same figures.
func TestItemAnalysisFromSummariesAndFromTheArchiveAgree(t *testing.T) {
	eachRig(t, 6, func(t *testing.T, ctx context.Context, r *rig) {
		svc := r.service(9)
		right := allRight()
		for i, c := range []string{"c1", "c2", "c3"} {
			p := ctv(c, "NT")
			a, _, err := svc.Start(ctx, p, "KC-900")
			if err != nil {
				t.Fatal(err)
			}
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
		// Unit results as they were before outcomes were kept.
		if _, err := r.db.Collection(unitResultsColl).UpdateMany(ctx, bson.D{}, bson.D{{Key: "$unset", Value: bson.D{
			{Key: "results.0.items", Value: ""}, {Key: "results.1.items", Value: ""}, {Key: "results.2.items", Value: ""}}}}); err != nil {
			t.Fatal(err)
		}
		rs, err := r.st.Results(ctx, Filter{CourseCode: "KC-900"})
		if err != nil || len(rs) != 3 || len(rs[0].Outcomes) != 0 {
			t.Fatalf("unit results still carry outcomes: %d results, %v", len(rs), err)
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
	})
}

// Results recorded before the units' results existed (as quiz_rosters,
// which is no longer read) reach the staff lists once those are built from
// the per-person summaries, at start.
func TestBackfillBuildsUnitResultsFromEarlierResults(t *testing.T) {
	eachMode(t, func(t *testing.T, db *mongo.Database) {
		ctx := context.Background()
		svc := newRig(db, 6).service(11)
		for _, who := range []authz.Principal{ctv("c1", "NT"), ctv("c2", "BH")} {
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
		if err := db.Collection(unitResultsColl).Drop(ctx); err != nil {
			t.Fatal(err)
		}
		if gone, _ := svc.List(ctx, authz.All, Filter{CourseCode: "KC-900"}); len(gone) != 0 {
			t.Fatalf("without unit results the list shows %d", len(gone))
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
	})
}

// A crash after the result is recorded but before the progress, unit
// results and live set are updated loses nothing: the sweep finds the
// attempt still live, takes the recorded result, and completes the rest
// once.
func TestGradingACrashInterruptedIsCompletedOnce(t *testing.T) {
	eachRig(t, 6, func(t *testing.T, ctx context.Context, r *rig) {
		clk, st, svc := r.clk, r.st, r.service(13)
		p := ctv("c1", "NT")
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
		r.overdue()
		for round := 0; round < 2; round++ {
			if _, err := svc.Sweep(ctx); err != nil {
				t.Fatal(err)
			}
			mine, err := svc.List(ctx, own("c1"), Filter{})
			if err != nil || len(mine) != 1 || mine[0].Score != graded.Score || mine[0].Status != StatusGraded {
				t.Fatalf("round %d: my attempts %+v, %v; want the recorded result once", round, mine, err)
			}
			staff, err := svc.List(ctx, authz.All, Filter{CourseCode: "KC-900"})
			if err != nil || len(staff) != 1 {
				t.Fatalf("round %d: staff list %d, %v; want 1", round, len(staff), err)
			}
			done, err := st.Graded(ctx, "c1", "KC-900")
			if err != nil || len(done.Graded) != 1 || done.Graded[0] != 1 {
				t.Fatalf("round %d: graded numbers %v, %v", round, done, err)
			}
		}
		if open, err := st.Open(ctx, Filter{}); err != nil || len(open) != 0 {
			t.Errorf("still live after the sweep: %d, %v", len(open), err)
		}
	})
}
