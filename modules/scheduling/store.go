package scheduling

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/ledger"
	"github.com/ctvacademy/academy/modules/platform/store"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Collections owned by this module.
const (
	sessionsColl = "sessions"
	archiveColl  = "sessions_archive"
	tokensColl   = "rsvp_tokens"
	// bookDueColl names the archived sessions whose entries may be
	// missing from the attendance books.
	bookDueColl = "sessions_book_due"
	// indexColl (session_index.go) indexes sessions_archive for lists.
)

// ArchiveAfter is how long after its end a session stays in the live
// collection. Then the archive job moves it to sessions_archive, where a
// read by `_id` still finds it and an edit (a late attendance mark) still
// works, but the queries of the calendar, the reminders, the conflict check
// and the catch-up job — filters the embedded store evaluates by decoding
// every document of the collection — no longer pay for years of history
// (docs/STORE.md).
const ArchiveAfter = 30 * 24 * time.Hour

// Store is the scheduling store: live sessions, archived ones and the
// RSVP tokens.
type Store struct {
	live, archive *store.Coll[sessionDoc]
	tokens        *store.Coll[Token]
	book          *ledger.Book[AttendanceEntry]
	due           *store.Coll[dueDoc]
	head          *store.Coll[indexHead]
	months        *store.Coll[monthDoc]
	indexComplete atomic.Bool
	idx           indexCache
	syncedMu      sync.Mutex
	syncedRev     map[string]int64 // follow and remember
}

// NewStore returns the store on db.
func NewStore(db *mongo.Database) *Store {
	return &Store{live: store.NewColl[sessionDoc](db, sessionsColl, "session"),
		archive:   store.NewColl[sessionDoc](db, archiveColl, "session"),
		tokens:    store.NewColl[Token](db, tokensColl, "invitation"),
		book:      ledger.New[AttendanceEntry](db, attendanceBookColl, bookMax).Keep(bookKept, time.Nanosecond),
		due:       store.NewColl[dueDoc](db, bookDueColl, "session"),
		head:      store.NewColl[indexHead](db, indexColl, "session index"),
		months:    store.NewColl[monthDoc](db, indexColl, "session index"),
		syncedRev: map[string]int64{}}
}

// Indexes are the indexes this module needs.
func Indexes() []store.Index {
	return []store.Index{
		{Collection: sessionsColl, Keys: bson.D{{Key: "starts_at", Value: 1}, {Key: "area_code", Value: 1}}, Name: "starts_area"},
		{Collection: sessionsColl, Keys: bson.D{{Key: "series_id", Value: 1}, {Key: "starts_at", Value: 1}}, Name: "series"},
		{Collection: archiveColl, Keys: bson.D{{Key: "starts_at", Value: 1}, {Key: "area_code", Value: 1}}, Name: "starts_area"},
		{Collection: archiveColl, Keys: bson.D{{Key: "series_id", Value: 1}, {Key: "starts_at", Value: 1}}, Name: "series"},
	}
}

// sessionDoc is a session as stored: its invitations and marks are
// strings in Inv and Att, one each (invitationString, markString), in the
// form Enc names — the embedded store decodes a document value by value,
// so a session's many invitees cost one value each instead of six
// (docs/STORE.md). Sessions written before keep OldInvitations and
// OldAttendance as sub-documents, read as before and rewritten compactly
// by their next update.
type sessionDoc struct {
	Session        `bson:",inline"`
	Enc            int          `bson:"enc"` // 0 (written before it was recorded) or compactV1
	Inv            []string     `bson:"inv"`
	Att            []string     `bson:"att"`
	OldInvitations []Invitation `bson:"invitations,omitempty"`
	OldAttendance  []Mark       `bson:"attendance,omitempty"`
}

func toDoc(s Session) sessionDoc {
	d := sessionDoc{Session: s, Enc: compactV1, Inv: make([]string, 0, len(s.Invitations)), Att: make([]string, 0, len(s.Attendance))}
	for _, i := range s.Invitations {
		d.Inv = append(d.Inv, invitationString(i))
	}
	for _, m := range s.Attendance {
		d.Att = append(d.Att, markString(m))
	}
	return d
}

func (d sessionDoc) toSession() Session {
	s := d.Session
	s.StartsAt, s.EndsAt = s.StartsAt.UTC(), s.EndsAt.UTC()
	s.Invitations, s.Attendance = nil, nil
	for _, i := range d.OldInvitations {
		i.InvitedAt, i.RespondedAt, i.WaitlistedAt = i.InvitedAt.UTC(), i.RespondedAt.UTC(), i.WaitlistedAt.UTC()
		s.Invitations = append(s.Invitations, i)
	}
	for _, m := range d.OldAttendance {
		m.MarkedAt = m.MarkedAt.UTC()
		s.Attendance = append(s.Attendance, m)
	}
	for _, x := range d.Inv {
		s.Invitations = append(s.Invitations, parseInvitation(x))
	}
	for _, x := range d.Att {
		s.Attendance = append(s.Attendance, parseMark(x))
	}
	return s
}

