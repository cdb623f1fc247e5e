package scheduling

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

var bookDay = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

func bookSession(id string, marks ...Mark) Session {
	return Session{ID: id, CourseCode: "KC-1", Title: "Tập huấn", StartsAt: bookDay, EndsAt: bookDay.Add(time.Hour),
		Status: StatusScheduled, Attendance: marks}
}

func mark(who, status string) Mark {
	return Mark{CollaboratorID: who, Status: status, MarkedAt: bookDay.Add(time.Minute), MarkedBy: "u1"}
}

// setMarks gives marks to session id through the store's update.
func setMarks(ctx context.Context, st *Store, id string, ms ...Mark) (Session, error) {
	return st.Update(ctx, id, func(x *Session) error {
		for _, m := range ms {
			x.SetMark(m)
		}
		return nil
	})
}

// wantBook checks person's book: the statuses it holds, by session.
func wantBook(t *testing.T, st *Store, person string, want map[string]string) {
	t.Helper()
	es, err := st.book.Of(context.Background(), person)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range es {
		got[e.Session] = e.Status
		if e.Course != "KC-1" || !e.Date.Equal(bookDay) {
			t.Errorf("%s: entry %+v", person, e)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s's book: %v, want %v", person, got, want)
	}
}

// breakBook makes every write of person's book fail (a document the
// book cannot decode) until the returned function mends it.
func breakBook(t *testing.T, db *mongo.Database, person string) func() {
	t.Helper()
	ctx := context.Background()
	c := db.Collection(attendanceBookColl)
	if _, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: person}, {Key: "entries", Value: "broken"}}); err != nil {
		t.Fatal(err)
	}
	return func() {
		if _, err := c.DeleteOne(ctx, bson.D{{Key: "_id", Value: person}}); err != nil {
			t.Fatal(err)
		}
	}
}

// twoSessions is a store whose book is complete (nothing to backfill),
// holding a live session s1 and an archived one s0, neither marked.
func twoSessions(t *testing.T, db *mongo.Database) *Store {
	t.Helper()
	ctx := context.Background()
	st := NewStore(db)
	if err := NewService(Deps{Store: st}).KeepBook(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.Insert(ctx, []Session{bookSession("s1")}); err != nil {
		t.Fatal(err)
	}
	if err := st.InsertArchived(ctx, []Session{bookSession("s0")}); err != nil {
		t.Fatal(err)
	}
	return st
}

// noneDue checks that no archived session is named due.
func noneDue(t *testing.T, st *Store) {
	t.Helper()
	if n, err := st.due.Count(context.Background(), nil); n != 0 || err != nil {
		t.Errorf("archived sessions still named due: %d, %v", n, err)
	}
}

// Each mark given, changed on a live session or given late on an archived
// one, is in the person's book when the update returns.
func TestMarksAreWrittenToTheBook(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		ctx := context.Background()
		st := twoSessions(t, db)
		if _, err := setMarks(ctx, st, "s1", mark("c1", AttendPresent), mark("c2", AttendLate)); err != nil {
			t.Fatal(err)
		}
		if _, err := setMarks(ctx, st, "s1", mark("c1", AttendAbsent)); err != nil {
			t.Fatal(err)
		}
		x, err := setMarks(ctx, st, "s0", mark("c1", AttendExcused))
		if err != nil {
			t.Fatal(err)
		}
		wantBook(t, st, "c1", map[string]string{"s0": AttendExcused, "s1": AttendAbsent})
		wantBook(t, st, "c2", map[string]string{"s1": AttendLate})
		if got, _ := st.Get(ctx, "s0"); got.BookDue || x.BookDue {
			t.Error("the archived session still says its marks are due")
		}
		noneDue(t, st)
	})
}

