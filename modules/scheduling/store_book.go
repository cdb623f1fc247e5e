package scheduling

import (
	"context"
	"slices"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/ledger"
	"github.com/ctvacademy/academy/modules/platform/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// bookEntries are a session's entries in its people's attendance books:
// one per invitee (status "" while unmarked) and per person marked.
func bookEntries(x Session) map[string]AttendanceEntry {
	out := make(map[string]AttendanceEntry, len(x.Invitations)+len(x.Attendance))
	e := AttendanceEntry{Session: x.ID, Course: x.CourseCode, Date: x.StartsAt.UTC(), Cancelled: x.Status == StatusCancelled}
	for _, i := range x.Invitations {
		out[i.CollaboratorID] = e
	}
	for _, m := range x.Attendance {
		e.Status = m.Status
		out[m.CollaboratorID] = e
	}
	return out
}

// bookUpdate is what an update of a session changed in the books.
type bookUpdate struct {
	marks  []string // people whose marked entry changed (a mark given, changed or taken back, or the session moved under it)
	inv    []string // people whose unmarked entry changed (invited, uninvited, the session moved or was cancelled)
	clean  bool     // the books held every entry of the session before the update
	wasDue bool     // the session's marks were due before the update, and not known written since
}

// invNow bounds the unmarked entries an update writes to the books itself
// (an invitation of a few people); more (a district invited) are left to
// the book's job.
const invNow = 30

// newBookUpdate compares the session's entries before and after an
// update and flags after: BookDue (with MarksRev) when a marked entry
// changed, InvDue when an unmarked one did. synced says the books hold
// every entry of the session as before stands (Store.synced): then the
// flags before left set are cleared by this write.
func newBookUpdate(before Session, after *Session, synced bool) bookUpdate {
	bu := bookUpdate{clean: synced || !before.BookDue && !before.InvDue, wasDue: before.BookDue && !synced}
	if synced {
		after.BookDue, after.InvDue = false, false
	}
	b, a := bookEntries(before), bookEntries(*after)
	for _, people := range []map[string]AttendanceEntry{a, b} {
		for p := range people {
			eb, inB := b[p]
			ea, inA := a[p]
			if inB == inA && eb == ea || slices.Contains(bu.marks, p) || slices.Contains(bu.inv, p) {
				continue
			}
			if eb.Status != "" || ea.Status != "" {
				bu.marks = append(bu.marks, p)
			} else {
				bu.inv = append(bu.inv, p)
				after.InvDue = true
			}
		}
	}
	if len(bu.marks) > 0 {
		after.BookDue, after.MarksRev = true, before.Rev+1
	}
	slices.Sort(bu.marks)
	slices.Sort(bu.inv)
	return bu
}

// follow writes what an update changed to the books before the update
// returns. The rule that keeps the books complete: the session's write
// sets BookDue (MarksRev) or InvDue with the change, and the books are
// written after it, so a crash or a failed book write in between leaves
// the session saying so in the store, and the next update of the session
// (it writes every entry: wasDue) or the book's job writes them; nothing
// is lost. The flags are not cleared by a second write of the session:
// once the books hold every entry of the session as written, this process
// remembers its rev (Store.synced), and its next write of the session
// clears them with its own change; the book's job clears them otherwise.
// So a mark costs one write of the session. A failed book write is
// returned as an error: the change is not acknowledged. Until the book's
// backfill is complete it may write an entry it read before this update,
// so the session stays due and the book's job writes its entries again
// once the backfill has finished.
func (s *Store) follow(ctx context.Context, x *Session, bu bookUpdate) error {
	complete, err := s.book.Complete(ctx)
	if err != nil {
		complete = false
	}
	people := append(slices.Clone(bu.marks), bu.inv...)
	if len(bu.inv) > invNow {
		people = bu.marks
	}
	all := bu.wasDue && complete
	if all {
		people = nil // all of them
	} else if len(people) == 0 {
		if complete && bu.clean {
			s.remember(x.ID, x.Rev)
		}
		return nil
	}
	if err := s.syncBook(ctx, *x, people); err != nil {
		return err
	}
	if complete && (bu.clean || all && !x.InvDue) && len(bu.inv) <= invNow {
		s.remember(x.ID, x.Rev)
	}
	return nil
}

// remember records that the books hold every entry of session id as
// written at rev; synced tells whether they hold those of the session at
// rev (a write since, by any process, raised it).
func (s *Store) remember(id string, rev int64) {
	s.syncedMu.Lock()
	defer s.syncedMu.Unlock()
	s.syncedRev[id] = rev
}

func (s *Store) synced(id string, rev int64) bool {
	s.syncedMu.Lock()
	defer s.syncedMu.Unlock()
	r, ok := s.syncedRev[id]
	return ok && r == rev
}

func (s *Store) forget(id string) {
	s.syncedMu.Lock()
	defer s.syncedMu.Unlock()
	delete(s.syncedRev, id)
}

// syncBook writes the session's entries of people (nil: all of them) to
// their books; a person with none loses the session's entry.
func (s *Store) syncBook(ctx context.Context, x Session, people []string) error {
	es := bookEntries(x)
	if people == nil {
		for p := range es {
			people = append(people, p)
		}
		slices.Sort(people)
	}
	for _, p := range people {
		var err error
		if e, ok := es[p]; ok {
			err = s.book.Put(ctx, p, e)
		} else {
			err = s.book.Remove(ctx, p, x.ID)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// dueDoc names an archived session whose entries may be missing from
// the books.
type dueDoc struct {
	ID string `bson:"_id"`
}

// clearDue clears BookDue (and InvDue when inv) of the session written as
// x, unless a later change set them again, and returns it as stored.
func (s *Store) clearDue(ctx context.Context, x Session, inv bool) (Session, error) {
	d, err := s.apply(ctx, x.ID, func(d *sessionDoc) error {
		changed := false
		if d.BookDue && d.MarksRev == x.MarksRev {
			d.BookDue, changed = false, true
		}
		if inv && d.InvDue && d.Rev == x.Rev {
			d.InvDue, changed = false, true
		}
		if !changed {
			return store.ErrUnchanged
		}
		return nil
	})
	return d.toSession(), err
}

// SyncBooks writes every entry of the live sessions whose BookDue or
// InvDue is set, and of the archived sessions sessions_book_due names, to
// the people's books, and those archived sessions' entries to the
// archive's index. Run it once the book's and the index's backfills are
// complete.
func (s *Store) SyncBooks(ctx context.Context) error {
	due := bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "book_due", Value: true}}, bson.D{{Key: "inv_due", Value: true}}}}}
	live, err := s.live.List(ctx, due, store.Find{})
	if err != nil {
		return err
	}
	for _, d := range live {
		if err := s.syncAll(ctx, d.toSession()); err != nil {
			return err
		}
	}
	named, err := s.due.List(ctx, nil, store.Find{})
	if err != nil {
		return err
	}
	for _, n := range named {
		x, err := s.Get(ctx, n.ID)
		if errs.KindOf(err) != errs.NotFound {
			if err != nil {
				return err
			}
			if err := s.syncAll(ctx, x); err != nil {
				return err
			}
			if _, err := s.archive.Get(ctx, n.ID); err == nil {
				if err := s.putIndex(ctx, x); err != nil {
					return err
				}
			}
			if x, err = s.Get(ctx, n.ID); err != nil || x.BookDue || x.InvDue {
				continue // changed meanwhile: the next run
			}
		}
		if _, err := s.due.Delete(ctx, n.ID); err != nil {
			return err
		}
	}
	return nil
}

