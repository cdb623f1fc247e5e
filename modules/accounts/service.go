package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
)

// SessionTTL is how long a sign-in lasts.
const SessionTTL = 14 * 24 * time.Hour

// Auditor records changes.
type Auditor interface {
	Record(ctx context.Context, action, entity, entityID string, changes map[string]any) error
}

// Directory tells the district unit of a collaborator, for the row scope of
// team leaders, and whether the record is archived: an account linked to an
// archived collaborator can no longer sign in, and its sessions end. It is
// the collaborators module, handed in from cmd.
type Directory interface {
	Placement(ctx context.Context, collaboratorID string) (area string, archived bool, err error)
}

// UserStore is what the service needs from its store.
type UserStore interface {
	InsertUser(ctx context.Context, u User) error
	InsertUsers(ctx context.Context, us []User) error
	UserByEmail(ctx context.Context, email string) (User, error)
	UserByID(ctx context.Context, id string) (User, error)
	Users(ctx context.Context) ([]User, error)
	SetPasswordHash(ctx context.Context, id, hash string, now time.Time) error
	SetRole(ctx context.Context, id, role string, now time.Time) error
	SetLanguage(ctx context.Context, id, lang string, now time.Time) error
	InsertSession(ctx context.Context, s Session) error
	SessionByID(ctx context.Context, id string) (Session, error)
	DeleteSession(ctx context.Context, id string) error
	DeleteUserSessions(ctx context.Context, userID, keep string) error
	ThrottleOf(ctx context.Context, key string) (Throttle, error)
	RecordFailure(ctx context.Context, key string, now time.Time, lockFor func(failures int) time.Duration) (Throttle, error)
	ClearThrottle(ctx context.Context, key string) error
	PurgeThrottles(ctx context.Context, now time.Time) (int64, error)
}

// Deps are the service's collaborators.
type Deps struct {
	Store     UserStore
	Audit     Auditor
	Directory Directory
	Clock     clock.Clock
	// Params are the argon2id parameters; argon2id.DefaultParams when nil.
	Params *argon2id.Params
	// Set-password links (activation and reset); without Outbox and Mails
	// no links are made. Links is the Store when it is a LinkStore.
	Links   LinkStore
	Outbox  Outbox
	Mails   *Mails
	Roster  Roster
	BaseURL string
}

// Service manages accounts and sessions.
type Service struct {
	d         Deps
	dummyHash string
	// languageChanged, when set, hears of every language change this
	// process makes (the app's cache of the mail languages).
	languageChanged func(User)
}

// OnLanguageChange has f hear of every account whose language this process
// changes. Call it before serving.
func (s *Service) OnLanguageChange(f func(User)) { s.languageChanged = f }

// NewService returns the accounts service.
func NewService(d Deps) (*Service, error) {
	if d.Params == nil {
		d.Params = argon2id.DefaultParams
	}
	d.Clock = clock.Or(d.Clock)
	if ls, ok := d.Store.(LinkStore); ok && d.Links == nil {
		d.Links = ls
	}
	if d.Outbox == nil || d.Mails == nil {
		d.Links = nil
	}
	d.Store = newSessionCache(d.Store, d.Clock)
	// Unknown emails are checked against this hash so that they take as
	// long to refuse as a wrong password.
	dummy, err := argon2id.CreateHash("not-a-password-of-anyone", d.Params)
	if err != nil {
		return nil, err
	}
	return &Service{d: d, dummyHash: dummy}, nil
}

// UseMail turns on the set-password links (activation and reset), which
// NewService leaves off without an outbox: the app builds the outbox after
// the accounts. Call it before serving.
func (s *Service) UseMail(o Outbox, m *Mails, r Roster, baseURL string) {
	s.d.Outbox, s.d.Mails, s.d.Roster, s.d.BaseURL = o, m, r, baseURL
	if s.d.Links == nil {
		if c, ok := s.d.Store.(*sessionCache); ok {
			s.d.Links, _ = c.UserStore.(LinkStore)
		}
	}
}

// HashPassword returns the argon2id hash of pw.
func (s *Service) HashPassword(pw string) (string, error) {
	return argon2id.CreateHash(pw, s.d.Params)
}

