package quizzes

import (
	"context"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// An attempt the sweep cannot grade (its question bank is gone) is logged
// and stays live; the other attempts past their deadline are graded.
func TestSweepGradesTheOthersWhenOneAttemptFails(t *testing.T) {
	eachRig(t, 0, func(t *testing.T, ctx context.Context, r *rig) {
		svc := r.service(5)
		var ids []string
		for _, c := range []string{"c1", "c2", "c3"} {
			a, _, err := svc.Start(ctx, ctv(c, "NT"), "KC-900")
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, a.ID)
		}
		if _, err := r.db.Collection(liveColl).UpdateOne(ctx, bson.D{{Key: "_id", Value: ids[0]}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "quiz_version", Value: "a-version-never-stored"}}}}); err != nil {
			t.Fatal(err)
		}
		r.overdue()
		svc = r.service(0) // a fresh process: no bank in memory
		n, err := svc.Sweep(ctx)
		if n != 2 || err == nil || !strings.Contains(err.Error(), "1 attempts could not be graded") {
			t.Fatalf("sweep: %d, %v; want 2 graded and the failure counted", n, err)
		}
		for i, c := range []string{"c1", "c2", "c3"} {
			mine, err := svc.List(ctx, own(c), Filter{})
			if err != nil || len(mine) != 1 || (i > 0) != (mine[0].Status == StatusGraded) {
				t.Errorf("%s: %+v, %v", c, mine, err)
			}
		}
	})
}
