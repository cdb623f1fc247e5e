package quizzes

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// An attempt the sweep cannot grade (its question bank is gone) is logged
// and stays live; the other attempts past their deadline are graded.
func TestSweepGradesTheOthersWhenOneAttemptFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	clk := clock.NewManual(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC))
	cat := &swapCatalog{c: testCourse()}
	st := NewStore(db)
	svc := NewService(Deps{Store: st, Catalog: cat, Clock: clk, Rand: rand.New(rand.NewPCG(5, 6))})
	var ids []string
	for _, c := range []string{"c1", "c2", "c3"} {
		a, _, err := svc.Start(ctx, authz.Principal{UserID: "u-" + c, Role: "ctv", CollaboratorID: c, AreaCode: "NT"}, "KC-900")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	if _, err := db.Collection(liveColl).UpdateOne(ctx, bson.D{{Key: "_id", Value: ids[0]}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "quiz_version", Value: "a-version-never-stored"}}}}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Duration(cat.c.Quiz.TimeLimitMinutes)*time.Minute + time.Hour)
	svc = NewService(Deps{Store: st, Catalog: cat, Clock: clk}) // a fresh process: no bank in memory
	n, err := svc.Sweep(ctx)
	if n != 2 || err == nil || !strings.Contains(err.Error(), "1 attempts could not be graded") {
		t.Fatalf("sweep: %d, %v; want 2 graded and the failure counted", n, err)
	}
	for i, c := range []string{"c1", "c2", "c3"} {
		mine, err := svc.List(ctx, authz.Scope{Kind: authz.ScopeOwn, CollaboratorID: c}, Filter{})
		if err != nil || len(mine) != 1 || (i > 0) != (mine[0].Status == StatusGraded) {
			t.Errorf("%s: %+v, %v", c, mine, err)
		}
	}
}
