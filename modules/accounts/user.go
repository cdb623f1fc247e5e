// Package accounts owns users, passwords and sign-in sessions: argon2id
// hashes, opaque session tokens stored hashed, login throttling per account,
// and the first admin.
package accounts

import (
	"net/mail"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
)

// User is an account that can sign in.
type User struct {
	ID             string    `json:"id"`
	Email          string    `json:"email"`
	Role           string    `json:"role"`
	CollaboratorID string    `json:"collaborator_id"`
	Language       string    `json:"language,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	// PasswordHash is the argon2id hash; never sent to clients.
	PasswordHash string `json:"-"`
}

// Session is a signed-in session; its id is the SHA-256 of the token.
type Session struct {
	ID             string
	UserID         string
	Email          string
	Role           string
	CollaboratorID string
	Language       string
	CreatedAt      time.Time
	ExpiresAt      time.Time
}

// Throttle counts failed sign-ins for one email address.
type Throttle struct {
	Email        string
	Failures     int
	LockedUntil  time.Time
	LastFailedAt time.Time
}

// Login throttling: the first FreeFailures failures cost nothing; each one
// after that locks the account for twice as long as the one before, from
// one second up to MaxLock.
const (
	FreeFailures = 5
	MaxLock      = 15 * time.Minute
	// ThrottleForget is how long after the last failure the count restarts.
	ThrottleForget = time.Hour
)

// LockFor returns how long an account is locked after n failures.
func LockFor(n int) time.Duration {
	if n <= FreeFailures {
		return 0
	}
	d := time.Second << min(n-FreeFailures-1, 20)
	if d > MaxLock {
		return MaxLock
	}
	return d
}

// NormalizeEmail lowercases and trims an address and checks its form.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", errs.Field("email", "is required")
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
