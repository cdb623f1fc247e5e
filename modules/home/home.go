// Package home is a collaborator's first screen after signing in: the
// sessions they are invited to (with the answer buttons), the courses
// required for them and where they stand, the quiz to take next and a link
// to their results. It owns no data: it declares what it needs from
// scheduling and the quiz engine (Invitations, Courses) and app hands in
// adapters.
package home

import (
	"context"
	"time"
)

// Invitation is a session a collaborator is invited to, as the home page
// shows it.
type Invitation struct {
	SessionID string
	Title     string
	StartsAt  time.Time
	EndsAt    time.Time
	Location  string
	// Response is the invitee's answer: pending, accepted, declined or
	// waitlisted.
	Response string
	// AnswerPath is where the answer form posts (the RSVP path the
	// invitation mail links to); empty when the session takes no answer.
	AnswerPath string
}

// Invitations gives a collaborator's upcoming invitations.
type Invitations interface {
	// Upcoming returns the sessions not yet ended the collaborator is
	// invited to, soonest first, at most limit.
	Upcoming(ctx context.Context, collaboratorID string, limit int) ([]Invitation, error)
}

// Course states, as the quiz engine reports them.
const (
	NotStarted = "not_started"
	InProgress = "in_progress"
	Failed     = "failed"
	Passed     = "passed"
)

// CourseStatus is where a collaborator stands in a course required for
// them.
type CourseStatus struct {
	Code     string
	Title    string
	State    string // NotStarted, InProgress, Failed or Passed
	Used     int    // attempts made
	Max      int    // attempts allowed per certification cycle
	PassedOn time.Time
	// CertifiedUntil is the last valid day of the course's certificate
	// (zero when there is none that is valid or expiring); Expiring: it is
	// inside its renewal window, so the quiz is to be taken again.
	CertifiedUntil time.Time
	Expiring       bool
	// NeedsAttendance: the quiz is passed, but the course also requires
	// attendance at one of its sessions and no certificate is issued yet.
	NeedsAttendance bool
	// RetakeAt is when the next attempt may start, while a wait after the
	// last one runs (zero otherwise).
	RetakeAt time.Time
	// Resume: an attempt is open and takes answers.
	Resume bool
	// Takeable: the quiz can be taken now (resumed, or started with an
	// attempt left and no wait).
	Takeable bool
}

// Courses gives the statuses of the courses required for a collaborator.
type Courses interface {
	// Required returns, for each course required for role, in catalog
	// order, where the collaborator stands; titles in lang.
	Required(ctx context.Context, collaboratorID, role, lang string) ([]CourseStatus, error)
}

// Deps are what the home page reads from other modules.
type Deps struct {
	Invitations Invitations
	Courses     Courses
}

// Service composes a collaborator's home.
type Service struct{ d Deps }

// NewService returns the home service.
func NewService(d Deps) *Service { return &Service{d: d} }

// MaxInvitations is how many upcoming invitations the home page shows.
const MaxInvitations = 5

// Home is what a collaborator's first screen shows.
type Home struct {
	Invitations []Invitation
	Courses     []CourseStatus
	// Next is the quiz to take next (NextQuiz); nil when there is none.
	Next *CourseStatus
}

// For composes the home of a collaborator of role, in lang.
func (s *Service) For(ctx context.Context, collaboratorID, role, lang string) (Home, error) {
	var h Home
	var err error
	if h.Invitations, err = s.d.Invitations.Upcoming(ctx, collaboratorID, MaxInvitations); err != nil {
		return h, err
	}
	if h.Courses, err = s.d.Courses.Required(ctx, collaboratorID, role, lang); err != nil {
		return h, err
	}
	if next, ok := NextQuiz(h.Courses); ok {
		h.Next = &next
	}
	return h, nil
}

// NextQuiz is the quiz to take next: the first required course not passed
// that can be taken now (an open attempt to resume, or an attempt left and
// no wait for a retake).
func NextQuiz(cs []CourseStatus) (CourseStatus, bool) {
	for _, c := range cs {
		if c.State != Passed && c.Takeable {
			return c, true
		}
	}
	return CourseStatus{}, false
}
