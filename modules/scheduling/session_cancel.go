package scheduling

import (
	"context"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/humantext"
)

// Cancel cancels a session (or it and the following ones) and mails a
// cancellation to the invitees. Errors: errs.NotFound, errs.Invalid.
func (s *Service) Cancel(ctx context.Context, id, reason, apply string) ([]Session, error) {
	reason = humantext.Line(reason)
	if reason == "" || len([]rune(reason)) > 500 {
		return nil, errs.Field("reason", "is required, at most 500 characters")
	}
	if humantext.Control(reason, false) { // it goes into every invitee's mail
		return nil, errs.Field("reason", humantext.ControlMessage)
	}
	first, err := s.d.Store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	targets := []Session{first}
	if apply == ApplyFollowing && first.SeriesID != "" {
		if targets, err = s.find(ctx, Query{SeriesID: first.SeriesID, From: first.StartsAt}); err != nil {
			return nil, err
		}
	} else if apply != "" && apply != ApplyThis && apply != ApplyFollowing {
		return nil, errs.Field("apply", "must be this or following")
	}
	var out []Session
	for _, t := range targets {
		x, err := s.d.Store.Update(ctx, t.ID, func(x *Session) error {
			if x.Status == StatusCancelled {
				return nil
			}
			x.Status, x.CancelReason = StatusCancelled, reason
			x.Sequence++
			return s.rehearse(NoticeCancel, *x)
		})
		if err != nil {
			return nil, err
		}
		if err := s.d.Audit.Record(ctx, "session.cancel", "session", x.ID, map[string]any{"reason": reason}); err != nil {
			return nil, err
		}
		if err := s.notifyLagging(ctx, x, nil); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
}