// syncAll writes every entry of the session and clears its flags.
func (s *Store) syncAll(ctx context.Context, x Session) error {
	if err := s.syncBook(ctx, x, nil); err != nil {
		return err
	}
	_, err := s.clearDue(ctx, x, true)
	return err
}

// bookPage is how many sessions a step of the book's backfill reads.
const bookPage = 50

// bookSource walks every live and archived session in `_id` order for the
// attendance book's backfill, bookPage sessions a step, each read by
// `_id`; the ids are listed once per walk.
func (s *Store) bookSource() ledger.Source[AttendanceEntry] {
	var ids []string
	return func(ctx context.Context, after string) ([]ledger.Owned[AttendanceEntry], string, bool, error) {
		if ids == nil {
			var err error
			if ids, err = s.ids(ctx); err != nil {
				return nil, after, false, err
			}
		}
		i, _ := slices.BinarySearch(ids, after)
		if i < len(ids) && ids[i] == after {
			i++
		}
		page := ids[i:min(i+bookPage, len(ids))]
		var found []ledger.Owned[AttendanceEntry]
		for _, id := range page {
			x, err := s.Get(ctx, id)
			if errs.KindOf(err) == errs.NotFound {
				continue
			}
			if err != nil {
				return nil, after, false, err
			}
			es := bookEntries(x)
			people := make([]string, 0, len(es))
			for p := range es {
				people = append(people, p)
			}
			slices.Sort(people)
			for _, p := range people {
				found = append(found, ledger.Owned[AttendanceEntry]{Person: p, Entry: es[p]})
			}
			after = id
		}
		return found, after, i+len(page) >= len(ids), nil
	}
}

// ids lists the ids of every live and archived session, sorted.
func (s *Store) ids(ctx context.Context) ([]string, error) {
	ids := []string{}
	for _, c := range []*store.Coll[sessionDoc]{s.live, s.archive} {
		err := c.Each(ctx, nil, store.Find{Projection: bson.D{{Key: "_id", Value: 1}}}, func(d sessionDoc) error {
			ids = append(ids, d.ID)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}
