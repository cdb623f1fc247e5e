package certification

import (
	"slices"
	"time"
)

// Pass is a passing quiz attempt at the course.
type Pass struct {
	Attempt string    // the attempt's id
	Cycle   int       // the quizzes' cycle of attempts it belonged to (the rule goes by At)
	At      time.Time // when it was submitted
}

// Attendance is a mark at a session of the course.
type Attendance struct {
	Session string
	At      time.Time // when the session started
	Status  string    // present, late, excused or absent (scheduling's marks)
}

// counts reports whether a mark meets the rule: present or late.
func (a Attendance) counts() bool { return a.Status == "present" || a.Status == "late" }

// Facts are what a person's certificate at a course is computed from: the
// certificates so far and the durable records of passes and attendance.
type Facts struct {
	Collaborator, Course string // whose certificate, at which course
	Rule                 Rule
	Certs                []Certificate                 // this person's at this course, newest last
	Passes               []Pass                        // any order
	Attendance           []Attendance                  // any order
	Now                  time.Time                     // records after it are ignored; new cycles are issued at it
	NewID                func() (id string, code Code) // draws a new certificate's; nil: NewID
}

// Action is what a Decision does.
type Action string

// The actions.
const (
	Nothing Action = ""
	Issue   Action = "issue" // a new certificate
	Renew   Action = "renew" // new cycles on an existing certificate
)

// Decision is the outcome of Reconcile.
type Decision struct {
	Action Action
	Cert   Certificate // Issue: the new certificate; Renew: the certificate with New appended
	New    []Cycle     // the cycles the decision adds (all of a new certificate's)
}

// Reconcile decides what the records owe a person at a course, so that a
// quiz or attendance event and a nightly repair reach the same state. The
// rule:
//
//   - a cycle is earned when a pass counts and, where the rule requires
//     attendance, a present or late mark counts: completion is the later
//     of the earliest of each;
//   - for a first certificate anything counts; for a renewal a pass counts
//     from WindowOpens (a pass before the window opens renews nothing) and
//     a mark when it falls after the previous cycle was completed;
//   - a renewal completed while the certificate is valid (so inside the
//     window) extends from the current expiry day; one completed after
//     expiry runs from the completion day;
//   - a revoked certificate gets no more cycles; meeting the rule again
//     after the revocation (a pass from the revocation on, a mark after its
//     last cycle) issues a new certificate, with a new id and code.
//
// "Previous cycle" means the moment it was earned (CompletedAt), not the
// moment a reconcile recorded it (IssuedAt): so a late repair decides what
// the event would have. The decision holds every cycle owed (a repair may
// owe several), so reconciling again after applying it gives Nothing.
func Reconcile(f Facts) Decision {
	var last *Certificate // the newest certificate
	if n := len(f.Certs); n > 0 && len(f.Certs[n-1].Cycles) > 0 {
		last = &f.Certs[n-1]
	}
	var d Decision
	var cert Certificate // the one gaining cycles
	if last != nil && last.Revoked == nil {
		d.Action, cert = Renew, *last
		cert.Cycles = slices.Clone(cert.Cycles)
	}
	for {
		if len(cert.Cycles) > 0 {
			last = &cert
		}
		c, ok := nextCycle(f, last)
		if !ok {
			break
		}
		if len(cert.Cycles) == 0 {
			newID := f.NewID
			if newID == nil {
				newID = NewID
			}
			id, code := newID()
			d.Action, cert = Issue, Certificate{ID: id, Code: code, Collaborator: f.Collaborator, Course: f.Course}
		}
		c.N = len(cert.Cycles) + 1
		cert.Cycles = append(cert.Cycles, c)
		d.New = append(d.New, c)
	}
	if len(d.New) == 0 {
		return Decision{}
	}
	d.Cert = cert
	return d
}

// nextCycle is the cycle (but its N) that the records earn after last's
// current one (last nil: no certificate yet), if any.
func nextCycle(f Facts, last *Certificate) (Cycle, bool) {
	var passFrom, markAfter time.Time
	if last != nil {
		passFrom, markAfter = WindowOpens(*last, f.Rule), last.Current().CompletedAt
	}
	pass, ok := earliest(f.Passes, func(p Pass) (time.Time, bool) {
		return p.At, !p.At.Before(passFrom) && p.At.After(markAfter) && !p.At.After(f.Now)
	})
	if !ok {
		return Cycle{}, false
	}
	c := Cycle{IssuedAt: f.Now, CompletedAt: pass.At, Pass: pass.Attempt}
	if f.Rule.RequiresAttendance {
		mark, ok := earliest(f.Attendance, func(a Attendance) (time.Time, bool) {
			return a.At, a.counts() && a.At.After(markAfter) && !a.At.After(f.Now)
		})
		if !ok {
			return Cycle{}, false
		}
		c.Attendance = mark.Session
		c.CompletedAt = later(pass.At, mark.At)
	}
	c.ExpiresAt = expiresAt(c.CompletedAt, f.Rule.ValidityMonths)
	if last != nil && last.Revoked == nil && c.CompletedAt.Before(last.Current().ExpiresAt) {
		c.ExpiresAt = expiresAt(last.Current().ValidUntil(), f.Rule.ValidityMonths)
	}
	return c, true
}

// earliest is the record with the earliest time among those that count.
func earliest[T any](xs []T, counts func(T) (time.Time, bool)) (T, bool) {
	var best T
	var bestAt time.Time
	found := false
	for _, x := range xs {
		if at, ok := counts(x); ok && (!found || at.Before(bestAt)) {
			best, bestAt, found = x, at, true
		}
	}
	return best, found
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Apply returns certs with the decision applied (certs is not changed): the
// new certificate appended, or the renewed one replaced.
func Apply(certs []Certificate, d Decision) []Certificate {
	out := slices.Clone(certs)
	switch d.Action {
	case Issue:
		out = append(out, d.Cert)
	case Renew:
		for i := range out {
			if out[i].ID == d.Cert.ID {
				out[i] = d.Cert
			}
		}
	}
	return out
}
