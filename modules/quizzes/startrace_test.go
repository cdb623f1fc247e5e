package quizzes

import (
	"context"
	"math/rand/v2"
	"testing"
)

// gradedOnInsert is a store on which another process grades a live attempt
// between a start's read of the progress and its insert: the moment the
// insert of a live attempt no longer protects, since the graded one has left
// the live set.
type gradedOnInsert struct {
	*Store
	before func() // run once, before the first insert
}

func (g *gradedOnInsert) InsertLive(ctx context.Context, a Attempt) error {
	if f := g.before; f != nil {
		g.before = nil
		f()
	}
	return g.Store.InsertLive(ctx, a)
}

// TestAStartDoesNotReopenANumberGradedMeanwhile: a number is used once. A
// start that read the progress while attempt 1 was open, and inserts
// attempt 1 after another process graded it, takes number 2; the graded
// attempt 1 stays as it was recorded.
func TestAStartDoesNotReopenANumberGradedMeanwhile(t *testing.T) {
	eachRig(t, 6, func(t *testing.T, ctx context.Context, r *rig) {
		other := r.service(5)
		p := ctv("c1", "NT")
		first, _, err := other.Start(ctx, p, "KC-900")
		if err != nil {
			t.Fatal(err)
		}
		st := &gradedOnInsert{Store: r.st}
		st.before = func() {
			if _, err := other.Submit(ctx, p, first.ID, allRight()); err != nil {
				t.Errorf("submit on the other process: %v", err)
			}
		}
		svc := NewService(Deps{Store: st, Catalog: r.cat, Clock: r.clk, Rand: rand.New(rand.NewPCG(7, 8))})
		a, created, err := svc.Start(ctx, p, "KC-900")
		if err != nil {
			t.Fatal(err)
		}
		if !created || a.N != 2 || a.ID == first.ID {
			t.Errorf("start after attempt 1 was graded: attempt %s (n %d, created %v), want a new attempt 2", a.ID, a.N, created)
		}
		got, err := svc.result(ctx, first.ID)
		if err != nil || got.Status != StatusGraded || got.Score != 1 {
			t.Errorf("attempt 1: %s score %v, %v; want graded with 1", got.Status, got.Score, err)
		}
		if _, err := r.st.LiveAttempt(ctx, first.ID); err == nil {
			t.Errorf("attempt 1 is live again")
		}
	})
}
