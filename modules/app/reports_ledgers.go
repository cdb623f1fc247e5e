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
// of the people in scope, from scheduling's and quizzes' per-person
// books: each book read whole at once (one find apiece once backfilled),
// never once per person. What they hold for everyone is kept in cache by
// the two books' write counts (each book counts every write, from this
// process or another sharing the store, in its version document), so a
// warm report costs two reads by `_id` more than the source's, and a
// mark or a grading shows in the next report; the people in scope (and
// their districts) come from the source, by the registry's version, and
// the report counts against the request's moment.
type withLedgers struct {
	reports.Source
	sched   *scheduling.Service
	quizzes *quizzes.Service
	cache   *ledgersCache
}

// ledgersCache is everyone's marks and graded attempts as read at key;
// shared by the requests, never modified.
type ledgersCache struct {
	mu       sync.Mutex
	key      ledgersKey
	have     bool
	marks    []reports.Mark
	attempts []reports.Graded
}

// ledgersKey is the attendance book's and the attempts book's write counts.
type ledgersKey struct{ entries, attempts int64 }

// Warm keeps the network's inputs current (reports.Warmer); the books
// are read by the first report that needs them.
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

// everyones is every person's marks and graded attempts: the cached copy
// while both books' write counts stand, else both books read again (and
// kept when both books' backfills have finished: until then what the
// reads return does not move with the counts).
func (s withLedgers) everyones(ctx context.Context) ([]reports.Mark, []reports.Graded, error) {
	var k ledgersKey
	entriesDone, attemptsDone := false, false
	var err error
	if k.entries, entriesDone, err = s.sched.EntriesVersion(ctx); err != nil {
		return nil, nil, err
	}
	if k.attempts, attemptsDone, err = s.quizzes.AttemptsVersion(ctx); err != nil {
		return nil, nil, err
	}
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	if s.cache.have && s.cache.key == k {
		return s.cache.marks, s.cache.attempts, nil
	}
	marks, attempts, err := s.read(ctx)
	if err != nil {
		return nil, nil, err
	}
	// Read after the counts, the copies are as new or newer: kept under
	// the older key, the next call only reads again.
	s.cache.have = entriesDone && attemptsDone
	s.cache.key, s.cache.marks, s.cache.attempts = k, marks, attempts
	return marks, attempts, nil
}

// read reads both books whole.
func (s withLedgers) read(ctx context.Context) (marks []reports.Mark, attempts []reports.Graded, err error) {
	err = s.sched.EveryonesEntries(ctx, func(id string, es []scheduling.AttendanceEntry) error {
		for _, e := range es {
			if !e.Cancelled && e.Course != "" {
				marks = append(marks, reports.Mark{Person: id, Session: e.Session, Course: e.Course, Date: e.Date, Status: e.Status})
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	err = s.quizzes.EveryonesAttempts(ctx, func(id string, es []quizzes.AttemptEntry) error {
		for _, e := range es {
			attempts = append(attempts, reports.Graded{Person: id, Course: e.Course, Date: e.Date, Passed: e.Passed})
		}
		return nil
	})
	return marks, attempts, err
}
