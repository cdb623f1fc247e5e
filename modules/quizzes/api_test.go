package quizzes_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/received"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"github.com/ctvacademy/academy/modules/quizzes"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const course = "KC-101"

func start(t *testing.T, s *apptest.Server, tok string) (quizzes.AttemptView, apptest.Response) {
	t.Helper()
	r := s.Do(t, "POST", "/api/v1/courses/"+course+"/attempts", tok, nil)
	var v quizzes.AttemptView
	if r.Status == 200 || r.Status == 201 {
		r.JSON(t, &v)
	}
	return v, r
}

// key answers every question of an attempt right (right=true) or wrong.
func key(t *testing.T, s *apptest.Server, v quizzes.AttemptView, right bool) map[string][]string {
	t.Helper()
	c, ok := s.App.Courses.Course(v.CourseCode)
	if !ok {
		t.Fatalf("no course %s", v.CourseCode)
	}
	out := map[string][]string{}
	for _, q := range v.Questions {
		bq, ok := c.Quiz.Question(q.ID)
		if !ok {
			t.Fatalf("question %s not in the bank", q.ID)
		}
		if right {
			out[q.ID] = bq.CorrectIDs()
			continue
		}
		for _, o := range bq.Options {
			if !o.Correct {
				out[q.ID] = []string{o.ID}
				break
			}
		}
	}
	return out
}

// noKey fails when a response a taker gets before submitting carries any
// part of the answer key.
func noKey(t *testing.T, what string, body []byte) {
	t.Helper()
	for _, leak := range []string{`"correct"`, `"is_correct"`, `"review"`, `"result"`, `"Correct"`} {
		if strings.Contains(string(body), leak) {
			t.Errorf("%s carries %s before submission: %s", what, leak, body)
		}
	}
}

// recorder keeps the quiz-passed events the service publishes.
type recorder struct{ received.List[quizzes.Passed] }

func (r *recorder) QuizPassed(_ context.Context, p quizzes.Passed) error { r.Add(p); return nil }

