package collaborators

import (
	"context"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/store"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Collections owned by this module.
const (
	areasColl         = "areas"
	collaboratorsColl = "collaborators"
	metaColl          = "meta"
	versionKey        = "collaborators"
)

// Store is the registry store on MongoDB.
type Store struct {
	db *mongo.Database
}

// NewStore returns the store on db.
func NewStore(db *mongo.Database) *Store { return &Store{db: db} }

// Indexes are the indexes this module needs.
func Indexes() []store.Index {
	return []store.Index{
		{Collection: collaboratorsColl, Keys: bson.D{{Key: "code", Value: 1}}, Unique: true, Name: "code_unique"},
		{Collection: collaboratorsColl, Keys: bson.D{{Key: "email", Value: 1}}, Unique: true, Name: "email_unique"},
		{Collection: collaboratorsColl, Keys: bson.D{{Key: "area_code", Value: 1}, {Key: "role", Value: 1}}, Name: "area_role"},
		{Collection: collaboratorsColl, Keys: bson.D{{Key: "import_id", Value: 1}}, Name: "import"},
	}
}

type contractDoc struct {
	Number           string `bson:"number"`
	StartsOn         string `bson:"starts_on"`
	EndsOn           string `bson:"ends_on"`
	Status           string `bson:"status"`
	QuarterlyStipend int64  `bson:"quarterly_stipend"`
}

type collaboratorDoc struct {
	ID        string      `bson:"_id"`
	Code      string      `bson:"code"`
	FullName  string      `bson:"full_name"`
	Email     string      `bson:"email"`
	Phone     string      `bson:"phone"`
	Role      string      `bson:"role"`
	AreaCode  string      `bson:"area_code"`
	Commune   string      `bson:"commune"`
	Position  string      `bson:"position"`
	Contract  contractDoc `bson:"contract"`
	Archived  bool        `bson:"archived"`
	Rev       int64       `bson:"rev"`
	ImportID  string      `bson:"import_id,omitempty"`
	CreatedAt time.Time   `bson:"created_at"`
	UpdatedAt time.Time   `bson:"updated_at"`
}

func toDoc(c Collaborator, rev int64, importID string, now time.Time) collaboratorDoc {
	return collaboratorDoc{ID: c.ID, Code: c.Code, FullName: c.FullName, Email: c.Email, Phone: c.Phone, Role: c.Role,
		AreaCode: c.AreaCode, Commune: c.Commune, Position: c.Position, Contract: contractDoc(c.Contract),
		Archived: c.Archived, Rev: rev, ImportID: importID, CreatedAt: now, UpdatedAt: now}
}

func (d collaboratorDoc) toCollaborator() Collaborator {
	return Collaborator{ID: d.ID, Code: d.Code, FullName: d.FullName, Email: d.Email, Phone: d.Phone, Role: d.Role,
		AreaCode: d.AreaCode, Commune: d.Commune, Position: d.Position, Contract: Contract(d.Contract), Archived: d.Archived}
}

type areaDoc struct {
	Code  string `bson:"_id"`
	Name  string `bson:"name"`
	Order int    `bson:"order"`
}

// Areas lists the district units in their set order.
func (s *Store) Areas(ctx context.Context) ([]Area, error) {
	cur, err := s.db.Collection(areasColl).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "order", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var docs []areaDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]Area, len(docs))
	for i, d := range docs {
		out[i] = Area{Code: d.Code, Name: d.Name}
	}
	return out, nil
}

// PutAreas stores the district units (upsert by code, keeping the order
// given), store.InsertChunk upserts a command: the embedded store never
// answers one bulk update of more than 100 upserts of existing documents
// (docs/STORE.md).
func (s *Store) PutAreas(ctx context.Context, areas []Area) error {
	models := make([]mongo.WriteModel, len(areas))
	for i, a := range areas {
		models[i] = mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: a.Code}}).
			SetReplacement(areaDoc{Code: a.Code, Name: a.Name, Order: i}).SetUpsert(true)
	}
	for start := 0; start < len(models); start += store.InsertChunk {
		if _, err := s.db.Collection(areasColl).BulkWrite(ctx, models[start:min(start+store.InsertChunk, len(models))]); err != nil {
			return err
		}
	}
	return nil
}

