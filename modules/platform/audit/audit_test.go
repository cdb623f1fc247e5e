package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/audit"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Entries about one entity come back oldest first, with the actor of the
// request ("system" outside one), and no other entity's.
func TestRecordAndFor(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		clk := clock.NewManual(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC))
		log := audit.New(db, clk.Now)
		ctx := context.Background()
		staff := authz.WithPrincipal(ctx, authz.Principal{UserID: "u1", Role: authz.RoleCoordinator})
		for _, r := range []struct {
			ctx    context.Context
			action string
			id     string
		}{{staff, "collaborator.update", "c1"}, {ctx, "collaborator.update", "c2"}, {ctx, "collaborator.archive", "c1"}} {
			if err := log.Record(r.ctx, r.action, "collaborator", r.id, map[string]any{"archived": true}); err != nil {
				t.Fatal(err)
			}
			clk.Advance(time.Minute)
		}
		got, err := log.For(ctx, "collaborator", "c1")
		if err != nil || len(got) != 2 {
			t.Fatalf("For c1: %+v, %v; want 2 entries", got, err)
		}
		if got[0].ActorID != "u1" || got[0].ActorRole != authz.RoleCoordinator || got[0].Action != "collaborator.update" ||
			got[1].ActorID != "system" || got[1].Action != "collaborator.archive" || !got[1].At.After(got[0].At) || got[0].Changes["archived"] != true {
			t.Fatalf("For c1: %+v", got)
		}
	})
}

func TestMain(m *testing.M) { storetest.Main(m) }