// NewUser is the input for creating an account.
type NewUser struct {
	Email          string `json:"email" api:"required"`
	Password       string `json:"password" api:"required"`
	Role           string `json:"role" api:"required,enum=role"`
	CollaboratorID string `json:"collaborator_id"`
	Language       string `json:"language" api:"enum=language"`
}

func (s *Service) prepare(in NewUser, hash string) (User, error) {
	email, err := NormalizeEmail(in.Email)
	if err != nil {
		return User{}, err
	}
	if err := CheckRole(in.Role, in.CollaboratorID); err != nil {
		return User{}, err
	}
	if in.Language != "" {
		if err := CheckLanguage(in.Language); err != nil {
			return User{}, err
		}
	}
	if hash == "" {
		if err := CheckPassword("password", in.Password); err != nil {
			return User{}, err
		}
		if hash, err = s.HashPassword(in.Password); err != nil {
			return User{}, err
		}
	}
	return User{ID: newID(), Email: email, Role: in.Role, CollaboratorID: in.CollaboratorID, Language: in.Language,
		PasswordHash: hash, CreatedAt: s.d.Clock.Now()}, nil
}

// CreateUser adds an account. Errors: errs.Invalid for bad input or an
// unknown collaborator, errs.Conflict when the email is taken.
func (s *Service) CreateUser(ctx context.Context, in NewUser) (u User, err error) {
	defer errs.Wrap(&err, "accounts.CreateUser(%q)", in.Email)
	u, err = s.prepare(in, "")
	if err != nil {
		return User{}, err
	}
	if u.CollaboratorID != "" && s.d.Directory != nil {
		if _, _, err := s.d.Directory.Placement(ctx, u.CollaboratorID); errs.Is(err, errs.NotFound) {
			return User{}, errs.Field("collaborator_id", "no such collaborator")
		} else if err != nil {
			return User{}, err
		}
	}
	if err := s.d.Store.InsertUser(ctx, u); err != nil {
		return User{}, err
	}
	return u, s.d.Audit.Record(ctx, "user.create", "user", u.ID, map[string]any{"email": u.Email, "role": u.Role, "collaborator_id": u.CollaboratorID})
}

// CreateUsersWithHash adds many accounts sharing one password hash (the demo
// network, whose accounts share a password by design).
func (s *Service) CreateUsersWithHash(ctx context.Context, ins []NewUser, hash string) (err error) {
	defer errs.Wrap(&err, "accounts.CreateUsersWithHash")
	users := make([]User, 0, len(ins))
	for _, in := range ins {
		u, err := s.prepare(in, hash)
		if err != nil {
			return err
		}
		users = append(users, u)
	}
	if err := s.d.Store.InsertUsers(ctx, users); err != nil {
		return err
	}
	return s.d.Audit.Record(ctx, "user.create_many", "user", "*", map[string]any{"count": len(users)})
}

// EnsureAdmin creates the first admin when no account has that email.
// It reports whether it created one.
func (s *Service) EnsureAdmin(ctx context.Context, email, password string) (bool, error) {
	e, err := NormalizeEmail(email)
	if err != nil {
		return false, err
	}
	if _, err := s.d.Store.UserByEmail(ctx, e); err == nil {
		return false, nil
	} else if !errs.Is(err, errs.NotFound) {
		return false, err
	}
	_, err = s.CreateUser(ctx, NewUser{Email: e, Password: password, Role: authz.RoleAdmin})
	if errs.Is(err, errs.Conflict) {
		return false, nil // another process created it first
	}
	return err == nil, err
}

// Login signs in from inside the process (a command, a load test): it is
// LoginFrom with LocalClient as the client.
func (s *Service) Login(ctx context.Context, email, password string) (token string, u User, err error) {
	return s.LoginFrom(ctx, LocalClient, email, password)
}

