// Package ledger keeps, per person, the dated entries a module records
// about them — an attendance mark, a graded attempt — in one document per
// person, so that "what did this person do" is one read by `_id` however
// large the archive the entries came from grows. A book is bounded: it
// keeps a person's newest Max entries.
//
// A book written only from now on would not know the past, so each book
// has a backfill: a resumable walk over the module's archive that writes
// the entries it finds, recording how far it got. Until it has finished,
// Complete says false and readers take the old path.
package ledger

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/store"
	"github.com/ctvacademy/academy/modules/platform/versioned"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Entry is one dated record about a person. Key identifies it within the
// person's book: a second Put with the same key replaces it.
type Entry interface {
	LedgerKey() string
	LedgerTime() time.Time
}

// Book is one collection of per-person documents holding entries of type E.
type Book[E Entry] struct {
	name      string
	max       int
	people    *store.Coll[page[E]]
	backfills *store.Coll[progress]
	complete  atomic.Bool
	// versions counts the writes of a counted book (Counted, Keep); kept
	// serves Keep (nil: every Of reads the store).
	versions *store.Counter
	counted  bool
	kept     *versioned.Cache[*kept[E]]
}

// page is one person's entries, oldest first.
type page[E Entry] struct {
	ID      string `bson:"_id"`
	Rev     int64  `bson:"rev"`
	Entries []E    `bson:"entries"`
}

// progress is how far a book's backfill got.
type progress struct {
	ID    string    `bson:"_id"`
	After string    `bson:"after"`
	Done  bool      `bson:"done"`
	At    time.Time `bson:"at"`
}

// BackfillsColl holds every book's backfill progress.
const BackfillsColl = "ledger_backfills"

// VersionsColl holds the write count of each counted book (Counted, Keep),
// one document per book (`_id`: its collection).
const VersionsColl = "ledger_versions"

// kept is the copy of people's entries a kept book holds.
type kept[E Entry] struct {
	mu     sync.Mutex
	people map[string][]E
	max    int
	// gen moves with every entry dropped for a write: a read of the store
	// begun before keeps nothing (it may have read the book before the write).
	gen uint64
}

func (k *kept[E]) get(person string) ([]E, uint64, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	es, ok := k.people[person]
	return es, k.gen, ok
}

func (k *kept[E]) put(person string, es []E, gen uint64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if gen != k.gen {
		return
	}
	if len(k.people) >= k.max {
		clear(k.people)
	}
	k.people[person] = es
}

func (k *kept[E]) forget(person string) *kept[E] {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.people, person)
	k.gen++
	return k
}

// New returns the book kept in collection name of db, keeping the newest
// max entries per person.
func New[E Entry](db *mongo.Database, name string, max int) *Book[E] {
	return &Book[E]{name: name, max: max,
		people:    store.NewColl[page[E]](db, name, "person's record"),
		backfills: store.NewColl[progress](db, BackfillsColl, "backfill"),
		versions:  store.NewCounter(db, VersionsColl, name)}
}

// Keep makes Of answer from a copy, held in the process, of the entries
// it read of up to people persons, trusted while the book's version
// stands: every write of the book by Put, Add or Remove counts in the
// book's version document after it, and Of reads that count at most once
// per fresh (versioned.Cache). A write by this process is seen at once
// (only that person's copy is dropped, unless another write was counted
// in between: then all are); one by another process sharing the store
// within fresh. Each write costs one more command. Call it before the
// book is used.
func (b *Book[E]) Keep(people int, fresh time.Duration) *Book[E] {
	b.counted = true
	b.kept = versioned.New(b.version, func(context.Context) (*kept[E], error) {
		return &kept[E]{people: map[string][]E{}, max: people}, nil
	}, fresh)
	return b
}

// Counted makes every write of the book by Put, Add or Remove count in
// the book's version document after it (one more command per write), as
// Keep does, without keeping a copy: Version then moves with each write,
// from this process or another sharing the store, so a reader of All can
// keep what it computed by it. Call it before the book is used.
func (b *Book[E]) Counted() *Book[E] {
	b.counted = true
	return b
}

