package certification_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/certification"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/storetest"
)

// step is one thing that happens to p1: a pass or a mark (present, late,
// or the excused and absent ones that do not count) at a course, or a
// coordinator revoking the course's newest certificate.
type step struct {
	at      time.Time
	course  string
	pass    bool
	mark    string // the mark's status; "" for no mark
	revoke  bool
	fail    bool // the event's handler cannot read the records
	nightly bool // the nightly job runs after the step
}

func serviceHistory(r *rand.Rand) []step {
	var out []step
	for range 15 + r.IntN(25) {
		s := step{at: t0.Add(time.Duration(r.Int64N(int64(5 * 365 * 24 * time.Hour)))), course: []string{"AT", "KN"}[r.IntN(2)],
			fail: r.IntN(4) == 0, nightly: r.IntN(5) == 0}
		switch k := r.IntN(20); {
		case k < 9:
			s.pass = true
		case k < 19:
			s.mark = []string{"present", "late", "excused", "absent"}[r.IntN(4)]
		default:
			s.revoke = true
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b step) int { return a.at.Compare(b.at) })
	return out
}

// TestServiceLifecycle replays random five-year histories through the
// service on the store: every pass and mark (of any status: excused and
// absent ones count for nothing) is an event (Changed), some of whose
// handlers fail (the records cannot be read) and are repaired by the
// nightly job at random moments and before any revocation; the clock moves
// to each step. After every step: at most one valid or expiring
// certificate per course, every cycle expires after it was completed and
// follows the previous one, a revoked certificate stays revoked, every
// code verifies to its certificate with the same status, and each status
// matches the clock. At the end, and at each revocation, a second store
// given the same records but no events (a reconcile of everyone at that
// moment) holds the same certificates: the same cycles, completions,
// expiries and revocations.
func TestServiceLifecycle(t *testing.T) {
	t.Parallel()
	for seed := range uint64(12) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			ev, rp := newRig(t, storetest.New(t)), newRig(t, storetest.New(t))
			coord := authz.Principal{UserID: "coordinator"}
			revoked := map[string]bool{}
			hist := serviceHistory(rand.New(rand.NewPCG(seed, 11)))
			for i, s := range hist {
				ev.clk.Set(s.at)
				rp.clk.Set(s.at)
				switch {
				case s.pass, s.mark != "":
					for _, r := range []*records{ev.rec, rp.rec} {
						if s.pass {
							r.pass("p1", s.course, fmt.Sprintf("a%d", i), s.at)
						} else {
							r.markAs("p1", s.course, fmt.Sprintf("s%d", i), s.mark, s.at)
						}
					}
					ev.rec.failing("p1", s.fail)
					err := ev.svc.Changed(ctx, "p1")
					ev.rec.failing("p1", false)
					if (err != nil) != s.fail {
						t.Fatalf("step %d: the event's handler answered %v (failing: %v)", i, err, s.fail)
					}
				case s.revoke:
					// The nightly job has repaired any failed event before a
					// coordinator acts; the replay catches up from the records.
					if _, _, err := ev.svc.ReconcileMarked(ctx); err != nil {
						t.Fatal(err)
					}
					if _, _, err := rp.svc.ReconcileAll(ctx); err != nil {
						t.Fatal(err)
					}
					sameCertificates(t, i, ev, rp)
					for _, r := range []rig{ev, rp} {
						if id := newestLive(t, r, s.course); id != "" {
							if _, err := r.svc.Revoke(ctx, coord, id, "Kiểm tra ngẫu nhiên"); err != nil {
								t.Fatalf("step %d: revoke: %v", i, err)
							}
							if r.svc == ev.svc {
								revoked[id] = true
							}
						}
					}
				}
				if s.nightly {
					if _, _, err := ev.svc.ReconcileMarked(ctx); err != nil {
						t.Fatal(err)
					}
				}
				checkInvariants(t, i, ev, revoked)
			}
			ev.clk.Set(hist[len(hist)-1].at.AddDate(0, 0, 1))
			rp.clk.Set(ev.clk.Now())
			if _, _, err := ev.svc.ReconcileMarked(ctx); err != nil {
				t.Fatal(err)
			}
			if _, _, err := rp.svc.ReconcileAll(ctx); err != nil {
				t.Fatal(err)
			}
			sameCertificates(t, len(hist), ev, rp)
			checkInvariants(t, len(hist), rp, nil)
			if vs := mine(t, ev); len(vs) == 0 {
				t.Fatalf("%d steps issued nothing", len(hist))
			} else {
				cycles := 0
				for _, v := range vs {
					cycles += len(v.Cycles)
				}
				t.Logf("%d steps: %d certificates, %d cycles, %d revoked", len(hist), len(vs), cycles, len(revoked))
			}
		})
	}
}