// LoginFrom checks the credentials sent by client (its address, see
// web.ClientOf) and opens a session. Unknown emails and wrong passwords get
// the same answer. Failures are counted per account and client and per
// client (see FreeFailures); past the free ones, the account is locked for
// that client, or the client for every account, for a growing time
// (errs.TooManyRequests with RetryAfter). Errors: errs.Invalid,
// errs.Unauthorized, errs.TooManyRequests, errs.Forbidden when the
// account's collaborator record is archived.
func (s *Service) LoginFrom(ctx context.Context, client, email, password string) (token string, u User, err error) {
	now := s.d.Clock.Now()
	e, normErr := NormalizeEmail(email)
	if normErr != nil || password == "" || len(password) > 256 {
		if password == "" {
			return "", User{}, errs.Field("password", "is required")
		}
		if normErr != nil {
			return "", User{}, normErr
		}
		return "", User{}, errs.Field("password", "is too long")
	}
	ck := ClientKey(client)
	clientKey, accountKey := "client:"+ck, "account:"+ck+" "+e
	var wait time.Duration
	for _, key := range []string{clientKey, accountKey} {
		th, err := s.d.Store.ThrottleOf(ctx, key)
		if err != nil {
			return "", User{}, err
		}
		wait = max(wait, th.LockedUntil.Sub(now))
	}
	if wait > 0 {
		return "", User{}, tooMany(wait)
	}
	u, err = s.d.Store.UserByEmail(ctx, e)
	hash := u.PasswordHash
	if err != nil {
		if !errs.Is(err, errs.NotFound) {
			return "", User{}, err
		}
		hash = s.dummyHash
	}
	ok, cmpErr := argon2id.ComparePasswordAndHash(password, hash)
	if cmpErr != nil || !ok || u.ID == "" {
		for _, f := range []struct {
			key  string
			lock func(int) time.Duration
		}{{accountKey, LockFor}, {clientKey, ClientLockFor}} {
			th, err := s.d.Store.RecordFailure(ctx, f.key, now, f.lock)
			if err != nil {
				return "", User{}, err
			}
			wait = max(wait, th.LockedUntil.Sub(now))
		}
		if wait > 0 {
			return "", User{}, tooMany(wait)
		}
		return "", User{}, errs.E(errs.Unauthorized, "the email or password is incorrect")
	}
	// Success forgets this client's failures on this account, not the
	// client's count across accounts: one account of one's own must not
	// reset a spray over everyone else's.
	if err := s.d.Store.ClearThrottle(ctx, accountKey); err != nil {
		return "", User{}, err
	}
	if u.CollaboratorID != "" && s.d.Directory != nil {
		if _, archived, err := s.d.Directory.Placement(ctx, u.CollaboratorID); err != nil && !errs.Is(err, errs.NotFound) {
			return "", User{}, err
		} else if archived {
			return "", User{}, errs.E(errs.Forbidden, "your collaborator record is archived; ask the Center's coordinator")
		}
	}
	token, err = s.openSession(ctx, u, now)
	return token, u, err
}

// PurgeThrottles drops the failure records nobody has added to for
// ThrottleForget (a job runs it). It returns how many went.
func (s *Service) PurgeThrottles(ctx context.Context) (int64, error) {
	return s.d.Store.PurgeThrottles(ctx, s.d.Clock.Now())
}

func tooMany(wait time.Duration) error {
	return &errs.Error{Kind: errs.TooManyRequests, Message: "too many failed sign-ins; wait and try again", RetryAfter: wait}
}

func (s *Service) openSession(ctx context.Context, u User, now time.Time) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	err := s.d.Store.InsertSession(ctx, Session{
		ID: hashToken(token), UserID: u.ID, Email: u.Email, Role: u.Role, CollaboratorID: u.CollaboratorID,
		Language: u.Language, CreatedAt: now, ExpiresAt: now.Add(SessionTTL),
	})
	return token, err
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Authenticate returns the principal of a session token. Errors:
// errs.Unauthorized when the token is unknown or expired.
func (s *Service) Authenticate(ctx context.Context, token string) (authz.Principal, error) {
	if len(token) < 20 || len(token) > 100 {
		return authz.Principal{}, errs.E(errs.Unauthorized, "not signed in")
	}
	id := hashToken(token)
	se, err := s.d.Store.SessionByID(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return authz.Principal{}, errs.E(errs.Unauthorized, "not signed in")
	}
	if err != nil {
		return authz.Principal{}, err
	}
	if !se.ExpiresAt.After(s.d.Clock.Now()) {
		_ = s.d.Store.DeleteSession(ctx, id)
		return authz.Principal{}, errs.E(errs.Unauthorized, "the session has expired")
	}
	p := authz.Principal{UserID: se.UserID, Email: se.Email, Role: se.Role, CollaboratorID: se.CollaboratorID, SessionID: se.ID, Language: se.Language}
	if p.CollaboratorID != "" && s.d.Directory != nil {
		area, archived, err := s.d.Directory.Placement(ctx, p.CollaboratorID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return authz.Principal{}, err
		}
		if archived {
			return authz.Principal{}, errs.E(errs.Unauthorized, "the collaborator record of this account is archived")
		}
		p.AreaCode = area
	}
	return p, nil
}

