package scheduling

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

var indexNow = time.Date(2026, 6, 15, 3, 0, 0, 0, time.UTC)

// history is 24 sessions a fortnight apart up to indexNow (two at each
// start, ids in reverse of insertion), over two districts and none,
// invitations for c1 and c2 and a walk-in mark of c3; those ended more
// than ArchiveAfter ago are archived by the archive job.
func history(t *testing.T, ctx context.Context, db *mongo.Database) *Service {
	t.Helper()
	st := NewStore(db)
	svc := NewService(Deps{Store: st, Clock: clock.NewManual(indexNow)})
	var xs []Session
	for i := range 24 {
		start := indexNow.AddDate(0, 0, -14*(i/2)-1)
		x := Session{ID: fmt.Sprintf("s%02d", 99-i), CourseCode: []string{"KC-1", "KC-2"}[i%2], StartsAt: start, EndsAt: start.Add(time.Hour),
			AreaCode: []string{"D1", "D2", ""}[i%3], Status: StatusScheduled}
		if i%4 == 0 {
			x.Invitations = []Invitation{{CollaboratorID: "c1", Response: ResponseAccepted}, {CollaboratorID: "c2", Response: ResponsePending}}
		}
		if i%5 == 0 {
			x.Attendance = []Mark{{CollaboratorID: "c3", Status: AttendPresent, WalkIn: true}}
		}
		if i%7 == 0 {
			x.Status = StatusCancelled
		}
		xs = append(xs, x)
	}
	if err := st.Insert(ctx, xs); err != nil {
		t.Fatal(err)
	}
	if n, err := svc.ArchiveSessions(ctx); err != nil || n == 0 {
		t.Fatalf("archived %d: %v", n, err)
	}
	return svc
}

// eachKept runs test in parallel in each store mode on history with the
// book kept: the archived sessions' index written.
func eachKept(t *testing.T, test func(t *testing.T, ctx context.Context, db *mongo.Database, svc *Service)) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		ctx := context.Background()
		svc := history(t, ctx, db)
		if err := svc.KeepBook(ctx); err != nil {
			t.Fatal(err)
		}
		test(t, ctx, db, svc)
	})
}

// indexed is every session q lists from the index, read whole.
func indexed(t *testing.T, ctx context.Context, svc *Service, q Query) []Session {
	t.Helper()
	xs, total, ok, err := svc.pageIndexed(ctx, authz.Scope{Kind: authz.ScopeAll}, q, -1, 0)
	if !ok || err != nil || total != len(xs) {
		t.Fatalf("index read %v: %d of %d, %v", ok, len(xs), total, err)
	}
	return xs
}

// listings are the queries and scopes every list route asks.
func listings() (qs []Query, scopes []authz.Scope) {
	qs = []Query{{}, {From: indexNow.AddDate(-5, 0, 0), To: indexNow}, {AreaCode: "D1"}, {To: indexNow.AddDate(0, -2, 0)},
		{From: indexNow.AddDate(0, -3, 0), To: indexNow.AddDate(0, -1, 0), AreaCode: "D2"}}
	scopes = []authz.Scope{{Kind: authz.ScopeAll}, {Kind: authz.ScopeArea, AreaCode: "D1"},
		{Kind: authz.ScopeOwn, CollaboratorID: "c1", AreaCode: "D2"}, {Kind: authz.ScopeOwn, CollaboratorID: "c3", AreaCode: "D1"}}
	return qs, scopes
}

func ids(xs []Session) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.ID
	}
	return out
}

// The same query through the archive's index and through the archive
// gives the same sessions, pages and totals.
func TestListsThroughTheIndexMatchTheArchive(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		ctx := context.Background()
		svc := history(t, ctx, db)
		qs, scopes := listings()
		old := map[string][]string{}
		for _, q := range qs {
			for _, sc := range scopes {
				xs, total, err := svc.Page(ctx, sc, q, -1, 0)
				if err != nil || total != len(xs) {
					t.Fatalf("old path: %d of %d, %v", len(xs), total, err)
				}
				old[fmt.Sprint(q, sc)] = ids(xs)
			}
		}
		if err := svc.KeepBook(ctx); err != nil {
			t.Fatal(err)
		}
		if done, err := svc.d.Store.indexDone(ctx); !done || err != nil {
			t.Fatalf("index complete: %v, %v", done, err)
		}
		for _, q := range qs {
			for _, sc := range scopes {
				want := old[fmt.Sprint(q, sc)]
				xs, total, ok, err := svc.pageIndexed(ctx, sc, q, -1, 0)
				if !ok || err != nil {
					t.Fatalf("index not read: %v", err)
				}
				if fmt.Sprint(ids(xs)) != fmt.Sprint(want) || total != len(want) {
					t.Errorf("%+v %+v: index %v (%d), archive %v", q, sc, ids(xs), total, want)
				}
				page, total, err := svc.Page(ctx, sc, q, 3, 2)
				if err != nil || total != len(want) || fmt.Sprint(ids(page)) != fmt.Sprint(cut(want, 3, 2)) {
					t.Errorf("%+v %+v: page %v of %d, want %v: %v", q, sc, ids(page), total, cut(want, 3, 2), err)
				}
			}
		}
	})
}