// compactV1 is the form of Inv and Att that invitationString and
// markString write. A later form gets the next number and a reader for it.
const compactV1 = 1

// invitationString is "<collaborator>|<response>|<invited>|<responded>|
// <waitlisted>|<notified>[|w][|<failure>]", times in Unix milliseconds
// (empty when zero), "w" when withheld, the failure last (it may hold '|').
func invitationString(i Invitation) string {
	f := []string{i.CollaboratorID, i.Response, millis(i.InvitedAt), millis(i.RespondedAt), millis(i.WaitlistedAt), strconv.Itoa(i.Notified)}
	switch {
	case i.Failure != "" && i.Withheld:
		f = append(f, "w", i.Failure)
	case i.Failure != "":
		f = append(f, "", i.Failure)
	case i.Withheld:
		f = append(f, "w")
	}
	return strings.Join(f, "|")
}

func parseInvitation(s string) Invitation {
	f := strings.SplitN(s, "|", 8)
	for len(f) < 8 {
		f = append(f, "")
	}
	n, _ := strconv.Atoi(f[5])
	return Invitation{CollaboratorID: f[0], Response: f[1], InvitedAt: fromMillis(f[2]), RespondedAt: fromMillis(f[3]),
		WaitlistedAt: fromMillis(f[4]), Notified: n, Withheld: f[6] == "w", Failure: f[7]}
}

// markString is "<collaborator>|<status>|<marked>|<walk-in 0/1>|<by>".
func markString(m Mark) string {
	walkIn := "0"
	if m.WalkIn {
		walkIn = "1"
	}
	return strings.Join([]string{m.CollaboratorID, m.Status, millis(m.MarkedAt), walkIn, m.MarkedBy}, "|")
}

func parseMark(s string) Mark {
	f := strings.SplitN(s, "|", 5)
	for len(f) < 5 {
		f = append(f, "")
	}
	return Mark{CollaboratorID: f[0], Status: f[1], MarkedAt: fromMillis(f[2]), WalkIn: f[3] == "1", MarkedBy: f[4]}
}

func millis(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.FormatInt(t.UnixMilli(), 10)
}

