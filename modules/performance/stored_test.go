package performance_test

import (
	"context"
	"testing"

	"github.com/ctvacademy/academy/modules/performance"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestStoredIsTheListsRecords: Stored (the in-process copy standing ranks
// from) holds the quarter's records as the list reads them, follows this
// process's writes at once, and, read by a process that starts later,
// reads a pending record and records without a row in the summary by _id.
func TestStoredIsTheListsRecords(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	coord, all := asCoordinator()
	q := clock.Quarter{Year: 2026, Q: 1}
	for id, n := range map[string]int{w.ctv.ID: 5, w.ctv2.ID: 10, w.other.ID: 7} {
		if _, err := w.svc.Put(coord, all, id, q.String(), performance.Change{Targets: &performance.Targets{Profiles: 10}, Actuals: &performance.Actuals{Profiles: n}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{w.ctv.ID, w.ctv2.ID} {
		if _, err := w.svc.Submit(coord, all, id, q.String()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.svc.Approve(coord, all, w.ctv2.ID, q.String()); err != nil {
		t.Fatal(err)
	}
	same := func(what string, svc *performance.Service) map[string]performance.Record {
		t.Helper()
		got, err := svc.Stored(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		list, err := w.svc.List(coord, all, q.String(), performance.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range list {
			s, ok := got[r.CollaboratorID]
			if ok != r.Stored {
				t.Fatalf("%s: %s stored %v, in the copy %v", what, r.CollaboratorID, r.Stored, ok)
			}
			if !ok {
				continue
			}
			n++
			if s.Status != r.Status || s.Actuals != r.Actuals || s.Targets != r.Targets || s.Attainment != r.Attainment || s.Rev != r.Rev {
				t.Fatalf("%s: %s in the copy %+v, listed %+v", what, r.CollaboratorID, s, r)
			}
		}
		if n != len(got) {
			t.Fatalf("%s: the copy holds %d records, the list %d", what, len(got), n)
		}
		return got
	}
	if got := same("after writes", w.svc); len(got) != 3 || got[w.ctv2.ID].Status != performance.Approved || got[w.ctv2.ID].Attainment <= 0 {
		t.Fatalf("after writes: %+v", got)
	}
	// An approval is in the copy at once.
	if _, err := w.svc.Approve(coord, all, w.ctv.ID, q.String()); err != nil {
		t.Fatal(err)
	}
	if got := same("after an approval", w.svc); got[w.ctv.ID].Status != performance.Approved {
		t.Fatalf("after an approval: %+v", got[w.ctv.ID])
	}
	// A write that changed a record and stopped before its row: a process
	// reading the quarter now reads that record by _id.
	w.halfWrite(t, w.other.ID, q.String(), 12)
	later := w.another(t)
	if got := same("pending", later); got[w.other.ID].Actuals.Profiles != 12 {
		t.Fatalf("a pending record: %+v", got[w.other.ID])
	}
	// That process's next write repairs the row, and its copy follows.
	if _, err := later.Put(coord, all, w.other.ID, q.String(), performance.Change{Actuals: &performance.Actuals{Profiles: 13}}); err != nil {
		t.Fatal(err)
	}
	if got := same("repaired", later); got[w.other.ID].Actuals.Profiles != 13 {
		t.Fatalf("repaired: %+v", got[w.other.ID])
	}
	// Records written before summaries existed: read by _id.
	if _, err := w.db.Collection("performance_summaries").DeleteOne(ctx, bson.D{{Key: "_id", Value: q.String()}}); err != nil {
		t.Fatal(err)
	}
	if got := same("no summary", w.another(t)); len(got) != 3 || got[w.other.ID].Actuals.Profiles != 13 {
		t.Fatalf("without a summary: %+v", got)
	}
}
