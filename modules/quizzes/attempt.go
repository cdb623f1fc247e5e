// Package quizzes runs the quiz engine: attempts drawn at random from a
// course's question bank, autosaved answers, grading once on the server's
// clock, results and item analysis. It knows courses through the catalog
// and announces a passed quiz through an interface handed in from cmd.
package quizzes

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
)

// Grace is how long after the deadline answers are still taken, for the
// slow phone whose last save was on its way.
const Grace = 30 * time.Second

// Attempt statuses.
const (
	StatusOpen   = "open"
	StatusGraded = "graded"
)

// MaxAnswerBytes bounds an answers map in a request body.
const maxAnswerLists = 200

// Question is a question as drawn into an attempt: a snapshot, with its
// options in the order shown to the taker. Editing the bank later changes
// nothing here.
type Question struct {
	ID      string
	Kind    string
	Text    courses.Text
	Options []Option
}

// Option is an answer option of a drawn question.
type Option struct {
	ID      string
	Text    courses.Text
	Correct bool
}

// Attempt is one try at a course's quiz.
type Attempt struct {
	ID             string // AttemptKey.ID
	CollaboratorID string
	AreaCode       string
	CourseCode     string
	Cycle          int // the certification cycle, from 1 (0 reads as 1)
	N              int // the attempt's number in its cycle, 1..max_attempts
	QuizVersion    string
	PassMark       float64
	Review         string
	StartedAt      time.Time
	Deadline       time.Time
	Questions      []Question
	Answers        map[string][]string
	SavedAt        time.Time
	Status         string
	SubmittedAt    time.Time
	Correct        int
	Score          float64
	Passed         bool
	// Late is true when the answers sent with the submission came after
	// the deadline and the grace, so the last saved ones were graded.
	Late bool
	// Outcomes, in a graded attempt read as a summary (no questions), say
	// which questions were asked and answered correctly.
	Outcomes []Outcome
	// CoursePassed tells that the taker has passed the course, in this
	// attempt or another of the cycle. Not stored: the service sets it
	// when it reads a graded attempt for review (see ShowsKey).
	CoursePassed bool
}

// ShowsKey reports whether the review of a graded attempt shows the right
// options: always under review "answers", never under "score_only", and
// under "answers_after_pass" (the default) only once the taker has passed
// the course. A failed attempt of a certification never shows them: the
// next attempts, and the next cycles, draw from the same bank.
func (a Attempt) ShowsKey() bool {
	switch a.Review {
	case courses.ReviewAnswers:
		return true
	case courses.ReviewScoreOnly:
		return false
	}
	return a.Passed || a.CoursePassed
}

// ShowsOutcomes reports whether the review of a graded attempt says which
// questions were answered right: every review setting but "score_only"
// (a wrong true/false answer names the right one).
func (a Attempt) ShowsOutcomes() bool {
	return a.Review != courses.ReviewScoreOnly
}

// EndedAt is when an attempt stopped counting: its submission, or the
// deadline of one whose time ran out before it was graded.
func (a Attempt) EndedAt() time.Time {
	if a.Status == StatusGraded {
		return a.SubmittedAt
	}
	return a.Deadline
}

// RetakeOpensAt is when a new attempt may start after the given ones of a
// course whose quiz asks to wait minutes between attempts: that long after
// the last one ended. Open attempts still taking answers at now do not
// count (they are resumed, not retaken). Zero when there is no wait.
func RetakeOpensAt(attempts []Attempt, minutes int, now time.Time) time.Time {
	var at time.Time
	if minutes <= 0 {
		return at
	}
	for _, a := range attempts {
		if a.Status == StatusOpen && a.AcceptsAnswers(now) {
			continue
		}
		if t := a.EndedAt().Add(time.Duration(minutes) * time.Minute); t.After(at) {
			at = t
		}
	}
	return at
}

// RetakeWait is why a start was refused: the course's wait after the last
// attempt is not over. It is the cause of an errs.Unprocessable error.
type RetakeWait struct {
	At      time.Time // when the next attempt may start
	Minutes int       // the course's retake_after_minutes
}

func (w *RetakeWait) Error() string {
	return fmt.Sprintf("the next attempt may start at %s, %d minutes after the last one ended",
		w.At.In(clock.VN).Format(time.RFC3339), w.Minutes)
}