// Version is the book's write count (0 before the first), one read by
// `_id`; it moves only for a counted book (Counted, Keep). A copy of All
// read after a Version stands for at least that version: kept by it, a
// write counted later moves the number and the copy is read again.
func (b *Book[E]) Version(ctx context.Context) (int64, error) {
	return b.version(ctx)
}

// version is the book's write count (0 before the first).
func (b *Book[E]) version(ctx context.Context) (int64, error) { return b.versions.Value(ctx) }

// wrote counts a write of person's entries, when the book is counted,
// and brings a kept copy along.
func (b *Book[E]) wrote(ctx context.Context, person string) error {
	if !b.counted {
		return nil
	}
	v, err := b.versions.Bump(ctx)
	if b.kept == nil {
		return err
	}
	if err != nil {
		b.kept.Invalidate()
		return err
	}
	b.kept.Changed(v, func(k *kept[E]) *kept[E] { return k.forget(person) })
	return nil
}

// Name is the book's collection.
func (b *Book[E]) Name() string { return b.name }

// Put records entries about person: each replaces the one with its key,
// the book stays in time order and keeps the newest entries.
func (b *Book[E]) Put(ctx context.Context, person string, es ...E) error {
	if len(es) == 0 {
		return nil
	}
	wrote := false
	_, err := b.people.Apply(ctx, person, func(p *page[E], _ bool) error {
		p.ID = person
		changed := false
		for _, e := range es {
			mine := func(x E) bool { return x.LedgerKey() == e.LedgerKey() }
			if i := slices.IndexFunc(p.Entries, mine); i >= 0 && same(p.Entries[i], e) &&
				!slices.ContainsFunc(p.Entries[i+1:], mine) {
				continue
			}
			// Add may have left two entries of a key: none stays.
			p.Entries = slices.DeleteFunc(p.Entries, mine)
			p.Entries = append(p.Entries, e)
			changed = true
		}
		if !changed {
			return store.ErrUnchanged
		}
		p.Entries = b.bounded(p.Entries)
		wrote = true
		return nil
	})
	if err != nil || !wrote {
		return err
	}
	return b.wrote(ctx, person)
}

// Add records one entry about person in one store command (an
// `$addToSet` by `_id`, the book created on its first entry), where Put
// reads the book and writes it back. Adding the same entry again changes
// nothing. It neither replaces an entry of the same key nor sorts nor
// trims the book: Of reads the last entry added for a key, in time order,
// the newest Max; the next Put stores the book so. It is for the entry a
// new event writes (a grading), which the book does not hold yet, or
// holds as this same entry (a grading completed again after a crash).
func (b *Book[E]) Add(ctx context.Context, person string, e E) error {
	if _, err := b.people.Change(ctx, person, bson.D{{Key: "$addToSet", Value: bson.D{{Key: "entries", Value: e}}}}, true); err != nil {
		return err
	}
	return b.wrote(ctx, person)
}

// Remove drops the entry key from person's book, if there.
func (b *Book[E]) Remove(ctx context.Context, person, key string) error {
	removed := false
	_, err := b.people.Update(ctx, person, func(p *page[E]) error {
		n := len(p.Entries)
		p.Entries = slices.DeleteFunc(p.Entries, func(x E) bool { return x.LedgerKey() == key })
		removed = len(p.Entries) < n
		if !removed {
			return store.ErrUnchanged
		}
		return nil
	})
	if isNotFound(err) || err == nil && !removed {
		return nil
	}
	if err != nil {
		return err
	}
	return b.wrote(ctx, person)
}

// Of returns person's entries, oldest first (none: empty).
func (b *Book[E]) Of(ctx context.Context, person string) ([]E, error) {
	var (
		k   *kept[E]
		gen uint64
	)
	if b.kept != nil {
		var err error
		if k, err = b.kept.Get(ctx); err != nil {
			return nil, err
		}
		es, g, ok := k.get(person)
		if ok {
			return slices.Clone(es), nil
		}
		gen = g
	}
	p, err := b.people.Get(ctx, person)
	if err != nil && !isNotFound(err) {
		return nil, err
	}
	out := []E{}
	if err == nil {
		out = b.bounded(lastOfEachKey(p.Entries))
	}
	if k != nil {
		k.put(person, slices.Clone(out), gen)
	}
	return out, nil
}

