package accounts

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/mail"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Set-password links. A link is a random token (256 bits) mailed to the
// account's address; the store keeps only its SHA-256 as the `_id` of a
// document in account_links, and the account names the one link that
// works for it (User.PendingLink): a new link makes the earlier one
// useless. Using a link deletes its document by `_id` (one delete wins),
// so a link works once. A link expires LinkTTL after it is made; expired
// documents stay LinkKeep longer so that their page says "expired" rather
// than "unknown", then the expiry job deletes them.
const (
	LinkTTL  = 72 * time.Hour
	LinkKeep = 30 * 24 * time.Hour
)

// Link purposes: the page a link opens.
const (
	PurposeActivate = "activate"
	PurposeReset    = "reset"
)

const linksColl = "account_links"

// Link is a stored set-password link.
type Link struct {
	ID        string    `bson:"_id"` // SHA-256 of the token
	UserID    string    `bson:"user_id"`
	Purpose   string    `bson:"purpose"`
	CreatedAt time.Time `bson:"created_at"`
	ExpiresAt time.Time `bson:"expires_at"`
}

// LinkStore is what the set-password links need from the store.
type LinkStore interface {
	InsertLink(ctx context.Context, l Link) error
	LinkByID(ctx context.Context, id string) (Link, error)
	TakeLink(ctx context.Context, id string) (Link, bool, error)
	DeleteLinksBefore(ctx context.Context, t time.Time) (int, error)
	UpdateUser(ctx context.Context, id string, fn func(*User) error) (User, error)
	UserByIDFresh(ctx context.Context, id string) (User, error)
}

// InsertLink stores a link.
func (s *Store) InsertLink(ctx context.Context, l Link) error { return s.links.Insert(ctx, l) }

// LinkByID reads a link. Errors: errs.NotFound.
func (s *Store) LinkByID(ctx context.Context, id string) (Link, error) {
	return s.links.Get(ctx, id)
}

// TakeLink reads and deletes a link; ok is false when it is absent or
// another caller deleted it first (a delete by `_id` has one winner).
func (s *Store) TakeLink(ctx context.Context, id string) (Link, bool, error) {
	l, err := s.links.Get(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return Link{}, false, nil
	}
	if err != nil {
		return Link{}, false, err
	}
	won, err := s.links.Delete(ctx, id)
	return l, won, err
}

// DeleteLinksBefore deletes the links that expired before t.
func (s *Store) DeleteLinksBefore(ctx context.Context, t time.Time) (int, error) {
	return s.links.DeleteWhere(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: t}}}})
}

// UpdateUser changes one user (lock, read, replace). Errors: errs.NotFound.
func (s *Store) UpdateUser(ctx context.Context, id string, fn func(*User) error) (User, error) {
	return s.users.Update(ctx, id, fn)
}

// UserByIDFresh reads a user from the store.
func (s *Store) UserByIDFresh(ctx context.Context, id string) (User, error) {
	return s.users.Get(ctx, id)
}

// Outbox queues mail (a *mail.Outbox).
type Outbox interface {
	Enqueue(ctx context.Context, m mail.Message) (string, error)
}

// Person is a collaborator of the registry as accounts needs them.
type Person struct {
	CollaboratorID string
	Email          string
	Name           string
	Role           string // ctv or team_leader
	AreaCode       string
	Archived       bool
}

// Roster lists the registry's collaborators (the repair job) and finds one.
type Roster interface {
	People(ctx context.Context) ([]Person, error)
	Person(ctx context.Context, collaboratorID string) (Person, error)
}

// AccountIDOf is the id of the account made for a collaborator.
func AccountIDOf(collaboratorID string) string { return "c-" + collaboratorID }

func (s *Service) now() time.Time { return s.d.Clock.Now() }

// Provision gives each person with an email, not archived, an account and
// its activation mail, unless they have an account: the inline path after
// the registry writes them. It goes on past a person it cannot serve (the
// repair job catches up) and returns the first error.
func (s *Service) Provision(ctx context.Context, people []Person) error {
	var first error
	for _, p := range people {
		if err := s.provisionOne(ctx, p); err != nil {
			slog.Default().WarnContext(ctx, "accounts: account of a new collaborator not made (the repair job retries)", "collaborator", p.CollaboratorID, "err", err)
			if first == nil {
				first = err
			}
		}
	}
	return first
}

