package courses_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/contentcheck"
	"github.com/ctvacademy/academy/modules/courses"
)

func TestShippedContentLoads(t *testing.T) {
	t.Parallel()
	cat, probs := courses.Load(content.FS)
	for _, p := range probs {
		t.Errorf("problem: %s", p)
	}
	all := cat.Courses()
	if len(all) != 5 {
		t.Fatalf("%d courses, want 5", len(all))
	}
	for i, c := range all {
		if want := "KC-10" + string(rune('1'+i)); c.Code != want {
			t.Errorf("course %d is %s, want %s (sorted by code)", i, c.Code, want)
		}
		if n := len(c.Quiz.Questions); n < 20 {
			t.Errorf("%s has %d questions, want at least 20", c.Code, n)
		}
		kinds := map[string]int{}
		for _, q := range c.Quiz.Questions {
			kinds[q.Kind]++
		}
		for _, k := range []string{courses.KindSingle, courses.KindMultiple, courses.KindTrueFalse} {
			if kinds[k] == 0 {
				t.Errorf("%s has no %s question", c.Code, k)
			}
		}
		if c.Title.VI == "" || c.Title.EN == "" || c.Summary.VI == "" || c.Summary.EN == "" {
			t.Errorf("%s: title or summary untranslated: %+v %+v", c.Code, c.Title, c.Summary)
		}
		if !strings.Contains(c.Lesson.VI, "\n## ") || !strings.Contains(c.Lesson.EN, "\n## ") {
			t.Errorf("%s: a lesson in each language with sections", c.Code)
		}
		if strings.HasPrefix(c.Lesson.VI, "---") || strings.Contains(c.Lesson.VI, "required_for:") {
			t.Errorf("%s: the lesson still holds the front matter", c.Code)
		}
		if len(c.Quiz.Version) != 12 {
			t.Errorf("%s: quiz version %q, want 12 hex digits", c.Code, c.Quiz.Version)
		}
		if c.Certification.ValidityMonths < 1 || c.Quiz.QuestionsPerAttempt < 1 || c.Quiz.MaxAttempts < 1 {
			t.Errorf("%s: settings not read: %+v %+v", c.Code, c.Certification, c.Quiz)
		}
		// A certification's bank is reused by every attempt and cycle: the
		// key only after a pass, and time to study between attempts.
		if c.Quiz.Review != courses.ReviewAnswersAfterPass || c.Quiz.RetakeAfterMinutes < 30 {
			t.Errorf("%s: review %q, retake after %d minutes; want %s and at least 30", c.Code, c.Quiz.Review, c.Quiz.RetakeAfterMinutes, courses.ReviewAnswersAfterPass)
		}
	}
}

func TestCatalogLookups(t *testing.T) {
	t.Parallel()
	cat, _ := courses.Load(content.FS)
	c, ok := cat.Course("kc-101")
	if !ok || c.Code != "KC-101" || c.Title.VI != "Chính sách khuyến công" {
		t.Fatalf("Course(kc-101) = %v, %v", c.Code, ok)
	}
	if _, ok := cat.Course("KC-999"); ok {
		t.Error("Course(KC-999) found")
	}
	codes := func(cs []courses.Course) string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Code)
		}
		return strings.Join(out, ",")
	}
	if got := codes(cat.RequiredFor("ctv")); got != "KC-101,KC-102,KC-103,KC-104,KC-105" {
		t.Errorf("RequiredFor(ctv) = %s", got)
	}
	if got := codes(cat.RequiredFor("team_leader")); got != "KC-101,KC-102,KC-104,KC-105" {
		t.Errorf("RequiredFor(team_leader) = %s", got)
	}
	if got := codes(cat.RequiredFor("coordinator")); got != "" {
		t.Errorf("RequiredFor(coordinator) = %s", got)
	}
	q, ok := c.Quiz.Question("q01")
	if !ok || q.Kind != courses.KindSingle || strings.Join(q.CorrectIDs(), ",") != "a" {
		t.Errorf("KC-101 q01 = %+v", q)
	}
}