// A session archived between a list's two reads (the live sessions, then
// the index) is listed once; so is one whose archived copy is indexed
// while its live copy is still there.
func TestArchiveWhileListingListsOnce(t *testing.T) {
	eachKept(t, func(t *testing.T, ctx context.Context, db *mongo.Database, svc *Service) {
		st := svc.d.Store
		late := indexNow.AddDate(0, -3, 0)
		x := Session{ID: "moving", StartsAt: late, EndsAt: late.Add(time.Hour), Status: StatusScheduled}
		if err := st.Insert(ctx, []Session{x}); err != nil {
			t.Fatal(err)
		}
		count := func() int {
			xs, total, err := svc.Page(ctx, authz.Scope{Kind: authz.ScopeAll}, Query{}, -1, 0)
			if err != nil || total != len(xs) {
				t.Fatalf("%d of %d: %v", len(xs), total, err)
			}
			n := 0
			for _, y := range xs {
				if y.ID == "moving" {
					n++
				}
			}
			return n
		}
		// Half-moved: copied and indexed, the live copy not yet gone.
		if err := st.archive.Put(ctx, x.ID, toDoc(x)); err != nil {
			t.Fatal(err)
		}
		if err := st.putIndex(ctx, x); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 1 {
			t.Errorf("half-moved session listed %d times", n)
		}
		if moved, err := st.Archive(ctx, x.ID); !moved || err != nil {
			t.Fatalf("moved %v: %v", moved, err)
		}
		if n := count(); n != 1 {
			t.Errorf("archived session listed %d times", n)
		}
	})
}

// A process keeps a parsed copy of the index (indexCache); what another
// process sharing the store writes — a session archived there, an
// archived one moved to another month — is listed by the first at once.
func TestIndexCopyFollowsAnotherProcess(t *testing.T) {
	eachKept(t, func(t *testing.T, ctx context.Context, db *mongo.Database, svc *Service) {
		list := func(q Query) []string { return ids(indexed(t, ctx, svc, q)) }
		before := list(Query{})
		other := NewStore(db)
		late := indexNow.AddDate(0, -3, 0)
		x := Session{ID: "elsewhere", StartsAt: late, EndsAt: late.Add(time.Hour), Status: StatusScheduled}
		if err := other.Insert(ctx, []Session{x}); err != nil {
			t.Fatal(err)
		}
		if moved, err := other.Archive(ctx, x.ID); !moved || err != nil {
			t.Fatalf("moved %v: %v", moved, err)
		}
		if got := list(Query{}); len(got) != len(before)+1 || !slices.Contains(got, "elsewhere") {
			t.Errorf("after the other process archived: %v, before %v", got, before)
		}
		earlier := late.AddDate(-1, 0, 0)
		if _, err := other.Update(ctx, x.ID, func(s *Session) error {
			s.StartsAt, s.EndsAt = earlier, earlier.Add(time.Hour)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if got := list(Query{From: late.AddDate(0, 0, -1)}); slices.Contains(got, "elsewhere") {
			t.Errorf("listed at its old start after the other process moved it: %v", got)
		}
		if got := list(Query{To: earlier.AddDate(0, 0, 1)}); !slices.Contains(got, "elsewhere") {
			t.Errorf("not listed at its new start: %v", got)
		}
	})
}

// The archived sessions a process holds from a list (Store.archivedAt)
// follow another process's writes of them: an edit, and the flags the
// book's job clears (Store.apply).
func TestHeldArchivedSessionsFollowAnotherProcess(t *testing.T) {
	eachKept(t, func(t *testing.T, ctx context.Context, db *mongo.Database, svc *Service) {
		title := func(id string) string {
			for _, x := range indexed(t, ctx, svc, Query{}) {
				if x.ID == id {
					return x.Title
				}
			}
			t.Fatalf("%s not listed", id)
			return ""
		}
		id := indexed(t, ctx, svc, Query{})[0].ID
		if got := title(id); got != "" {
			t.Fatalf("title %q before the edit", got)
		}
		other := NewStore(db)
		if _, err := other.Update(ctx, id, func(s *Session) error { s.Title = "Đổi tên"; return nil }); err != nil {
			t.Fatal(err)
		}
		if got := title(id); got != "Đổi tên" {
			t.Errorf("title %q after the other process's edit", got)
		}
		if _, err := other.apply(ctx, id, func(d *sessionDoc) error { d.Title = "Lần hai"; return nil }); err != nil {
			t.Fatal(err)
		}
		if got := title(id); got != "Lần hai" {
			t.Errorf("title %q after the other process's apply", got)
		}
	})
}
