package scheduling

import (
	"context"

	"github.com/ctvacademy/academy/modules/platform/errs"
)

// RSVP is what an answer page shows.
type RSVP struct {
	Session    Session
	Invitation Invitation
	Person     Person
}

// FindRSVP resolves an RSVP token. Errors: errs.NotFound for a forged
// token, errs.Gone when the session is cancelled or over.
func (s *Service) FindRSVP(ctx context.Context, token string) (RSVP, error) {
	if len(token) != 32 {
		return RSVP{}, errs.E(errs.NotFound, "no such invitation")
	}
	t, err := s.d.Store.Token(ctx, tokenHash(token))
	if err != nil {
		return RSVP{}, err
	}
	x, err := s.d.Store.Get(ctx, t.SessionID)
	if err != nil {
		return RSVP{}, err
	}
	inv, ok := x.Invitation(t.CollaboratorID)
	if !ok {
		return RSVP{}, errs.E(errs.NotFound, "no such invitation")
	}
	people, err := s.d.Directory.People(ctx, []string{t.CollaboratorID})
	if err != nil {
		return RSVP{}, err
	}
	r := RSVP{Session: x, Invitation: *inv, Person: people[t.CollaboratorID]}
	if x.Status == StatusCancelled || !s.d.Clock.Now().Before(x.EndsAt) {
		return r, errs.E(errs.Gone, "the session is cancelled or over")
	}
	return r, nil
}

// Answer records an RSVP answer (accept or decline) given by token. A
// decline that frees a place promotes the first on the waitlist, who is
// mailed. Errors: as FindRSVP, and errs.Invalid for an unknown answer.
// The session is read once, inside the update: on the embedded store
// every read of a large session holds the store's one connection.
func (s *Service) Answer(ctx context.Context, token, answer string) (RSVP, error) {
	if len(token) != 32 {
		return RSVP{}, errs.E(errs.NotFound, "no such invitation")
	}
	t, err := s.d.Store.Token(ctx, tokenHash(token))
	if err != nil {
		return RSVP{}, err
	}
	if answer != "accept" && answer != "decline" {
		return RSVP{}, errs.Field("answer", "must be accept or decline")
	}
	var promoted string
	x, err := s.d.Store.Update(ctx, t.SessionID, func(x *Session) error {
		if _, ok := x.Invitation(t.CollaboratorID); !ok {
			return errs.E(errs.NotFound, "no such invitation")
		}
		if x.Status == StatusCancelled || !s.d.Clock.Now().Before(x.EndsAt) {
			return errs.E(errs.Gone, "the session is cancelled or over")
		}
		var err error
		promoted, err = x.Respond(t.CollaboratorID, answer, s.d.Clock.Now())
		return err
	})
	if err != nil {
		return RSVP{}, err
	}
	people, err := s.d.Directory.People(ctx, []string{t.CollaboratorID})
	if err != nil {
		return RSVP{}, err
	}
	inv, _ := x.Invitation(t.CollaboratorID)
	r := RSVP{Session: x, Invitation: *inv, Person: people[t.CollaboratorID]}
	if err := s.d.Audit.Record(ctx, "session.rsvp", "session", x.ID, map[string]any{"collaborator_id": inv.CollaboratorID, "response": inv.Response}); err != nil {
		return r, err
	}
	if promoted != "" {
		if err := s.notify(ctx, NoticePromoted, x, promoted); err != nil {
			return r, err
		}
	}
	return r, nil
}
