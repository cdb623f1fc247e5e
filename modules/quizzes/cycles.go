package quizzes

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
)

// How a certification cycle after the first opened.
const (
	CycleRenewal    = "renewal"    // the renewal window of the certificate opened
	CycleAttendance = "attendance" // attempts used up, then present at a session of the course
	CycleGranted    = "granted"    // a coordinator granted it, with a reason
)

// Renewals tells when the renewal window of a collaborator's certificate
// for a course opens (certification answers; zero: holds none). A time
// still to come opens nothing yet.
type Renewals interface {
	RenewalOpens(ctx context.Context, collaboratorID, course string) (time.Time, error)
}

// Attendance lists the sessions a collaborator was marked at.
type Attendance interface {
	// Attended returns the dates of the sessions of course at which the
	// collaborator was present or late.
	Attended(ctx context.Context, collaboratorID, course string) ([]time.Time, error)
}

// CycleFacts are what decides whether a new cycle opens: the current
// cycle and what happened since it opened.
type CycleFacts struct {
	Opened      time.Time // when the current cycle opened (zero: cycle 1)
	Used, Max   int       // its graded attempts; the course's max_attempts
	Passed      bool      // one of its attempts passed
	LastAttempt time.Time // when its last attempt ended
	Renewal     time.Time // when the certificate's renewal window opened (zero: not open)
	Attended    []time.Time
}

// Exhausted reports whether every attempt of the cycle was used without a pass.
func (f CycleFacts) Exhausted() bool { return !f.Passed && f.Max > 0 && f.Used >= f.Max }

// NextCycle says whether a new cycle opens by itself, and why: the renewal
// window opened after the current cycle did; or, every attempt used
// without a pass, the collaborator was present or late at a session of
// the course after their last attempt. "" when none opens.
func NextCycle(f CycleFacts) string {
	if !f.Renewal.IsZero() && f.Renewal.After(f.Opened) {
		return CycleRenewal
	}
	if f.Exhausted() {
		for _, d := range f.Attended {
			if d.After(f.LastAttempt) {
				return CycleAttendance
			}
		}
	}
	return ""
}

// MaxReasonLen bounds the reason given for a granted cycle.
const MaxReasonLen = 500

// cycleFacts gathers the facts of a collaborator's current cycle at c,
// and returns the summaries of their graded attempts at c it read (none
// when the cycle has no graded attempt).
func (s *Service) cycleFacts(ctx context.Context, collaboratorID string, c courses.Course, cur Cycle) (CycleFacts, []Attempt, error) {
	f := CycleFacts{Opened: cur.Opened, Used: len(cur.Graded), Max: c.Quiz.MaxAttempts}
	var prog []Attempt
	var err error
	// A grading writes the number in the progress before the summary, so
	// a cycle with no number graded has no summary to read: its first
	// start reads none.
	if len(cur.Graded) > 0 {
		if prog, err = s.d.Store.Progress(ctx, collaboratorID, c.Code); err != nil {
			return f, nil, err
		}
	}
	for _, a := range prog {
		if a.Cycle == cur.N {
			f.Passed = f.Passed || a.Passed
			if t := a.EndedAt(); t.After(f.LastAttempt) {
				f.LastAttempt = t
			}
		}
	}
	if s.d.Renewals != nil && mayHoldCertificate(cur, prog) {
		if f.Renewal, err = s.d.Renewals.RenewalOpens(ctx, collaboratorID, c.Code); err != nil {
			return f, nil, err
		}
		// Certification answers when the window opens, also when that is
		// still to come: a window not open yet opens no cycle.
		if f.Renewal.After(s.d.Clock.Now()) {
			f.Renewal = time.Time{}
		}
	}
	if f.Exhausted() && s.d.Attendance != nil {
		if f.Attended, err = s.d.Attendance.Attended(ctx, collaboratorID, c.Code); err != nil {
			return f, nil, err
		}
	}
	return f, prog, nil
}

// mayHoldCertificate reports whether a collaborator whose current cycle at
// a course is cur, and whose summaries there are prog, may hold a
// certificate of it. Certification issues one only on a pass in the
// attempts book, and a grading writes the attempt's number in the progress
// before the book (Store.AddProgress): so in cycle 1 a collaborator holds
// none while no number is graded, or while the summaries account for every
// graded number and none passed. Their renewal window cannot have opened,
// and Start asks certification nothing.
func mayHoldCertificate(cur Cycle, prog []Attempt) bool {
	if cur.N != 1 {
		return true
	}
	summarized := 0
	for _, a := range prog {
		if a.Passed {
			return true
		}
		if a.Cycle == 1 && slices.Contains(cur.Graded, a.N) {
			summarized++
		}
	}
	return summarized < len(cur.Graded)
}

