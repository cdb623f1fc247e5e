package quizzes

import (
	"context"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ctvacademy/academy/modules/platform/ledger"
	"github.com/ctvacademy/academy/modules/platform/store"
)

// AttemptEntry is a graded attempt in its taker's attempts book: what
// certification needs to tell, at any time, who passed what in which cycle.
type AttemptEntry struct {
	Attempt string    `bson:"attempt" json:"attempt"`
	Course  string    `bson:"course" json:"course"`
	Cycle   int       `bson:"cycle" json:"cycle"`
	N       int       `bson:"n" json:"n"`
	Date    time.Time `bson:"date" json:"date"` // when it was submitted (or time ran out)
	Score   float64   `bson:"score" json:"score"`
	Passed  bool      `bson:"passed" json:"passed"`
	// Area and Started place the attempt in lists; entries written
	// before they existed have none (their taker's lists read the
	// summaries).
	Area    string    `bson:"area,omitempty" json:"area,omitempty"`
	Started time.Time `bson:"started,omitzero" json:"started,omitzero"`
}

// LedgerKey is the attempt: grading it again writes the same entry.
func (e AttemptEntry) LedgerKey() string { return e.Attempt }

// LedgerTime is the submission.
func (e AttemptEntry) LedgerTime() time.Time { return e.Date }

// attemptsBook is the per-person book of graded attempts; a person keeps
// their newest bookMax entries.
const (
	attemptsBook = "attempts_by_person"
	bookMax      = 1000
	bookPage     = 50 // summaries read per step of the backfill (Store.bookPage)
)

func entryOf(a Attempt) AttemptEntry {
	return AttemptEntry{Attempt: a.ID, Course: a.CourseCode, Cycle: max(a.Cycle, 1), N: a.N,
		Date: a.SubmittedAt, Score: a.Score, Passed: a.Passed, Area: a.AreaCode, Started: a.StartedAt}
}

// attemptOf is the graded attempt of a book entry, in summary form (no
// questions, no outcomes).
func (e AttemptEntry) attemptOf(collaboratorID string) Attempt {
	return Attempt{ID: e.Attempt, CollaboratorID: collaboratorID, AreaCode: e.Area, CourseCode: e.Course, Cycle: max(e.Cycle, 1), N: e.N,
		Status: StatusGraded, Score: e.Score, Passed: e.Passed, StartedAt: e.Started.UTC(), SubmittedAt: e.Date.UTC()}
}

// Booked returns a collaborator's graded attempts from their book, in
// summary form, oldest first, and whether the book answers for them: it
// does once its backfill has finished, unless an entry predates the
// entries' start times.
func (s *Store) Booked(ctx context.Context, collaboratorID string) ([]Attempt, bool, error) {
	done, err := s.attempts.Complete(ctx)
	if err != nil || !done {
		return nil, false, err
	}
	es, err := s.attempts.Of(ctx, collaboratorID)
	if err != nil {
		return nil, false, err
	}
	out := make([]Attempt, len(es))
	for i, e := range es {
		if e.Started.IsZero() {
			return nil, false, nil
		}
		out[i] = e.attemptOf(collaboratorID)
	}
	return out, true, nil
}

// book writes a graded attempt in its taker's book, in one command
// (idempotent: a grading completed again writes the same entry).
func (s *Store) book(ctx context.Context, a Attempt) error {
	return s.attempts.Add(ctx, a.CollaboratorID, entryOf(a))
}

// AttemptsOf returns a collaborator's graded attempts, oldest first: from
// their book once its backfill has finished, from their summaries (one
// read by `_id` per course of courses) until then.
func (s *Store) AttemptsOf(ctx context.Context, collaboratorID string, courses []string) ([]AttemptEntry, error) {
	done, err := s.attempts.Complete(ctx)
	if err != nil {
		return nil, err
	}
	if done {
		return s.attempts.Of(ctx, collaboratorID)
	}
	keys := make([]string, len(courses))
	for i, c := range courses {
		keys[i] = collaboratorID + ":" + c
	}
	docs, err := s.summaries.GetMany(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := []AttemptEntry{}
	for _, d := range docs {
		for _, a := range d.attempts() {
			out = append(out, entryOf(a))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out, nil
}

// BackfillBook writes the graded attempts recorded before the book
// existed, from the per-person summaries in `_id` order, a page at a
// time, resuming where an earlier run stopped; a no-op once complete.
// The summaries' ids are listed once per process (one pass over the
// collection: on the embedded store any filter but `_id` alone decodes
// every document, so a page filtered by `_id > after` would cost a pass
// each); each page then reads its documents by `_id`. A summary written
// after that list was made came with a grading, which books its attempt
// itself.
func (s *Store) BackfillBook(ctx context.Context, now func() time.Time) error {
	return s.attempts.Backfill(ctx, func(ctx context.Context, after string) ([]ledger.Owned[AttemptEntry], string, bool, error) {
		ids, err := s.summaryIDs(ctx)
		if err != nil {
			return nil, after, false, err
		}
		i := sort.SearchStrings(ids, after)
		if i < len(ids) && ids[i] == after {
			i++
		}
		page := ids[i:min(i+s.bookPage, len(ids))]
		if len(page) == 0 {
			return nil, after, true, nil
		}
		docs, err := s.summaries.GetMany(ctx, page)
		if err != nil {
			return nil, after, false, err
		}
		var found []ledger.Owned[AttemptEntry]
		for _, id := range page {
			d, ok := docs[id]
			if !ok {
				continue
			}
			for _, a := range d.attempts() {
				found = append(found, ledger.Owned[AttemptEntry]{Person: d.CollaboratorID, Entry: entryOf(a)})
			}
		}
		return found, page[len(page)-1], i+len(page) == len(ids), nil
	}, now)
}

// summaryIDs lists the summaries' ids, sorted, once per store.
func (s *Store) summaryIDs(ctx context.Context) ([]string, error) {
	s.idsMu.Lock()
	defer s.idsMu.Unlock()
	if s.ids != nil {
		return s.ids, nil
	}
	docs, err := s.summaries.List(ctx, nil, store.Find{Projection: bson.D{{Key: "_id", Value: 1}}})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	sort.Strings(ids)
	s.ids = ids
	return ids, nil
}

// AttemptsOf returns a collaborator's graded attempts at the catalog's
// courses, oldest first, each with its cycle, score and whether it passed:
// written with every grading before a pass is announced, so that a pass
// an event lost is still here.
func (s *Service) AttemptsOf(ctx context.Context, collaboratorID string) ([]AttemptEntry, error) {
	var codes []string
	for _, c := range s.d.Catalog.Courses() {
		codes = append(codes, c.Code)
	}
	return s.d.Store.AttemptsOf(ctx, collaboratorID, codes)
}

// KeepBook is the attempts book's job: it backfills the book until done.
func (s *Service) KeepBook(ctx context.Context) error {
	return s.d.Store.BackfillBook(ctx, s.d.Clock.Now)
}