// Logout ends the session of token.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.d.Store.DeleteSession(ctx, hashToken(token))
}

// Me returns the signed-in user's account.
func (s *Service) Me(ctx context.Context, p authz.Principal) (User, error) {
	return s.d.Store.UserByID(ctx, p.UserID)
}

// ChangePassword replaces the caller's password after checking the current
// one, and ends every other session of theirs. Errors: errs.Invalid,
// errs.Unprocessable when the current password is wrong.
func (s *Service) ChangePassword(ctx context.Context, p authz.Principal, current, next string) error {
	u, err := s.d.Store.UserByID(ctx, p.UserID)
	if err != nil {
		return err
	}
	ok, err := argon2id.ComparePasswordAndHash(current, u.PasswordHash)
	if err != nil || !ok {
		return &errs.Error{Kind: errs.Unprocessable, Message: "the current password is incorrect",
			Fields: []errs.FieldError{{Field: "current_password", Message: "is incorrect"}}}
	}
	if err := CheckPassword("new_password", next); err != nil {
		return err
	}
	hash, err := s.HashPassword(next)
	if err != nil {
		return err
	}
	if err := s.d.Store.SetPasswordHash(ctx, u.ID, hash, s.d.Clock.Now()); err != nil {
		return err
	}
	if err := s.d.Store.DeleteUserSessions(ctx, u.ID, p.SessionID); err != nil {
		return err
	}
	return s.d.Audit.Record(ctx, "user.password_change", "user", u.ID, nil)
}

// SetRole changes a user's role (admin only, by policy) and ends all of
// that user's sessions. Errors: errs.Invalid, errs.NotFound,
// errs.Unprocessable when the role does not fit the account.
func (s *Service) SetRole(ctx context.Context, userID, role string) (User, error) {
	u, err := s.d.Store.UserByID(ctx, userID)
	if err != nil {
		return User{}, err
	}
	if !authz.ValidRole(role) {
		return User{}, errs.Field("role", "must be one of admin, coordinator, leadership, team_leader, ctv")
	}
	if err := CheckRole(role, u.CollaboratorID); err != nil {
		return User{}, &errs.Error{Kind: errs.Unprocessable, Message: "the role does not fit this account",
			Fields: []errs.FieldError{{Field: "role", Message: "ctv and team_leader accounts belong to a collaborator record; staff accounts do not"}}}
	}
	if err := s.d.Store.SetRole(ctx, u.ID, role, s.d.Clock.Now()); err != nil {
		return User{}, err
	}
	if err := s.d.Store.DeleteUserSessions(ctx, u.ID, ""); err != nil {
		return User{}, err
	}
	old := u.Role
	u.Role = role
	return u, s.d.Audit.Record(ctx, "user.role_change", "user", u.ID, map[string]any{"from": old, "to": role})
}

// CheckLanguage tells whether lang is a language of the mail: vi or en.
// Errors: errs.Invalid naming language.
func CheckLanguage(lang string) error {
	if lang != "vi" && lang != "en" {
		return errs.Field("language", "must be vi or en")
	}
	return nil
}

// SetLanguage sets the language of an account's mail (vi or en); its
// sessions go on. Errors: errs.Invalid naming language, errs.NotFound.
func (s *Service) SetLanguage(ctx context.Context, userID, lang string) (User, error) {
	if err := CheckLanguage(lang); err != nil {
		return User{}, err
	}
	u, err := s.d.Store.UserByID(ctx, userID)
	if err != nil {
		return User{}, err
	}
	if u.Language == lang {
		return u, nil
	}
	if err := s.d.Store.SetLanguage(ctx, u.ID, lang, s.d.Clock.Now()); err != nil {
		return User{}, err
	}
	old := u.Language
	u.Language = lang
	if s.languageChanged != nil {
		s.languageChanged(u)
	}
	return u, s.d.Audit.Record(ctx, "user.language_change", "user", u.ID, map[string]any{"from": old, "to": lang})
}

// Users lists every account.
func (s *Service) Users(ctx context.Context) ([]User, error) { return s.d.Store.Users(ctx) }

func newID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