// A valid course, line by line, that the table below breaks one line at a time.
const (
	goodCourseMD = `---
code: KC-900
title:
  vi: "Khóa thử"
  en: "Test course"
summary:
  vi: "Tóm tắt"
  en: "Summary"
required_for: [ctv]
certification:
  validity_months: 12
  renewal_window_days: 30
  requires_attendance: false
---
# Bài học

## Phần 1

Nội dung.
`
	goodCourseEN = "# Lesson\n\n## Part 1\n\nContent.\n"
	goodQuiz     = `pass_mark: 0.5
time_limit_minutes: 10
questions_per_attempt: 2
max_attempts: 2
review: answers
questions:
  - id: q1
    kind: single
    text: {vi: "Câu 1", en: "Question 1"}
    options:
      - {id: a, text: {vi: "A", en: "A"}, correct: true}
      - {id: b, text: {vi: "B", en: "B"}, correct: false}
  - id: q2
    kind: multiple
    text: {vi: "Câu 2", en: "Question 2"}
    options:
      - {id: a, text: {vi: "A", en: "A"}, correct: true}
      - {id: b, text: {vi: "B", en: "B"}, correct: true}
      - {id: c, text: {vi: "C", en: "C"}, correct: false}
  - id: q3
    kind: true_false
    text: {vi: "Câu 3", en: "Question 3"}
    options:
      - {id: "true", text: {vi: "Đúng", en: "True"}, correct: true}
      - {id: "false", text: {vi: "Sai", en: "False"}, correct: false}
`
)

const (
	courseMD = "courses/KC-900/course.md"
	courseEN = "courses/KC-900/course.en.md"
	quizYAML = "courses/KC-900/quiz.yaml"
)

func goodFS() fstest.MapFS {
	return fstest.MapFS{
		courseMD: {Data: []byte(goodCourseMD)},
		courseEN: {Data: []byte(goodCourseEN)},
		quizYAML: {Data: []byte(goodQuiz)},
	}
}

// edit is a change to one line (1-based) of one file of the good course.
type edit struct {
	file string
	line int
	text string
}

func apply(t *testing.T, fsys fstest.MapFS, e edit) {
	t.Helper()
	lines := strings.Split(string(fsys[e.file].Data), "\n")
	if e.line < 1 || e.line > len(lines) {
		t.Fatalf("%s has no line %d", e.file, e.line)
	}
	lines[e.line-1] = e.text
	fsys[e.file] = &fstest.MapFile{Data: []byte(strings.Join(lines, "\n"))}
}

func TestGoodCourseLoads(t *testing.T) {
	t.Parallel()
	cat, probs := courses.Load(goodFS())
	for _, p := range probs {
		t.Errorf("problem: %s", p)
	}
	c, ok := cat.Course("KC-900")
	if !ok {
		t.Fatal("KC-900 not loaded")
	}
	if c.Title.EN != "Test course" || c.Summary.VI != "Tóm tắt" || strings.Join(c.RequiredFor, ",") != "ctv" ||
		c.Certification != (courses.Certification{ValidityMonths: 12, RenewalWindowDays: 30}) {
		t.Errorf("front matter read as %+v", c)
	}
	if !strings.HasPrefix(c.Lesson.VI, "# Bài học\n") || c.Lesson.EN != goodCourseEN {
		t.Errorf("lessons read as %q / %q", c.Lesson.VI, c.Lesson.EN)
	}
	q := c.Quiz
	if q.PassMark != 0.5 || q.TimeLimitMinutes != 10 || q.QuestionsPerAttempt != 2 || q.MaxAttempts != 2 ||
		q.Review != courses.ReviewAnswers || len(q.Questions) != 3 {
		t.Errorf("quiz read as %+v", q)
	}
	q2 := q.Questions[1]
	if q2.ID != "q2" || q2.Kind != courses.KindMultiple || q2.Text.EN != "Question 2" ||
		strings.Join(q2.CorrectIDs(), ",") != "a,b" || q2.Options[2].Text.VI != "C" {
		t.Errorf("q2 read as %+v", q2)
	}
}

