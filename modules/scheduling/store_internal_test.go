package scheduling

import (
	"context"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Sessions stored with invitations and marks as sub-documents (before the
// compact form) read the same, and an update rewrites them compactly.
func TestSessionsInTheEarlierFormatReadAndUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	at := time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)
	old := bson.D{
		{Key: "_id", Value: "s1"}, {Key: "title", Value: "Tập huấn"}, {Key: "starts_at", Value: at}, {Key: "ends_at", Value: at.Add(2 * time.Hour)},
		{Key: "location", Value: "UBND"}, {Key: "capacity", Value: 0}, {Key: "status", Value: StatusScheduled}, {Key: "sequence", Value: 1},
		{Key: "invitations", Value: bson.A{
			bson.D{{Key: "collaborator_id", Value: "c1"}, {Key: "response", Value: ResponseAccepted}, {Key: "invited_at", Value: at.Add(-48 * time.Hour)},
				{Key: "responded_at", Value: at.Add(-24 * time.Hour)}, {Key: "notified", Value: 1}},
			bson.D{{Key: "collaborator_id", Value: "c2"}, {Key: "response", Value: ResponsePending}, {Key: "invited_at", Value: at.Add(-48 * time.Hour)}, {Key: "notified", Value: -1}},
		}},
		{Key: "attendance", Value: bson.A{
			bson.D{{Key: "collaborator_id", Value: "c1"}, {Key: "status", Value: AttendLate}, {Key: "marked_at", Value: at.Add(20 * time.Minute)},
				{Key: "marked_by", Value: "u|9"}, {Key: "walk_in", Value: true}},
		}},
		{Key: "rev", Value: int64(3)},
	}
	if _, err := db.Collection(sessionsColl).InsertOne(ctx, old); err != nil {
		t.Fatal(err)
	}
	st := NewStore(db)
	check := func(when string) {
		t.Helper()
		x, err := st.Get(ctx, "s1")
		if err != nil {
			t.Fatal(err)
		}
		if len(x.Invitations) != 2 || x.Invitations[0] != (Invitation{CollaboratorID: "c1", Response: ResponseAccepted,
			InvitedAt: at.Add(-48 * time.Hour), RespondedAt: at.Add(-24 * time.Hour), Notified: 1}) ||
			x.Invitations[1].Notified != -1 || !x.Invitations[1].RespondedAt.IsZero() {
			t.Errorf("%s: invitations %+v", when, x.Invitations)
		}
		if len(x.Attendance) != 1 || x.Attendance[0] != (Mark{CollaboratorID: "c1", Status: AttendLate, MarkedAt: at.Add(20 * time.Minute),
			MarkedBy: "u|9", WalkIn: true}) {
			t.Errorf("%s: attendance %+v", when, x.Attendance)
		}
	}
	check("earlier format")
	if _, err := st.Update(ctx, "s1", func(x *Session) error { x.Title = "Tập huấn (sửa)"; return nil }); err != nil {
		t.Fatal(err)
	}
	check("after an update")
	var raw bson.M
	if err := db.Collection(sessionsColl).FindOne(ctx, bson.D{{Key: "_id", Value: "s1"}}).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw["invitations"]; ok {
		t.Error("the update kept the sub-documents")
	}
	if inv, ok := raw["inv"].(bson.A); !ok || len(inv) != 2 {
		t.Errorf("compact invitations: %v", raw["inv"])
	}
}
