package accounts

import (
	"context"
	"errors"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/store"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Collections owned by this module.
const (
	usersColl    = "users"
	sessionsColl = "auth_sessions"
	throttleColl = "login_throttle"
)

// Store is the accounts store on MongoDB.
type Store struct {
	db *mongo.Database
}

// NewStore returns the store on db.
func NewStore(db *mongo.Database) *Store { return &Store{db: db} }

// Indexes are the indexes this module needs.
func Indexes() []store.Index {
	return []store.Index{
		{Collection: usersColl, Keys: bson.D{{Key: "email", Value: 1}}, Unique: true, Name: "email_unique"},
		{Collection: usersColl, Keys: bson.D{{Key: "collaborator_id", Value: 1}}, Name: "collaborator"},
		{Collection: sessionsColl, Keys: bson.D{{Key: "user_id", Value: 1}}, Name: "user"},
	}
}

type userDoc struct {
	ID             string    `bson:"_id"`
	Email          string    `bson:"email"`
	Role           string    `bson:"role"`
	CollaboratorID string    `bson:"collaborator_id,omitempty"`
	Language       string    `bson:"language,omitempty"`
	PasswordHash   string    `bson:"password_hash"`
	CreatedAt      time.Time `bson:"created_at"`
	UpdatedAt      time.Time `bson:"updated_at"`
}

func toUserDoc(u User) userDoc {
	return userDoc{ID: u.ID, Email: u.Email, Role: u.Role, CollaboratorID: u.CollaboratorID, Language: u.Language,
		PasswordHash: u.PasswordHash, CreatedAt: u.CreatedAt, UpdatedAt: u.CreatedAt}
}

func (d userDoc) toUser() User {
	return User{ID: d.ID, Email: d.Email, Role: d.Role, CollaboratorID: d.CollaboratorID, Language: d.Language,
		PasswordHash: d.PasswordHash, CreatedAt: d.CreatedAt}
}

type sessionDoc struct {
	ID             string    `bson:"_id"`
	UserID         string    `bson:"user_id"`
	Email          string    `bson:"email"`
	Role           string    `bson:"role"`
	CollaboratorID string    `bson:"collaborator_id,omitempty"`
	Language       string    `bson:"language,omitempty"`
	CreatedAt      time.Time `bson:"created_at"`
	ExpiresAt      time.Time `bson:"expires_at"`
}

// throttleDoc is one throttle key's failures: `client:<client>` or
// `account:<client> <email>`.
type throttleDoc struct {
	Key          string    `bson:"_id"`
	Failures     int       `bson:"failures"`
	LockedUntil  time.Time `bson:"locked_until"`
	LastFailedAt time.Time `bson:"last_failed_at"`
}

// InsertUser stores a new user. Errors: errs.Conflict when the email is taken.
func (s *Store) InsertUser(ctx context.Context, u User) error {
	_, err := s.db.Collection(usersColl).InsertOne(ctx, toUserDoc(u))
	if store.IsDuplicate(err) {
		return &errs.Error{Kind: errs.Conflict, Message: "an account with this email already exists",
			Fields: []errs.FieldError{{Field: "email", Message: "is already taken"}}}
	}
	return err
}

// InsertUsers stores many new users at once (the demo network).
func (s *Store) InsertUsers(ctx context.Context, us []User) error {
	docs := make([]any, len(us))
	for i, u := range us {
		docs[i] = toUserDoc(u)
	}
	_, err := s.db.Collection(usersColl).InsertMany(ctx, docs)
	if store.IsDuplicate(err) {
		return errs.E(errs.Conflict, "an account with one of these emails already exists")
	}
	return err
}

// UserByEmail finds a user. Errors: errs.NotFound.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	return s.findUser(ctx, bson.D{{Key: "email", Value: email}})
}

// UserByID finds a user. Errors: errs.NotFound.
func (s *Store) UserByID(ctx context.Context, id string) (User, error) {
	return s.findUser(ctx, bson.D{{Key: "_id", Value: id}})
}

func (s *Store) findUser(ctx context.Context, filter bson.D) (User, error) {
	var d userDoc
	err := s.db.Collection(usersColl).FindOne(ctx, filter).Decode(&d)
	if store.IsNotFound(err) {
		return User{}, errs.E(errs.NotFound, "no such user")
	}
	return d.toUser(), err
}

// Users lists every user, by email.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	cur, err := s.db.Collection(usersColl).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "email", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var docs []userDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]User, len(docs))
	for i, d := range docs {
		out[i] = d.toUser()
	}
	return out, nil
}