// TestReviewAndRetakeDefaults: a quiz that names neither shows the right
// answers only after a pass and lets the next attempt start at once; both
// are read when named.
func TestReviewAndRetakeDefaults(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		line, review string
		wait         int
	}{
		{"", courses.ReviewAnswersAfterPass, 0},
		{"review: answers_after_pass", courses.ReviewAnswersAfterPass, 0},
		{"review: score_only", courses.ReviewScoreOnly, 0},
		{"retake_after_minutes: 0", courses.ReviewAnswersAfterPass, 0},
		{"retake_after_minutes: 90", courses.ReviewAnswersAfterPass, 90},
	} {
		fsys := goodFS()
		apply(t, fsys, edit{quizYAML, 5, c.line})
		cat, probs := courses.Load(fsys)
		for _, p := range probs {
			t.Errorf("%q: problem: %s", c.line, p)
		}
		got, _ := cat.Course("KC-900")
		if got.Quiz.Review != c.review || got.Quiz.RetakeAfterMinutes != c.wait {
			t.Errorf("%q: review %q, retake after %d min; want %q, %d", c.line, got.Quiz.Review, got.Quiz.RetakeAfterMinutes, c.review, c.wait)
		}
	}
}

func TestBrokenContentReportsFileAndLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		edits    []edit
		remove   string
		file     string
		line     int
		contains string
	}{
		{name: "duplicate question id",
			edits: []edit{{quizYAML, 13, "  - id: q1"}},
			file:  quizYAML, line: 13, contains: `question id "q1" is used twice (first at line 7)`},
		{name: "no correct option",
			edits: []edit{{quizYAML, 11, `      - {id: a, text: {vi: "A", en: "A"}, correct: false}`}},
			file:  quizYAML, line: 7, contains: "exactly one correct option, not 0"},
		{name: "missing en text of a question",
			edits: []edit{{quizYAML, 9, `    text: {vi: "Câu 1"}`}},
			file:  quizYAML, line: 9, contains: "question q1: text: missing translation: en"},
		{name: "empty en text of an option",
			edits: []edit{{quizYAML, 18, `      - {id: b, text: {vi: "B", en: ""}, correct: true}`}},
			file:  quizYAML, line: 18, contains: "option b: text: missing translation: en is empty"},
		{name: "missing en title",
			edits: []edit{{courseMD, 5, `  en: ""`}},
			file:  courseMD, line: 5, contains: "title: missing translation: en"},
		{name: "unknown role",
			edits: []edit{{courseMD, 9, "required_for: [ctv, director]"}},
			file:  courseMD, line: 9, contains: `unknown role "director"`},
		{name: "missing course.en.md",
			remove: courseEN,
			file:   courseEN, line: 0, contains: "missing translation"},
		{name: "unknown key in the quiz",
			edits: []edit{{quizYAML, 5, "reviw: answers"}},
			file:  quizYAML, line: 5, contains: `unknown key "reviw"`},
		{name: "unknown key in the front matter",
			edits: []edit{{courseMD, 13, "  requires_atendance: false"}},
			file:  courseMD, line: 13, contains: `unknown key "requires_atendance"`},
		{name: "missing front matter key",
			edits: []edit{{courseMD, 9, "# no roles"}},
			file:  courseMD, line: 2, contains: "missing required_for"},
		{name: "code does not match the folder",
			edits: []edit{{courseMD, 2, "code: KC-901"}},
			file:  courseMD, line: 2, contains: `code "KC-901" does not match its folder "KC-900"`},
		{name: "duplicate option id",
			edits: []edit{{quizYAML, 19, `      - {id: a, text: {vi: "C", en: "C"}, correct: false}`}},
			file:  quizYAML, line: 19, contains: `question q2: option id "a" is used twice (first at line 17)`},
		{name: "multiple with one correct",
			edits: []edit{{quizYAML, 18, `      - {id: b, text: {vi: "B", en: "B"}, correct: false}`}},
			file:  quizYAML, line: 13, contains: "at least two correct options, not 1"},
		{name: "unknown kind",
			edits: []edit{{quizYAML, 8, "    kind: essay"}},
			file:  quizYAML, line: 8, contains: `unknown kind "essay"`},
		{name: "true_false with other ids",
			edits: []edit{{quizYAML, 25, `      - {id: "no", text: {vi: "Sai", en: "False"}, correct: false}`}},
			file:  quizYAML, line: 23, contains: `ids "true" and "false"`},
		{name: "two correct in true_false",
			edits: []edit{{quizYAML, 25, `      - {id: "false", text: {vi: "Sai", en: "False"}, correct: true}`}},
			file:  quizYAML, line: 20, contains: "exactly one correct option, not 2"},
		{name: "too many questions per attempt",
			edits: []edit{{quizYAML, 3, "questions_per_attempt: 4"}},
			file:  quizYAML, line: 3, contains: "more than the 3 questions"},
		{name: "pass mark above 1",
			edits: []edit{{quizYAML, 1, "pass_mark: 70"}},
			file:  quizYAML, line: 1, contains: "pass_mark must be more than 0 and at most 1"},
		{name: "zero attempts",
			edits: []edit{{quizYAML, 4, "max_attempts: 0"}},
			file:  quizYAML, line: 4, contains: "max_attempts must be at least 1"},
		{name: "time limit not a number",
			edits: []edit{{quizYAML, 2, "time_limit_minutes: ten"}},
			file:  quizYAML, line: 2, contains: "time_limit_minutes must be a whole number"},
		{name: "unknown review",
			edits: []edit{{quizYAML, 5, "review: never"}},
			file:  quizYAML, line: 5, contains: `unknown review "never": use answers_after_pass`},
		{name: "negative wait between attempts",
			edits: []edit{{quizYAML, 5, "retake_after_minutes: -5"}},
			file:  quizYAML, line: 5, contains: "retake_after_minutes must be from 0 to 43200 (30 days), not -5"},
		{name: "wait between attempts not a number",
			edits: []edit{{quizYAML, 5, "retake_after_minutes: 1h"}},
			file:  quizYAML, line: 5, contains: "retake_after_minutes must be a whole number of minutes"},
		{name: "wait between attempts as a fraction",
			edits: []edit{{quizYAML, 5, "retake_after_minutes: 0.5"}},
			file:  quizYAML, line: 5, contains: "retake_after_minutes must be a whole number of minutes"},
		{name: "negative validity",
			edits: []edit{{courseMD, 11, "  validity_months: -1"}},
			file:  courseMD, line: 11, contains: "validity_months must be at least 1"},
		{name: "attendance not a bool",
			edits: []edit{{courseMD, 13, "  requires_attendance: maybe"}},
			file:  courseMD, line: 13, contains: "requires_attendance must be true or false"},
		{name: "invalid YAML in the front matter",
			edits: []edit{{courseMD, 9, "required_for: [ctv"}},
			file:  courseMD, line: 9, contains: "invalid YAML"},
		{name: "invalid YAML in the quiz: an unclosed flow mapping",
			edits: []edit{{quizYAML, 11, `      - {id: a, text: {vi: "A", en: "A"}, correct: true`}},
			file:  quizYAML, line: 11, contains: "invalid YAML"},
		{name: "invalid YAML in the quiz: a list item in a mapping",
			edits: []edit{{quizYAML, 3, "- questions_per_attempt: 2"}},
			file:  quizYAML, line: 3, contains: "invalid YAML"},
		{name: "invalid YAML in the quiz: a tab",
			edits: []edit{{quizYAML, 8, "\tkind: single"}},
			file:  quizYAML, line: 8, contains: "invalid YAML"},
		{name: "invalid UTF-8 in the Vietnamese lesson",
			edits: []edit{{courseMD, 16, "Bài h\xe1c"}},
			file:  courseMD, line: 16, contains: "not valid UTF-8"},
		{name: "invalid UTF-8 in the English lesson",
			edits: []edit{{courseEN, 1, "# Less\xffn"}},
			file:  courseEN, line: 1, contains: "not valid UTF-8"},
		{name: "invalid UTF-8 in the quiz",
			edits: []edit{{quizYAML, 9, "    text: {vi: \"C\xe2u 1\", en: \"Q1\"}"}},
			file:  quizYAML, line: 9, contains: "not valid UTF-8"},
		{name: "front matter not closed",
			edits: []edit{{courseMD, 14, "--"}},
			file:  courseMD, line: 1, contains: "not closed"},
		{name: "missing quiz",
			remove: quizYAML,
			file:   quizYAML, line: 0, contains: "needs a quiz bank"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fsys := goodFS()
			for _, e := range tc.edits {
				apply(t, fsys, e)
			}
			if tc.remove != "" {
				delete(fsys, tc.remove)
			}
			_, probs := courses.Load(fsys)
			for _, p := range probs {
				if p.File == tc.file && (tc.line < 0 || p.Line == tc.line) && strings.Contains(p.Message, tc.contains) {
					return
				}
			}
			t.Errorf("want %s:%d: …%s…; got %d problem(s):\n%s", tc.file, tc.line, tc.contains, len(probs), courses.Problems(probs))
		})
	}
}

