package accounts

import (
	"context"
	"slices"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/store"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Collections owned by this module.
const (
	usersColl    = "users"
	sessionsColl = "auth_sessions"
	throttleColl = "login_throttle"
)

// Store is the accounts store: users, sign-in sessions and the failure
// records of the login throttle.
type Store struct {
	users    *store.Coll[User]
	sessions *store.Coll[Session]
	throttle *store.Coll[Throttle]
	links    *store.Coll[Link]
}

// NewStore returns the accounts store on db.
func NewStore(db *mongo.Database) *Store {
	return &Store{
		users:    store.NewColl[User](db, usersColl, "user"),
		sessions: store.NewColl[Session](db, sessionsColl, "session"),
		throttle: store.NewColl[Throttle](db, throttleColl, "throttle record"),
		links:    store.NewColl[Link](db, linksColl, "set-password link"),
	}
}

// Indexes are the accounts' indexes: one account per email, the account
// of a collaborator and the sessions of a user found by index.
func Indexes() []store.Index {
	return []store.Index{
		{Collection: usersColl, Keys: bson.D{{Key: "email", Value: 1}}, Unique: true, Name: "email_unique"},
		{Collection: usersColl, Keys: bson.D{{Key: "collaborator_id", Value: 1}}, Name: "collaborator"},
		{Collection: sessionsColl, Keys: bson.D{{Key: "user_id", Value: 1}}, Name: "user"},
	}
}

// InsertUser stores a new user. Errors: errs.Conflict when the email is taken.
func (s *Store) InsertUser(ctx context.Context, u User) error {
	u.UpdatedAt = u.CreatedAt
	err := s.users.Insert(ctx, u)
	if store.IsDuplicate(err) {
		return &errs.Error{Kind: errs.Conflict, Message: "an account with this email already exists",
			Fields: []errs.FieldError{{Field: "email", Message: "is already taken"}}}
	}
	return err
}

// InsertUsers stores many new users at once (the demo network). Errors:
// errs.Conflict when an email is taken (the others are stored).
func (s *Store) InsertUsers(ctx context.Context, us []User) error {
	us = slices.Clone(us)
	for i := range us {
		us[i].UpdatedAt = us[i].CreatedAt
	}
	dup, err := s.users.InsertMany(ctx, us)
	if err == nil && len(dup) > 0 {
		return errs.E(errs.Conflict, "an account with one of these emails already exists")
	}
	return err
}

// UserByEmail finds a user. Errors: errs.NotFound.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	return s.users.One(ctx, bson.D{{Key: "email", Value: email}})
}

// UserByID finds a user. Errors: errs.NotFound.
func (s *Store) UserByID(ctx context.Context, id string) (User, error) { return s.users.Get(ctx, id) }

// Users lists every user, by email.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	return s.users.List(ctx, nil, store.Find{Sort: bson.D{{Key: "email", Value: 1}}})
}

// SetPasswordHash replaces a user's password hash. Errors: errs.NotFound.
func (s *Store) SetPasswordHash(ctx context.Context, id, hash string, now time.Time) error {
	return s.updateUser(ctx, id, now, func(u *User) { u.PasswordHash = hash })
}

// SetRole changes a user's role. Errors: errs.NotFound.
func (s *Store) SetRole(ctx context.Context, id, role string, now time.Time) error {
	return s.updateUser(ctx, id, now, func(u *User) { u.Role = role })
}

// SetLanguage sets the language of a user's mail. Errors: errs.NotFound.
func (s *Store) SetLanguage(ctx context.Context, id, lang string, now time.Time) error {
	return s.updateUser(ctx, id, now, func(u *User) { u.Language = lang })
}

func (s *Store) updateUser(ctx context.Context, id string, now time.Time, change func(*User)) error {
	_, err := s.users.Update(ctx, id, func(u *User) error {
		change(u)
		u.UpdatedAt = now
		return nil
	})
	return err
}

// InsertSession stores a session.
func (s *Store) InsertSession(ctx context.Context, se Session) error {
	return s.sessions.Insert(ctx, se)
}

// SessionByID finds a session by the hash of its token. Errors: errs.NotFound.
func (s *Store) SessionByID(ctx context.Context, id string) (Session, error) {
	return s.sessions.Get(ctx, id)
}

// DeleteSession removes one session.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	_, err := s.sessions.Delete(ctx, id)
	return err
}

// DeleteUserSessions removes a user's sessions except keep (may be empty),
// and any of theirs that expired.
func (s *Store) DeleteUserSessions(ctx context.Context, userID, keep string) error {
	filter := bson.D{{Key: "user_id", Value: userID}}
	if keep != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$ne", Value: keep}}})
	}
	_, err := s.sessions.DeleteWhere(ctx, filter)
	return err
}

// ThrottleOf returns the failure record of a key (zero when none).
func (s *Store) ThrottleOf(ctx context.Context, key string) (Throttle, error) {
	th, err := s.throttle.Get(ctx, key)
	if errs.Is(err, errs.NotFound) {
		return Throttle{Key: key}, nil
	}
	return th, err
}

// RecordFailure counts one failed sign-in under key and sets the lock that
// lockFor gives the new count, restarting the count when the last failure
// is older than ThrottleForget. Several processes may count at once: each
// failure is one update of the record (store.Coll.Apply), none is lost.
func (s *Store) RecordFailure(ctx context.Context, key string, now time.Time, lockFor func(failures int) time.Duration) (Throttle, error) {
	return s.throttle.Apply(ctx, key, func(th *Throttle, found bool) error {
		if !found || th.LastFailedAt.Before(now.Add(-ThrottleForget)) {
			*th = Throttle{Key: key}
		}
		th.Failures++
		th.LastFailedAt = now
		if lock := lockFor(th.Failures); lock > 0 {
			th.LockedUntil = now.Add(lock)
		}
		return nil
	})
}

// ClearThrottle forgets a key's failures (an account's for one client,
// after a successful sign-in from it).
func (s *Store) ClearThrottle(ctx context.Context, key string) error {
	_, err := s.throttle.Delete(ctx, key)
	return err
}

// PurgeThrottles removes the failure records whose last failure is older
// than ThrottleForget before now: their count would restart anyway and
// their lock has run out (MaxLock < ThrottleForget). Records are one per
// client and per account tried from a client, so without this the
// collection grows with every address that ever mistyped.
func (s *Store) PurgeThrottles(ctx context.Context, now time.Time) (int64, error) {
	n, err := s.throttle.DeleteWhere(ctx, bson.D{{Key: "last_failed_at", Value: bson.D{{Key: "$lt", Value: now.Add(-ThrottleForget)}}}})
	return int64(n), err
}
