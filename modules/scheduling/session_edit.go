package scheduling

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/humantext"
)

// Patch changes some fields of a session.
type Patch struct {
	CourseCode *string    `json:"course_code"`
	Title      *string    `json:"title"`
	StartsAt   *time.Time `json:"starts_at"`
	EndsAt     *time.Time `json:"ends_at"`
	Location   *string    `json:"location"`
	AreaCode   *string    `json:"area_code"`
	Capacity   *int       `json:"capacity"`
	Trainer    *string    `json:"trainer"`
}

// Apply scopes of an edit to a series.
const (
	ApplyThis      = "this"
	ApplyFollowing = "following"
)

// Update edits a session, or it and the following occurrences of its
// series. What invitees are told follows one rule (README, "Scheduling"):
// a change of date or time (start or end) returns every answer to pending
// (Session.Reschedule) and mails everyone invited a reschedule notice
// asking to answer again (iCalendar PARTSTAT=NEEDS-ACTION); a change of
// place, title or trainer keeps the answers and mails an update saying
// there is no need to answer again, to all but those who declined, with
// each invitee's own PARTSTAT. Either raises the sequence. A larger
// capacity gives places to the waitlist in order, and mails each promoted
// invitee. Errors: errs.NotFound, errs.Invalid, errs.Unprocessable
// (cancelled, or a capacity below the accepted).
func (s *Service) Update(ctx context.Context, id string, p Patch, apply string) ([]Session, error) {
	first, err := s.d.Store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if apply == "" {
		apply = ApplyThis
	}
	if apply != ApplyThis && apply != ApplyFollowing {
		return nil, errs.Field("apply", "must be this or following")
	}
	if fe := checkWindow(p.StartsAt, p.EndsAt, s.d.Clock.Now()); len(fe) > 0 {
		return nil, errs.Fields(errs.Invalid, "the session has problems", fe)
	}
	targets := []Session{first}
	if apply == ApplyFollowing && first.SeriesID != "" {
		if targets, err = s.find(ctx, Query{SeriesID: first.SeriesID, From: first.StartsAt}); err != nil {
			return nil, err
		}
	}
	// A new start moves every occurrence by the same shift, each keeping
	// its own length; a new end gives every occurrence the edited one's new
	// length. A change that names neither leaves every time as it is.
	shift := time.Duration(0)
	if p.StartsAt != nil {
		shift = p.StartsAt.Sub(first.StartsAt)
	}
	var length *time.Duration
	if p.EndsAt != nil {
		l := p.EndsAt.Sub(first.StartsAt.Add(shift))
		length = &l
	}
	var out []Session
	for _, t := range targets {
		var promoted []string
		updated, err := s.d.Store.Update(ctx, t.ID, func(x *Session) error {
			promoted = nil
			if x.Status == StatusCancelled {
				return errs.E(errs.Unprocessable, "the session is cancelled")
			}
			in := Input{CourseCode: x.CourseCode, Title: x.Title, StartsAt: x.StartsAt.Add(shift), EndsAt: x.EndsAt.Add(shift),
				Location: x.Location, AreaCode: x.AreaCode, Capacity: x.Capacity, Trainer: x.Trainer}
			if length != nil {
				in.EndsAt = in.StartsAt.Add(*length)
			}
			if p.CourseCode != nil {
				in.CourseCode = *p.CourseCode
			}
			if p.Title != nil {
				in.Title = humantext.Line(*p.Title)
			}
			if p.Location != nil {
				in.Location = humantext.Line(*p.Location)
			}
			if p.AreaCode != nil {
				in.AreaCode = strings.ToUpper(strings.TrimSpace(*p.AreaCode))
			}
			if p.Capacity != nil {
				in.Capacity = *p.Capacity
			}
			if p.Trainer != nil {
				in.Trainer = humantext.Line(*p.Trainer)
			}
			if fe := in.Validate(s.d.Courses.Exists, s.areaExists(ctx)); len(fe) > 0 {
				return errs.Fields(errs.Invalid, "the session has problems", fe)
			}
			// A new time frees every place (Reschedule): the capacity then
			// bounds only the accepts to come.
			retimed := !in.StartsAt.Equal(x.StartsAt) || !in.EndsAt.Equal(x.EndsAt)
			if p.Capacity != nil && !retimed && in.Capacity > 0 && in.Capacity < x.Accepted() {
				return errs.Fields(errs.Unprocessable, "more people have accepted than the new capacity",
					[]errs.FieldError{{Field: "capacity", Message: fmt.Sprintf("%d have accepted", x.Accepted())}})
			}
			informed := in.Location != x.Location || in.Title != x.Title || in.Trainer != x.Trainer
			x.CourseCode, x.Title, x.StartsAt, x.EndsAt, x.Location = in.CourseCode, in.Title, in.StartsAt, in.EndsAt, in.Location
			x.AreaCode, x.Capacity, x.Trainer = in.AreaCode, in.Capacity, in.Trainer
			if retimed || informed {
				x.Sequence++
				kind := NoticeUpdate
				if retimed {
					x.Reschedule()
					x.Rescheduled, kind = x.Sequence, NoticeReschedule
				}
				if err := s.rehearse(kind, *x); err != nil {
					return err
				}
			}
			if !in.StartsAt.Equal(t.StartsAt) {
				x.ReminderSent = false
			}
			now := s.d.Clock.Now()
			for id := x.promote(now); id != ""; id = x.promote(now) {
				promoted = append(promoted, id)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if err := s.d.Audit.Record(ctx, "session.update", "session", updated.ID, map[string]any{"apply": apply, "sequence": updated.Sequence}); err != nil {
			return nil, err
		}
		if err := s.notifyLagging(ctx, updated, nil); err != nil {
			return nil, err
		}
		for _, id := range promoted {
			if err := s.notify(ctx, NoticePromoted, updated, id); err != nil {
				return nil, err
			}
		}
		out = append(out, updated)
	}
	return out, nil
}