func (s *Service) provisionOne(ctx context.Context, p Person) error {
	if p.Email == "" || p.Archived || s.d.Links == nil {
		return nil
	}
	email, err := NormalizeEmail(p.Email)
	if err != nil {
		return err
	}
	u := User{ID: AccountIDOf(p.CollaboratorID), Email: email, Role: p.Role, CollaboratorID: p.CollaboratorID, CreatedAt: s.now()}
	if err := CheckRole(u.Role, u.CollaboratorID); err != nil {
		return err
	}
	switch err := s.d.Store.InsertUser(ctx, u); {
	case err == nil:
		if err := s.d.Audit.Record(ctx, "user.create", "user", u.ID, map[string]any{"email": u.Email, "role": u.Role, "collaborator_id": u.CollaboratorID, "by": "registry"}); err != nil {
			return err
		}
	case errs.Is(err, errs.Conflict):
		// The account exists (an earlier run) or another account has the
		// email (a staff account): then there is nothing to make.
		have, gerr := s.d.Links.UserByIDFresh(ctx, u.ID)
		if gerr != nil {
			return nil
		}
		u = have
		if u.PasswordHash != "" || (u.PendingLink != "" && u.PendingLink == u.MailedLink) {
			return nil
		}
	default:
		return err
	}
	_, err = s.issue(ctx, u.ID, PurposeActivate, p.Name)
	return err
}

// issue makes a new link for the account, which replaces the earlier one,
// and queues its mail. The order survives a crash anywhere: the account
// names the new link first, the link is stored, the mail is queued (keyed
// by the account and the link's number, so a retry sends it once), then
// the account records the mail; the repair job sends a new link to an
// account of a collaborator whose pending link has no mail recorded.
func (s *Service) issue(ctx context.Context, userID, purpose, name string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	id := hashToken(token)
	now := s.now()
	var old string
	u, err := s.d.Links.UpdateUser(ctx, userID, func(u *User) error {
		old = u.PendingLink
		u.PendingLink = id
		u.LinksIssued++
		u.UpdatedAt = now
		return nil
	})
	if err != nil {
		return "", err
	}
	if err := s.d.Links.InsertLink(ctx, Link{ID: id, UserID: u.ID, Purpose: purpose, CreatedAt: now, ExpiresAt: now.Add(LinkTTL)}); err != nil {
		return "", err
	}
	if old != "" {
		if _, _, err := s.d.Links.TakeLink(ctx, old); err != nil {
			return "", err
		}
	}
	lang := u.Language
	if lang != "en" {
		lang = "vi"
	}
	if name == "" {
		name = u.Email
	}
	path := "/activate/"
	if purpose == PurposeReset {
		path = "/reset/"
	}
	msg, err := s.d.Mails.compose(purpose, lang, mailData{Name: name, Email: u.Email, URL: s.d.BaseURL + path + token, Hours: int(LinkTTL.Hours())})
	if err != nil {
		return "", err
	}
	msg.Key = fmt.Sprintf("account-%s:%s:%d", purpose, u.ID, u.LinksIssued)
	msg.To = mail.Address{Email: u.Email, Name: name}
	if _, err := s.d.Outbox.Enqueue(ctx, msg); err != nil {
		return "", err
	}
	if _, err := s.d.Links.UpdateUser(ctx, u.ID, func(x *User) error {
		if x.PendingLink == id {
			x.MailedLink = id
		}
		return nil
	}); err != nil {
		return "", err
	}
	return token, s.d.Audit.Record(ctx, "user.link_sent", "user", u.ID, map[string]any{"purpose": purpose, "n": u.LinksIssued})
}

// ResendActivation sends a collaborator a new set-password link (which
// makes the earlier one useless), making their account first if they have
// none. The collaborator must lie in scope. Errors: errs.NotFound (absent
// or out of scope), errs.Unprocessable when the record has no email or is
// archived.
func (s *Service) ResendActivation(ctx context.Context, scope authz.Scope, collaboratorID string) (err error) {
	defer errs.Wrap(&err, "accounts.ResendActivation(%q)", collaboratorID)
	if s.d.Roster == nil || s.d.Links == nil {
		return errs.E(errs.NotFound, "no such collaborator")
	}
	p, err := s.d.Roster.Person(ctx, collaboratorID)
	if err != nil {
		return err
	}
	if !scope.Allows(p.AreaCode, p.CollaboratorID) {
		return errs.E(errs.NotFound, "no such collaborator")
	}
	if p.Archived {
		return &errs.Error{Kind: errs.Unprocessable, Message: "the collaborator record is archived",
			Fields: []errs.FieldError{{Field: "archived", Message: "an archived record gets no account"}}}
	}
	if p.Email == "" {
		return &errs.Error{Kind: errs.Unprocessable, Message: "the collaborator record has no email",
			Fields: []errs.FieldError{{Field: "email", Message: "is required to send an activation mail"}}}
	}
	u, found, err := s.accountOf(ctx, p.CollaboratorID)
	if err != nil {
		return err
	}
	if !found {
		if err := s.provisionOne(ctx, p); err != nil {
			return err
		}
		if u, found, err = s.accountOf(ctx, p.CollaboratorID); err != nil {
			return err
		} else if !found {
			return &errs.Error{Kind: errs.Conflict, Message: "another account has this collaborator's email",
				Fields: []errs.FieldError{{Field: "email", Message: "belongs to another account"}}}
		}
		if u.PendingLink != "" && u.PendingLink == u.MailedLink && u.LinksIssued == 1 {
			return nil // provisionOne just sent the first one
		}
	}
	purpose := PurposeActivate
	if u.PasswordHash != "" {
		purpose = PurposeReset
	}
	_, err = s.issue(ctx, u.ID, purpose, p.Name)
	return err
}

