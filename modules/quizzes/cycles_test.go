package quizzes

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
)

func TestNextCycle(t *testing.T) {
	day := func(d int) time.Time { return t0.AddDate(0, 0, d) }
	spent := CycleFacts{Used: 2, Max: 2, LastAttempt: day(1)}
	passed := CycleFacts{Used: 1, Max: 2, Passed: true, LastAttempt: day(1)}
	with := func(f CycleFacts, edit func(*CycleFacts)) CycleFacts { edit(&f); return f }
	for _, tc := range []struct {
		name string
		f    CycleFacts
		want string
	}{
		{"nothing yet", CycleFacts{Max: 2}, ""},
		{"attempts left", CycleFacts{Used: 1, Max: 2, LastAttempt: day(1)}, ""},
		{"used up, no session since", with(spent, func(f *CycleFacts) { f.Attended = []time.Time{day(0)} }), ""},
		{"used up, present at a session after the last attempt", with(spent, func(f *CycleFacts) { f.Attended = []time.Time{day(0), day(3)} }), CycleAttendance},
		{"passed, present at a session after", with(passed, func(f *CycleFacts) { f.Attended = []time.Time{day(3)} }), ""},
		{"renewal window open", with(passed, func(f *CycleFacts) { f.Renewal = day(300) }), CycleRenewal},
		{"renewal window opened before this cycle", with(passed, func(f *CycleFacts) { f.Opened, f.Renewal = day(301), day(300) }), ""},
		{"renewal and attendance: renewal", with(spent, func(f *CycleFacts) { f.Renewal, f.Attended = day(5), []time.Time{day(3)} }), CycleRenewal},
	} {
		if got := NextCycle(tc.f); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestAttemptKeys(t *testing.T) {
	for _, tc := range []struct {
		id  string
		key AttemptKey
	}{
		{"c1:KC-900:2", AttemptKey{"c1", "KC-900", 1, 2}},
		{"c1:KC-900:c2:1", AttemptKey{"c1", "KC-900", 2, 1}},
		{"c1:KC-900:c12:3", AttemptKey{"c1", "KC-900", 12, 3}},
	} {
		k, err := ParseAttemptKey(tc.id)
		if err != nil || k != tc.key || k.ID() != tc.id {
			t.Errorf("%s: %+v (%v), id %s", tc.id, k, err, k.ID())
		}
	}
	for _, bad := range []string{"c1:KC-900:c1:1", "c1:KC-900:c02:1", "c1:KC-900:cx:1", "c1:KC-900:c2:0", "c1:KC-900", ":KC-900:1", "c1:KC-900:c2:1:1"} {
		if _, err := ParseAttemptKey(bad); !errs.Is(err, errs.NotFound) {
			t.Errorf("%s: %v, want not found", bad, err)
		}
	}
}

// attendedAfter is a book of marks: the dates a person was present.
type attendedAfter map[string][]time.Time

func (a attendedAfter) Attended(_ context.Context, collab, course string) ([]time.Time, error) {
	return a[collab+":"+course], nil
}

type openRenewal map[string]time.Time

func (o openRenewal) RenewalOpens(_ context.Context, collab, course string) (time.Time, error) {
	return o[collab+":"+course], nil
}

// failAll uses every attempt of the current cycle without passing.
func failAll(t *testing.T, svc *Service, r *rig, p authz.Principal) []Attempt {
	t.Helper()
	var out []Attempt
	for range r.cat.c.Quiz.MaxAttempts {
		a, _, err := svc.Start(context.Background(), p, "KC-900")
		if err != nil {
			t.Fatal(err)
		}
		g, err := svc.Submit(context.Background(), p, a.ID, nil)
		if err != nil || g.Passed {
			t.Fatalf("submit %s: passed %v, %v", a.ID, g.Passed, err)
		}
		out = append(out, g)
		r.clk.Advance(time.Hour)
	}
	if _, _, err := svc.Start(context.Background(), p, "KC-900"); !errs.Is(err, errs.Unprocessable) {
		t.Fatalf("start past max_attempts: %v", err)
	}
	return out
}

// A cycle used up without a pass opens again when a coordinator grants it
// (audited) or when its taker is present at a session of the course after
// their last attempt; max_attempts counts per cycle, and cycle 1's ids keep
// their form.
func TestCyclesOpenAfterAnExhaustedCycle(t *testing.T) {
	eachRig(t, 0, func(t *testing.T, ctx context.Context, r *rig) {
		book := attendedAfter{}
		var audited []string
		svc := r.service(21)
		svc.d.Attendance = book
		svc.d.Audit = auditFunc(func(action, id string, ch map[string]any) {
			audited = append(audited, action+" "+id+" "+ch["reason"].(string))
		})
		staff := authz.Principal{UserID: "coord", Role: "coordinator"}
		p := ctv("c1", "NT")
		if _, err := svc.GrantCycle(ctx, staff, "c1", "KC-900", "second chance"); !errs.Is(err, errs.Conflict) {
			t.Fatalf("grant before any attempt: %v, want a conflict", err)
		}
		first := failAll(t, svc, r, p)
		if first[0].ID != "c1:KC-900:1" || first[0].Cycle != 1 {
			t.Fatalf("cycle 1's first attempt is %s (cycle %d)", first[0].ID, first[0].Cycle)
		}
		if _, err := svc.GrantCycle(ctx, staff, "c1", "KC-900", "  "); !errs.Is(err, errs.Invalid) {
			t.Fatalf("grant without a reason: %v", err)
		}
		if _, err := svc.GrantCycle(ctx, staff, "c1", "KC-900", strings.Repeat("x", MaxReasonLen+1)); !errs.Is(err, errs.Invalid) {
			t.Fatalf("grant with a long reason: %v", err)
		}
		cy, err := svc.GrantCycle(ctx, staff, "c1", "KC-900", "second chance")
		if err != nil || cy.N != 2 || cy.Why != CycleGranted {
			t.Fatalf("grant: %+v, %v", cy, err)
		}
		if len(audited) != 1 || audited[0] != "quiz.cycle.grant c1 second chance" {
			t.Errorf("audit: %q", audited)
		}
		if _, err := svc.GrantCycle(ctx, staff, "c1", "KC-900", "again"); !errs.Is(err, errs.Conflict) {
			t.Fatalf("grant of a fresh cycle: %v, want a conflict", err)
		}
		second := failAll(t, svc, r, p)
		if second[0].ID != "c1:KC-900:c2:1" || second[1].N != 2 {
			t.Fatalf("cycle 2's attempts: %s, n %d", second[0].ID, second[1].N)
		}
		// Present at a session dated before the last attempt: nothing; after: cycle 3.
		book["c1:KC-900"] = []time.Time{second[0].StartedAt}
		if _, _, err := svc.Start(ctx, p, "KC-900"); !errs.Is(err, errs.Unprocessable) {
			t.Fatalf("start after an earlier session: %v", err)
		}
		book["c1:KC-900"] = append(book["c1:KC-900"], r.clk.Now())
		a, created, err := svc.Start(ctx, p, "KC-900")
		if err != nil || !created || a.ID != "c1:KC-900:c3:1" {
			t.Fatalf("start after a session: %s %v, %v", a.ID, created, err)
		}
		if got, err := svc.Get(ctx, own("c1"), first[0].ID); err != nil || got.Cycle != 1 {
			t.Errorf("cycle 1's attempt reads %+v, %v", got.Cycle, err)
		}
		res, err := svc.ResultsByPerson(ctx, authz.All, "KC-900", "")
		if err != nil || len(res.People) != 1 {
			t.Fatalf("results by person: %+v, %v", res, err)
		}
		if pr := res.People[0]; pr.Cycle != 3 || pr.Used != 1 || pr.Graded != 0 || !pr.Open {
			t.Errorf("staff see c1 at cycle %d, %d used, %d graded, open %v; want cycle 3, 1 open attempt", pr.Cycle, pr.Used, pr.Graded, pr.Open)
		}
	})
}

// A certificate's renewal window opens a new cycle for someone who passed.
func TestRenewalOpensACycle(t *testing.T) {
	eachRig(t, 6, func(t *testing.T, ctx context.Context, r *rig) {
		svc := r.service(23)
		renew := openRenewal{}
		svc.d.Renewals = renew
		p := ctv("c1", "NT")
		a, _, err := svc.Start(ctx, p, "KC-900")
		if err != nil {
			t.Fatal(err)
		}
		if g, err := svc.Submit(ctx, p, a.ID, allRight()); err != nil || !g.Passed {
			t.Fatalf("submit: %v", err)
		}
		r.clk.Advance(24 * time.Hour)
		// A window that opens later (certification answers with the
		// date it will open) opens nothing yet: the passed cycle stays.
		renew["c1:KC-900"] = r.clk.Now().Add(24 * time.Hour)
		if n, err := svc.CycleOf(ctx, "c1", r.cat.c); err != nil || n != 1 {
			t.Fatalf("cycle before the window opens: %d, %v", n, err)
		}
		renew["c1:KC-900"] = r.clk.Now()
		r.clk.Advance(time.Hour)
		b, created, err := svc.Start(ctx, p, "KC-900")
		if err != nil || !created || b.ID != "c1:KC-900:c2:1" {
			t.Fatalf("start in the renewal window: %s %v, %v", b.ID, created, err)
		}
	})
}

type auditFunc func(action, id string, changes map[string]any)

func (f auditFunc) Record(_ context.Context, action, _, id string, changes map[string]any) error {
	f(action, id, changes)
	return nil
}
