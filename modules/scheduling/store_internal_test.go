package scheduling

import (
	"context"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Sessions stored with invitations and marks as sub-documents (before the
// compact form) read the same, and an update rewrites them compactly.
func TestSessionsInTheEarlierFormatReadAndUpdate(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, testEarlierFormat)
}

func testEarlierFormat(t *testing.T, db *mongo.Database) {
	ctx := context.Background()
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
	if inv, ok := raw["inv"].(bson.A); !ok || len(inv) != 2 || raw["enc"] != int32(compactV1) {
		t.Errorf("compact invitations: %v (form %v)", raw["inv"], raw["enc"])
	}
}

// A session moved to the archive leaves the live collection; Get and
// Update (a late mark) find it there, and a second move finds nothing.
func TestArchiveMovesAnUnchangedSession(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		ctx := context.Background()
		st := NewStore(db)
		at := time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC)
		x := Session{ID: "s1", Title: "Tập huấn", StartsAt: at, EndsAt: at.Add(time.Hour), Status: StatusScheduled}
		if err := st.Insert(ctx, []Session{x}); err != nil {
			t.Fatal(err)
		}
		moved, err := st.Archive(ctx, "s1")
		if err != nil || !moved {
			t.Fatalf("archive: moved %v, %v", moved, err)
		}
		if live, _ := st.Find(ctx, Query{}); len(live) != 0 {
			t.Errorf("still live: %+v", live)
		}
		late := Mark{CollaboratorID: "c1", Status: AttendPresent, MarkedAt: at.Add(time.Minute), MarkedBy: "u1"}
		if _, err := st.Update(ctx, "s1", func(x *Session) error { x.Attendance = append(x.Attendance, late); return nil }); err != nil {
			t.Fatal(err)
		}
		got, err := st.Get(ctx, "s1")
		if err != nil || len(got.Attendance) != 1 || got.Attendance[0] != late {
			t.Errorf("archived session after a late mark: %+v, %v", got.Attendance, err)
		}
		if moved, err := st.Archive(ctx, "s1"); moved || err != nil {
			t.Errorf("archive of an archived session: %v, %v", moved, err)
		}
		if _, err := st.Get(ctx, "nope"); errs.KindOf(err) != errs.NotFound {
			t.Errorf("missing session: %v", err)
		}
		// A refused update and one of a missing session leave nothing.
		refused := errs.E(errs.Unprocessable, "no")
		if _, err := st.Update(ctx, "s1", func(*Session) error { return refused }); err != refused {
			t.Errorf("refused update: %v", err)
		}
		if _, err := st.Update(ctx, "nope", func(*Session) error { return nil }); errs.KindOf(err) != errs.NotFound {
			t.Errorf("update of a missing session: %v", err)
		}
		if n, err := st.due.Count(ctx, nil); n != 0 || err != nil {
			t.Errorf("refused updates named sessions due: %d, %v", n, err)
		}
	})
}
