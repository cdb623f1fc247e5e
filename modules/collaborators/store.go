package collaborators

import (
	"context"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/store"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Collections owned by this module.
const (
	areasColl         = "areas"
	collaboratorsColl = "collaborators"
	metaColl          = "meta"
	versionKey        = "collaborators"
)

// Store is the registry store: district units, collaborators and the
// registry's version number.
type Store struct {
	areas    *store.Coll[Area]
	areaDocs *store.Coll[areaDoc]
	people   *store.Coll[Collaborator]    // reads: the record as the service sees it
	docs     *store.Coll[collaboratorDoc] // writes: the record with its import and dates
	meta     *store.Coll[versionDoc]
}

// NewStore returns the registry store on db.
func NewStore(db *mongo.Database) *Store {
	return &Store{
		areas:    store.NewColl[Area](db, areasColl, "district unit"),
		areaDocs: store.NewColl[areaDoc](db, areasColl, "district unit"),
		people:   store.NewColl[Collaborator](db, collaboratorsColl, "collaborator"),
		docs:     store.NewColl[collaboratorDoc](db, collaboratorsColl, "collaborator"),
		meta:     store.NewColl[versionDoc](db, metaColl, "version"),
	}
}

// Indexes are the registry's indexes: codes and emails are unique, a
// district's people and an import's records are found by index.
func Indexes() []store.Index {
	return []store.Index{
		{Collection: collaboratorsColl, Keys: bson.D{{Key: "code", Value: 1}}, Unique: true, Name: "code_unique"},
		{Collection: collaboratorsColl, Keys: bson.D{{Key: "email", Value: 1}}, Unique: true, Name: "email_unique"},
		{Collection: collaboratorsColl, Keys: bson.D{{Key: "area_code", Value: 1}, {Key: "role", Value: 1}}, Name: "area_role"},
		{Collection: collaboratorsColl, Keys: bson.D{{Key: "import_id", Value: 1}}, Name: "import"},
	}
}

// collaboratorDoc is a stored collaborator: the record, the import that
// created it (undone together when the import fails) and its dates. Its
// "rev" is the store handle's.
type collaboratorDoc struct {
	Collaborator `bson:",inline"`
	ImportID     string    `bson:"import_id,omitempty"`
	CreatedAt    time.Time `bson:"created_at"`
	UpdatedAt    time.Time `bson:"updated_at"`
}

// areaDoc is a stored district unit and its place in the set order.
type areaDoc struct {
	Area  `bson:",inline"`
	Order int `bson:"order"`
}

type versionDoc struct {
	Version int64 `bson:"version"`
}

// Areas lists the district units in their set order.
func (s *Store) Areas(ctx context.Context) ([]Area, error) {
	return s.areas.List(ctx, nil, store.Find{Sort: bson.D{{Key: "order", Value: 1}}})
}

// PutAreas stores the district units (replace or create by code, one write
// by `_id` each), keeping the order given.
func (s *Store) PutAreas(ctx context.Context, areas []Area) error {
	for i, a := range areas {
		if err := s.areaDocs.Put(ctx, a.Code, areaDoc{Area: a, Order: i}); err != nil {
			return err
		}
	}
	return nil
}

// All returns every collaborator, archived ones included.
func (s *Store) All(ctx context.Context) ([]Collaborator, error) {
	return s.people.List(ctx, nil, store.Find{})
}

// Get returns one collaborator. Errors: errs.NotFound.
func (s *Store) Get(ctx context.Context, id string) (Collaborator, error) {
	return s.people.Get(ctx, id)
}

// Insert stores new collaborators, all tagged with importID when it is not
// empty. Errors: errs.Conflict when a code or email is taken (the others
// are stored: DeleteImport undoes them).
func (s *Store) Insert(ctx context.Context, cs []Collaborator, importID string, now time.Time) error {
	docs := make([]collaboratorDoc, len(cs))
	for i, c := range cs {
		docs[i] = collaboratorDoc{Collaborator: c, ImportID: importID, CreatedAt: now, UpdatedAt: now}
	}
	dup, err := s.docs.InsertMany(ctx, docs)
	if err != nil || len(dup) == 0 {
		return err
	}
	first := len(docs)
	for i := range dup {
		first = min(first, i)
	}
	return s.conflict(ctx, store.ErrDuplicate, docs[first].Collaborator)
}

// DeleteImport removes what a failed import inserted: the undo of an
// all-or-nothing import on a store without transactions.
func (s *Store) DeleteImport(ctx context.Context, importID string) error {
	_, err := s.docs.DeleteWhere(ctx, bson.D{{Key: "import_id", Value: importID}})
	return err
}

// Update applies change to the stored record and writes it unless it
// changed meanwhile, applying change again to the new state when it did
// (store.Coll.Update); change may return store.ErrUnchanged. Errors:
// errs.NotFound, errs.Conflict when a unique field is taken.
func (s *Store) Update(ctx context.Context, id string, now time.Time, change func(*Collaborator) error) (Collaborator, error) {
	var next Collaborator
	d, err := s.docs.Update(ctx, id, func(d *collaboratorDoc) error {
		if err := change(&d.Collaborator); err != nil {
			return err
		}
		d.UpdatedAt = now
		next = d.Collaborator
		return nil
	})
	return d.Collaborator, s.conflict(ctx, err, next)
}

// conflict is the error a unique key's refusal of c means, naming the
// field taken (the embedded store's error does not name the index).
func (s *Store) conflict(ctx context.Context, err error, c Collaborator) error {
	if !store.IsDuplicate(err) {
		return err
	}
	if other, err := s.people.One(ctx, bson.D{{Key: "email", Value: c.Email}}); err == nil && other.ID != c.ID {
		return conflictOn("email")
	}
	return conflictOn("code")
}

// conflictOn is the error of a code or email registered already.
func conflictOn(field string) error {
	return &errs.Error{Kind: errs.Conflict, Message: "a collaborator with this " + field + " already exists",
		Fields: []errs.FieldError{{Field: field, Message: "is already registered"}}}
}

// Version returns the registry's version number, bumped on every write.
func (s *Store) Version(ctx context.Context) (int64, error) {
	d, err := s.meta.Get(ctx, versionKey)
	if errs.Is(err, errs.NotFound) {
		return 0, nil
	}
	return d.Version, err
}

// Bump increments the registry's version so every process reloads it.
func (s *Store) Bump(ctx context.Context) error {
	_, err := s.meta.Apply(ctx, versionKey, func(d *versionDoc, _ bool) error {
		d.Version++
		return nil
	})
	return err
}
