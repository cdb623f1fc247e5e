package quizzes

import (
	"context"
	"time"

	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/platform/authz"
)

// Where a collaborator stands in a course's quiz.
const (
	ProgressNotStarted = "not_started" // no attempt yet
	ProgressInProgress = "in_progress" // an attempt is open and takes answers
	ProgressFailed     = "failed"      // graded attempts, none passed
	ProgressPassed     = "passed"      // an attempt passed
)

// CourseProgress is where a collaborator stands in one course's quiz in
// the current certification cycle.
type CourseProgress struct {
	CourseCode string
	State      string // one of the Progress* constants
	Used       int    // attempts made in the cycle (open ones included)
	Max        int    // the course's max_attempts, per cycle
	BestScore  float64
	PassedAt   time.Time // the first passing attempt's submission
	Resume     string    // the open attempt that still takes answers
	// RetakeAt is when the next attempt may start, while the course's wait
	// after the last one is not over (zero otherwise).
	RetakeAt time.Time
}

// Takeable reports whether the collaborator can take the quiz now: not
// passed, and an open attempt to resume or an attempt left to start with
// no wait before it.
func (p CourseProgress) Takeable() bool {
	if p.State == ProgressPassed {
		return false
	}
	return p.Resume != "" || (p.Used < p.Max && p.RetakeAt.IsZero())
}

// ProgressOf tells where the given attempts (one collaborator's, at course
// c, of one cycle) stand at now.
func ProgressOf(c courses.Course, attempts []Attempt, now time.Time) CourseProgress {
	p := CourseProgress{CourseCode: c.Code, State: ProgressNotStarted, Used: len(attempts), Max: c.Quiz.MaxAttempts}
	graded := false
	for _, a := range attempts {
		switch {
		case a.Status == StatusOpen && a.AcceptsAnswers(now):
			p.Resume = a.ID
		case a.Status == StatusGraded:
			graded = true
			p.BestScore = max(p.BestScore, a.Score)
			if a.Passed && (p.PassedAt.IsZero() || a.SubmittedAt.Before(p.PassedAt)) {
				p.PassedAt = a.SubmittedAt
			}
		}
	}
	switch {
	case !p.PassedAt.IsZero():
		p.State = ProgressPassed
	case p.Resume != "":
		p.State = ProgressInProgress
	case graded:
		p.State = ProgressFailed
	}
	if p.State != ProgressPassed && p.Resume == "" && p.Used < p.Max {
		if at := RetakeOpensAt(attempts, c.Quiz.RetakeAfterMinutes, now); now.Before(at) {
			p.RetakeAt = at
		}
	}
	return p
}

// RequiredProgress returns, for each course of the catalog required for
// role (in catalog order), where the collaborator stands in its quiz.
func (s *Service) RequiredProgress(ctx context.Context, collaboratorID, role string) ([]CourseProgress, error) {
	mine, err := s.List(ctx, authz.Scope{Kind: authz.ScopeOwn, CollaboratorID: collaboratorID}, Filter{})
	if err != nil {
		return nil, err
	}
	byCourse := map[string][]Attempt{}
	for _, a := range mine {
		byCourse[a.CourseCode] = append(byCourse[a.CourseCode], a)
	}
	now := s.d.Clock.Now()
	var out []CourseProgress
	for _, c := range s.d.Catalog.Courses() {
		if c.IsRequiredFor(role) {
			cycle, err := s.CycleOf(ctx, collaboratorID, c)
			if err != nil {
				return nil, err
			}
			out = append(out, ProgressOf(c, InCycle(byCourse[c.Code], cycle), now))
		}
	}
	return out, nil
}
