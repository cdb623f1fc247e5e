package quizzes

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/store"
)

// InsertResults stores graded attempts in the results archive, in the
// store's own document format. The bank versions they were drawn from must
// be stored too (PutBank). It is for loading history in bulk (the benchmark
// fixture, a migration), not for the request path. It writes everything
// a grading writes: the per-person summaries, progress and attempts book,
// and the units' results. Errors:
// errs.Invalid for an attempt that is not graded; the driver's error when an
// attempt exists already.
func (s *Store) InsertResults(ctx context.Context, as []Attempt) error {
	if len(as) == 0 {
		return nil
	}
	results := make([]attemptDoc, len(as))
	for i, a := range as {
		if a.Status != StatusGraded {
			return errs.E(errs.Invalid, "attempt %s is not graded", a.ID)
		}
		results[i] = toDoc(a)
	}
	if err := insertAll(ctx, s.results, results); err != nil {
		return err
	}
	// The progress documents the request path reads instead of the archive.
	byKey := map[string]*progressDoc{}
	var order []string
	for _, a := range as {
		key := a.CollaboratorID + ":" + a.CourseCode
		d, ok := byKey[key]
		if !ok {
			d = &progressDoc{ID: key, CollaboratorID: a.CollaboratorID, CourseCode: a.CourseCode, AreaCode: a.AreaCode}
			byKey[key] = d
			order = append(order, key)
		}
		d.Results = append(d.Results, summaryOf(a))
	}
	// New documents for a fresh load (one insert, not an update per key: an
	// update costs a scan on the embedded store); a key that exists already
	// (a load in several batches) gets the results appended by _id.
	present, err := s.summaries.GetMany(ctx, order)
	if err != nil {
		return err
	}
	var fresh []progressDoc
	var numbers []numbersDoc
	for _, key := range order {
		d := byKey[key]
		if _, ok := present[key]; !ok {
			fresh = append(fresh, *d)
			numbers = append(numbers, withNumbers(numbersDoc{ID: key}, d.attempts()))
			continue
		}
		if err := pushEach(ctx, s.summaries, key, "results", d.Results); err != nil {
			return err
		}
		if _, err := s.progress.Update(ctx, key, func(n *numbersDoc) error {
			*n = withNumbers(*n, d.attempts())
			return nil
		}); err != nil {
			return err
		}
	}
	if err := insertAll(ctx, s.summaries, fresh); err != nil {
		return err
	}
	if err := insertAll(ctx, s.progress, numbers); err != nil {
		return err
	}
	if err := s.insertUnitResults(ctx, as); err != nil {
		return err
	}
	// Each taker's attempts book, as a grading writes it: history loaded
	// after the book's backfill finished is in the book all the same.
	byTaker := slices.Clone(as)
	slices.SortStableFunc(byTaker, func(x, y Attempt) int { return strings.Compare(x.CollaboratorID, y.CollaboratorID) })
	for i := 0; i < len(byTaker); {
		taker, es := byTaker[i].CollaboratorID, []AttemptEntry{}
		for ; i < len(byTaker) && byTaker[i].CollaboratorID == taker; i++ {
			es = append(es, entryOf(byTaker[i]))
		}
		if err := s.attempts.Put(ctx, taker, es...); err != nil {
			return err
		}
	}
	return nil
}

// insertAll inserts ds, each of which must be new.
func insertAll[D any](ctx context.Context, c *store.Coll[D], ds []D) error {
	dup, err := c.InsertMany(ctx, ds)
	if err == nil && len(dup) > 0 {
		err = fmt.Errorf("%w: %d of %d in %s", store.ErrDuplicate, len(dup), len(ds), c.Name())
	}
	return err
}

// withNumbers adds the numbers of graded attempts (in time order) to a
// progress document, opening the cycles they belong to: a cycle that
// follows a pass opened for renewal, one that follows a used-up cycle for
// attendance at a session (retraining).
func withNumbers(d numbersDoc, as []Attempt) numbersDoc {
	for _, a := range as {
		if a.Cycle <= 1 {
			d.Graded = append(d.Graded, a.N)
			continue
		}
		if cur := d.current(); cur.N < a.Cycle {
			why := CycleAttendance
			for _, x := range as {
				if x.Cycle == cur.N && x.Passed {
					why = CycleRenewal
				}
			}
			d.Cycles = append(d.Cycles, cycleDoc{N: a.Cycle, Opened: a.StartedAt, Why: why})
		}
		c := &d.Cycles[len(d.Cycles)-1]
		c.Graded = append(c.Graded, a.N)
	}
	return d
}
