package quizzes

import (
	"context"
	"fmt"
	"testing"
)

// A grading completed twice (a crash, then the next finder) leaves one
// book entry and one graded number, each written in one command.
func TestAddProgressTwiceRecordsTheAttemptOnce(t *testing.T) {
	eachRig(t, 6, func(t *testing.T, ctx context.Context, r *rig) {
		svc := r.service(41)
		g := passed(t, svc)
		stored, err := r.st.Result(ctx, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.st.AddProgress(ctx, stored); err != nil { // as the next finder does
			t.Fatal(err)
		}
		es, err := r.st.attempts.Of(ctx, g.CollaboratorID)
		if err != nil || len(es) != 1 || es[0].Attempt != g.ID || !es[0].Passed {
			t.Fatalf("book = %+v, %v", es, err)
		}
		var raw struct {
			Entries []AttemptEntry `bson:"entries"`
		}
		if err := r.db.Collection(attemptsBook).FindOne(ctx, map[string]string{"_id": g.CollaboratorID}).Decode(&raw); err != nil || len(raw.Entries) != 1 {
			t.Fatalf("stored book holds %d entries, %v", len(raw.Entries), err)
		}
		cyc, err := r.st.Graded(ctx, g.CollaboratorID, g.CourseCode)
		if err != nil || cyc.N != 1 || fmt.Sprint(cyc.Graded) != "[1]" {
			t.Fatalf("progress = %+v, %v", cyc, err)
		}
	})
}

// The stamps of many units are read in one command; they are the same as
// read one `_id` at a time.
func TestUnitStampsOfManyUnitsAsOfFew(t *testing.T) {
	eachRig(t, 0, func(t *testing.T, ctx context.Context, r *rig) {
		if total, err := r.st.UnitStampsTotal(ctx); err != nil || total != 0 {
			t.Fatalf("total with no stamp = %d, %v", total, err)
		}
		var keys []string
		for i := range stampsByID + 4 {
			keys = append(keys, UnitKey("KC-900", fmt.Sprintf("U%02d", i)))
		}
		if err := r.st.stamp(ctx, keys[0], keys[3], keys[3], keys[len(keys)-1]); err != nil {
			t.Fatal(err)
		}
		if err := r.st.stamp(ctx, UnitKey("KC-901", "U00")); err != nil { // not asked for
			t.Fatal(err)
		}
		// The total counts every unit's stamp, asked for or not.
		if total, err := r.st.UnitStampsTotal(ctx); err != nil || total != 5 {
			t.Fatalf("total = %d, %v; want 5", total, err)
		}
		many, err := r.st.UnitStamps(ctx, keys)
		if err != nil {
			t.Fatal(err)
		}
		few, err := r.st.UnitStamps(ctx, keys[:stampsByID])
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprint(map[string]int64{keys[0]: 1, keys[3]: 2, keys[len(keys)-1]: 1})
		if fmt.Sprint(many) != want {
			t.Errorf("many = %v, want %v", many, want)
		}
		if fmt.Sprint(few) != fmt.Sprint(map[string]int64{keys[0]: 1, keys[3]: 2}) {
			t.Errorf("few = %v", few)
		}
	})
}
