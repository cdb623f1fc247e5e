package scheduling

import (
	"context"
	"slices"
	"sort"
	"time"
)

// attendanceBookColl is the per-person attendance book (ledger): one
// document per collaborator holding an entry per session they were
// marked at, written with each mark.
const attendanceBookColl = "attendance_by_person"

// bookKept is how many people's books a process keeps (ledger.Book.Keep):
// a person's sessions and attendance rate then read the book's write count
// (one small document, on every read: another process's mark shows at
// once) instead of their book, while the count stands.
const bookKept = 4096

// bookMax bounds a person's book: their newest entries are kept.
const bookMax = 2000

// AttendanceEntry is one session as a collaborator's book keeps it: the
// session, its course, when it started, the status they were marked with
// ("" for an invitee not marked) and whether it was cancelled.
type AttendanceEntry struct {
	Session   string    `bson:"session" json:"session"`
	Course    string    `bson:"course,omitempty" json:"course,omitempty"`
	Date      time.Time `bson:"date" json:"date"`
	Status    string    `bson:"status" json:"status"`
	Cancelled bool      `bson:"cancelled,omitempty" json:"cancelled,omitempty"`
}

// LedgerKey is the session: a person has one mark per session.
func (e AttendanceEntry) LedgerKey() string { return e.Session }

// LedgerTime is the session's start.
func (e AttendanceEntry) LedgerTime() time.Time { return e.Date }

// AttendanceOf lists the marks given to a collaborator, live and archived
// sessions alike, oldest session first.
func (s *Service) AttendanceOf(ctx context.Context, collaboratorID string) ([]AttendanceEntry, error) {
	es, err := s.entriesOf(ctx, collaboratorID, time.Time{})
	return slices.DeleteFunc(es, func(e AttendanceEntry) bool { return e.Status == "" }), err
}

// entriesOf lists a collaborator's entries (sessions they were invited to
// or marked at) of sessions starting before until (zero: all), oldest
// first. It reads their book once the book's backfill has finished, and
// the sessions until then.
func (s *Service) entriesOf(ctx context.Context, collaboratorID string, until time.Time) ([]AttendanceEntry, error) {
	done, err := s.d.Store.book.Complete(ctx)
	if err != nil {
		return nil, err
	}
	out := []AttendanceEntry{}
	if done {
		es, err := s.d.Store.book.Of(ctx, collaboratorID)
		for _, e := range es {
			if until.IsZero() || e.Date.Before(until) {
				out = append(out, e)
			}
		}
		return out, err
	}
	all, err := s.find(ctx, Query{To: until})
	if err != nil {
		return nil, err
	}
	for _, x := range all {
		if e, ok := bookEntries(x)[collaboratorID]; ok {
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out, nil
}

// EntriesVersion is the attendance book's write count and whether the
// book answers EveryonesEntries alone (its backfill has finished): only
// then does a copy of EveryonesEntries read after it stand for that
// count, every entry written to the book, by any process sharing the
// store, moving it (the book is kept, so counted). One read by `_id`
// once the backfill is known finished.
func (s *Service) EntriesVersion(ctx context.Context) (int64, bool, error) {
	done, err := s.d.Store.book.Complete(ctx)
	if err != nil || !done {
		return 0, false, err
	}
	v, err := s.d.Store.book.Version(ctx)
	return v, err == nil, err
}

// EveryonesEntries calls fn with each collaborator's entries (sessions
// they were invited to or marked at, cancelled ones included), oldest
// first, reading everyone's at once (for reports): the whole book in one
// find once its backfill has finished; until then the live and archived
// sessions once each (never once per person).
func (s *Service) EveryonesEntries(ctx context.Context, fn func(collaboratorID string, es []AttendanceEntry) error) error {
	done, err := s.d.Store.book.Complete(ctx)
	if err != nil {
		return err
	}
	if done {
		return s.d.Store.book.All(ctx, fn)
	}
	all, err := s.find(ctx, Query{})
	if err != nil {
		return err
	}
	by := map[string][]AttendanceEntry{}
	for _, x := range all { // oldest first
		for id, e := range bookEntries(x) {
			by[id] = append(by[id], e)
		}
	}
	for id, es := range by {
		if err := fn(id, es); err != nil {
			return err
		}
	}
	return nil
}

// KeepBook is the attendance book's job: it backfills the archive's index
// (Store.BackfillIndex) and the book from every
// live and archived session until the backfill is complete (resuming
// where an earlier run stopped), then writes the entries of sessions an
// update left due (a crash or a failed book write in between: Store.SyncBooks).
func (s *Service) KeepBook(ctx context.Context) error {
	st := s.d.Store
	if err := st.BackfillIndex(ctx); err != nil {
		return err
	}
	if err := st.book.Backfill(ctx, st.bookSource(), s.d.Clock.Now); err != nil {
		return err
	}
	return st.SyncBooks(ctx)
}