// accountOf finds the account of a collaborator: the one made for them,
// else any linked to them (the demo's, an admin's).
func (s *Service) accountOf(ctx context.Context, collaboratorID string) (User, bool, error) {
	u, err := s.d.Links.UserByIDFresh(ctx, AccountIDOf(collaboratorID))
	if err == nil {
		return u, true, nil
	}
	if !errs.Is(err, errs.NotFound) {
		return User{}, false, err
	}
	users, err := s.d.Store.Users(ctx)
	if err != nil {
		return User{}, false, err
	}
	for _, u := range users {
		if u.CollaboratorID == collaboratorID {
			return u, true, nil
		}
	}
	return User{}, false, nil
}

// Repair gives every collaborator with an email, not archived, and no
// account their account and activation mail, and sends a new link to each
// collaborator's account whose pending link has no mail recorded (a crash
// between the steps of issue). It is idempotent; it returns how many
// accounts it made or mailed.
func (s *Service) Repair(ctx context.Context) (int, error) {
	if s.d.Roster == nil || s.d.Links == nil {
		return 0, nil
	}
	people, err := s.d.Roster.People(ctx)
	if err != nil {
		return 0, err
	}
	users, err := s.d.Store.Users(ctx)
	if err != nil {
		return 0, err
	}
	byCollab := make(map[string]User, len(users))
	emails := make(map[string]bool, len(users))
	for _, u := range users {
		if u.CollaboratorID != "" {
			byCollab[u.CollaboratorID] = u
		}
		emails[u.Email] = true
	}
	n := 0
	var first error
	for _, p := range people {
		if p.Email == "" || p.Archived {
			continue
		}
		u, ok := byCollab[p.CollaboratorID]
		switch {
		case !ok && !emails[p.Email]:
			err = s.provisionOne(ctx, p)
		case ok && u.PasswordHash == "" && (u.PendingLink == "" || u.PendingLink != u.MailedLink):
			_, err = s.issue(ctx, u.ID, PurposeActivate, p.Name)
		default:
			continue
		}
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		n++
	}
	return n, first
}

// ExpireLinks deletes the links that expired more than LinkKeep ago.
func (s *Service) ExpireLinks(ctx context.Context) (int, error) {
	if s.d.Links == nil {
		return 0, nil
	}
	return s.d.Links.DeleteLinksBefore(ctx, s.now().Add(-LinkKeep))
}

// LinkState is what a set-password link is worth now.
type LinkState int

// Link states.
const (
	LinkValid   LinkState = iota
	LinkUnknown           // never made, used, or replaced by a newer one
	LinkExpired
)

// CheckLink tells whether a token opens a set-password form, and for what.
func (s *Service) CheckLink(ctx context.Context, token string) (LinkState, Link, error) {
	if s.d.Links == nil || len(token) < 20 || len(token) > 100 {
		return LinkUnknown, Link{}, nil
	}
	l, err := s.d.Links.LinkByID(ctx, hashToken(token))
	if errs.Is(err, errs.NotFound) {
		return LinkUnknown, Link{}, nil
	}
	if err != nil {
		return 0, Link{}, err
	}
	return s.linkState(ctx, l)
}

func (s *Service) linkState(ctx context.Context, l Link) (LinkState, Link, error) {
	if !l.ExpiresAt.After(s.now()) {
		return LinkExpired, l, nil
	}
	u, err := s.d.Links.UserByIDFresh(ctx, l.UserID)
	if errs.Is(err, errs.NotFound) || (err == nil && u.PendingLink != l.ID) {
		return LinkUnknown, l, nil
	}
	return LinkValid, l, err
}

