package certification

import (
	"context"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
)

// Daily runs fn once per Vietnam day (the job ticks hourly): the day is
// claimed in the store first, and forgotten again when fn fails, so that
// the next tick tries again.
func (s *Service) daily(ctx context.Context, name string, now time.Time, fn func(context.Context, time.Time) error) error {
	day := now.In(clock.VN).Format(time.DateOnly)
	ok, err := s.d.Store.ClaimDay(ctx, name, day)
	if err != nil || !ok {
		return err
	}
	if err := fn(ctx, now); err != nil {
		_ = s.d.Store.ForgetDay(ctx, name)
		return err
	}
	return nil
}

// ReconcileAll reconciles every collaborator: it repairs what the events
// missed (a failed handler, a crash between a record and its event).
func (s *Service) ReconcileAll(ctx context.Context) (people, issued int, err error) {
	all, err := s.d.People.Everyone(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, h := range all {
		if err := ctx.Err(); err != nil {
			return people, issued, err
		}
		got, err := s.Reconcile(ctx, h.ID)
		if err != nil {
			return people, issued, err
		}
		people, issued = people+1, issued+len(got)
	}
	return people, issued, nil
}

// Nightly is the daily reconcile, for the job runner.
func (s *Service) Nightly(ctx context.Context, now time.Time) error {
	return s.daily(ctx, "reconcile", now, func(ctx context.Context, _ time.Time) error {
		start := time.Now()
		n, issued, err := s.ReconcileAll(ctx)
		s.d.Logger.InfoContext(ctx, "certification: nightly reconcile", "people", n, "issued", issued, "took", time.Since(start), "error", err)
		return err
	})
}