// All calls fn with every person's entries, oldest first, as Of would
// return them, reading the whole book in one pass (one find, decoded a
// person at a time) rather than one read per person: for reports over
// everyone. It does not use or fill a kept copy. An error from fn stops
// it and is returned.
func (b *Book[E]) All(ctx context.Context, fn func(person string, es []E) error) error {
	return b.people.Each(ctx, nil, store.Find{}, func(p page[E]) error {
		return fn(p.ID, b.bounded(lastOfEachKey(p.Entries)))
	})
}

// lastOfEachKey keeps, of entries with one key, the last (Add appends).
func lastOfEachKey[E Entry](es []E) []E {
	last := make(map[string]int, len(es))
	for i, e := range es {
		last[e.LedgerKey()] = i
	}
	if len(last) == len(es) {
		return es
	}
	out := es[:0:0]
	for i, e := range es {
		if last[e.LedgerKey()] == i {
			out = append(out, e)
		}
	}
	return out
}

// bounded sorts entries by time (then key) and keeps the newest max.
func (b *Book[E]) bounded(es []E) []E {
	slices.SortStableFunc(es, func(x, y E) int {
		if c := x.LedgerTime().Compare(y.LedgerTime()); c != 0 {
			return c
		}
		return strings.Compare(x.LedgerKey(), y.LedgerKey())
	})
	if b.max > 0 && len(es) > b.max {
		es = es[len(es)-b.max:]
	}
	return es
}

// Owned is an entry with the person it is about, as a backfill finds it.
type Owned[E Entry] struct {
	Person string
	Entry  E
}

// Source reads the archive a book is backfilled from, in a stable order:
// the entries of the next few records after position after ("" is the
// start), the position to continue from, and whether that was the end.
type Source[E Entry] func(ctx context.Context, after string) (found []Owned[E], next string, end bool, err error)

// Complete reports whether the book's backfill has finished, so that the
// book alone answers for the past. Once true it stays true.
func (b *Book[E]) Complete(ctx context.Context) (bool, error) {
	if b.complete.Load() {
		return true, nil
	}
	p, err := b.backfills.Get(ctx, b.name)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if p.Done {
		b.complete.Store(true)
	}
	return p.Done, nil
}

// Backfill walks src from where the last walk stopped, writing what it
// finds and recording its position after each step, until src ends or ctx
// is done; at the end the book is Complete. Writing an entry twice is
// harmless (Put replaces by key), so a walk cut short anywhere resumes
// safely. clock stamps the progress record.
func (b *Book[E]) Backfill(ctx context.Context, src Source[E], now func() time.Time) error {
	if done, err := b.Complete(ctx); err != nil || done {
		return err
	}
	p, err := b.backfills.Get(ctx, b.name)
	if err != nil && !isNotFound(err) {
		return err
	}
	after := p.After
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		found, next, end, err := src(ctx, after)
		if err != nil {
			return err
		}
		byPerson := map[string][]E{}
		var order []string
		for _, o := range found {
			if _, seen := byPerson[o.Person]; !seen {
				order = append(order, o.Person)
			}
			byPerson[o.Person] = append(byPerson[o.Person], o.Entry)
		}
		for _, person := range order {
			if err := b.Put(ctx, person, byPerson[person]...); err != nil {
				return err
			}
		}
		after = next
		if err := b.backfills.Put(ctx, b.name, progress{ID: b.name, After: after, Done: end, At: now()}); err != nil {
			return err
		}
		if end {
			b.complete.Store(true)
			return nil
		}
	}
}

func isNotFound(err error) bool { return errs.KindOf(err) == errs.NotFound }

// same reports whether two entries are equal (times compared as instants,
// whatever their location).
func same[E Entry](x, y E) bool {
	return x.LedgerTime().Equal(y.LedgerTime()) && reflect.DeepEqual(normal(x), normal(y))
}

// normal is e as the store gives it back (times in UTC, to the
// millisecond), so that an entry read back equals the one written.
func normal[E Entry](e E) E {
	b, err := bson.Marshal(e)
	if err != nil {
		return e
	}
	var out E
	if bson.Unmarshal(b, &out) != nil {
		return e
	}
	return out
}