func TestTakeAQuiz(t *testing.T) {
	t.Parallel()
	events := &recorder{}
	clk := clock.NewManual(time.Now())
	s := apptest.Start(t, apptest.Options{Events: events, Clock: clk})
	ctv := s.Find(t, "ctv", "TB")
	tok := s.LoginDemo(t, ctv.Email)

	v, r := start(t, s, tok)
	if r.Status != 201 {
		t.Fatalf("start: %d %s", r.Status, r.Body)
	}
	noKey(t, "start", r.Body)
	c, _ := s.App.Courses.Course(course)
	if len(v.Questions) != c.Quiz.QuestionsPerAttempt || v.Status != "open" || v.Number != 1 || v.QuizVersion != c.Quiz.Version {
		t.Fatalf("attempt %+v", v)
	}
	if v.RemainingSeconds < c.Quiz.TimeLimitMinutes*60-5 || v.Questions[0].Text == "" || !strings.ContainsAny(v.Questions[0].Text, "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ") {
		t.Errorf("remaining %d, first question %q (want Vietnamese)", v.RemainingSeconds, v.Questions[0].Text)
	}
	// Starting again resumes the open attempt.
	again, r := start(t, s, tok)
	if r.Status != 200 || again.ID != v.ID {
		t.Fatalf("resume: %d %s", r.Status, again.ID)
	}
	noKey(t, "resume", r.Body)

	answers := key(t, s, v, true)
	half := map[string][]string{}
	for i, q := range v.Questions {
		if i%2 == 0 {
			half[q.ID] = answers[q.ID]
		}
	}
	r = s.Do(t, "PUT", "/api/v1/attempts/"+v.ID+"/answers", tok, map[string]any{"answers": half})
	if r.Status != 200 {
		t.Fatalf("autosave: %d %s", r.Status, r.Body)
	}
	noKey(t, "autosave", r.Body)
	r = s.Do(t, "GET", "/api/v1/attempts/"+v.ID+"?lang=en", tok, nil)
	noKey(t, "reload", r.Body)
	var reloaded quizzes.AttemptView
	r.JSON(t, &reloaded)
	if len(reloaded.Answers) != len(half) || reloaded.Questions[0].ID != v.Questions[0].ID {
		t.Fatalf("reload lost answers or order: %+v", reloaded.Answers)
	}
	if bq, _ := c.Quiz.Question(v.Questions[0].ID); reloaded.Questions[0].Text != bq.Text.EN {
		t.Errorf("?lang=en shows %q", reloaded.Questions[0].Text)
	}

	r = s.Do(t, "POST", "/api/v1/attempts/"+v.ID+"/submit", tok, map[string]any{"answers": answers})
	if r.Status != 200 {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	var res quizzes.Result
	r.JSON(t, &res)
	if res.Score != 1 || !res.Passed || res.Correct != len(v.Questions) || len(res.Review) != len(v.Questions) || len(res.Review[0].Correct) == 0 {
		t.Fatalf("result %+v", res)
	}
	if passed := events.All(); len(passed) != 1 || passed[0].AttemptID != v.ID || passed[0].CourseCode != course {
		t.Errorf("quiz passed events: %+v", passed)
	}
	// Autosave after submit changes nothing.
	r = s.Do(t, "PUT", "/api/v1/attempts/"+v.ID+"/answers", tok, map[string]any{"answers": key(t, s, v, false)})
	if r.Status != 409 {
		t.Errorf("autosave after submit: %d %s", r.Status, r.Body)
	}
	var after quizzes.AttemptView
	s.Do(t, "GET", "/api/v1/attempts/"+v.ID, tok, nil).JSON(t, &after)
	if after.Status != "graded" || after.Result == nil || after.Result.Score != 1 {
		t.Errorf("after late autosave: %+v", after.Result)
	}
	// The next start is attempt 2, once the course's wait is over.
	clk.Advance(time.Duration(c.Quiz.RetakeAfterMinutes) * time.Minute)
	next, r := start(t, s, tok)
	if r.Status != 201 || next.Number != 2 {
		t.Errorf("second attempt: %d %+v", r.Status, next.Number)
	}
	var mine struct {
		Items []quizzes.ResultRow `json:"items"`
		Total int                 `json:"total"`
	}
	s.Do(t, "GET", "/api/v1/me/attempts", tok, nil).JSON(t, &mine)
	if mine.Total != 2 || mine.Items[1].ID != v.ID || !mine.Items[1].Passed {
		t.Errorf("my attempts %+v", mine)
	}
}

func testScoreOnlyCoursesHideTheKeyAfterSubmission(t *testing.T, s *apptest.Server) {
	// No shipped course uses score_only; check the view's rule directly on
	// a graded attempt of the shipped KC-102 with its review setting flipped.
	ctv := s.Find(t, "ctv", "VC")
	tok := s.LoginDemo(t, ctv.Email)
	r := s.Do(t, "POST", "/api/v1/courses/KC-102/attempts", tok, nil)
	var v quizzes.AttemptView
	r.JSON(t, &v)
	a, err := s.App.Quizzes.Get(context.Background(), authz.All, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	a.Review = "score_only"
	g := a.Grade(time.Now())
	view := quizzes.View(g, "vi", time.Now())
	// The score alone: not the key, nor which questions were right (a
	// wrong true/false answer names the right one).
	if view.Result == nil || view.Result.Total != len(v.Questions) || len(view.Result.Review) != 0 {
		t.Fatalf("score_only result: %+v", view.Result)
	}
	b, err := json.Marshal(view)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{`"review"`, `"is_correct"`, `"correct":[`} {
		if strings.Contains(string(b), leak) {
			t.Errorf("score_only view carries %s: %s", leak, b)
		}
	}
}

func TestStartsAreExactlyOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	clk := clock.NewManual(time.Now())
	s := apptest.Start(t, apptest.Options{Clock: clk})
	ctv := s.Find(t, "ctv", "XL")
	tok := s.LoginDemo(t, ctv.Email)
	c, _ := s.App.Courses.Course(course)
	// Use all attempts but one, each after the course's wait.
	for i := 1; i < c.Quiz.MaxAttempts; i++ {
		clk.Advance(time.Duration(c.Quiz.RetakeAfterMinutes) * time.Minute)
		v, r := start(t, s, tok)
		if r.Status != 201 {
			t.Fatalf("start %d: %d %s", i, r.Status, r.Body)
		}
		if r := s.Do(t, "POST", "/api/v1/attempts/"+v.ID+"/submit", tok, nil); r.Status != 200 {
			t.Fatalf("submit %d: %d", i, r.Status)
		}
	}
	clk.Advance(time.Duration(c.Quiz.RetakeAfterMinutes) * time.Minute)
	var created, resumed, busy atomic.Int32
	var wg sync.WaitGroup
	ids := make([]string, 12)
	for i := range ids {
		wg.Go(func() {
			v, r := start(t, s, tok)
			switch r.Status {
			case 201:
				created.Add(1)
			case 200:
				resumed.Add(1)
			case 409:
				busy.Add(1)
			default:
				t.Errorf("parallel start: %d %s", r.Status, r.Body)
			}
			ids[i] = v.ID
		})
	}
	wg.Wait()
	if created.Load() != 1 {
		t.Fatalf("%d attempts created by 12 parallel starts with one left (resumed %d, busy %d)", created.Load(), resumed.Load(), busy.Load())
	}
	last := fmt.Sprintf("%s:%s:%d", ctv.ID, course, c.Quiz.MaxAttempts)
	for _, id := range ids {
		if id != "" && id != last {
			t.Errorf("a start answered attempt %s, want %s", id, last)
		}
	}
	if r := s.Do(t, "POST", "/api/v1/attempts/"+last+"/submit", tok, nil); r.Status != 200 {
		t.Fatalf("submit last: %d", r.Status)
	}
	clk.Advance(time.Duration(c.Quiz.RetakeAfterMinutes) * time.Minute)
	if _, r := start(t, s, tok); r.Status != 422 || !strings.Contains(r.Problem(t).Detail, "no attempt left") {
		t.Errorf("start with none left: %d %s", r.Status, r.Body)
	}
	n, err := s.App.DB.Collection("quiz_results").CountDocuments(context.Background(), bson.D{{Key: "collaborator_id", Value: ctv.ID}})
	if err != nil || n != int64(c.Quiz.MaxAttempts) {
		t.Errorf("results stored: %d (%v), want %d", n, err, c.Quiz.MaxAttempts)
	}
}

func TestParallelSubmitsGradeOnce(t *testing.T) {
	t.Parallel()
	events := &recorder{}
	s := apptest.Start(t, apptest.Options{Events: events})
	ctv := s.Find(t, "ctv", "DQ")
	tok := s.LoginDemo(t, ctv.Email)
	v, _ := start(t, s, tok)
	right := key(t, s, v, true)
	wrong := key(t, s, v, false)
	var wg sync.WaitGroup
	scores := make([]float64, 10)
	for i := range scores {
		wg.Go(func() {
			answers := right
			if i%2 == 1 {
				answers = wrong
			}
			r := s.Do(t, "POST", "/api/v1/attempts/"+v.ID+"/submit", tok, map[string]any{"answers": answers})
			if r.Status != 200 {
				t.Errorf("submit: %d %s", r.Status, r.Body)
				return
			}
			var res quizzes.Result
			r.JSON(t, &res)
			scores[i] = res.Score
		})
	}
	wg.Wait()
	for _, sc := range scores[1:] {
		if sc != scores[0] {
			t.Fatalf("parallel submits answered different scores: %v", scores)
		}
	}
	n, _ := s.App.DB.Collection("quiz_results").CountDocuments(context.Background(), bson.D{{Key: "_id", Value: v.ID}})
	live, _ := s.App.DB.Collection("quiz_attempts").CountDocuments(context.Background(), bson.D{{Key: "_id", Value: v.ID}})
	if n != 1 || live != 0 {
		t.Errorf("results %d, live %d", n, live)
	}
	wantEvents := 0
	if scores[0] == 1 {
		wantEvents = 1
	}
	if n := len(events.All()); n != wantEvents {
		t.Errorf("%d quiz passed events for score %v", n, scores[0])
	}
}

func testAutosaveRacingSubmit(t *testing.T, s *apptest.Server) {
	tok := signIn(t, s, "TP")
	v, _ := start(t, s, tok)
	right, wrong := key(t, s, v, true), key(t, s, v, false)
	var wg sync.WaitGroup
	var submitted quizzes.Result
	for i := 0; i < 20; i++ {
		wg.Go(func() {
			if i == 10 {
				r := s.Do(t, "POST", "/api/v1/attempts/"+v.ID+"/submit", tok, map[string]any{"answers": right})
				if r.Status != 200 {
					t.Errorf("submit: %d", r.Status)
				}
				r.JSON(t, &submitted)
				return
			}
			r := s.Do(t, "PUT", "/api/v1/attempts/"+v.ID+"/answers", tok, map[string]any{"answers": wrong})
			if r.Status != 200 && r.Status != 409 {
				t.Errorf("autosave: %d %s", r.Status, r.Body)
			}
		})
	}
	wg.Wait()
	if submitted.Score != 1 {
		t.Fatalf("the submission's answers were not graded: %+v", submitted)
	}
	var after quizzes.AttemptView
	s.Do(t, "GET", "/api/v1/attempts/"+v.ID, tok, nil).JSON(t, &after)
	if after.Result == nil || after.Result.Score != 1 {
		t.Fatal("an autosave after the submission changed the graded attempt")
	}
	for q, o := range after.Answers {
		if strings.Join(o, ",") != strings.Join(right[q], ",") {
			t.Errorf("stored answer to %s is %v, graded %v", q, o, right[q])
		}
	}
}

func TestDeadlineAndSweepOnTheServerClock(t *testing.T) {
	t.Parallel()
	clk := clock.NewManual(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC))
	s, tokA := signedIn(t, "LT", apptest.Options{Clock: clk})
	v, _ := start(t, s, tokA)
	right := key(t, s, v, true)
	if r := s.Do(t, "PUT", "/api/v1/attempts/"+v.ID+"/answers", tokA, map[string]any{"answers": map[string][]string{v.Questions[0].ID: right[v.Questions[0].ID]}}); r.Status != 200 {
		t.Fatalf("autosave: %d", r.Status)
	}
	// Within the grace after the deadline a save still counts.
	clk.Advance(20*time.Minute + 10*time.Second)
	var in quizzes.AttemptView
	r := s.Do(t, "PUT", "/api/v1/attempts/"+v.ID+"/answers", tokA, map[string]any{"answers": map[string][]string{v.Questions[0].ID: right[v.Questions[0].ID], v.Questions[1].ID: right[v.Questions[1].ID]}})
	if r.Status != 200 {
		t.Fatalf("save in the grace: %d", r.Status)
	}
	r.JSON(t, &in)
	if in.RemainingSeconds != 0 {
		t.Errorf("remaining after the deadline: %d", in.RemainingSeconds)
	}
	clk.Advance(time.Minute)
	if r := s.Do(t, "PUT", "/api/v1/attempts/"+v.ID+"/answers", tokA, map[string]any{"answers": right}); r.Status != 409 {
		t.Fatalf("save after deadline+grace: %d", r.Status)
	}
	// A late submission grades the saved answers, not the ones it carries.
	r = s.Do(t, "POST", "/api/v1/attempts/"+v.ID+"/submit", tokA, map[string]any{"answers": right})
	var res quizzes.Result
	r.JSON(t, &res)
	if r.Status != 200 || !res.Late || res.Correct != 2 || res.Passed || !res.SubmittedAt.Equal(v.Deadline) {
		t.Fatalf("late submit: %d %+v", r.Status, res)
	}

	// An attempt left open is closed by the sweep with what was saved.
	b := s.Find(t, "team_leader", "LT")
	tokB := s.LoginDemo(t, b.Email)
	w, _ := start(t, s, tokB)
	s.Do(t, "PUT", "/api/v1/attempts/"+w.ID+"/answers", tokB, map[string]any{"answers": key(t, s, w, true)})
	if n, err := s.App.Quizzes.Sweep(context.Background()); err != nil || n != 0 {
		t.Fatalf("sweep before the deadline closed %d (%v)", n, err)
	}
	clk.Advance(21 * time.Minute)
	if n, err := s.App.Quizzes.Sweep(context.Background()); err != nil || n != 1 {
		t.Fatalf("sweep after the deadline closed %d (%v)", n, err)
	}
	var closed quizzes.AttemptView
	s.Do(t, "GET", "/api/v1/attempts/"+w.ID, tokB, nil).JSON(t, &closed)
	if closed.Status != "graded" || closed.Result == nil || closed.Result.Score != 1 {
		t.Errorf("swept attempt %+v", closed.Result)
	}
}

