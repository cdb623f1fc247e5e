package scheduling

import (
	"context"
	"net/url"

	"github.com/ctvacademy/academy/modules/platform/errs"
)

// AreaExists tells whether code names a district unit.
func (s *Service) AreaExists(ctx context.Context, code string) (bool, error) {
	return s.d.Directory.AreaExists(ctx, code)
}

// Person returns an active collaborator; ok is false for none.
func (s *Service) Person(ctx context.Context, id string) (p Person, ok bool, err error) {
	people, err := s.d.Directory.People(ctx, []string{id})
	if err != nil {
		return Person{}, false, err
	}
	p, ok = people[id]
	return p, ok, nil
}

// Validate names the problems of a session's input against the course
// catalog and the district units (the times' window apart: OutOfWindow).
func (s *Service) Validate(ctx context.Context, in Input) []errs.FieldError {
	return in.Validate(s.d.Courses.Exists, s.areaExists(ctx))
}

// OutOfWindow tells whether a session may not start at t (too far in the
// past or the future of now).
func (s *Service) OutOfWindow(in Input) bool {
	return outOfWindow(in.StartsAt, s.d.Clock.Now())
}

// CheckinLink is the address of a session's check-in page.
func (s *Service) CheckinLink(sessionID string) string {
	return s.d.BaseURL + "/checkin/" + url.PathEscape(sessionID)
}
