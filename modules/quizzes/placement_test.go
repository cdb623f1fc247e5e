package quizzes

import (
	"context"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Misplaced names, once each and in order, the takers whose attempts sit
// in another unit than the registry's, and leaves alone those it does not
// know.
func TestMisplaced(t *testing.T) {
	t.Parallel()
	now := map[string]string{"a": "LK", "b": "TP", "c": "LK"}
	as := []Attempt{
		{CollaboratorID: "a", AreaCode: "LK"},
		{CollaboratorID: "b", AreaCode: "LK"},
		{CollaboratorID: "c", AreaCode: "LK"},
		{CollaboratorID: "b", AreaCode: "LK"},
		{CollaboratorID: "x", AreaCode: "LK"}, // not in the registry
		{CollaboratorID: "c", AreaCode: "NT"}, // one of c's left behind
	}
	got := Misplaced(as, func(id string) string { return now[id] })
	if want := []string{"b", "c"}; !slices.Equal(got, want) {
		t.Errorf("Misplaced = %v, want %v", got, want)
	}
	if got := Misplaced(as[:1], func(string) string { return "LK" }); got != nil {
		t.Errorf("nobody moved: %v", got)
	}
}

// MoveUnitEntries moves one person's entries of a course from the other
// units to theirs, leaves the others', bumps the stamps, and is
// idempotent, also from the state a crash between its add and its removal
// leaves (the entries in both units).
func TestMoveUnitEntriesIsIdempotent(t *testing.T) {
	eachRig(t, 6, func(t *testing.T, ctx context.Context, r *rig) {
		add := func(id, who, area string) Attempt {
			a := Attempt{ID: id, CollaboratorID: who, AreaCode: area, CourseCode: "KC-900", Cycle: 1, N: 1, Score: 0.5, StartedAt: t0, SubmittedAt: t0}
			if err := r.st.addToUnit(ctx, a); err != nil {
				t.Fatal(err)
			}
			return a
		}
		a1, a2 := add("p:KC-900:1", "p", "LK"), add("p:KC-900:2", "p", "NT")
		add("q:KC-900:1", "q", "LK")
		areas := []string{"LK", "NT", "TP"}
		held := func() map[string][]string {
			t.Helper()
			got, err := r.st.UnitResultsOf(ctx, []string{UnitKey("KC-900", "LK"), UnitKey("KC-900", "NT"), UnitKey("KC-900", "TP")})
			if err != nil {
				t.Fatal(err)
			}
			out := map[string][]string{}
			for k, as := range got {
				for _, a := range as {
					out[k] = append(out[k], a.ID)
				}
				slices.Sort(out[k])
			}
			return out
		}
		stamps0, _ := r.st.UnitStamps(ctx, []string{UnitKey("KC-900", "TP")})
		want := map[string][]string{"KC-900:LK": {"q:KC-900:1"}, "KC-900:TP": {a1.ID, a2.ID}}
		if n, err := r.st.MoveUnitEntries(ctx, "p", "KC-900", "TP", areas); err != nil || n != 2 {
			t.Fatalf("move: %d, %v", n, err)
		}
		check := func(stage string) {
			t.Helper()
			got := held()
			for _, k := range []string{"KC-900:LK", "KC-900:NT", "KC-900:TP"} {
				if !slices.Equal(got[k], want[k]) {
					t.Errorf("%s: %s holds %v, want %v", stage, k, got[k], want[k])
				}
			}
		}
		check("moved")
		if stamps, _ := r.st.UnitStamps(ctx, []string{UnitKey("KC-900", "TP")}); stamps["KC-900:TP"] <= stamps0["KC-900:TP"] {
			t.Errorf("TP's stamp did not move: %v → %v", stamps0, stamps)
		}
		if n, err := r.st.MoveUnitEntries(ctx, "p", "KC-900", "TP", areas); err != nil || n != 0 {
			t.Fatalf("again: %d, %v", n, err)
		}
		check("again")
		// A crash after the add, before the removal: a1 in LK and TP.
		if err := r.st.addToUnit(ctx, a1); err != nil {
			t.Fatal(err)
		}
		var raw struct {
			Results []bson.Raw `bson:"results"`
		}
		if err := r.db.Collection(unitResultsColl).FindOne(ctx, bson.D{{Key: "_id", Value: "KC-900:LK"}}).Decode(&raw); err != nil || len(raw.Results) != 2 {
			t.Fatalf("LK after the crash: %d entries, %v", len(raw.Results), err)
		}
		if n, err := r.st.MoveUnitEntries(ctx, "p", "KC-900", "TP", areas); err != nil || n != 1 {
			t.Fatalf("after the crash: %d, %v", n, err)
		}
		check("after the crash")
	})
}
