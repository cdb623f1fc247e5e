package scheduling

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// indexColl is the index of the archived sessions: one document per month
// of start (`_id` "2026-11", UTC) holding an entry per session archived
// that month, and the head (`_id` "head") naming the months and how far
// the index's backfill got. A list reads the head and the months it
// reaches by `_id`, filters and pages their entries in Go and reads the
// page's sessions by `_id`: the embedded store never decodes the archive
// for a list (docs/STORE.md).
const indexColl = "sessions_index"

// headID is the index's head document.
const headID = "head"

// indexEntry is what a list needs of an archived session to select it
// without reading it: its start, district, course, status, series and the
// people marked without an invitation (they do not see it as theirs).
type indexEntry struct {
	ID, Area, Course, Status, Series string
	Start                            time.Time
	WalkIns                          []string
}

func entryOf(x Session) indexEntry {
	e := indexEntry{ID: x.ID, Area: x.AreaCode, Course: x.CourseCode, Status: x.Status, Series: x.SeriesID, Start: x.StartsAt.UTC()}
	for _, m := range x.Attendance {
		if _, invited := x.Invitation(m.CollaboratorID); !invited {
			e.WalkIns = append(e.WalkIns, m.CollaboratorID)
		}
	}
	slices.Sort(e.WalkIns)
	return e
}

// month is the `_id` of the index document holding the entry.
func (e indexEntry) month() string { return e.Start.UTC().Format("2006-01") }

// String is "<id>|<start, Unix ms>|<area>|<course>|<status>|<series>|<walk-ins, comma separated>"
// (one value per session: the embedded store decodes value by value).
func (e indexEntry) String() string {
	return strings.Join([]string{e.ID, millis(e.Start), e.Area, e.Course, e.Status, e.Series, strings.Join(e.WalkIns, ",")}, "|")
}

func parseEntry(s string) indexEntry {
	f := strings.SplitN(s, "|", 7)
	for len(f) < 7 {
		f = append(f, "")
	}
	e := indexEntry{ID: f[0], Start: fromMillis(f[1]), Area: f[2], Course: f[3], Status: f[4], Series: f[5]}
	if f[6] != "" {
		e.WalkIns = strings.Split(f[6], ",")
	}
	return e
}

// monthDoc is a month of the index: entries in the form indexEntry.String.
type monthDoc struct {
	ID      string   `bson:"_id"`
	Rev     int64    `bson:"rev"`
	Entries []string `bson:"entries"`
}

// indexHead names the months the index holds and records its backfill.
type indexHead struct {
	ID     string   `bson:"_id"`
	Rev    int64    `bson:"rev"`
	Months []string `bson:"months"`
	After  string   `bson:"after"` // the backfill's position: the last archived `_id` it indexed
	Done   bool     `bson:"done"`
	// Gen moves after every write of the months (Store.bumpIndex): a
	// process's parsed copy of the months (indexCache) read at Gen g holds
	// every write whose move is at most g.
	Gen int64 `bson:"gen"`
}

// indexCache is a process's parsed copy of the index's months, read when
// the head's Gen was gen: a list reads the head by `_id` and the months
// only when Gen moved since, instead of decoding every month per request.
type indexCache struct {
	mu     sync.Mutex
	have   bool
	gen    int64
	months map[string][]indexEntry // by month; shared, read only
	// archived are archived sessions read by `_id` while Gen was gen:
	// every write of an archived session moves Gen (Store.Update, apply,
	// Archive, InsertArchived), so they stand until it moves.
	archived map[string]sessionDoc
}

// archivedMax bounds the archived sessions a process keeps (then it
// starts again).
const archivedMax = 4096

