package certification

import (
	"context"
	"errors"
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
// missed (a failed handler, a crash between a record and its event or its
// mark) and the verification codes not recorded. One person's error does
// not stop it: the person is marked, so that the next nightly run tries
// again, and the errors are returned together with the counts.
func (s *Service) ReconcileAll(ctx context.Context) (people, issued int, err error) {
	people, issued, failed, err := s.reconcileAll(ctx)
	return people, issued, errors.Join(err, failed)
}

// reconcileAll is ReconcileAll; failed joins the people's errors (they are
// marked), err is what stopped it.
func (s *Service) reconcileAll(ctx context.Context) (people, issued int, failed, err error) {
	all, err := s.d.People.Everyone(ctx)
	if err != nil {
		return 0, 0, nil, err
	}
	codes, err := s.d.Store.Codes(ctx)
	if err != nil {
		return 0, 0, nil, err
	}
	var errsOf []error
	for _, h := range all {
		if err := ctx.Err(); err != nil {
			return people, issued, errors.Join(errsOf...), err
		}
		got, err := s.reconcile(ctx, h.ID, codes)
		if err != nil {
			s.d.Logger.WarnContext(ctx, "certification: reconcile failed", "collaborator", h.ID, "error", err)
			if _, merr := s.d.Store.Mark(ctx, h.ID, s.d.Clock.Now()); merr != nil {
				return people, issued, errors.Join(append(errsOf, err)...), merr
			}
			errsOf = append(errsOf, err)
			continue
		}
		people, issued = people+1, issued+len(got)
	}
	return people, issued, errors.Join(errsOf...), nil
}

// Changed records that the people's passes or attendance changed and
// reconciles them. The mark is written first and removed only after a
// successful reconcile, so that a failure or a crash leaves the person
// to the nightly job.
func (s *Service) Changed(ctx context.Context, ids ...string) error {
	var failed []error
	for _, id := range ids {
		tok, err := s.d.Store.Mark(ctx, id, s.d.Clock.Now())
		if err == nil {
			_, err = s.Reconcile(ctx, id)
		}
		if err == nil {
			err = s.d.Store.Unmark(ctx, id, tok)
		}
		if err != nil {
			failed = append(failed, err)
		}
	}
	return errors.Join(failed...)
}

// MarkedEvery is how often the background reconcile (Start) looks for
// marked people when no Noted woke it.
const MarkedEvery = time.Minute

// Noted records that the people's attendance changed and leaves their
// reconcile to the background (Start), which it wakes: an attendance
// sheet's answer does not wait for certificates (a sheet of thirty
// people would wait for thirty reconciles). Each mark is written before
// Noted returns and removed only after a successful reconcile, so a
// crash leaves the people to the next run or the nightly job.
func (s *Service) Noted(ctx context.Context, ids ...string) error {
	var failed []error
	for _, id := range ids {
		if _, err := s.d.Store.Mark(ctx, id, s.d.Clock.Now()); err != nil {
			failed = append(failed, err)
		}
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return errors.Join(failed...)
}

// Start reconciles the people Noted marks in the background: at once
// (those a previous process left marked), soon after each Noted and every
// MarkedEvery, until Stop or the end of ctx.
func (s *Service) Start(ctx context.Context) { s.later.Start(ctx) }

// Stop stops the background reconcile and waits for its run in progress.
func (s *Service) Stop() { s.later.Stop() }

// Pending is how many people are marked for a reconcile.
func (s *Service) Pending(ctx context.Context) (int, error) {
	m, err := s.d.Store.Marked(ctx)
	return len(m), err
}

// ReconcileMarked reconciles the people marked by Changed, Noted (or by a failed
// run) and removes each one's mark after its success.
func (s *Service) ReconcileMarked(ctx context.Context) (people, issued int, err error) {
	marked, err := s.d.Store.Marked(ctx)
	if err != nil {
		return 0, 0, err
	}
	var failed []error
	for id, tok := range marked {
		if err := ctx.Err(); err != nil {
			return people, issued, err
		}
		got, err := s.Reconcile(ctx, id)
		if err == nil {
			err = s.d.Store.Unmark(ctx, id, tok)
		}
		if err != nil {
			s.d.Logger.WarnContext(ctx, "certification: reconcile failed", "collaborator", id, "error", err)
			failed = append(failed, err)
			continue
		}
		people, issued = people+1, issued+len(got)
	}
	return people, issued, errors.Join(failed...)
}

// FullEvery is how often the nightly job reconciles everyone rather than
// the marked people only: the backstop for a record whose mark was lost.
const FullEvery = 7 * 24 * time.Hour

// Nightly is the daily reconcile, for the job runner: the marked people,
// and everyone when the last full pass is FullEvery old (or never ran).
// Statuses need no work (they are computed from the clock when read).
func (s *Service) Nightly(ctx context.Context, now time.Time) error {
	return s.daily(ctx, "reconcile", now, func(ctx context.Context, now time.Time) error {
		start := time.Now()
		last, err := s.d.Store.LastRun(ctx, "reconcile:full")
		if err != nil {
			return err
		}
		full := last.IsZero() || now.Sub(last) >= FullEvery
		var n, issued int
		if full {
			// The people who failed are marked: the pass counts as done
			// and the next runs retry them.
			var failed error
			n, issued, failed, err = s.reconcileAll(ctx)
			if err == nil {
				err = s.d.Store.Ran(ctx, "reconcile:full", now)
			}
			err = errors.Join(err, failed)
		} else {
			n, issued, err = s.ReconcileMarked(ctx)
		}
		s.d.Logger.InfoContext(ctx, "certification: nightly reconcile", "full", full, "people", n, "issued", issued, "took", time.Since(start), "error", err)
		return err
	})
}

// People lists every collaborator's id (the registry's order).
func (s *Service) People(ctx context.Context) ([]string, error) {
	all, err := s.d.People.Everyone(ctx)
	ids := make([]string, len(all))
	for i, h := range all {
		ids[i] = h.ID
	}
	return ids, err
}
