package certification

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/store"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Collections. A person's certificates are one document (`_id`: the
// collaborator), bounded by courses × revocations, so that a reconcile is
// one Update of one document: the per-person serialisation point. The
// codes collection answers a public verification in one `_id` read. The
// version document is bumped on every change, so that a process's copy of
// every person's certificates (the lists) is reread only when it changed.
const (
	peopleColl  = "certificates"
	codesColl   = "certificate_codes"
	versionColl = "certification_version"
	versionID   = "all"
	jobsColl    = "certification_jobs"
	dirtyColl   = "certification_dirty"
	// remindedColl is the insert-only ledger of the reminders whose mails
	// were all queued (`_id`: the reminder's key): a reminder is sent,
	// however late, until it is in the ledger, and never again after.
	remindedColl = "certification_reminders"
)

// remindedDoc records a reminder whose mails were queued.
type remindedDoc struct {
	ID string    `bson:"_id"`
	At time.Time `bson:"at"`
}

// dirtyDoc marks a person whose passes or attendance changed since their
// last reconcile: written before the person is reconciled, deleted after
// a successful reconcile only if no newer mark replaced it (Tok), so that
// the nightly job reconciles only the marked (and, weekly, everyone).
type dirtyDoc struct {
	ID  string    `bson:"_id"`
	Tok string    `bson:"tok"`
	At  time.Time `bson:"at"`
}

// Person is one collaborator's certificates.
type Person struct {
	ID    string        `bson:"_id"`
	Rev   int64         `bson:"rev"`
	Certs []Certificate `bson:"certs"`
}

// codeDoc points a verification code at its certificate.
type codeDoc struct {
	ID           string `bson:"_id"` // the code as ParseCode writes it
	Collaborator string `bson:"collaborator"`
	Cert         string `bson:"cert"`
}

// jobDoc remembers the last Vietnam day a daily job did its work.
type jobDoc struct {
	ID  string `bson:"_id"`
	Rev int64  `bson:"rev"`
	Day string `bson:"day"`
	// At is when the job's last successful run began.
	At time.Time `bson:"at,omitempty"`
}

// Store keeps the certificates.
type Store struct {
	people  *store.Coll[Person]
	codes   *store.Coll[codeDoc]
	version *store.Counter
	jobs    *store.Coll[jobDoc]
	dirty   *store.Coll[dirtyDoc]
	// reminded is the ledger of the reminders queued (remindedColl).
	reminded *store.Coll[remindedDoc]
}

// NewStore returns the certificates' store.
func NewStore(db *mongo.Database) *Store {
	return &Store{
		people:   store.NewColl[Person](db, peopleColl, "person's certificates"),
		codes:    store.NewColl[codeDoc](db, codesColl, "certificate"),
		version:  store.NewCounter(db, versionColl, versionID),
		jobs:     store.NewColl[jobDoc](db, jobsColl, "certification job"),
		dirty:    store.NewColl[dirtyDoc](db, dirtyColl, "certification mark"),
		reminded: store.NewColl[remindedDoc](db, remindedColl, "reminder sent"),
	}
}

// Of returns a person's certificates (none: an empty Person).
func (s *Store) Of(ctx context.Context, id string) (Person, error) {
	p, err := s.people.Get(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return Person{ID: id}, nil
	}
	return p, err
}

// Change applies fn to a person's certificates under the document's
// Update (the serialisation point of a person's writes); fn returns
// store.ErrUnchanged to write nothing. It reports whether it wrote.
func (s *Store) Change(ctx context.Context, id string, fn func(certs []Certificate) ([]Certificate, error)) (Person, bool, error) {
	wrote := false
	p, err := s.people.Apply(ctx, id, func(p *Person, found bool) error {
		wrote = false
		next, err := fn(p.Certs)
		if err != nil {
			return err
		}
		p.ID, p.Certs, wrote = id, next, true
		return nil
	})
	return p, wrote, err
}

// PutCode records where a verification code points (idempotent).
func (s *Store) PutCode(ctx context.Context, code Code, collaborator, cert string) error {
	return s.codes.Put(ctx, string(code), codeDoc{ID: string(code), Collaborator: collaborator, Cert: cert})
}

// Code returns whose certificate a code is. Errors: errs.NotFound.
func (s *Store) Code(ctx context.Context, code Code) (collaborator, cert string, err error) {
	d, err := s.codes.Get(ctx, string(code))
	return d.Collaborator, d.Cert, err
}

