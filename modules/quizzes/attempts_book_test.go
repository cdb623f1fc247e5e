package quizzes

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"go.mongodb.org/mongo-driver/v2/mongo"
)

// passEvents counts the passes announced, failing each when fail is set.
type passEvents struct {
	n    atomic.Int32
	fail bool
}

func (e *passEvents) QuizPassed(context.Context, Passed) error {
	e.n.Add(1)
	if e.fail {
		return errors.New("certification is down")
	}
	return nil
}

// stopAfterRecord is the store of a process that dies once a result is
// recorded, before the rest of the grading.
type stopAfterRecord struct{ *Store }

func (stopAfterRecord) AddProgress(context.Context, Attempt) ([]Attempt, error) {
	return nil, errors.New("process stopped")
}

// passOnce starts an attempt of c1 and passes it on svc.
func passOnce(t *testing.T, svc *Service) (Attempt, error) {
	t.Helper()
	p := ctv("c1", "NT")
	a, _, err := svc.Start(context.Background(), p, "KC-900")
	if err != nil {
		t.Fatal(err)
	}
	return svc.Submit(context.Background(), p, a.ID, allRight())
}

// passed is passOnce's attempt; it fails t if the submit failed.
func passed(t *testing.T, svc *Service) Attempt {
	t.Helper()
	g, err := passOnce(t, svc)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// inBook checks that the attempt is in c1's book, passed.
func inBook(t *testing.T, svc *Service, id string) {
	t.Helper()
	es, err := svc.AttemptsOf(context.Background(), "c1")
	if err != nil || len(es) != 1 || es[0].Attempt != id || !es[0].Passed || es[0].Cycle != 1 || es[0].Course != "KC-900" {
		t.Fatalf("c1's book: %+v, %v; want %s passed", es, err, id)
	}
}

// A pass is in its taker's book before it is announced: a failing handler
// loses nothing.
func TestAPassIsBookedWhenTheEventFails(t *testing.T) {
	eachMode(t, func(t *testing.T, db *mongo.Database) {
		r := newRig(db, 6)
		svc, ev := r.service(31), &passEvents{fail: true}
		svc.d.Events = ev
		g, err := passOnce(t, svc)
		if err != nil || !g.Passed || ev.n.Load() != 1 {
			t.Fatalf("submit: passed %v, %v; %d events", g.Passed, err, ev.n.Load())
		}
		inBook(t, svc, g.ID)
	})
}

// A process that stops between the result and the rest of the grading
// leaves the attempt live; the next process to find it completes the
// grading, books the pass and announces it, once.
func TestAGradingStoppedAfterTheResultIsBookedAndAnnouncedOnce(t *testing.T) {
	eachRig(t, 6, func(t *testing.T, ctx context.Context, r *rig) {
		ev := &passEvents{}
		dying := NewService(Deps{Store: stopAfterRecord{r.st}, Catalog: r.cat, Clock: r.clk, Events: ev})
		if _, err := passOnce(t, dying); err == nil {
			t.Fatal("the stopped process graded to the end")
		}
		next := r.service(0)
		next.d.Events = ev
		r.overdue()
		for range 2 {
			if _, err := next.Sweep(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if ev.n.Load() != 1 {
			t.Errorf("%d announcements, want 1", ev.n.Load())
		}
		inBook(t, next, "c1:KC-900:1")
	})
}

// The backfill books the attempts graded before the book existed, a page
// at a time; until it has finished, AttemptsOf reads the summaries.
func TestTheBookIsBackfilledFromTheSummaries(t *testing.T) {
	eachRig(t, 6, func(t *testing.T, ctx context.Context, r *rig) {
		svc := r.service(33)
		g := passed(t, svc)
		r.st.bookPage = 3
		var people []string
		for i := range 2*r.st.bookPage + 1 { // more people than two pages
			people = append(people, fmt.Sprintf("p%02d", i))
		}
		history(t, ctx, r, people...)
		if err := r.db.Collection(attemptsBook).Drop(ctx); err != nil {
			t.Fatal(err)
		}
		inBook(t, svc, g.ID) // from the summaries
		if err := svc.KeepBook(ctx); err != nil {
			t.Fatal(err)
		}
		fresh := newRig(r.db, 6).service(0)
		if done, err := fresh.d.Store.(*Store).attempts.Complete(ctx); err != nil || !done {
			t.Fatalf("backfill complete: %v, %v", done, err)
		}
		inBook(t, fresh, g.ID)
		if es, err := fresh.AttemptsOf(ctx, people[len(people)-1]); err != nil || len(es) != 1 || es[0].Attempt != people[len(people)-1]+":KC-900:1" {
			t.Errorf("the last person's book: %+v, %v", es, err)
		}
	})
}
