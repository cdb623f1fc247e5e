package performance_test

import (
	"context"
	"testing"

	"github.com/ctvacademy/academy/modules/performance"
)

// TestEveryoneFollowsTheVersionDocument: two service instances on one
// database (two processes sharing a MongoDB): a record written by one is
// in the other's next Everyone, and its version moved; while nothing is
// written the version stays and the copy is the same; a write that
// stopped half way (pending) is read by _id and no cache may keep it
// (version -1).
func TestEveryoneFollowsTheVersionDocument(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	coord, all := asCoordinator()
	other := w.another(t)
	profiles := func(e *performance.Everyone) (map[string]int, int64) {
		t.Helper()
		rs, v, err := e.Records(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, r := range rs {
			out[r.ID] = r.Actuals.Profiles
		}
		return out, v
	}
	rid := w.ctv.ID + ":2026-Q3"
	if got, _ := profiles(other.Everyone()); len(got) != 0 {
		t.Fatalf("before any write: %v", got)
	}
	if _, err := w.svc.Put(coord, all, w.ctv.ID, "2026-Q3", performance.Change{Actuals: &performance.Actuals{Profiles: 7}}); err != nil {
		t.Fatal(err)
	}
	got, v1 := profiles(other.Everyone())
	if got[rid] != 7 || v1 <= 0 {
		t.Fatalf("the other instance after the first's write: %v at version %d, want %s 7", got, v1, rid)
	}
	if _, v := profiles(other.Everyone()); v != v1 {
		t.Fatalf("nothing written: version %d, then %d", v1, v)
	}
	if _, err := w.svc.Put(coord, all, w.ctv.ID, "2026-Q3", performance.Change{Actuals: &performance.Actuals{Profiles: 9}}); err != nil {
		t.Fatal(err)
	}
	got, v2 := profiles(other.Everyone())
	if got[rid] != 9 || v2 <= v1 {
		t.Fatalf("after a second write: %v at version %d (was %d)", got, v2, v1)
	}

	// A write that stopped after its pending mark and its record.
	w.halfWrite(t, w.ctv.ID, "2026-Q3", 11)
	if got, v := profiles(w.another(t).Everyone()); got[rid] != 11 || v != -1 {
		t.Fatalf("a pending record: %v at version %d, want %s 11 at -1", got, v, rid)
	}
}