func mine(t *testing.T, r rig) []certification.View {
	t.Helper()
	vs, err := r.svc.List(context.Background(), authz.All, certification.Filter{CollaboratorID: "p1"})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(vs, func(a, b certification.View) int {
		if c := strings.Compare(a.CourseCode, b.CourseCode); c != 0 {
			return c
		}
		return a.IssuedAt.Compare(b.IssuedAt)
	})
	return vs
}

// newestLive is the course's certificate that is not revoked, if any.
func newestLive(t *testing.T, r rig, course string) string {
	for _, v := range mine(t, r) {
		if v.CourseCode == course && v.RevokedAt == nil {
			return v.ID
		}
	}
	return ""
}

func checkInvariants(t *testing.T, step int, r rig, revoked map[string]bool) {
	t.Helper()
	now := r.clk.Now()
	live := map[string]int{}
	seen := map[string]bool{}
	for _, v := range mine(t, r) {
		seen[v.ID] = true
		if v.Status == certification.StatusValid || v.Status == certification.StatusExpiring {
			live[v.CourseCode]++
		}
		switch {
		case v.RevokedAt != nil:
			if v.Status != certification.StatusRevoked {
				t.Fatalf("step %d: %s is revoked but %s", step, v.ID, v.Status)
			}
		case !now.Before(v.ExpiresAt):
			if v.Status != certification.StatusExpired {
				t.Fatalf("step %d: %s ended %s but is %s at %s", step, v.ID, v.ExpiresAt, v.Status, now)
			}
		case v.Status != certification.StatusValid && v.Status != certification.StatusExpiring:
			t.Fatalf("step %d: %s ends %s but is %s at %s", step, v.ID, v.ExpiresAt, v.Status, now)
		}
		if revoked[v.ID] && v.RevokedAt == nil {
			t.Fatalf("step %d: %s was revoked and is not any more", step, v.ID)
		}
		for j, c := range v.Cycles {
			if c.N != j+1 || !c.ExpiresAt.After(c.CompletedAt) || c.CompletedAt.After(now) {
				t.Fatalf("step %d: %s's cycle %d: %+v", step, v.ID, j+1, c)
			}
			if j > 0 && (!c.CompletedAt.After(v.Cycles[j-1].CompletedAt) || c.ExpiresAt.Before(v.Cycles[j-1].ExpiresAt)) {
				t.Fatalf("step %d: %s's cycle %d does not follow the one before: %+v", step, v.ID, j+1, v.Cycles)
			}
		}
		got, err := r.svc.Verify(context.Background(), string(v.VerificationCode))
		if err != nil || got.ID != v.ID || got.Status != v.Status {
			t.Fatalf("step %d: %s's code verifies as %+v, %v", step, v.ID, got, err)
		}
	}
	for course, n := range live {
		if n > 1 {
			t.Fatalf("step %d: %d live certificates at %s", step, n, course)
		}
	}
	for id := range revoked {
		if !seen[id] {
			t.Fatalf("step %d: the revoked %s is gone", step, id)
		}
	}
}

// sameCertificates compares what the records owe on both paths (not the
// ids, codes or the moments a reconcile recorded a cycle).
func sameCertificates(t *testing.T, step int, a, b rig) {
	t.Helper()
	shape := func(vs []certification.View) string {
		var sb strings.Builder
		for _, v := range vs {
			fmt.Fprintf(&sb, "%s revoked=%v:", v.CourseCode, v.RevokedAt != nil)
			for _, c := range v.Cycles {
				fmt.Fprintf(&sb, " [%d %s→%s]", c.N, c.CompletedAt.UTC().Format(time.DateTime), c.ExpiresAt.UTC().Format(time.DateTime))
			}
			sb.WriteString("\n")
		}
		return sb.String()
	}
	if x, y := shape(mine(t, a)), shape(mine(t, b)); x != y {
		t.Fatalf("step %d: the events gave\n%s\na reconcile from the records gives\n%s", step, x, y)
	}
}