// All returns every collaborator, archived ones included.
func (s *Store) All(ctx context.Context) ([]Collaborator, error) {
	cur, err := s.db.Collection(collaboratorsColl).Find(ctx, bson.D{})
	if err != nil {
		return nil, err
	}
	var docs []collaboratorDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]Collaborator, len(docs))
	for i, d := range docs {
		out[i] = d.toCollaborator()
	}
	return out, nil
}

// Get returns one collaborator and its revision. Errors: errs.NotFound.
func (s *Store) Get(ctx context.Context, id string) (Collaborator, int64, error) {
	var d collaboratorDoc
	err := s.db.Collection(collaboratorsColl).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if store.IsNotFound(err) {
		return Collaborator{}, 0, errs.E(errs.NotFound, "no such collaborator")
	}
	return d.toCollaborator(), d.Rev, err
}

// Insert stores new collaborators, all tagged with importID when it is not
// empty. Errors: errs.Conflict when a code or email is taken.
func (s *Store) Insert(ctx context.Context, cs []Collaborator, importID string, now time.Time) error {
	docs := make([]any, len(cs))
	for i, c := range cs {
		docs[i] = toDoc(c, 1, importID, now)
	}
	_, err := s.db.Collection(collaboratorsColl).InsertMany(ctx, docs)
	return duplicateError(err)
}

// DeleteImport removes what a failed import inserted: the undo of an
// all-or-nothing import on a store without transactions.
func (s *Store) DeleteImport(ctx context.Context, importID string) error {
	_, err := s.db.Collection(collaboratorsColl).DeleteMany(ctx, bson.D{{Key: "import_id", Value: importID}})
	return err
}

// Replace writes c over the stored record when its revision is still rev.
// Errors: errs.Conflict when the record changed meanwhile or a unique field
// is taken; errs.NotFound.
func (s *Store) Replace(ctx context.Context, c Collaborator, rev int64, now time.Time) error {
	set := bson.D{
		{Key: "code", Value: c.Code}, {Key: "full_name", Value: c.FullName}, {Key: "email", Value: c.Email},
		{Key: "phone", Value: c.Phone}, {Key: "role", Value: c.Role}, {Key: "area_code", Value: c.AreaCode},
		{Key: "commune", Value: c.Commune}, {Key: "position", Value: c.Position},
		{Key: "contract", Value: contractDoc(c.Contract)}, {Key: "archived", Value: c.Archived},
		{Key: "rev", Value: rev + 1}, {Key: "updated_at", Value: now},
	}
	res, err := s.db.Collection(collaboratorsColl).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: c.ID}, {Key: "rev", Value: rev}}, bson.D{{Key: "$set", Value: set}})
	if err != nil {
		return duplicateError(err)
	}
	if res.MatchedCount == 0 {
		return errs.E(errs.Conflict, "the record changed meanwhile; reload and try again")
	}
	return nil
}

func duplicateError(err error) error {
	if err == nil || !store.IsDuplicate(err) {
		return err
	}
	field := "code"
	if strings.Contains(err.Error(), "email") {
		field = "email"
	}
	return &errs.Error{Kind: errs.Conflict, Message: "a collaborator with this " + field + " already exists",
		Fields: []errs.FieldError{{Field: field, Message: "is already registered"}}}
}

// Version returns the registry's version number, bumped on every write.
func (s *Store) Version(ctx context.Context) (int64, error) {
	var d struct {
		Version int64 `bson:"version"`
	}
	err := s.db.Collection(metaColl).FindOne(ctx, bson.D{{Key: "_id", Value: versionKey}}).Decode(&d)
	if store.IsNotFound(err) {
		return 0, nil
	}
	return d.Version, err
}

// Bump increments the registry's version so every process reloads it.
func (s *Store) Bump(ctx context.Context) error {
	_, err := s.db.Collection(metaColl).UpdateOne(ctx, bson.D{{Key: "_id", Value: versionKey}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}}, options.UpdateOne().SetUpsert(true))
	return err
}