// A mark whose book write fails is not acknowledged, and the session says
// its marks are due: the next update of the session writes them, and so
// does the book's job of a new process (a restart) on its first run.
func TestAMarkTheBookMissedIsWrittenLater(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		ctx := context.Background()
		st := twoSessions(t, db)
		mend := breakBook(t, db, "c1")
		if _, err := setMarks(ctx, st, "s1", mark("c1", AttendPresent)); err == nil {
			t.Fatal("a failed book write was acknowledged")
		}
		if _, err := setMarks(ctx, st, "s0", mark("c1", AttendLate)); err == nil {
			t.Fatal("a failed book write was acknowledged")
		}
		if _, err := st.due.Get(ctx, "s0"); err != nil {
			t.Errorf("the archived session is not named due: %v", err)
		}
		mend()
		if x, _ := st.Get(ctx, "s1"); !x.BookDue {
			t.Fatal("the session does not say its marks are due")
		}
		if _, err := setMarks(ctx, st, "s1", mark("c2", AttendPresent)); err != nil {
			t.Fatal(err)
		}
		wantBook(t, st, "c1", map[string]string{"s1": AttendPresent})

		restarted := NewService(Deps{Store: NewStore(db)})
		if err := restarted.KeepBook(ctx); err != nil {
			t.Fatal(err)
		}
		wantBook(t, st, "c1", map[string]string{"s0": AttendLate, "s1": AttendPresent})
		for _, id := range []string{"s0", "s1"} {
			if x, _ := st.Get(ctx, id); x.BookDue {
				t.Errorf("%s: still due", id)
			}
		}
		noneDue(t, st)
	})
}

// The book's backfill walks live and archived sessions, more than a page
// of them, and then the book answers AttendanceOf as the sessions did.
func TestTheBackfillFillsTheBookFromEverySession(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		ctx := context.Background()
		st := NewStore(db)
		var live, old []Session
		for i := range bookPage + 7 {
			x := bookSession(fmt.Sprintf("s%03d", i), mark("c1", []string{AttendPresent, AttendLate, AttendAbsent}[i%3]))
			x.StartsAt = bookDay.Add(time.Duration(i) * time.Hour)
			if i%2 == 0 {
				x.Attendance = append(x.Attendance, mark("c2", AttendExcused))
			}
			if i < bookPage {
				old = append(old, x)
			} else {
				live = append(live, x)
			}
		}
		if err := st.Insert(ctx, live); err != nil {
			t.Fatal(err)
		}
		if err := st.InsertArchived(ctx, old); err != nil {
			t.Fatal(err)
		}
		svc := NewService(Deps{Store: st})
		before := map[string][]AttendanceEntry{}
		for _, who := range []string{"c1", "c2", "c3"} {
			es, err := svc.AttendanceOf(ctx, who)
			if err != nil {
				t.Fatal(err)
			}
			before[who] = es
		}
		if len(before["c1"]) != bookPage+7 || len(before["c2"]) != (bookPage+8)/2 || len(before["c3"]) != 0 {
			t.Fatalf("from the sessions: %d, %d, %d entries", len(before["c1"]), len(before["c2"]), len(before["c3"]))
		}
		// A mark changed while the backfill runs, which then writes what it
		// read before the change: the session stays due, and the book's job
		// writes its marks again once the backfill has finished.
		if _, err := setMarks(ctx, st, "s000", mark("c1", AttendAbsent)); err != nil {
			t.Fatal(err)
		}
		before["c1"][0].Status = AttendAbsent
		if err := st.book.Backfill(ctx, st.bookSource(), time.Now); err != nil {
			t.Fatal(err)
		}
		if done, err := st.book.Complete(ctx); !done || err != nil {
			t.Fatalf("complete: %v, %v", done, err)
		}
		if err := st.book.Put(ctx, "c1", bookEntries(old[0])["c1"]); err != nil {
			t.Fatal(err)
		}
		if err := svc.KeepBook(ctx); err != nil {
			t.Fatal(err)
		}
		for who, want := range before {
			got, err := svc.AttendanceOf(ctx, who)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(got, want, func(a, b AttendanceEntry) bool {
				return a.Session == b.Session && a.Status == b.Status && a.Date.Equal(b.Date)
			}) {
				t.Errorf("%s from the book: %+v, want %+v", who, got, want)
			}
		}
	})
}

