// Package accounts owns users, passwords and sign-in sessions: argon2id
// hashes, opaque session tokens stored hashed, login throttling (per account
// and client, and per client) and the first admin.
package accounts

import (
	"net/mail"
	"net/netip"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
)

// User is an account that can sign in.
type User struct {
	ID             string    `json:"id" bson:"_id"`
	Email          string    `json:"email" bson:"email"`
	Role           string    `json:"role" bson:"role"`
	CollaboratorID string    `json:"collaborator_id" bson:"collaborator_id,omitempty"`
	Language       string    `json:"language,omitempty" bson:"language,omitempty"`
	CreatedAt      time.Time `json:"created_at" bson:"created_at"`
	// PasswordHash is the argon2id hash; never sent to clients.
	PasswordHash string    `json:"-" bson:"password_hash"`
	UpdatedAt    time.Time `json:"-" bson:"updated_at"`
	// PendingLink is the id (hash) of the one set-password link that
	// works for this account; a new link replaces it. LinksIssued counts
	// the links made, and keys their mails. MailedLink is the pending link
	// whose mail is queued: when it differs from PendingLink the mail was
	// lost (a crash) and the repair job sends a new link.
	PendingLink string `json:"-" bson:"pending_link,omitempty"`
	LinksIssued int    `json:"-" bson:"links_issued,omitempty"`
	MailedLink  string `json:"-" bson:"mailed_link,omitempty"`
}

// Session is a signed-in session; its id is the SHA-256 of the token.
type Session struct {
	ID        string    `bson:"_id"`
	UserID    string    `bson:"user_id"`
	CreatedAt time.Time `bson:"created_at"`
	ExpiresAt time.Time `bson:"expires_at"`
	// The user as they were at sign-in, for the principal.
	Email          string `bson:"email"`
	Role           string `bson:"role"`
	CollaboratorID string `bson:"collaborator_id,omitempty"`
	Language       string `bson:"language,omitempty"`
}

// Throttle counts failed sign-ins under one key: a client (any account),
// or an account tried from one client. Its key is `client:<client>` or
// `account:<client> <email>`.
type Throttle struct {
	Key          string    `bson:"_id"`
	Failures     int       `bson:"failures"`
	LockedUntil  time.Time `bson:"locked_until"`
	LastFailedAt time.Time `bson:"last_failed_at"`
}

// Login throttling. Failures are counted twice: per account and client, and
// per client across every account. The first FreeFailures failures on an
// account from one client cost nothing; each one after that locks that
// account for that client for twice as long as the one before, from one
// second up to MaxLock. A stranger guessing at an account so locks only
// themselves out: its owner, from their own client, signs in as usual. A
// client gets ClientFreeFailures failures across all accounts before the
// same growing lock applies to everything it tries, so one password sprayed
// over many accounts is slowed as much as many passwords on one.
const (
	FreeFailures       = 5
	ClientFreeFailures = 20
	MaxLock            = 15 * time.Minute
	// ThrottleForget is how long after the last failure a count restarts.
	ThrottleForget = time.Hour
)

// LockFor returns how long an account is locked for one client after n
// failures from it.
func LockFor(n int) time.Duration { return lockAfter(n, FreeFailures) }

// ClientLockFor returns how long a client is locked after n failures on
// any accounts.
func ClientLockFor(n int) time.Duration { return lockAfter(n, ClientFreeFailures) }

func lockAfter(n, free int) time.Duration {
	if n <= free {
		return 0
	}
	d := time.Second << min(n-free-1, 20)
	if d > MaxLock {
		return MaxLock
	}
	return d
}

// LocalClient is the client of sign-ins made inside the process (commands,
// load tests) rather than over HTTP.
const LocalClient = "local"

// ClientKey is the form a client address is counted under: an IPv4 address
// as it is, an IPv6 address by its /64 (one subscriber holds a whole /64, and
// counting addresses one by one would give each of them 2^64 clients).
func ClientKey(client string) string {
	a, err := netip.ParseAddr(client)
	if err != nil {
		if client == "" {
			return "unknown"
		}
		return client
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// NormalizeEmail lowercases and trims an address and checks its form. An
// address is ASCII, as the collaborator registry's are: a zero-width
// character or a decomposed accent would make a second account that looks
// like the first.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", errs.Field("email", "is required")
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return "", errs.Field("email", "is not a valid email address: letters, digits and . _ %% + - only, without accents or invisible characters")
		}
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s, "@") || len(s) > 254 {
		return "", errs.Field("email", "is not a valid email address")
	}
	return s, nil
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// CheckPassword says whether a new password is acceptable.
func CheckPassword(field, pw string) error {
	if len([]rune(pw)) < MinPasswordLength {
		return errs.Field(field, "must have at least %d characters", MinPasswordLength)
	}
	if len(pw) > 256 {
		return errs.Field(field, "must have at most 256 bytes")
	}
	return nil
}

// CheckRole says whether role is a user role, and whether it matches the
// presence of a collaborator record: ctv and team_leader accounts belong to
// a collaborator, staff accounts do not.
func CheckRole(role, collaboratorID string) error {
	if !authz.ValidRole(role) {
		return errs.Field("role", "must be one of admin, coordinator, leadership, team_leader, ctv")
	}
	needs := role == authz.RoleCTV || role == authz.RoleTeamLeader
	if needs && collaboratorID == "" {
		return errs.Field("collaborator_id", "is required for role %s", role)
	}
	if !needs && collaboratorID != "" {
		return errs.Field("collaborator_id", "must be empty for role %s", role)
	}
	return nil
}