// retakeWaitError is the 422 a start before at answers, with Retry-After.
func retakeWaitError(at time.Time, minutes int, now time.Time) error {
	w := &RetakeWait{At: at, Minutes: minutes}
	return &errs.Error{Kind: errs.Unprocessable, Message: w.Error(), RetryAfter: at.Sub(now), Err: w}
}

// Outcome is how one question of a graded attempt went.
type Outcome struct {
	QuestionID string
	Correct    bool
}

// OutcomesOf lists, for a graded attempt with its questions, each question
// asked and whether it was answered correctly; a summary's own Outcomes
// otherwise.
func (a Attempt) OutcomesOf() []Outcome {
	if len(a.Questions) == 0 {
		return a.Outcomes
	}
	out := make([]Outcome, len(a.Questions))
	for i, q := range a.Questions {
		out[i] = Outcome{QuestionID: q.ID, Correct: q.IsCorrect(a.Answers[q.ID])}
	}
	return out
}

// AttemptKey names an attempt: a collaborator's n-th attempt at a course
// in a certification cycle.
type AttemptKey struct {
	Collaborator, Course string
	Cycle, N             int
}

// ID is the attempt's id: <collaborator>:<course>:<n> in cycle 1 (the form
// every attempt had before cycles, so old links and records keep
// resolving), <collaborator>:<course>:c<cycle>:<n> after.
func (k AttemptKey) ID() string {
	if k.Cycle <= 1 {
		return k.Collaborator + ":" + k.Course + ":" + strconv.Itoa(k.N)
	}
	return k.Collaborator + ":" + k.Course + ":c" + strconv.Itoa(k.Cycle) + ":" + strconv.Itoa(k.N)
}

// AttemptID is the id of a collaborator's n-th attempt at a course in the
// first cycle.
func AttemptID(collaboratorID, course string, n int) string {
	return AttemptKey{Collaborator: collaboratorID, Course: course, Cycle: 1, N: n}.ID()
}

// ParseAttemptKey reads an attempt id of either form. Errors: errs.NotFound
// for a malformed id.
func ParseAttemptKey(id string) (AttemptKey, error) {
	bad := errs.E(errs.NotFound, "no such attempt")
	parts := strings.Split(id, ":")
	k := AttemptKey{Cycle: 1}
	switch {
	case len(parts) == 4 && strings.HasPrefix(parts[2], "c"):
		c, err := strconv.Atoi(parts[2][1:])
		if err != nil || c < 2 || parts[2][1] == '0' {
			return AttemptKey{}, bad
		}
		k.Cycle = c
		parts = append(parts[:2], parts[3])
	case len(parts) != 3:
		return AttemptKey{}, bad
	}
	n, err := strconv.Atoi(parts[2])
	if err != nil || n < 1 || parts[0] == "" || parts[1] == "" {
		return AttemptKey{}, bad
	}
	k.Collaborator, k.Course, k.N = parts[0], parts[1], n
	return k, nil
}

// ParseAttemptID splits an attempt id (of any cycle). Errors: errs.NotFound
// for a malformed id.
func ParseAttemptID(id string) (collaboratorID, course string, n int, err error) {
	k, err := ParseAttemptKey(id)
	return k.Collaborator, k.Course, k.N, err
}

// NewAttempt draws questions_per_attempt questions of the course's bank at
// random, shuffles each question's options and starts the clock.
func NewAttempt(collaboratorID, areaCode string, c courses.Course, n int, now time.Time, rnd *rand.Rand) Attempt {
	return NewCycleAttempt(AttemptKey{Collaborator: collaboratorID, Course: c.Code, Cycle: 1, N: n}, areaCode, c, now, rnd)
}

// NewCycleAttempt is NewAttempt for the attempt k (of any cycle).
func NewCycleAttempt(k AttemptKey, areaCode string, c courses.Course, now time.Time, rnd *rand.Rand) Attempt {
	q := c.Quiz
	picked := rnd.Perm(len(q.Questions))[:q.QuestionsPerAttempt]
	qs := make([]Question, len(picked))
	for i, idx := range picked {
		bq := q.Questions[idx]
		opts := make([]Option, len(bq.Options))
		for j, o := range bq.Options {
			opts[j] = Option{ID: o.ID, Text: o.Text, Correct: o.Correct}
		}
		if bq.Kind != courses.KindTrueFalse {
			rnd.Shuffle(len(opts), func(a, b int) { opts[a], opts[b] = opts[b], opts[a] })
		}
		qs[i] = Question{ID: bq.ID, Kind: bq.Kind, Text: bq.Text, Options: opts}
	}
	return Attempt{
		ID: k.ID(), CollaboratorID: k.Collaborator, AreaCode: areaCode, CourseCode: c.Code,
		Cycle: max(k.Cycle, 1), N: k.N, QuizVersion: q.Version, PassMark: q.PassMark, Review: q.Review,
		StartedAt: now, Deadline: now.Add(time.Duration(q.TimeLimitMinutes) * time.Minute),
		Questions: qs, Answers: map[string][]string{}, Status: StatusOpen,
	}
}