// A collaborator's attendance rate is the same from the sessions and from
// the book: past sessions they were invited to or marked at, unmarked
// invitees counted, cancelled and upcoming sessions left out; an
// invitation given after the backfill reaches the book by its job.
func TestTheRateIsTheSameFromTheBook(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		ctx := context.Background()
		st := NewStore(db)
		clk := clock.NewManual(bookDay.Add(48 * time.Hour))
		svc := NewService(Deps{Store: st, Clock: clk})
		invite := func(who ...string) []Invitation {
			var out []Invitation
			for _, c := range who {
				out = append(out, Invitation{CollaboratorID: c, Response: ResponseAccepted, InvitedAt: bookDay.Add(-time.Hour)})
			}
			return out
		}
		marked := bookSession("a", mark("c1", AttendPresent), mark("c2", AttendExcused), mark("c3", AttendLate))
		marked.Invitations = invite("c1", "c2", "c4")
		cancelled := bookSession("b", mark("c1", AttendAbsent))
		cancelled.Invitations, cancelled.Status = invite("c1", "c4"), StatusCancelled
		upcoming := bookSession("c")
		upcoming.Invitations, upcoming.StartsAt = invite("c1", "c4"), clk.Now().Add(time.Hour)
		later := bookSession("d")
		if err := st.InsertArchived(ctx, []Session{marked, cancelled}); err != nil {
			t.Fatal(err)
		}
		if err := st.Insert(ctx, []Session{upcoming, later}); err != nil {
			t.Fatal(err)
		}
		want := map[string]Rate{
			"c1": {CollaboratorID: "c1", Sessions: 1, Present: 1, Rate: 1},
			"c2": {CollaboratorID: "c2", Sessions: 1, Excused: 1},
			"c3": {CollaboratorID: "c3", Sessions: 1, Late: 1, Rate: 1},
		}
		check := func(when string) {
			t.Helper()
			for who, w := range want {
				if got, err := svc.AttendanceRate(ctx, who); err != nil || got != w {
					t.Errorf("%s: %s's rate %+v, %v; want %+v", when, who, got, err, w)
				}
			}
		}
		want["c4"] = Rate{CollaboratorID: "c4", Sessions: 1, Unmarked: 1}
		check("from the sessions")
		if err := svc.KeepBook(ctx); err != nil {
			t.Fatal(err)
		}
		check("from the book")
		if _, err := st.Update(ctx, "d", func(x *Session) error { x.Invitations = invite("c4"); return nil }); err != nil {
			t.Fatal(err)
		}
		if err := svc.KeepBook(ctx); err != nil {
			t.Fatal(err)
		}
		want["c4"] = Rate{CollaboratorID: "c4", Sessions: 2, Unmarked: 2}
		check("after an invitation")
	})
}

// A mark is one write of the session (its rev goes up by one), the next
// write clears the flag the mark's write left, and an invitation of a few
// people reaches their books with the write, not only by the book's job.
func TestAMarkIsOneWriteOfTheSession(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		ctx := context.Background()
		st := twoSessions(t, db)
		before, err := st.Get(ctx, "s1")
		if err != nil {
			t.Fatal(err)
		}
		x, err := setMarks(ctx, st, "s1", mark("c1", AttendPresent))
		if err != nil {
			t.Fatal(err)
		}
		if x.Rev != before.Rev+1 {
			t.Errorf("a mark wrote the session %d times", x.Rev-before.Rev)
		}
		wantBook(t, st, "c1", map[string]string{"s1": AttendPresent})
		x, err = st.Update(ctx, "s1", func(x *Session) error {
			x.Invitations = append(x.Invitations, Invitation{CollaboratorID: "c4", Response: ResponsePending})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if x.BookDue {
			t.Error("the mark's flag outlived the next write")
		}
		wantBook(t, st, "c4", map[string]string{"s1": ""})
		if x, err = st.Update(ctx, "s1", func(x *Session) error { x.Title = "Sinh hoạt"; return nil }); err != nil || x.BookDue || x.InvDue {
			t.Errorf("flags after the books were written: book %v, invitations %v (%v)", x.BookDue, x.InvDue, err)
		}
	})
}
