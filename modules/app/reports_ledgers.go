package app

import (
	"context"
	"sync"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/quizzes"
	"github.com/ctvacademy/academy/modules/reports"
	"github.com/ctvacademy/academy/modules/scheduling"
)

// withLedgers is the reports' source that also reads, for the reports
// that need them (Need.Ledgers), the attendance entries (cancelled
// sessions and sessions of no course left out) and the graded attempts
// of the people in scope: the entries from scheduling's per-person book,
// read whole at once (one find once backfilled), never once per person;
// the graded attempts from quizzes' units' results (what staff lists
// read), kept in quizzes' process by each unit's stamp. What they hold
// for everyone is kept here by the attendance book's write count and the
// units' stamps (each moves with every write, from this process or
// another sharing the store), so a warm report costs a read by `_id` and
// a read of the stamps more than the source's, a mark or a grading shows
// in the next report, and after a grading only its unit is read again;
// the people in scope (and their districts) come from the source, by the
// registry's version, and the report counts against the request's moment.
type withLedgers struct {
	reports.Source
	sched   *scheduling.Service
	quizzes *quizzes.Service
	cache   *ledgersCache
}

// ledgersCache is everyone's marks, as read at the attendance book's
// write count, and graded attempts, as read at the sum of the units'
// stamps; shared by the requests, never modified.
type ledgersCache struct {
	mu           sync.Mutex
	marksAt      int64
	haveMarks    bool
	marks        []reports.Mark
	attemptsAt   int64
	haveAttempts bool
	attempts     []reports.Graded
}

// Warm keeps the network's inputs current (reports.Warmer); the marks
// and attempts are read by the first report that needs them.
func (s withLedgers) Warm(ctx context.Context) error {
	if w, ok := s.Source.(reports.Warmer); ok {
		return w.Warm(ctx)
	}
	return nil
}

func (s withLedgers) Inputs(ctx context.Context, scope authz.Scope, need reports.Need) (reports.Inputs, error) {
	in, err := s.Source.Inputs(ctx, scope, need)
	if err != nil || !need.Ledgers {
		return in, err
	}
	marks, attempts, err := s.everyones(ctx)
	if err != nil {
		return in, err
	}
	people := make(map[string]bool, len(in.People))
	for _, p := range in.People {
		people[p.ID] = true
	}
	for _, m := range marks {
		if people[m.Person] {
			in.Marks = append(in.Marks, m)
		}
	}
	for _, a := range attempts {
		if people[a.Person] {
			in.Attempts = append(in.Attempts, a)
		}
	}
	return in, nil
}

// everyones is every person's marks and graded attempts: each the cached
// copy while its version stands (the book's write count; the units'
// stamps), else read again, and kept when it came with a version that
// moves with it (the book's backfill has finished; quizzes knows the
// units).
func (s withLedgers) everyones(ctx context.Context) ([]reports.Mark, []reports.Graded, error) {
	entries, entriesDone, err := s.sched.EntriesVersion(ctx)
	if err != nil {
		return nil, nil, err
	}
	// The units' results are kept by quizzes, read again there only for
	// the units whose stamp moved: asked every time, they answer with the
	// version compared here.
	graded, v, err := s.quizzes.EveryonesGraded(ctx)
	if err != nil {
		return nil, nil, err
	}
	c := s.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.haveMarks || c.marksAt != entries {
		marks, err := s.marks(ctx)
		if err != nil {
			return nil, nil, err
		}
		// Read after the count, the entries are as new or newer: kept
		// under the older count, the next call only reads again.
		c.marks, c.marksAt, c.haveMarks = marks, entries, entriesDone
	}
	if !c.haveAttempts || c.attemptsAt != v {
		attempts := make([]reports.Graded, len(graded))
		for i, a := range graded {
			attempts[i] = reports.Graded{Person: a.CollaboratorID, Course: a.CourseCode, Date: a.SubmittedAt, Passed: a.Passed}
		}
		c.attempts, c.attemptsAt, c.haveAttempts = attempts, v, v >= 0
	}
	return c.marks, c.attempts, nil
}

// marks reads the attendance book whole.
func (s withLedgers) marks(ctx context.Context) (marks []reports.Mark, err error) {
	err = s.sched.EveryonesEntries(ctx, func(id string, es []scheduling.AttendanceEntry) error {
		for _, e := range es {
			if !e.Cancelled && e.Course != "" {
				marks = append(marks, reports.Mark{Person: id, Session: e.Session, Course: e.Course, Date: e.Date, Status: e.Status})
			}
		}
		return nil
	})
	return marks, err
}