// All returns every person's certificates.
func (s *Store) All(ctx context.Context) ([]Person, error) {
	return s.people.List(ctx, bson.D{}, store.Find{})
}

// Version is the version document's count (0 before the first change).
func (s *Store) Version(ctx context.Context) (int64, error) { return s.version.Value(ctx) }

// Bump counts a change and returns the count it made.
func (s *Store) Bump(ctx context.Context) (int64, error) { return s.version.Bump(ctx) }

// ClaimDay records that the job name does its work on day; false when it
// already did (or another process claims it meanwhile).
func (s *Store) ClaimDay(ctx context.Context, name, day string) (bool, error) {
	claimed := false
	_, err := s.jobs.Apply(ctx, name, func(d *jobDoc, _ bool) error {
		if d.Day == day {
			claimed = false
			return store.ErrUnchanged
		}
		d.ID, d.Day, claimed = name, day, true
		return nil
	})
	return claimed, err
}

// ForgetDay undoes ClaimDay after a failed run, so that the next tick runs again.
func (s *Store) ForgetDay(ctx context.Context, name string) error {
	_, err := s.jobs.Delete(ctx, name)
	return err
}

// Mark records that a person needs a reconcile and returns the mark's
// token (for Unmark).
func (s *Store) Mark(ctx context.Context, id string, now time.Time) (string, error) {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	tok := hex.EncodeToString(b)
	return tok, s.dirty.Put(ctx, id, dirtyDoc{ID: id, Tok: tok, At: now})
}

// Unmark removes a person's mark if it is still the one with token tok.
func (s *Store) Unmark(ctx context.Context, id, tok string) error {
	_, err := s.dirty.DeleteWhere(ctx, bson.D{{Key: "_id", Value: id}, {Key: "tok", Value: tok}})
	return err
}

// Marked returns the marked people's ids and their marks' tokens (a small
// collection: the people changed since the last nightly run).
func (s *Store) Marked(ctx context.Context) (map[string]string, error) {
	ds, err := s.dirty.List(ctx, bson.D{}, store.Find{})
	out := make(map[string]string, len(ds))
	for _, d := range ds {
		out[d.ID] = d.Tok
	}
	return out, err
}

// Codes returns every verification code recorded (for the weekly repair).
func (s *Store) Codes(ctx context.Context) (map[Code]bool, error) {
	ds, err := s.codes.List(ctx, bson.D{}, store.Find{Projection: bson.D{{Key: "_id", Value: 1}}})
	out := make(map[Code]bool, len(ds))
	for _, d := range ds {
		out[Code(d.ID)] = true
	}
	return out, err
}

// HasCode reports whether a code's document exists.
func (s *Store) HasCode(ctx context.Context, code Code) (bool, error) {
	_, err := s.codes.Get(ctx, string(code))
	if errs.Is(err, errs.NotFound) {
		return false, nil
	}
	return err == nil, err
}

// Reminded returns the keys of the reminders whose mails were all queued.
func (s *Store) Reminded(ctx context.Context) (map[string]bool, error) {
	ds, err := s.reminded.List(ctx, bson.D{}, store.Find{Projection: bson.D{{Key: "_id", Value: 1}}})
	out := make(map[string]bool, len(ds))
	for _, d := range ds {
		out[d.ID] = true
	}
	return out, err
}

// Remember records that the mails of the reminder key were all queued
// (again: nothing changes).
func (s *Store) Remember(ctx context.Context, key string, at time.Time) error {
	err := s.reminded.Insert(ctx, remindedDoc{ID: key, At: at})
	if errors.Is(err, store.ErrDuplicate) {
		return nil
	}
	return err
}

// LastRun is when the job name's last successful run began (zero: never).
func (s *Store) LastRun(ctx context.Context, name string) (time.Time, error) {
	d, err := s.jobs.Get(ctx, name)
	if errs.Is(err, errs.NotFound) {
		return time.Time{}, nil
	}
	return d.At, err
}

// Ran records that the job name's run that began at at succeeded.
func (s *Store) Ran(ctx context.Context, name string, at time.Time) error {
	_, err := s.jobs.Apply(ctx, name, func(d *jobDoc, _ bool) error {
		d.ID, d.At = name, at
		return nil
	})
	return err
}
