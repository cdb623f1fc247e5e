package quizzes

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/courses"
)

// progressReads is the store counting the reads of a person's summaries.
type progressReads struct {
	*Store
	n atomic.Int32
}

func (s *progressReads) Progress(ctx context.Context, collaboratorID, course string) ([]Attempt, error) {
	s.n.Add(1)
	return s.Store.Progress(ctx, collaboratorID, course)
}

// askedRenewals is certification answering every window as open an hour
// ago, counting the questions.
type askedRenewals struct {
	clk interface{ Now() time.Time }
	n   atomic.Int32
}

func (r *askedRenewals) RenewalOpens(context.Context, string, string) (time.Time, error) {
	r.n.Add(1)
	return r.clk.Now().Add(-time.Hour), nil
}

func TestMayHoldCertificate(t *testing.T) {
	t.Parallel()
	failed := func(n int) Attempt { return Attempt{Cycle: 1, N: n} }
	passed := Attempt{Cycle: 1, N: 2, Passed: true}
	for _, c := range []struct {
		name string
		cur  Cycle
		prog []Attempt
		want bool
	}{
		{"nothing graded", Cycle{N: 1}, nil, false},
		{"every graded number summarized, none passed", Cycle{N: 1, Graded: []int{1, 2}}, []Attempt{failed(1), failed(2)}, false},
		{"a pass", Cycle{N: 1, Graded: []int{1, 2}}, []Attempt{failed(1), passed}, true},
		{"a graded number without its summary (a crash between)", Cycle{N: 1, Graded: []int{1, 2}}, []Attempt{failed(1)}, true},
		{"a later cycle", Cycle{N: 2}, nil, true},
	} {
		if got := mayHoldCertificate(c.cur, c.prog); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// Certification issues a certificate only on a pass, so a start asks it
// nothing while the collaborator has none at the course: not on a first
// attempt, not after a failed one. Once they passed it asks, and its open
// window opens the next cycle as before; and it asks when a crash left a
// graded number without its summary.
func TestStartAsksCertificationOnlyWhenACertificateCanExist(t *testing.T) {
	eachRig(t, 6, func(t *testing.T, ctx context.Context, r *rig) {
		r.cat.c.Quiz.MaxAttempts = 3
		svc := r.service(51)
		renew := &askedRenewals{clk: r.clk}
		svc.d.Renewals = renew
		p := ctv("c1", "NT")
		a, _, err := svc.Start(ctx, p, "KC-900")
		if err != nil || a.ID != "c1:KC-900:1" || renew.n.Load() != 0 {
			t.Fatalf("first start: %s, %v; asked certification %d times, want 0", a.ID, err, renew.n.Load())
		}
		if g, err := svc.Submit(ctx, p, a.ID, nil); err != nil || g.Passed {
			t.Fatalf("failing submit: passed %v, %v", g.Passed, err)
		}
		b, _, err := svc.Start(ctx, p, "KC-900")
		if err != nil || b.ID != "c1:KC-900:2" || renew.n.Load() != 0 {
			t.Fatalf("start after a failed attempt: %s, %v; asked %d times, want 0", b.ID, err, renew.n.Load())
		}
		// A crash after attempt 2's result and number, before its summary:
		// its outcome is unknown to the summaries, so the start asks.
		live, err := svc.live(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		live.Answers = allRight()
		graded := live.Grade(r.clk.Now())
		if won, err := r.st.Record(ctx, graded); err != nil || !won {
			t.Fatalf("record: %v, %v", won, err)
		}
		if err := r.st.addNumber(ctx, graded); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CycleOf(ctx, "c1", r.cat.c); err != nil || renew.n.Load() != 1 {
			t.Fatalf("cycle after a number without its summary: %v; asked %d times, want 1", err, renew.n.Load())
		}
		// The next finder completes the grading; with the pass booked, a
		// start asks, and the open window opens cycle 2.
		if g, err := svc.Submit(ctx, p, b.ID, nil); err != nil || !g.Passed {
			t.Fatalf("completing submit: passed %v, %v", g.Passed, err)
		}
		c, created, err := svc.Start(ctx, p, "KC-900")
		if err != nil || !created || c.ID != "c1:KC-900:c2:1" || renew.n.Load() != 2 {
			t.Fatalf("start after the pass: %s %v, %v; asked %d times, want 2", c.ID, created, err, renew.n.Load())
		}
	})
}

// A submit reviews its attempt from the summaries its grading wrote, not
// from a read of them: under "answers_after_pass" a failed attempt shows
// no key until the course is passed, and shows it when a pass of an
// earlier cycle is on record. A later look at an attempt reads them.
func TestASubmitReviewsFromItsOwnGrading(t *testing.T) {
	eachRig(t, 6, func(t *testing.T, ctx context.Context, r *rig) {
		r.cat.c.Quiz.Review = courses.ReviewAnswersAfterPass
		st := &progressReads{Store: r.st}
		svc := r.service(52)
		svc.d.Store = st
		renew := openRenewal{}
		svc.d.Renewals = renew
		p := ctv("c1", "NT")
		submit := func(answers map[string][]string) Attempt {
			t.Helper()
			a, _, err := svc.Start(ctx, p, "KC-900")
			if err != nil {
				t.Fatal(err)
			}
			before := st.n.Load()
			g, err := svc.Submit(ctx, p, a.ID, answers)
			if err != nil {
				t.Fatal(err)
			}
			if n := st.n.Load() - before; n != 0 {
				t.Errorf("submit of %s read the summaries %d times, want 0", a.ID, n)
			}
			return g
		}
		failed := submit(nil)
		if failed.Passed || failed.CoursePassed || failed.ShowsKey() {
			t.Fatalf("failed attempt: passed %v, course passed %v, key %v; want no key", failed.Passed, failed.CoursePassed, failed.ShowsKey())
		}
		if g := submit(allRight()); !g.Passed || !g.ShowsKey() {
			t.Fatalf("passing attempt: passed %v, key %v", g.Passed, g.ShowsKey())
		}
		again, err := svc.Get(ctx, own("c1"), failed.ID)
		if err != nil || !again.CoursePassed || !again.ShowsKey() {
			t.Fatalf("failed attempt after the pass: course passed %v, key %v, %v", again.CoursePassed, again.ShowsKey(), err)
		}
		r.clk.Advance(24 * time.Hour)
		renew["c1:KC-900"] = r.clk.Now()
		r.clk.Advance(time.Hour)
		renewal := submit(nil)
		if renewal.Cycle != 2 || renewal.Passed || !renewal.CoursePassed || !renewal.ShowsKey() {
			t.Fatalf("failed attempt of cycle 2: cycle %d, passed %v, course passed %v, key %v; want the key (cycle 1 passed)",
				renewal.Cycle, renewal.Passed, renewal.CoursePassed, renewal.ShowsKey())
		}
	})
}
