package certification

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// record is one thing that happens to a person at a course.
type record struct {
	at     time.Time
	pass   *Pass
	mark   *Attendance
	revoke bool
}

// history draws five years of passes, marks (of every status) and now and
// then a revocation, in time order.
func history(r *rand.Rand) []record {
	start := at("2026-01-01 00:00")
	var out []record
	for i := range 10 + r.IntN(30) {
		when := start.Add(time.Duration(r.Int64N(int64(5 * 365 * 24 * time.Hour))))
		switch k := r.IntN(20); {
		case k < 8:
			out = append(out, record{at: when, pass: &Pass{Attempt: fmt.Sprintf("a%d", i), At: when}})
		case k < 19:
			status := []string{"present", "late", "excused", "absent"}[r.IntN(4)]
			out = append(out, record{at: when, mark: &Attendance{Session: fmt.Sprintf("s%d", i), At: when, Status: status}})
		default:
			out = append(out, record{at: when, revoke: true})
		}
	}
	slices.SortFunc(out, func(a, b record) int { return a.at.Compare(b.at) })
	return out
}

// TestLifecycle replays random histories: one run reconciles after every
// record (every event handled), another only now and then (handlers that
// failed) and at the end (the nightly repair). After every step no two
// certificates stand unrevoked, history only grows, revoked stays revoked
// and expiry follows completion; in the end both runs hold the same
// certificates.
func TestLifecycle(t *testing.T) {
	t.Parallel()
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 1))
		rule := Rule{ValidityMonths: 6 + 6*r.IntN(4), RenewalWindowDays: 7 + r.IntN(60), RequiresAttendance: r.IntN(2) == 0}
		events, repaired := Facts{Rule: rule, NewID: ids()}, Facts{Rule: rule, NewID: ids()}
		step := func(f *Facts, now time.Time) {
			f.Now = now
			before := slices.Clone(f.Certs)
			f.Certs = Apply(f.Certs, Reconcile(*f))
			checkStep(t, seed, before, f.Certs)
		}
		for _, rec := range history(r) {
			for _, f := range []*Facts{&events, &repaired} {
				if rec.pass != nil {
					f.Passes = append(f.Passes, *rec.pass)
				}
				if rec.mark != nil {
					f.Attendance = append(f.Attendance, *rec.mark)
				}
				if rec.revoke { // a coordinator revokes what they see, so the repair is up to date
					step(f, rec.at)
					if n := len(f.Certs); n > 0 && f.Certs[n-1].Revoked == nil {
						f.Certs[n-1].Revoked = &Revocation{At: rec.at, By: "coord", Reason: "test"}
					}
				}
			}
			step(&events, rec.at)
			if r.IntN(3) == 0 {
				step(&repaired, rec.at)
			}
		}
		end := at("2031-06-01 00:00")
		step(&events, end)
		step(&repaired, end)
		if a, b := summary(events.Certs), summary(repaired.Certs); a != b {
			t.Errorf("seed %d: handled events give\n%s\nthe repair\n%s", seed, a, b)
		}
	}
}

// checkStep checks one reconcile's before and after.
func checkStep(t *testing.T, seed uint64, before, after []Certificate) {
	t.Helper()
	for i, c := range after {
		if i < len(after)-1 && c.Revoked == nil {
			t.Errorf("seed %d: certificate %s is not the newest and not revoked", seed, c.ID)
		}
		for j, cy := range c.Cycles {
			if cy.N != j+1 || !cy.ExpiresAt.After(cy.CompletedAt) {
				t.Errorf("seed %d: certificate %s cycle %d is %+v", seed, c.ID, j+1, cy)
			}
		}
		if i < len(before) {
			old := before[i]
			if old.ID != c.ID || (old.Revoked != nil) != (c.Revoked != nil) || !slices.Equal(old.Cycles, c.Cycles[:min(len(old.Cycles), len(c.Cycles))]) ||
				(old.Revoked != nil && len(c.Cycles) != len(old.Cycles)) {
				t.Errorf("seed %d: certificate %s rewritten:\n%+v\n%+v", seed, c.ID, old, c)
			}
		}
	}
}

// summary writes certificates without what depends on when the reconcile
// ran (IssuedAt).
func summary(certs []Certificate) string {
	s := ""
	for _, c := range certs {
		s += fmt.Sprintf("%s revoked=%v:", c.ID, c.Revoked != nil)
		for _, cy := range c.Cycles {
			s += fmt.Sprintf(" c%d %s %s %s→%s", cy.N, cy.CompletedAt.Format(time.DateTime), cy.Pass, cy.Attendance, cy.ValidUntil().Format(time.DateOnly))
		}
		s += "\n"
	}
	return s
}
