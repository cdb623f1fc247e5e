// Package courses is the course catalog: the courses, lessons and quiz banks
// written under content/courses/, loaded and validated at start-up, and the
// API and pages that show them. Quiz answer keys stay inside this package's
// domain types; nothing here ever sends a question or an answer to a client.
package courses

import (
	"sort"
	"strings"
)

// Roles a course may be required for: the collaborators' own roles.
const (
	RoleCTV        = "ctv"
	RoleTeamLeader = "team_leader"
)

// Question kinds.
const (
	KindSingle    = "single"     // exactly one option is correct
	KindMultiple  = "multiple"   // two or more options are correct; all must be chosen
	KindTrueFalse = "true_false" // options "true" and "false", one of them correct
)

// Review settings: what a taker sees after submitting.
const (
	// ReviewAnswersAfterPass, the default and what a certification needs:
	// the score and which questions were right or wrong; the right
	// options only once the taker has passed the course (this attempt or
	// an earlier one). A failed attempt never shows them: later attempts
	// and later certification cycles draw from the same bank.
	ReviewAnswersAfterPass = "answers_after_pass"
	ReviewAnswers          = "answers"    // the score and the right options, pass or fail
	ReviewScoreOnly        = "score_only" // the score alone
)

// Text is a piece of content in both languages.
type Text struct {
	VI string `json:"vi"`
	EN string `json:"en"`
}

// In returns the text in lang ("vi" or "en"), falling back to Vietnamese.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.VI
}

// Certification says how a course's certificate is earned and how long it lasts.
type Certification struct {
	ValidityMonths     int
	RenewalWindowDays  int
	RequiresAttendance bool
}

// Course is one course of the catalog: what it is, who must hold it, its
// lesson (Markdown source) and its quiz.
type Course struct {
	Code          string
	Title         Text
	Summary       Text
	RequiredFor   []string
	Certification Certification
	Lesson        Text
	Quiz          Quiz
}

// IsRequiredFor reports whether role must hold this course's certificate.
func (c Course) IsRequiredFor(role string) bool {
	for _, r := range c.RequiredFor {
		if r == role {
			return true
		}
	}
	return false
}

// Quiz is a course's question bank and the rules of an attempt.
type Quiz struct {
	PassMark            float64 // share of questions to get right, in (0, 1]
	TimeLimitMinutes    int
	QuestionsPerAttempt int
	MaxAttempts         int
	Review              string // ReviewAnswersAfterPass, ReviewAnswers or ReviewScoreOnly
	// RetakeAfterMinutes is the least time between the submission (or
	// the end of time) of an attempt and the start of the next; 0: none.
	RetakeAfterMinutes int
	Questions          []Question
	// Version identifies the quiz.yaml the bank was read from (a short hex
	// sha256 of its bytes), so an attempt records which bank it was drawn from.
	Version string
}

// Question returns the question with the given id.
func (q Quiz) Question(id string) (Question, bool) {
	for _, x := range q.Questions {
		if x.ID == id {
			return x, true
		}
	}
	return Question{}, false
}

// Question is one question of a quiz bank.
type Question struct {
	ID      string
	Kind    string // KindSingle, KindMultiple or KindTrueFalse
	Text    Text
	Options []Option
}

// CorrectIDs returns the ids of the correct options, in bank order.
func (q Question) CorrectIDs() []string {
	var out []string
	for _, o := range q.Options {
		if o.Correct {
			out = append(out, o.ID)
		}
	}
	return out
}

// Option is one answer a question offers.
type Option struct {
	ID      string
	Text    Text
	Correct bool
}

// Catalog is the set of courses, read once from content/ and never changed.
// The courses it returns share their slices with it: callers must not modify them.
type Catalog struct {
	courses []Course // sorted by code
	byCode  map[string]int
}

// NewCatalog builds a catalog of the given courses, sorted by code.
func NewCatalog(courses []Course) *Catalog {
	cs := append([]Course(nil), courses...)
	sort.Slice(cs, func(i, j int) bool { return cs[i].Code < cs[j].Code })
	byCode := make(map[string]int, len(cs))
	for i, c := range cs {
		byCode[c.Code] = i
	}
	return &Catalog{courses: cs, byCode: byCode}
}

// Courses returns every course, sorted by code.
func (c *Catalog) Courses() []Course {
	return append([]Course(nil), c.courses...)
}

// Course returns the course with the given code (case-insensitive).
func (c *Catalog) Course(code string) (Course, bool) {
	i, ok := c.byCode[strings.ToUpper(strings.TrimSpace(code))]
	if !ok {
		return Course{}, false
	}
	return c.courses[i], true
}

// RequiredFor returns the courses the role must hold, sorted by code.
func (c *Catalog) RequiredFor(role string) []Course {
	var out []Course
	for _, x := range c.courses {
		if x.IsRequiredFor(role) {
			out = append(out, x)
		}
	}
	return out
}
