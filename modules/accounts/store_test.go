package accounts_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/accounts"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

var t0 = time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)

func TestStoreUsersAndSessions(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		ctx := context.Background()
		st := accounts.NewStore(storetest.Indexed(t, db, accounts.Indexes()))
		a := accounts.User{ID: "u1", Email: "a@example.vn", Role: "coordinator", PasswordHash: "h1", CreatedAt: t0}
		if err := st.InsertUser(ctx, a); err != nil {
			t.Fatal(err)
		}
		if err := st.InsertUser(ctx, accounts.User{ID: "u2", Email: "a@example.vn", CreatedAt: t0}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("a second account with the same email: %v, want a conflict", err)
		}
		if err := st.InsertUsers(ctx, []accounts.User{{ID: "u3", Email: "c@example.vn", CreatedAt: t0}, {ID: "u4", Email: "a@example.vn", CreatedAt: t0}}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("InsertUsers with a taken email: %v, want a conflict", err)
		}
		if err := st.SetRole(ctx, "u1", "admin", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := st.SetPasswordHash(ctx, "u1", "h2", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := st.SetRole(ctx, "nobody", "admin", t0); !errs.Is(err, errs.NotFound) {
			t.Fatalf("SetRole of a missing user: %v", err)
		}
		got, err := st.UserByEmail(ctx, "a@example.vn")
		if err != nil || got.ID != "u1" || got.Role != "admin" || got.PasswordHash != "h2" || !got.CreatedAt.Equal(t0) {
			t.Fatalf("UserByEmail: %+v, %v", got, err)
		}
		if _, err := st.UserByID(ctx, "nobody"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("UserByID of a missing user: %v", err)
		}
		if _, err := st.UserByEmail(ctx, "nobody@example.vn"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("UserByEmail of a missing user: %v", err)
		}
		users, err := st.Users(ctx)
		if err != nil || len(users) != 2 || users[0].Email != "a@example.vn" || users[1].Email != "c@example.vn" {
			t.Fatalf("Users: %+v, %v", users, err)
		}

		for _, id := range []string{"s1", "s2", "s3"} {
			if err := st.InsertSession(ctx, accounts.Session{ID: id, UserID: "u1", Email: "a@example.vn", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.DeleteSession(ctx, "s1"); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteUserSessions(ctx, "u1", "s3"); err != nil {
			t.Fatal(err)
		}
		for id, kept := range map[string]bool{"s1": false, "s2": false, "s3": true} {
			se, err := st.SessionByID(ctx, id)
			if kept && (err != nil || se.UserID != "u1" || !se.ExpiresAt.Equal(t0.Add(time.Hour))) {
				t.Errorf("session %s: %+v, %v; want it kept", id, se, err)
			}
			if !kept && !errs.Is(err, errs.NotFound) {
				t.Errorf("session %s: %v; want it gone", id, err)
			}
		}
	})
}

// Failures counted at once are all counted (the record is read and
// written as one step in either store mode); a streak older than
// ThrottleForget starts again; purging drops only stale records.
func TestStoreThrottle(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		ctx := context.Background()
		st := accounts.NewStore(storetest.Indexed(t, db, accounts.Indexes()))
		if th, err := st.ThrottleOf(ctx, "k"); err != nil || th != (accounts.Throttle{Key: "k"}) {
			t.Fatalf("ThrottleOf before any failure: %+v, %v", th, err)
		}
		const n = 8
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Go(func() {
				if _, err := st.RecordFailure(ctx, "k", t0, accounts.LockFor); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		th, err := st.ThrottleOf(ctx, "k")
		if err != nil || th.Failures != n || !th.LockedUntil.Equal(t0.Add(accounts.LockFor(n))) || !th.LastFailedAt.Equal(t0) {
			t.Fatalf("after %d failures at once: %+v, %v; want %d, locked until %v", n, th, err, n, t0.Add(accounts.LockFor(n)))
		}
		later := t0.Add(accounts.ThrottleForget + time.Second)
		if th, err := st.RecordFailure(ctx, "k", later, accounts.LockFor); err != nil || th.Failures != 1 || !th.LockedUntil.IsZero() {
			t.Fatalf("a failure after ThrottleForget: %+v, %v; want a new count of 1, no lock", th, err)
		}
		if _, err := st.RecordFailure(ctx, "old", t0, accounts.LockFor); err != nil {
			t.Fatal(err)
		}
		if n, err := st.PurgeThrottles(ctx, later); err != nil || n != 1 {
			t.Fatalf("PurgeThrottles: %d, %v; want the stale record only", n, err)
		}
		if err := st.ClearThrottle(ctx, "k"); err != nil {
			t.Fatal(err)
		}
		if err := st.ClearThrottle(ctx, "k"); err != nil {
			t.Fatalf("clearing a missing record: %v", err)
		}
		if th, err := st.ThrottleOf(ctx, "k"); err != nil || th.Failures != 0 {
			t.Fatalf("after ClearThrottle: %+v, %v", th, err)
		}
	})
}