// archivedAt returns the archived sessions of ids, read by `_id` unless
// the process read them while the head's Gen was gen (Store.indexed's),
// and keeps those it reads while the copy is still of gen.
func (s *Store) archivedAt(ctx context.Context, gen int64, ids []string) (map[string]sessionDoc, error) {
	c := &s.idx
	out := make(map[string]sessionDoc, len(ids))
	var missing []string
	c.mu.Lock()
	for _, id := range ids {
		if d, ok := c.archived[id]; ok && c.gen == gen {
			out[id] = d
		} else {
			missing = append(missing, id)
		}
	}
	c.mu.Unlock()
	read, err := s.archive.GetMany(ctx, missing)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	keep := c.have && c.gen == gen
	if keep && (c.archived == nil || len(c.archived)+len(read) > archivedMax) {
		c.archived = make(map[string]sessionDoc, len(read))
	}
	for id, d := range read {
		out[id] = d
		if keep {
			c.archived[id] = d
		}
	}
	return out, nil
}

// bumpIndex moves the head's Gen after a write of the months, so every
// process reads them again.
func (s *Store) bumpIndex(ctx context.Context) error {
	_, err := s.head.Apply(ctx, headID, func(h *indexHead, _ bool) error {
		h.ID = headID
		h.Gen++
		return nil
	})
	return err
}

// monthEntries returns the parsed entries of the head's months, from the
// process's copy while the head's Gen has not moved since it was read.
func (s *Store) monthEntries(ctx context.Context, h indexHead) (map[string][]indexEntry, error) {
	c := &s.idx
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.have && c.gen == h.Gen {
		return c.months, nil
	}
	docs, err := byIDs(ctx, s.months, h.Months)
	if err != nil {
		return nil, err
	}
	months := make(map[string][]indexEntry, len(docs))
	for _, d := range docs {
		es := make([]indexEntry, len(d.Entries))
		for i, line := range d.Entries {
			es[i] = parseEntry(line)
		}
		months[d.ID] = es
	}
	c.have, c.gen, c.months, c.archived = true, h.Gen, months, nil
	return months, nil
}

