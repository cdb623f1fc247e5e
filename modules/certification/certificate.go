// Package certification keeps collaborators' certificates: when the rule of
// a course is met a certificate is issued, renewals add cycles to it, and
// its status follows the clock. This file and its siblings are the pure
// rules (no store, no HTTP); dates are days in Vietnam (clock.VN).
package certification

import (
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
)

// Rule is a course's certification rule (course.md's certification:
// validity_months, renewal_window_days, requires_attendance). It has the
// fields of courses.Certification, so Rule(course.Certification) converts
// one; the rules need nothing else of the catalog.
type Rule struct {
	ValidityMonths     int
	RenewalWindowDays  int
	RequiresAttendance bool
}

// Status is where a certificate stands at a moment.
type Status string

// The statuses. Revoked is final; the others follow the clock.
const (
	StatusValid    Status = "valid"
	StatusExpiring Status = "expiring" // inside the renewal window
	StatusExpired  Status = "expired"
	StatusRevoked  Status = "revoked"
)

// Certificate is one person's certificate at one course: a stable id and
// verification code, and its cycles as history (the first issue, then each
// renewal), so an old printout's code shows today's status.
type Certificate struct {
	ID           string      `bson:"id"`
	Code         Code        `bson:"code"` // the verification code
	Collaborator string      `bson:"collaborator"`
	Course       string      `bson:"course"`
	Cycles       []Cycle     `bson:"cycles"` // oldest first; never empty
	Revoked      *Revocation `bson:"revoked,omitempty"`
}

// Cycle is one issue or renewal of a certificate.
type Cycle struct {
	N           int       `bson:"n"`            // from 1
	IssuedAt    time.Time `bson:"issued_at"`    // when the reconcile recorded it
	CompletedAt time.Time `bson:"completed_at"` // when the rule was met: the later of the pass and the attendance
	// ExpiresAt is the first instant the cycle no longer covers: midnight in
	// Vietnam at the end of its expiry day, the day a certificate shows as
	// "valid until" (ValidUntil). A certificate is valid up to and including
	// that day.
	ExpiresAt  time.Time `bson:"expires_at"`
	Pass       string    `bson:"pass"`                 // the passing attempt's id
	Attendance string    `bson:"attendance,omitempty"` // the session attended, where the course requires one
}

// Issued is the date the cycle carries (a certificate's "issued" and
// "renewed" dates): when the rule was met, not when a reconcile recorded
// it, so a certificate repaired or first issued by a later run (the
// nightly job, a first start on earlier results) is dated by the
// qualification its expiry counts from. A cycle stored without a
// completion has its recording time.
func (c Cycle) Issued() time.Time {
	if c.CompletedAt.IsZero() {
		return c.IssuedAt
	}
	return c.CompletedAt
}

// ValidUntil is the cycle's expiry day: midnight in Vietnam at its start.
func (c Cycle) ValidUntil() time.Time { return c.ExpiresAt.In(clock.VN).AddDate(0, 0, -1) }

// Revocation records who revoked a certificate, when and why.
type Revocation struct {
	At     time.Time `bson:"at"`
	By     string    `bson:"by"`
	Reason string    `bson:"reason"`
}

// Current is the certificate's latest cycle (zero if it has none).
func (c Certificate) Current() Cycle {
	if len(c.Cycles) == 0 {
		return Cycle{}
	}
	return c.Cycles[len(c.Cycles)-1]
}

// StatusAt is the certificate's status at now: revoked for ever once
// revoked; otherwise expired from its current cycle's ExpiresAt, expiring
// from the day its renewal window opens (WindowOpens), valid before. A
// certificate without a cycle was never valid: expired.
func StatusAt(cert Certificate, rule Rule, now time.Time) Status {
	switch cur := cert.Current(); {
	case cert.Revoked != nil:
		return StatusRevoked
	case len(cert.Cycles) == 0 || !now.Before(cur.ExpiresAt):
		return StatusExpired
	case !now.Before(WindowOpens(cert, rule)):
		return StatusExpiring
	}
	return StatusValid
}

// WindowOpens is the instant from which a pass counts towards the
// certificate's next cycle: midnight in Vietnam renewal_window_days days
// before the current cycle's ExpiresAt (so the window is the last
// renewal_window_days days of validity). For a revoked certificate it is
// the revocation, after which a new pass may earn a new certificate; zero
// for a certificate without a cycle. The quizzes open a new cycle of
// attempts when this falls after their current one began.
func WindowOpens(cert Certificate, rule Rule) time.Time {
	switch {
	case cert.Revoked != nil:
		return cert.Revoked.At
	case len(cert.Cycles) == 0:
		return time.Time{}
	}
	return cert.Current().ExpiresAt.In(clock.VN).AddDate(0, 0, -rule.RenewalWindowDays)
}

// dayOf is midnight in Vietnam at the start of t's day there.
func dayOf(t time.Time) time.Time {
	y, m, d := t.In(clock.VN).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, clock.VN)
}

// expiresAt is the ExpiresAt of a cycle valid for months after the day
// from: the same day of the month months later (the month's last day when
// it has no such day: 31 January + 1 month is 28 or 29 February), to its
// end.
func expiresAt(from time.Time, months int) time.Time {
	y, m, d := dayOf(from).Date()
	first := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, clock.VN)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)) // the day after the expiry day
}