func TestEveryProblemIsReported(t *testing.T) {
	t.Parallel()
	fsys := goodFS()
	apply(t, fsys, edit{courseMD, 9, "required_for: [director]"})
	apply(t, fsys, edit{quizYAML, 13, "  - id: q1"})
	apply(t, fsys, edit{quizYAML, 24, `      - {id: "true", text: {vi: "Đúng"}, correct: false}`})
	delete(fsys, courseEN)
	_, probs := courses.Load(fsys)
	got := courses.Problems(probs).Error()
	for _, want := range []string{
		"courses/KC-900/course.md:9: unknown role",
		"courses/KC-900/course.en.md: missing translation",
		"courses/KC-900/quiz.yaml:13: question id",
		"courses/KC-900/quiz.yaml:24: question q3: option true: text: missing translation: en",
		"courses/KC-900/quiz.yaml:20: question q3: a true_false question must have exactly one correct option, not 0",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
}

func TestProblemString(t *testing.T) {
	t.Parallel()
	if s := (courses.Problem{File: "a.yaml", Line: 3, Message: "bad"}).String(); s != "a.yaml:3: bad" {
		t.Errorf("String() = %q", s)
	}
	if s := (courses.Problem{File: "a.yaml", Message: "missing"}).String(); s != "a.yaml: missing" {
		t.Errorf("String() = %q", s)
	}
}

func TestContentCheckReportsCourses(t *testing.T) {
	t.Parallel()
	for _, p := range contentcheck.Check(content.FS) {
		t.Errorf("shipped content: %s", p)
	}
	fsys := goodFS()
	apply(t, fsys, edit{quizYAML, 13, "  - id: q1"})
	want := `content/courses/KC-900/quiz.yaml:13: question id "q1" is used twice (first at line 7)`
	var got []string
	for _, p := range contentcheck.Check(fsys) {
		if p.String() == want {
			return
		}
		got = append(got, p.String())
	}
	t.Errorf("want %q among:\n%s", want, strings.Join(got, "\n"))
}