// SetPasswordHash replaces a user's password hash.
func (s *Store) SetPasswordHash(ctx context.Context, id, hash string, now time.Time) error {
	return s.updateUser(ctx, id, bson.D{{Key: "password_hash", Value: hash}, {Key: "updated_at", Value: now}})
}

// SetRole changes a user's role.
func (s *Store) SetRole(ctx context.Context, id, role string, now time.Time) error {
	return s.updateUser(ctx, id, bson.D{{Key: "role", Value: role}, {Key: "updated_at", Value: now}})
}

func (s *Store) updateUser(ctx context.Context, id string, set bson.D) error {
	res, err := s.db.Collection(usersColl).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: set}})
	if err != nil {
		return err
	}
	if res.MatchedCount == 0 {
		return errs.E(errs.NotFound, "no such user")
	}
	return nil
}

// InsertSession stores a session.
func (s *Store) InsertSession(ctx context.Context, se Session) error {
	_, err := s.db.Collection(sessionsColl).InsertOne(ctx, sessionDoc(se))
	return err
}

// SessionByID finds a session by the hash of its token. Errors: errs.NotFound.
func (s *Store) SessionByID(ctx context.Context, id string) (Session, error) {
	var d sessionDoc
	err := s.db.Collection(sessionsColl).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if store.IsNotFound(err) {
		return Session{}, errs.E(errs.NotFound, "no such session")
	}
	return Session(d), err
}

// DeleteSession removes one session.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	_, err := s.db.Collection(sessionsColl).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return err
}

// DeleteUserSessions removes a user's sessions except keep (may be empty),
// and any of theirs that expired.
func (s *Store) DeleteUserSessions(ctx context.Context, userID, keep string) error {
	filter := bson.D{{Key: "user_id", Value: userID}}
	if keep != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$ne", Value: keep}}})
	}
	_, err := s.db.Collection(sessionsColl).DeleteMany(ctx, filter)
	return err
}

// ThrottleOf returns the failure record of a key (zero when none).
func (s *Store) ThrottleOf(ctx context.Context, key string) (Throttle, error) {
	var d throttleDoc
	err := s.db.Collection(throttleColl).FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&d)
	if store.IsNotFound(err) {
		return Throttle{Key: key}, nil
	}
	return Throttle(d), err
}

// RecordFailure atomically counts one failed sign-in under key and sets the
// lock that lockFor gives the new count, restarting the count when the last
// failure is older than ThrottleForget. Several processes may count at once:
// each failure is one $inc on the document.
func (s *Store) RecordFailure(ctx context.Context, key string, now time.Time, lockFor func(failures int) time.Duration) (Throttle, error) {
	coll := s.db.Collection(throttleColl)
	// Forget an old streak first, so the count below starts again at one.
	_, err := coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "last_failed_at", Value: bson.D{{Key: "$lt", Value: now.Add(-ThrottleForget)}}}})
	if err != nil {
		return Throttle{}, err
	}
	var d throttleDoc
	for attempt := 0; ; attempt++ {
		err = coll.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: key}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: "failures", Value: 1}}}, {Key: "$set", Value: bson.D{{Key: "last_failed_at", Value: now}}}},
			options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&d)
		// Two first failures at once both try to insert; the loser retries
		// and now finds the document to increment.
		if err == nil || !store.IsDuplicate(err) || attempt == 3 {
			break
		}
	}
	if err != nil {
		return Throttle{}, err
	}
	if lock := lockFor(d.Failures); lock > 0 {
		d.LockedUntil = now.Add(lock)
		_, err = coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "failures", Value: d.Failures}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "locked_until", Value: d.LockedUntil}}}})
	}
	return Throttle(d), err
}

// ClearThrottle forgets a key's failures (an account's for one client,
// after a successful sign-in from it).
func (s *Store) ClearThrottle(ctx context.Context, key string) error {
	_, err := s.db.Collection(throttleColl).DeleteOne(ctx, bson.D{{Key: "_id", Value: key}})
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return err
	}
	return nil
}

// PurgeThrottles removes the failure records whose last failure is older
// than ThrottleForget before now: their count would restart anyway and
// their lock has run out (MaxLock < ThrottleForget). Records are one per
// client and per account tried from a client, so without this the
// collection grows with every address that ever mistyped.
func (s *Store) PurgeThrottles(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.db.Collection(throttleColl).DeleteMany(ctx, bson.D{{Key: "last_failed_at", Value: bson.D{{Key: "$lt", Value: now.Add(-ThrottleForget)}}}})
	if err != nil {
		return 0, err
	}
	return res.DeletedCount, nil
}