// AcceptsAnswers reports whether answers sent at now still count.
func (a Attempt) AcceptsAnswers(now time.Time) bool {
	return a.Status == StatusOpen && !now.After(a.Deadline.Add(Grace))
}

// Remaining is the time left before the deadline (zero when past).
func (a Attempt) Remaining(now time.Time) time.Duration {
	if d := a.Deadline.Sub(now); d > 0 {
		return d
	}
	return 0
}

// CheckAnswers validates answers against the drawn questions and returns
// them normalized (sorted, without duplicates). Every problem names its
// field: answers.<question id>.
func (a Attempt) CheckAnswers(answers map[string][]string) (map[string][]string, error) {
	if len(answers) > maxAnswerLists || len(answers) > len(a.Questions) {
		return nil, errs.Field("answers", "has more entries than the attempt has questions")
	}
	byID := map[string]Question{}
	for _, q := range a.Questions {
		byID[q.ID] = q
	}
	out := make(map[string][]string, len(answers))
	var fe []errs.FieldError
	keys := make([]string, 0, len(answers))
	for k := range answers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, qid := range keys {
		field := "answers." + qid
		q, ok := byID[qid]
		if !ok {
			fe = append(fe, errs.FieldError{Field: field, Message: "is not a question of this attempt"})
			continue
		}
		seen := map[string]bool{}
		var picked []string
		for _, oid := range answers[qid] {
			if !hasOption(q, oid) {
				fe = append(fe, errs.FieldError{Field: field, Message: fmt.Sprintf("%q is not an option of this question", oid)})
				continue
			}
			if !seen[oid] {
				seen[oid] = true
				picked = append(picked, oid)
			}
		}
		if q.Kind != courses.KindMultiple && len(picked) > 1 {
			fe = append(fe, errs.FieldError{Field: field, Message: "takes one option"})
		}
		sort.Strings(picked)
		if len(picked) > 0 {
			out[qid] = picked
		}
	}
	if len(fe) > 0 {
		return nil, errs.Fields(errs.Invalid, "the answers do not fit the attempt", fe)
	}
	return out, nil
}

func hasOption(q Question, id string) bool {
	for _, o := range q.Options {
		if o.ID == id {
			return true
		}
	}
	return false
}

// IsCorrect reports whether picked is exactly the set of correct options.
func (q Question) IsCorrect(picked []string) bool {
	want := q.CorrectIDs()
	if len(want) != len(picked) {
		return false
	}
	set := map[string]bool{}
	for _, p := range picked {
		set[p] = true
	}
	for _, w := range want {
		if !set[w] {
			return false
		}
	}
	return true
}

// CorrectIDs returns the ids of the correct options, sorted.
func (q Question) CorrectIDs() []string {
	var out []string
	for _, o := range q.Options {
		if o.Correct {
			out = append(out, o.ID)
		}
	}
	sort.Strings(out)
	return out
}

// Grade scores the attempt's answers: one point per question answered
// exactly, score = points / questions, passed when score ≥ pass mark.
func (a Attempt) Grade(now time.Time) Attempt {
	correct := 0
	for _, q := range a.Questions {
		if q.IsCorrect(a.Answers[q.ID]) {
			correct++
		}
	}
	a.Status = StatusGraded
	a.SubmittedAt = now
	a.Correct = correct
	if len(a.Questions) > 0 {
		a.Score = float64(correct) / float64(len(a.Questions))
	}
	// A tolerance so that 7/10 passes a 0.7 mark despite binary fractions.
	a.Passed = a.Score+1e-9 >= a.PassMark
	a.Score = math.Round(a.Score*10000) / 10000
	return a
}
