package quizzes

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/platform/errs"
)

func testCourse() courses.Course {
	q := func(id, kind string, correct ...string) courses.Question {
		ids := []string{"a", "b", "c", "d"}
		if kind == courses.KindTrueFalse {
			ids = []string{"true", "false"}
		}
		var opts []courses.Option
		for _, o := range ids {
			ok := false
			for _, c := range correct {
				ok = ok || c == o
			}
			opts = append(opts, courses.Option{ID: o, Text: courses.Text{VI: "đáp án " + o, EN: "answer " + o}, Correct: ok})
		}
		return courses.Question{ID: id, Kind: kind, Text: courses.Text{VI: "Câu " + id, EN: "Question " + id}, Options: opts}
	}
	return courses.Course{Code: "KC-900", Quiz: courses.Quiz{PassMark: 0.7, TimeLimitMinutes: 20, QuestionsPerAttempt: 4, MaxAttempts: 2,
		Review: courses.ReviewAnswers, Version: "v1", Questions: []courses.Question{
			q("q1", courses.KindSingle, "a"), q("q2", courses.KindMultiple, "b", "c"), q("q3", courses.KindTrueFalse, "false"),
			q("q4", courses.KindSingle, "d"), q("q5", courses.KindSingle, "b"), q("q6", courses.KindMultiple, "a", "d"),
		}}}
}

func TestNewAttemptDrawsDistinctQuestionsAndKeepsOptions(t *testing.T) {
	t.Parallel()
	c := testCourse()
	now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	seenFirst := map[string]bool{}
	for seed := uint64(0); seed < 30; seed++ {
		a := NewAttempt("c1", "NT", c, 1, now, rand.New(rand.NewPCG(seed, 1)))
		if len(a.Questions) != 4 || a.ID != "c1:KC-900:1" || !a.Deadline.Equal(now.Add(20*time.Minute)) || a.Status != StatusOpen {
			t.Fatalf("attempt %+v", a)
		}
		ids := map[string]bool{}
		for _, q := range a.Questions {
			if ids[q.ID] {
				t.Fatalf("question %s drawn twice", q.ID)
			}
			ids[q.ID] = true
			bank, _ := c.Quiz.Question(q.ID)
			if len(q.Options) != len(bank.Options) {
				t.Fatalf("%s has %d options", q.ID, len(q.Options))
			}
		}
		seenFirst[a.Questions[0].ID] = true
	}
	if len(seenFirst) < 3 {
		t.Errorf("draws are not random: first questions %v", seenFirst)
	}
}

func TestGradeIsExactMatchPerQuestion(t *testing.T) {
	t.Parallel()
	c := testCourse()
	c.Quiz.QuestionsPerAttempt = 6
	a := NewAttempt("c1", "NT", c, 1, time.Now(), rand.New(rand.NewPCG(1, 2)))
	a.Answers = map[string][]string{
		"q1": {"a"},      // right
		"q2": {"b"},      // half of a multiple: wrong
		"q3": {"false"},  // right
		"q4": {"d"},      // right
		"q5": {"b"},      // right
		"q6": {"a", "d"}, // right
	}
	g := a.Grade(time.Now())
	if g.Correct != 5 || g.Score != 0.8333 || !g.Passed || g.Status != StatusGraded {
		t.Errorf("graded %d, %v, passed %v", g.Correct, g.Score, g.Passed)
	}
	a.Answers = map[string][]string{"q1": {"a"}, "q3": {"false"}, "q4": {"d"}, "q5": {"a"}, "q6": {"a", "b", "d"}}
	if g := a.Grade(time.Now()); g.Correct != 3 || g.Passed {
		t.Errorf("graded %d, passed %v", g.Correct, g.Passed)
	}
	// 7 of 10 passes a 0.7 mark exactly.
	c.Quiz.PassMark = 0.7
	b := Attempt{PassMark: 0.7}
	for i := 0; i < 10; i++ {
		q := courses.Question{ID: string(rune('a' + i)), Kind: courses.KindSingle, Options: []courses.Option{{ID: "x", Correct: true}, {ID: "y"}}}
		b.Questions = append(b.Questions, Question{ID: q.ID, Kind: q.Kind, Options: []Option{{ID: "x", Correct: true}, {ID: "y"}}})
	}
	b.Answers = map[string][]string{"a": {"x"}, "b": {"x"}, "c": {"x"}, "d": {"x"}, "e": {"x"}, "f": {"x"}, "g": {"x"}}
	if g := b.Grade(time.Now()); !g.Passed || g.Score != 0.7 {
		t.Errorf("7/10 at 0.7: %v %v", g.Score, g.Passed)
	}
}

func TestCheckAnswersNamesTheField(t *testing.T) {
	t.Parallel()
	c := testCourse()
	c.Quiz.QuestionsPerAttempt = 6
	a := NewAttempt("c1", "NT", c, 1, time.Now(), rand.New(rand.NewPCG(1, 2)))
	clean, err := a.CheckAnswers(map[string][]string{"q2": {"c", "b", "c"}, "q1": {}})
	if err != nil {
		t.Fatal(err)
	}
	if got := clean["q2"]; len(got) != 2 || got[0] != "b" || got[1] != "c" {
		t.Errorf("normalized %v", clean)
	}
	if _, ok := clean["q1"]; ok {
		t.Error("an empty answer is kept")
	}
	for name, tc := range map[string]struct {
		answers map[string][]string
		field   string
	}{
		"unknown question": {map[string][]string{"q99": {"a"}}, "answers.q99"},
		"unknown option":   {map[string][]string{"q1": {"z"}}, "answers.q1"},
		"two for single":   {map[string][]string{"q1": {"a", "b"}}, "answers.q1"},
		"two for t/f":      {map[string][]string{"q3": {"true", "false"}}, "answers.q3"},
	} {
		_, err := a.CheckAnswers(tc.answers)
		e, ok := err.(*errs.Error)
		if !ok || e.Kind != errs.Invalid || len(e.Fields) == 0 || e.Fields[0].Field != tc.field {
			t.Errorf("%s: %v", name, err)
		}
	}
	big := map[string][]string{}
	for i := 0; i < 201; i++ {
		big[string(rune(i+1000))] = []string{"a"}
	}
	if _, err := a.CheckAnswers(big); !errs.Is(err, errs.Invalid) {
		t.Errorf("oversized map: %v", err)
	}
}

func TestParseAttemptID(t *testing.T) {
	t.Parallel()
	c, course, n, err := ParseAttemptID(AttemptID("abc", "KC-101", 3))
	if err != nil || c != "abc" || course != "KC-101" || n != 3 {
		t.Errorf("%q %q %d %v", c, course, n, err)
	}
	for _, bad := range []string{"", "a:b", "a:b:0", "a:b:x", ":b:1", "a:b:1:2"} {
		if _, _, _, err := ParseAttemptID(bad); !errs.Is(err, errs.NotFound) {
			t.Errorf("ParseAttemptID(%q) = %v", bad, err)
		}
	}
}
