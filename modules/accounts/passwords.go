package accounts

import (
	"context"

	"github.com/alexedwards/argon2id"
	"github.com/ctvacademy/academy/modules/platform/errs"
)

// PasswordMatches reports whether pw is the password hash was made from.
func PasswordMatches(pw, hash string) bool {
	ok, err := argon2id.ComparePasswordAndHash(pw, hash)
	return err == nil && ok
}

// SetPassword gives the account with email a new password (an operator's
// reset, `academy user set-password`), ends every session of the account
// and records it in the audit log. Errors: errs.Invalid for a malformed
// email or a password that breaks the rules, errs.NotFound when no account
// has that email.
func (s *Service) SetPassword(ctx context.Context, email, password string) (u User, err error) {
	defer errs.Wrap(&err, "accounts.SetPassword(%q)", email)
	e, err := NormalizeEmail(email)
	if err != nil {
		return User{}, err
	}
	if err := CheckPassword("password", password); err != nil {
		return User{}, err
	}
	u, err = s.d.Store.UserByEmail(ctx, e)
	if errs.Is(err, errs.NotFound) {
		return User{}, errs.E(errs.NotFound, "no account has the email %s", e)
	}
	if err != nil {
		return User{}, err
	}
	hash, err := s.HashPassword(password)
	if err != nil {
		return User{}, err
	}
	if err := s.d.Store.SetPasswordHash(ctx, u.ID, hash, s.d.Clock.Now()); err != nil {
		return User{}, err
	}
	if err := s.d.Store.DeleteUserSessions(ctx, u.ID, ""); err != nil {
		return User{}, err
	}
	return u, s.d.Audit.Record(ctx, "user.password_set", "user", u.ID, map[string]any{"email": u.Email, "by": "operator"})
}

// SetSharedPasswordHash gives the accounts ids one password hash (the demo
// accounts, which share a password by design), ends their sessions and
// records one audit entry saying why. Errors: the store's.
func (s *Service) SetSharedPasswordHash(ctx context.Context, ids []string, hash, reason string) error {
	now := s.d.Clock.Now()
	for _, id := range ids {
		if err := s.d.Store.SetPasswordHash(ctx, id, hash, now); err != nil {
			return err
		}
		if err := s.d.Store.DeleteUserSessions(ctx, id, ""); err != nil {
			return err
		}
	}
	return s.d.Audit.Record(ctx, "user.password_set_many", "user", "*", map[string]any{"count": len(ids), "reason": reason})
}
