package scheduling

import (
	"context"
	"crypto/rand"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
)

// Create schedules a session, or a series when the input has a
// recurrence. Errors: errs.Invalid naming each bad field.
func (s *Service) Create(ctx context.Context, in Input) ([]Session, error) {
	in.normalize()
	fe := in.Validate(s.d.Courses.Exists, s.areaExists(ctx))
	fe = append(fe, checkWindow(&in.StartsAt, &in.EndsAt, s.d.Clock.Now())...)
	if len(fe) > 0 {
		return nil, errs.Fields(errs.Invalid, "the session has problems", fe)
	}
	starts := []time.Time{in.StartsAt}
	series := ""
	if in.Recurrence != "" {
		var err error
		if starts, err = Occurrences(in.Recurrence, in.StartsAt); err != nil {
			return nil, errs.Field("recurrence", "%v", err)
		}
		series = "ser-" + newID()
	}
	length := in.EndsAt.Sub(in.StartsAt)
	out := make([]Session, len(starts))
	for i, st := range starts {
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		out[i] = Session{ID: newID(), SeriesID: series, CourseCode: in.CourseCode, Title: in.Title, StartsAt: st.UTC(),
			EndsAt: st.Add(length).UTC(), Location: in.Location, AreaCode: in.AreaCode, Capacity: in.Capacity,
			Trainer: in.Trainer, Status: StatusScheduled, Recurrence: in.Recurrence, CheckinKey: key}
	}
	if err := s.d.Store.Insert(ctx, out); err != nil {
		return nil, err
	}
	for _, x := range out {
		if err := s.d.Audit.Record(ctx, "session.create", "session", x.ID, map[string]any{"title": x.Title, "starts_at": x.StartsAt, "series": series}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Service) areaExists(ctx context.Context) func(string) bool {
	return func(code string) bool {
		ok, err := s.d.Directory.AreaExists(ctx, code)
		return err == nil && ok
	}
}
