package app

import (
	"context"

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
// never once per person, so such a report costs two round trips more
// than the source's.
type withLedgers struct {
	reports.Source
	sched   *scheduling.Service
	quizzes *quizzes.Service
}

func (s withLedgers) Inputs(ctx context.Context, scope authz.Scope, need reports.Need) (reports.Inputs, error) {
	in, err := s.Source.Inputs(ctx, scope, need)
	if err != nil || !need.Ledgers {
		return in, err
	}
	return in, s.ledgers(ctx, &in)
}

func (s withLedgers) ledgers(ctx context.Context, in *reports.Inputs) error {
	people := make(map[string]bool, len(in.People))
	for _, p := range in.People {
		people[p.ID] = true
	}
	err := s.sched.EveryonesEntries(ctx, func(id string, es []scheduling.AttendanceEntry) error {
		if !people[id] {
			return nil
		}
		for _, e := range es {
			if !e.Cancelled && e.Course != "" {
				in.Marks = append(in.Marks, reports.Mark{Person: id, Session: e.Session, Course: e.Course, Date: e.Date, Status: e.Status})
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.quizzes.EveryonesAttempts(ctx, func(id string, es []quizzes.AttemptEntry) error {
		if !people[id] {
			return nil
		}
		for _, e := range es {
			in.Attempts = append(in.Attempts, reports.Graded{Person: id, Course: e.Course, Date: e.Date, Passed: e.Passed})
		}
		return nil
	})
}