func TestAttemptSurvivesARestart(t *testing.T) {
	t.Parallel()
	clk := clock.NewManual(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC))
	s, tok := signedIn(t, "CM", apptest.Options{Clock: clk})
	v, _ := start(t, s, tok)
	saved := map[string][]string{v.Questions[2].ID: key(t, s, v, true)[v.Questions[2].ID]}
	s.Do(t, "PUT", "/api/v1/attempts/"+v.ID+"/answers", tok, map[string]any{"answers": saved})
	clk.Advance(5 * time.Minute)
	s.Restart(t)
	var back quizzes.AttemptView
	r := s.Do(t, "GET", "/api/v1/attempts/"+v.ID, tok, nil)
	if r.Status != 200 {
		t.Fatalf("after restart: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &back)
	if back.Status != "open" || len(back.Answers) != 1 || back.RemainingSeconds != 15*60 || back.Questions[2].ID != v.Questions[2].ID {
		t.Errorf("resumed %+v (remaining %d)", back.Answers, back.RemainingSeconds)
	}
	again, r := start(t, s, tok)
	if r.Status != 200 || again.ID != v.ID {
		t.Errorf("start after restart: %d %s", r.Status, again.ID)
	}
}

func TestBadAnswersAndOtherPeoplesAttempts(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	a := s.Find(t, "ctv", "NT")
	var b = s.Find(t, "ctv", "LK")
	tokA, tokB := s.LoginDemo(t, a.Email), s.LoginDemo(t, b.Email)
	va, _ := start(t, s, tokA)
	vb, _ := start(t, s, tokB)
	q0 := va.Questions[0]
	big := map[string][]string{}
	for i := 0; i < 300; i++ {
		big[fmt.Sprintf("q%03d", i)] = []string{"a"}
	}
	// A question of B's attempt that A's attempt did not draw.
	foreign := ""
	drawn := map[string]bool{}
	for _, q := range va.Questions {
		drawn[q.ID] = true
	}
	for _, q := range vb.Questions {
		if !drawn[q.ID] {
			foreign = q.ID
			break
		}
	}
	cases := []struct {
		name   string
		method string
		path   string
		tok    string
		body   any
		status int
		field  string
	}{
		{"unknown question", "PUT", "/api/v1/attempts/" + va.ID + "/answers", tokA, map[string]any{"answers": map[string][]string{"q999": {"a"}}}, 400, "answers.q999"},
		{"unknown option", "PUT", "/api/v1/attempts/" + va.ID + "/answers", tokA, map[string]any{"answers": map[string][]string{q0.ID: {"zz"}}}, 400, "answers." + q0.ID},
		{"question of another attempt", "PUT", "/api/v1/attempts/" + va.ID + "/answers", tokA, map[string]any{"answers": map[string][]string{foreign: {"a"}}}, 400, "answers." + foreign},
		{"oversized map", "PUT", "/api/v1/attempts/" + va.ID + "/answers", tokA, map[string]any{"answers": big}, 400, "answers"},
		{"wrong type", "PUT", "/api/v1/attempts/" + va.ID + "/answers", tokA, `{"answers":{"q01":"a"}}`, 400, "answers.q01"},
		{"wrong type in the list", "PUT", "/api/v1/attempts/" + va.ID + "/answers", tokA, `{"answers":{"q01":[1]}}`, 400, "answers.q01[0]"},
		{"unknown field", "PUT", "/api/v1/attempts/" + va.ID + "/answers", tokA, `{"answers":{},"score":1}`, 400, "score"},
		{"operator", "PUT", "/api/v1/attempts/" + va.ID + "/answers", tokA, `{"answers":{"$set":["a"]}}`, 400, "answers.$set"},
		{"missing answers", "PUT", "/api/v1/attempts/" + va.ID + "/answers", tokA, `{}`, 400, "answers"},
		{"another's attempt: save", "PUT", "/api/v1/attempts/" + vb.ID + "/answers", tokA, map[string]any{"answers": map[string][]string{}}, 404, ""},
		{"another's attempt: submit", "POST", "/api/v1/attempts/" + vb.ID + "/submit", tokA, nil, 404, ""},
		{"another's attempt: read", "GET", "/api/v1/attempts/" + vb.ID, tokA, nil, 404, ""},
		{"malformed id", "GET", "/api/v1/attempts/nonsense", tokA, nil, 404, ""},
		{"unknown course", "POST", "/api/v1/courses/KC-999/attempts", tokA, nil, 404, ""},
		{"staff cannot take quizzes", "POST", "/api/v1/courses/KC-101/attempts", s.LoginDemo(t, apptest.Coordinator), nil, 403, ""},
	}
	for _, tc := range cases {
		r := s.Do(t, tc.method, tc.path, tc.tok, tc.body)
		if r.Status != tc.status {
			t.Errorf("%s: %d, want %d: %s", tc.name, r.Status, tc.status, r.Body)
			continue
		}
		if p := r.Problem(t); tc.field != "" && !p.HasField(tc.field) {
			t.Errorf("%s: problem does not name %s: %s", tc.name, tc.field, r.Body)
		}
	}
	// Nothing was saved by any of it.
	var still quizzes.AttemptView
	s.Do(t, "GET", "/api/v1/attempts/"+va.ID, tokA, nil).JSON(t, &still)
	if len(still.Answers) != 0 || still.Status != "open" {
		t.Errorf("attempt changed: %+v", still.Answers)
	}
	var others struct{ Total int }
	s.Do(t, "GET", "/api/v1/attempts?collaborator_id="+b.ID, tokA, nil).JSON(t, &others)
	if others.Total != 0 {
		t.Errorf("a CTV lists another's attempts: %d", others.Total)
	}
}

func TestResultsAndItemAnalysisForStaff(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	c, _ := s.App.Courses.Course(course)
	people := []string{"NT", "NT", "LT"}
	var ntLeader = s.Find(t, "team_leader", "NT")
	taken := 0
	for i, area := range people {
		var who = s.Find(t, "ctv", area)
		if i == 1 {
			who = ntLeader
		}
		tok := s.LoginDemo(t, who.Email)
		v, _ := start(t, s, tok)
		if r := s.Do(t, "POST", "/api/v1/attempts/"+v.ID+"/submit", tok, map[string]any{"answers": key(t, s, v, i != 2)}); r.Status != 200 {
			t.Fatalf("submit: %d", r.Status)
		}
		taken++
	}
	coord := s.LoginDemo(t, apptest.Coordinator)
	var res quizzes.CourseResults
	s.Do(t, "GET", "/api/v1/courses/"+course+"/results", coord, nil).JSON(t, &res)
	if res.Graded != 3 || res.Passed != 2 || res.MeanScore != 0.6667 || res.Total != 3 {
		t.Errorf("course results %+v", res)
	}
	var leaderView quizzes.CourseResults
	s.Do(t, "GET", "/api/v1/courses/"+course+"/results", s.LoginDemo(t, ntLeader.Email), nil).JSON(t, &leaderView)
	if leaderView.Graded != 2 {
		t.Errorf("NT team leader sees %d results, want their district's 2", leaderView.Graded)
	}
	var items struct {
		Items []quizzes.ItemStat `json:"items"`
	}
	r := s.Do(t, "GET", "/api/v1/courses/"+course+"/item-analysis", s.LoginDemo(t, apptest.Leadership), nil)
	if r.Status != 200 {
		t.Fatalf("item analysis: %d", r.Status)
	}
	r.JSON(t, &items)
	asked, correct := 0, 0
	for _, it := range items.Items {
		asked += it.Asked
		correct += it.Correct
		if it.Asked > 0 && it.ShareCorrect != float64(it.Correct)/float64(it.Asked) {
			t.Errorf("share of %s: %v", it.QuestionID, it.ShareCorrect)
		}
	}
	if len(items.Items) != len(c.Quiz.Questions) || asked != taken*c.Quiz.QuestionsPerAttempt || correct != 2*c.Quiz.QuestionsPerAttempt {
		t.Errorf("item analysis: %d items, asked %d, correct %d", len(items.Items), asked, correct)
	}
	if r := s.Do(t, "GET", "/api/v1/courses/"+course+"/item-analysis", s.LoginDemo(t, ntLeader.Email), nil); r.Status != 403 {
		t.Errorf("team leader item analysis: %d", r.Status)
	}
}