// CycleOf is the number of the cycle a collaborator's next attempt at c
// belongs to: the current one, or the next when NextCycle opens it. It
// writes nothing.
func (s *Service) CycleOf(ctx context.Context, collaboratorID string, c courses.Course) (int, error) {
	cur, err := s.d.Store.Graded(ctx, collaboratorID, c.Code)
	if err != nil {
		return 0, err
	}
	f, _, err := s.cycleFacts(ctx, collaboratorID, c, cur)
	if err != nil || NextCycle(f) == "" {
		return cur.N, err
	}
	return cur.N + 1, nil
}

// InCycle keeps the attempts of cycle n.
func InCycle(as []Attempt, n int) []Attempt {
	var out []Attempt
	for _, a := range as {
		if max(a.Cycle, 1) == n {
			out = append(out, a)
		}
	}
	return out
}

// cycle returns the collaborator's current cycle at c, opening the next
// one first when NextCycle says so, and the summaries of their graded
// attempts at c (all cycles), read on the way.
func (s *Service) cycle(ctx context.Context, collaboratorID string, c courses.Course) (Cycle, []Attempt, error) {
	cur, err := s.d.Store.Graded(ctx, collaboratorID, c.Code)
	if err != nil {
		return Cycle{}, nil, err
	}
	f, prog, err := s.cycleFacts(ctx, collaboratorID, c, cur)
	if err != nil {
		return Cycle{}, nil, err
	}
	why := NextCycle(f)
	if why == "" {
		return cur, prog, nil
	}
	next := Cycle{N: cur.N + 1, Opened: s.d.Clock.Now(), Why: why}
	if _, err := s.d.Store.OpenCycle(ctx, collaboratorID, c.Code, next, "", ""); err != nil {
		return Cycle{}, nil, err
	}
	cur, err = s.d.Store.Graded(ctx, collaboratorID, c.Code)
	return cur, prog, err
}

// GrantCycle opens a new cycle at course for a collaborator who used
// every attempt of the current one without passing, for reason, by the
// principal p. Errors: errs.NotFound (no such course), errs.Invalid (no
// reason, or too long), errs.Conflict (the cycle is not exhausted or was
// passed).
func (s *Service) GrantCycle(ctx context.Context, p authz.Principal, collaboratorID, course, reason string) (Cycle, error) {
	c, ok := s.d.Catalog.Course(course)
	if !ok {
		return Cycle{}, errs.E(errs.NotFound, "no such course")
	}
	if err := checkReason(reason); err != nil {
		return Cycle{}, err
	}
	if s.d.Registry != nil {
		if _, _, err := s.d.Registry.Placement(ctx, collaboratorID); err != nil {
			return Cycle{}, err
		}
	}
	cur, _, err := s.cycle(ctx, collaboratorID, c)
	if err != nil {
		return Cycle{}, err
	}
	f, _, err := s.cycleFacts(ctx, collaboratorID, c, cur)
	if err != nil {
		return Cycle{}, err
	}
	if !f.Exhausted() {
		return Cycle{}, errs.E(errs.Conflict, "cycle %d of %s is not used up without a pass", cur.N, course)
	}
	next := Cycle{N: cur.N + 1, Opened: s.d.Clock.Now(), Why: CycleGranted}
	opened, err := s.d.Store.OpenCycle(ctx, collaboratorID, course, next, reason, p.UserID)
	if err != nil {
		return Cycle{}, err
	}
	if !opened {
		return Cycle{}, errs.E(errs.Conflict, "cycle %d of %s was opened meanwhile", next.N, course)
	}
	if s.d.Audit != nil {
		if err := s.d.Audit.Record(ctx, "quiz.cycle.grant", "collaborator", collaboratorID,
			map[string]any{"course": course, "cycle": next.N, "reason": reason}); err != nil {
			return next, err
		}
	}
	return next, nil
}

// checkReason accepts human text: not blank, no control characters but
// line breaks, at most MaxReasonLen characters.
func checkReason(reason string) error {
	switch {
	case strings.TrimSpace(reason) == "":
		return errs.Field("reason", "required")
	case utf8.RuneCountInString(reason) > MaxReasonLen:
		return errs.Field("reason", "at most %d characters", MaxReasonLen)
	case !utf8.ValidString(reason) || strings.IndexFunc(reason, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }) >= 0:
		return errs.Field("reason", "must be plain text")
	}
	return nil
}