// UseLink sets the password of the link's account, once: the link is
// consumed whatever the outcome past the password check, the account's
// sessions end and the link's account is returned. Errors: errs.Invalid
// for a password that breaks the rules (the link stays usable),
// errs.NotFound for an unknown, used or replaced link, errs.Gone for an
// expired one.
func (s *Service) UseLink(ctx context.Context, token, password string) (u User, err error) {
	if err := CheckPassword("password", password); err != nil {
		return User{}, err
	}
	if s.d.Links == nil || len(token) < 20 || len(token) > 100 {
		return User{}, linkUnknown()
	}
	// An expired link is refused as such, and kept (its page keeps saying
	// "expired" until the expiry job deletes it).
	if st, _, err := s.CheckLink(ctx, token); err != nil {
		return User{}, err
	} else if st == LinkExpired {
		return User{}, errs.E(errs.Gone, "this link has expired; ask for a new one")
	}
	l, won, err := s.d.Links.TakeLink(ctx, hashToken(token))
	if err != nil {
		return User{}, err
	}
	if !won {
		return User{}, linkUnknown()
	}
	st, _, err := s.linkState(ctx, l)
	if err != nil {
		return User{}, err
	}
	switch st {
	case LinkExpired:
		return User{}, errs.E(errs.Gone, "this link has expired; ask for a new one")
	case LinkUnknown:
		return User{}, linkUnknown()
	}
	hash, err := s.HashPassword(password)
	if err != nil {
		return User{}, err
	}
	now := s.now()
	u, err = s.d.Links.UpdateUser(ctx, l.UserID, func(x *User) error {
		if x.PendingLink != l.ID {
			return linkUnknown()
		}
		x.PasswordHash, x.PendingLink, x.MailedLink, x.UpdatedAt = hash, "", "", now
		return nil
	})
	if err != nil {
		return User{}, err
	}
	if err := s.d.Store.DeleteUserSessions(ctx, u.ID, ""); err != nil {
		return User{}, err
	}
	return u, s.d.Audit.Record(ctx, "user.password_set", "user", u.ID, map[string]any{"by": "link", "purpose": l.Purpose})
}

func linkUnknown() error {
	return errs.E(errs.NotFound, "this link is not valid: it was used, replaced by a newer one, or never existed")
}

// Password-reset throttling: per address and per client, counted over
// ThrottleForget; past the free requests every one is refused until the
// count restarts.
const (
	ResetFreePerEmail  = 3
	ResetFreePerClient = 10
)

// ResetFloor is the least time a reset request that passes the throttle
// takes, whether or not its address has an account: an account's link and
// mail are written in the request, and a quicker answer for an address
// without one would tell who has an account.
const ResetFloor = 150 * time.Millisecond

// RequestReset mails a reset link to the account with email, if there is
// one that may sign in; the answer is the same either way, and comes
// after ResetFloor at the earliest. Errors: errs.Invalid for a malformed
// address, errs.TooManyRequests past the throttle (counted whether or not
// the address has an account).
func (s *Service) RequestReset(ctx context.Context, client, email string) error {
	start := time.Now()
	e, err := NormalizeEmail(email)
	if err != nil {
		return err
	}
	now := s.now()
	var wait time.Duration
	for _, k := range []struct {
		key  string
		free int
	}{{"reset-email:" + e, ResetFreePerEmail}, {"reset-client:" + ClientKey(client), ResetFreePerClient}} {
		free := k.free
		th, err := s.d.Store.RecordFailure(ctx, k.key, now, func(n int) time.Duration {
			if n > free {
				return ThrottleForget
			}
			return 0
		})
		if err != nil {
			return err
		}
		wait = max(wait, th.LockedUntil.Sub(now))
	}
	if wait > 0 {
		return &errs.Error{Kind: errs.TooManyRequests, Message: "too many reset requests; wait and try again", RetryAfter: wait}
	}
	defer clock.SleepUntil(ctx, start.Add(ResetFloor))
	if s.d.Links == nil {
		return nil
	}
	u, err := s.d.Store.UserByEmail(ctx, e)
	if errs.Is(err, errs.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	name := ""
	if u.CollaboratorID != "" && s.d.Roster != nil {
		p, err := s.d.Roster.Person(ctx, u.CollaboratorID)
		if err == nil && p.Archived {
			return nil
		}
		name = p.Name
	}
	purpose := PurposeReset
	if u.PasswordHash == "" {
		purpose = PurposeActivate
	}
	_, err = s.issue(ctx, u.ID, purpose, name)
	return err
}