func fromMillis(s string) time.Time {
	ms, err := strconv.ParseInt(s, 10, 64)
	if s == "" || err != nil {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// Insert stores new sessions.
func (s *Store) Insert(ctx context.Context, ss []Session) error {
	return insert(ctx, s.live, ss)
}

// InsertArchived stores sessions straight into the archive (history), and
// their entries in the archive's index (a load cut short between the two is
// loaded again, or indexed by a backfill not yet finished).
func (s *Store) InsertArchived(ctx context.Context, ss []Session) error {
	if err := insert(ctx, s.archive, ss); err != nil || len(ss) == 0 {
		return err
	}
	return s.putIndex(ctx, ss...)
}

func insert(ctx context.Context, c *store.Coll[sessionDoc], ss []Session) error {
	docs := make([]sessionDoc, len(ss))
	for i, x := range ss {
		docs[i] = toDoc(x)
	}
	dup, err := c.InsertMany(ctx, docs)
	if err == nil && len(dup) > 0 {
		err = fmt.Errorf("%w: %d of %d sessions", store.ErrDuplicate, len(dup), len(ss))
	}
	return err
}

// Get returns a session, live or archived. Errors: errs.NotFound.
func (s *Store) Get(ctx context.Context, id string) (Session, error) {
	for _, c := range []*store.Coll[sessionDoc]{s.live, s.archive} {
		d, err := c.Get(ctx, id)
		if errs.KindOf(err) == errs.NotFound {
			continue
		}
		return d.toSession(), err
	}
	return Session{}, errs.E(errs.NotFound, "no such session")
}

// Update applies fn to the current session, live or archived, and writes
// the result (store.Coll.Update: the rules live in fn, the atomicity
// there). A session the archive job moves meanwhile is found in the
// archive on the second look. The people's attendance books follow
// (Store.follow).
func (s *Store) Update(ctx context.Context, id string, fn func(*Session) error) (Session, error) {
	var bu bookUpdate
	var before Session
	apply := func(d *sessionDoc) error {
		before = d.toSession()
		x := d.toSession()
		if err := fn(&x); err != nil {
			return err
		}
		bu = newBookUpdate(before, &x, s.synced(id, before.Rev))
		*d = toDoc(x)
		return nil
	}
	d, err := s.live.Update(ctx, id, apply)
	archived := errs.KindOf(err) == errs.NotFound
	if archived {
		if _, err := s.archive.Get(ctx, id); err != nil {
			return Session{}, err // errs.NotFound: neither live nor archived
		}
		// The book's job looks at the archived sessions named here (it
		// never scans the archive): named before the write, so that a
		// crash after it leaves the name.
		if err := s.due.Put(ctx, id, dueDoc{ID: id}); err != nil {
			return Session{}, err
		}
		if d, err = s.archive.Update(ctx, id, apply); err != nil {
			// Nothing was written (the rules refused, or the session went).
			if _, derr := s.due.Delete(ctx, id); derr != nil {
				return Session{}, derr
			}
		}
	}
	if err != nil {
		return Session{}, err
	}
	if archived {
		if err := s.bumpIndex(ctx); err != nil {
			return Session{}, err
		}
	}
	x := d.toSession()
	if err := s.follow(ctx, &x, bu); err != nil {
		return x, fmt.Errorf("attendance book of session %s: %w", id, err)
	}
	if !archived {
		return x, nil
	}
	// An archived session is rarely written again: its flags are cleared
	// now, so that its name can go.
	if s.synced(id, x.Rev) && (x.BookDue || x.InvDue) {
		stored, err := s.clearDue(ctx, x, true)
		if err != nil {
			return x, err
		}
		x.BookDue, x.InvDue = stored.BookDue, stored.InvDue
	}
	if entryOf(before).String() != entryOf(x).String() {
		if err := s.reindex(ctx, before, x); err != nil {
			return x, fmt.Errorf("index of archived session %s: %w", id, err)
		}
	}
	// The name stays while the index's backfill may still write an entry
	// it read before this update: SyncBooks writes it again.
	if done, err := s.indexDone(ctx); err == nil && done && !x.BookDue && !x.InvDue {
		if _, err := s.due.Delete(ctx, id); err != nil {
			return x, err
		}
	}
	return x, nil
}

// apply is Coll.Update on the live session, else the archived one.
func (s *Store) apply(ctx context.Context, id string, fn func(*sessionDoc) error) (sessionDoc, error) {
	d, err := s.live.Update(ctx, id, fn)
	if errs.KindOf(err) == errs.NotFound {
		if d, err = s.archive.Update(ctx, id, fn); err == nil {
			err = s.bumpIndex(ctx)
		}
	}
	return d, err
}

// Archive moves a live session to the archive: a copy there first (which
// replaces one an interrupted move left), then the live document goes,
// only if unchanged meanwhile. It reports whether the session moved.
func (s *Store) Archive(ctx context.Context, id string) (bool, error) {
	d, err := s.live.Get(ctx, id)
	if errs.KindOf(err) == errs.NotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := s.archive.Put(ctx, id, d); err != nil {
		return false, err
	}
	// Indexed before it leaves the live collection: a list reads the live
	// sessions, then the index, and finds it in one or both.
	if err := s.putIndex(ctx, d.toSession()); err != nil {
		return false, err
	}
	s.forget(id)
	return s.live.DeleteUnchanged(ctx, id, d)
}

// Query selects sessions.
type Query struct {
	From, To time.Time // sessions starting in [From, To)
	AreaCode string    // with "all" sessions (no area) too
	SeriesID string
}

// Find lists live sessions by start time.
func (s *Store) Find(ctx context.Context, q Query) ([]Session, error) {
	return s.find(ctx, s.live, q)
}

// FindArchived lists archived sessions by start time.
func (s *Store) FindArchived(ctx context.Context, q Query) ([]Session, error) {
	return s.find(ctx, s.archive, q)
}

func (s *Store) find(ctx context.Context, c *store.Coll[sessionDoc], q Query) ([]Session, error) {
	out := []Session{}
	err := c.Each(ctx, q.filter(), store.Find{Sort: bson.D{{Key: "starts_at", Value: 1}}}, func(d sessionDoc) error {
		out = append(out, d.toSession())
		return nil
	})
	return out, err
}

func (q Query) filter() bson.D {
	f := bson.D{}
	if !q.From.IsZero() || !q.To.IsZero() {
		r := bson.D{}
		if !q.From.IsZero() {
			r = append(r, bson.E{Key: "$gte", Value: q.From})
		}
		if !q.To.IsZero() {
			r = append(r, bson.E{Key: "$lt", Value: q.To})
		}
		f = append(f, bson.E{Key: "starts_at", Value: r})
	}
	if q.AreaCode != "" {
		f = append(f, bson.E{Key: "area_code", Value: bson.D{{Key: "$in", Value: bson.A{q.AreaCode, nil}}}})
	}
	if q.SeriesID != "" {
		f = append(f, bson.E{Key: "series_id", Value: q.SeriesID})
	}
	return f
}

// Token is an RSVP token's record, keyed by the token's hash.
type Token struct {
	Hash           string    `bson:"_id"`
	SessionID      string    `bson:"session_id"`
	CollaboratorID string    `bson:"collaborator_id"`
	CreatedAt      time.Time `bson:"created_at"`
}

// PutTokens stores RSVP tokens; ones already there are kept.
func (s *Store) PutTokens(ctx context.Context, ts []Token) error {
	_, err := s.tokens.InsertMany(ctx, ts) // duplicates: kept
	return err
}

// Token finds an RSVP token by its hash. Errors: errs.NotFound.
func (s *Store) Token(ctx context.Context, hash string) (Token, error) {
	return s.tokens.Get(ctx, hash)
}
