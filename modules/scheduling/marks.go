package scheduling

import (
	"context"
	"fmt"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/store"
)

// MarkInput is one line of an attendance sheet.
type MarkInput struct {
	CollaboratorID string `json:"collaborator_id" api:"required"`
	Status         string `json:"status" api:"required,enum=attendance_status"`
}

// MaxMarks bounds one attendance request.
const MaxMarks = MaxInvitations

// SetAttendance records attendance for invitees and walk-ins inside
// scope: staff mark anyone known, a team leader only the people of their
// district, on their district's sessions and on network-wide ones alike.
// Errors: errs.NotFound for a session outside scope, and naming each line
// whose person is unknown or outside scope (the two are indistinguishable);
// errs.Invalid naming each bad line when a status is wrong;
// errs.Unprocessable (cancelled, or not started yet). Nothing is recorded
// unless every line is right.
func (s *Service) SetAttendance(ctx context.Context, scope authz.Scope, actor authz.Principal, id string, marks []MarkInput) (Session, error) {
	if scope.Kind != authz.ScopeAll {
		// A session outside scope answers 404 before its lines are looked at.
		if _, err := s.Get(ctx, scope, id); err != nil {
			return Session{}, err
		}
	}
	if len(marks) == 0 || len(marks) > MaxMarks {
		return Session{}, errs.Field("body", "send 1 to %d attendance lines", MaxMarks)
	}
	ids := make([]string, len(marks))
	for i, m := range marks {
		ids[i] = m.CollaboratorID
	}
	known, err := s.d.Directory.People(ctx, ids)
	if err != nil {
		return Session{}, err
	}
	var fe []errs.FieldError
	badStatus := false
	for i, m := range marks {
		if p, ok := known[m.CollaboratorID]; !ok || !scope.Allows(p.AreaCode, p.ID) {
			fe = append(fe, errs.FieldError{Field: fmt.Sprintf("[%d].collaborator_id", i), Message: "no such collaborator"})
		}
		if !ValidAttendance(m.Status) {
			badStatus = true
			fe = append(fe, errs.FieldError{Field: fmt.Sprintf("[%d].status", i), Message: "must be present, late, excused or absent"})
		}
	}
	switch {
	case badStatus:
		return Session{}, errs.Fields(errs.Invalid, "the attendance sheet has problems; nothing was recorded", fe)
	case len(fe) > 0:
		return Session{}, errs.Fields(errs.NotFound, "no such collaborator; nothing was recorded", fe)
	}
	now := s.d.Clock.Now()
	x, err := s.d.Store.Update(ctx, id, func(x *Session) error {
		if !sees(scope, *x) {
			return errs.E(errs.NotFound, "no such session")
		}
		if x.Status == StatusCancelled {
			return errs.E(errs.Unprocessable, "the session is cancelled")
		}
		if now.Before(x.StartsAt.Add(-CheckinOpens)) {
			return errs.E(errs.Unprocessable, "the session has not started yet")
		}
		for _, m := range marks {
			_, invited := x.Invitation(m.CollaboratorID)
			x.SetMark(Mark{CollaboratorID: m.CollaboratorID, Status: m.Status, MarkedAt: now, MarkedBy: actor.UserID, WalkIn: !invited})
		}
		return nil
	})
	if err != nil {
		return Session{}, err
	}
	s.marked(ctx, ids)
	return x, s.d.Audit.Record(ctx, "session.attendance", "session", id, map[string]any{"lines": len(marks)})
}

// CheckIn marks the signed-in collaborator present with the session's
// current code. Errors: errs.NotFound, errs.Forbidden (not invited and
// not of the district), errs.Unprocessable (wrong or stale code, window).
func (s *Service) CheckIn(ctx context.Context, p authz.Principal, id, code string) (Mark, error) {
	if p.CollaboratorID == "" {
		return Mark{}, errs.E(errs.Forbidden, "only collaborators check in")
	}
	if len(code) != 6 {
		return Mark{}, errs.Field("code", "is the 6-digit code on the coordinator's screen")
	}
	var m Mark
	var changed bool
	_, err := s.d.Store.Update(ctx, id, func(x *Session) error {
		before, had := x.MarkOf(p.CollaboratorID)
		var err error
		if m, err = x.CheckIn(p.CollaboratorID, p.AreaCode, code, s.d.Clock.Now()); err != nil {
			return err
		}
		// Checked in already: the first mark stands, nothing to write.
		if changed = !had || m != before; !changed {
			return store.ErrUnchanged
		}
		return nil
	})
	if err == nil && changed {
		s.marked(ctx, []string{p.CollaboratorID})
	}
	return m, err
}

// marked tells Deps.Marked whose attendance was recorded; a failure is
// logged (the nightly reconcile of certification repairs what it missed).
func (s *Service) marked(ctx context.Context, ids []string) {
	if s.d.Marked == nil {
		return
	}
	if err := s.d.Marked(ctx, ids); err != nil {
		s.d.Logger.ErrorContext(ctx, "attendance: the listener failed", "people", len(ids), "error", err)
	}
}

// CurrentCode is the check-in code to show now and until when it is taken.
func (s *Service) CurrentCode(ctx context.Context, scope authz.Scope, id string) (string, time.Time, Session, error) {
	x, err := s.Get(ctx, scope, id)
	if err != nil {
		return "", time.Time{}, Session{}, err
	}
	now := s.d.Clock.Now()
	return x.CheckinCode(now), CodeValidUntil(now), x, nil
}