// putIndex writes the sessions' entries, each replacing the one with its
// id: one write per month they start in. The head names a month before
// the month holds an entry, so a reader never misses one.
func (s *Store) putIndex(ctx context.Context, xs ...Session) error {
	byMonth := map[string][]indexEntry{}
	for _, x := range xs {
		e := entryOf(x)
		byMonth[e.month()] = append(byMonth[e.month()], e)
	}
	if _, err := s.head.Apply(ctx, headID, func(h *indexHead, _ bool) error {
		h.ID = headID
		n := len(h.Months)
		for m := range byMonth {
			if i, found := slices.BinarySearch(h.Months, m); !found {
				h.Months = slices.Insert(h.Months, i, m)
			}
		}
		if len(h.Months) == n {
			return store.ErrUnchanged
		}
		return nil
	}); err != nil {
		return err
	}
	for m, es := range byMonth {
		_, err := s.months.Apply(ctx, m, func(d *monthDoc, _ bool) error {
			d.ID = m
			changed := false
			for _, e := range es {
				line := e.String()
				i := slices.IndexFunc(d.Entries, func(x string) bool { return strings.HasPrefix(x, e.ID+"|") })
				switch {
				case i < 0:
					d.Entries = append(d.Entries, line)
				case d.Entries[i] != line:
					d.Entries[i] = line
				default:
					continue
				}
				changed = true
			}
			if !changed {
				return store.ErrUnchanged
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return s.bumpIndex(ctx)
}

// reindex writes an archived session's entry after an update, first taking
// it out of the month it started in before when it moved.
func (s *Store) reindex(ctx context.Context, before, x Session) error {
	if old := entryOf(before); old.month() != entryOf(x).month() {
		if err := s.dropIndex(ctx, old); err != nil {
			return err
		}
	}
	return s.putIndex(ctx, x)
}

// dropIndex takes a session's entry out of its month.
func (s *Store) dropIndex(ctx context.Context, e indexEntry) error {
	_, err := s.months.Update(ctx, e.month(), func(d *monthDoc) error {
		n := len(d.Entries)
		d.Entries = slices.DeleteFunc(d.Entries, func(x string) bool { return strings.HasPrefix(x, e.ID+"|") })
		if len(d.Entries) == n {
			return store.ErrUnchanged
		}
		return nil
	})
	if errs.KindOf(err) == errs.NotFound || errors.Is(err, store.ErrUnchanged) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.bumpIndex(ctx)
}

// indexDone reports whether the index's backfill has finished. Once true
// it stays true.
func (s *Store) indexDone(ctx context.Context) (bool, error) {
	if s.indexComplete.Load() {
		return true, nil
	}
	h, err := s.head.Get(ctx, headID)
	if errs.KindOf(err) == errs.NotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	s.indexComplete.Store(h.Done)
	return h.Done, nil
}

// indexed returns the entries of the archived sessions starting in
// [from, to) (zero: unbounded) and the head's Gen they were read at, and false while the index's backfill has
// not finished (the index may miss sessions: read the archive).
func (s *Store) indexed(ctx context.Context, from, to time.Time) ([]indexEntry, int64, bool, error) {
	h, err := s.head.Get(ctx, headID)
	if errs.KindOf(err) == errs.NotFound || err == nil && !h.Done {
		return nil, 0, false, nil
	}
	if err != nil {
		return nil, 0, false, err
	}
	s.indexComplete.Store(true)
	months, err := s.monthEntries(ctx, h)
	if err != nil {
		return nil, 0, false, err
	}
	var out []indexEntry
	seen := map[string]bool{}
	for _, m := range h.Months {
		if !(from.IsZero() || m >= from.UTC().Format("2006-01")) || !(to.IsZero() || m <= to.UTC().Format("2006-01")) {
			continue
		}
		for _, e := range months[m] {
			if seen[e.ID] {
				continue // in two months: two updates that moved it crossed
			}
			seen[e.ID] = true
			if (from.IsZero() || !e.Start.Before(from)) && (to.IsZero() || e.Start.Before(to)) {
				out = append(out, e)
			}
		}
	}
	return out, h.Gen, true, nil
}

// byIDs reads the documents of ids in one query (`_id: {$in: ids}`), in
// no order. The embedded store decodes the whole collection for it (only
// `_id` alone is pushed down: docs/STORE.md), so it serves the index's
// months, a small collection read again only when the head's gen moves.
func byIDs[D any](ctx context.Context, c *store.Coll[D], ids []string) ([]D, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return c.List(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, store.Find{})
}

// indexPage is how many archived sessions a step of the index's backfill
// reads.
const indexPage = 50

// BackfillIndex indexes the archive that existed before the index, in
// `_id` order, indexPage sessions a step (each read by `_id`), recording
// its position in the head after each step, until the archive ends (then
// the index is complete: lists read it) or ctx is done. Indexing a session
// twice is harmless, so a walk cut short resumes safely. A session archived
// or updated meanwhile is indexed by its own write; one the walk read
// before such a write and indexed after it is named in sessions_book_due
// by that write, and SyncBooks indexes it again.
func (s *Store) BackfillIndex(ctx context.Context) error {
	h, err := s.head.Get(ctx, headID)
	if err != nil && errs.KindOf(err) != errs.NotFound {
		return err
	}
	if h.Done {
		return nil
	}
	var ids []string
	err = s.archive.Each(ctx, nil, store.Find{Projection: bson.D{{Key: "_id", Value: 1}}}, func(d sessionDoc) error {
		ids = append(ids, d.ID)
		return nil
	})
	if err != nil {
		return err
	}
	slices.Sort(ids)
	after := h.After
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		i, _ := slices.BinarySearch(ids, after)
		if i < len(ids) && ids[i] == after {
			i++
		}
		page := ids[i:min(i+indexPage, len(ids))]
		docs, err := s.archive.GetMany(ctx, page)
		if err != nil {
			return err
		}
		xs := make([]Session, 0, len(docs))
		for _, d := range docs {
			xs = append(xs, d.toSession())
		}
		if err := s.putIndex(ctx, xs...); err != nil {
			return err
		}
		if len(page) > 0 {
			after = page[len(page)-1]
		}
		end := i+len(page) >= len(ids)
		if _, err := s.head.Apply(ctx, headID, func(h *indexHead, _ bool) error {
			h.ID, h.After, h.Done = headID, after, end
			return nil
		}); err != nil {
			return err
		}
		if end {
			s.indexComplete.Store(true)
			return nil
		}
	}
}
