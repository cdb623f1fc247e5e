package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/ledger"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type mark struct {
	Session string    `bson:"session"`
	Date    time.Time `bson:"date"`
	Status  string    `bson:"status"`
}

func (m mark) LedgerKey() string     { return m.Session }
func (m mark) LedgerTime() time.Time { return m.Date }

var day0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func day(n int) time.Time { return day0.AddDate(0, 0, n) }

func sessions(es []mark) string {
	s := ""
	for _, e := range es {
		s += e.Session + "=" + e.Status + " "
	}
	return s
}

func TestPutKeepsOneEntryPerKeyInTimeOrderAndTheNewest(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		ctx := context.Background()
		b := ledger.New[mark](db, "marks", 3)
		if got, err := b.Of(ctx, "p1"); err != nil || len(got) != 0 {
			t.Fatalf("empty book: %v, %v", got, err)
		}
		must(t, b.Put(ctx, "p1", mark{"s2", day(2), "present"}, mark{"s1", day(1), "absent"}))
		must(t, b.Put(ctx, "p1", mark{"s1", day(1), "late"})) // replaces by key
		must(t, b.Put(ctx, "p2", mark{"s1", day(1), "present"}))
		got, err := b.Of(ctx, "p1")
		must(t, err)
		if s := sessions(got); s != "s1=late s2=present " {
			t.Fatalf("p1 = %s", s)
		}
		if !got[0].Date.Equal(day(1)) {
			t.Fatalf("date read back %v", got[0].Date)
		}
		must(t, b.Put(ctx, "p1", mark{"s4", day(4), "present"}, mark{"s3", day(3), "absent"}))
		got, _ = b.Of(ctx, "p1")
		if s := sessions(got); s != "s2=present s3=absent s4=present " {
			t.Fatalf("bounded to 3 newest: %s", s)
		}
		must(t, b.Remove(ctx, "p1", "s3"))
		must(t, b.Remove(ctx, "p1", "nope"))
		must(t, b.Remove(ctx, "nobody", "s1"))
		got, _ = b.Of(ctx, "p1")
		if s := sessions(got); s != "s2=present s4=present " {
			t.Fatalf("after remove: %s", s)
		}
		other, _ := b.Of(ctx, "p2")
		if s := sessions(other); s != "s1=present " {
			t.Fatalf("p2 = %s", s)
		}
	})
}

func TestAddWritesOneEntryThatOfAndPutReadInOrder(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		ctx := context.Background()
		b := ledger.New[mark](db, "added", 3)
		must(t, b.Add(ctx, "p1", mark{"s2", day(2), "present"})) // creates the book
		must(t, b.Add(ctx, "p1", mark{"s1", day(1), "absent"}))
		must(t, b.Add(ctx, "p1", mark{"s1", day(1), "absent"})) // the same again: no change
		got, err := b.Of(ctx, "p1")
		must(t, err)
		if s := sessions(got); s != "s1=absent s2=present " {
			t.Fatalf("after adds: %s", s)
		}
		must(t, b.Add(ctx, "p1", mark{"s1", day(1), "late"})) // the last added wins
		must(t, b.Add(ctx, "p1", mark{"s4", day(4), "present"}))
		must(t, b.Add(ctx, "p1", mark{"s3", day(3), "absent"}))
		got, _ = b.Of(ctx, "p1")
		if s := sessions(got); s != "s2=present s3=absent s4=present " {
			t.Fatalf("read bounded to the 3 newest: %s", s)
		}
		// A Put after Adds stores one entry per key, in order, bounded.
		must(t, b.Put(ctx, "p1", mark{"s2", day(2), "late"}))
		got, _ = b.Of(ctx, "p1")
		if s := sessions(got); s != "s2=late s3=absent s4=present " {
			t.Fatalf("after Put: %s", s)
		}
		var raw struct {
			Entries []mark `bson:"entries"`
			Rev     int64  `bson:"rev"`
		}
		must(t, db.Collection("added").FindOne(ctx, bson.D{{Key: "_id", Value: "p1"}}).Decode(&raw))
		if s := sessions(raw.Entries); s != "s2=late s3=absent s4=present " || raw.Rev != 7 {
			t.Fatalf("stored after Put: %s rev %d (want 7: each of 6 adds bumps it, and the Put)", s, raw.Rev)
		}
	})
}

// archive is a source of n marks, two people per record, that fails once
// at position failAt.
func archive(n, failAt int) (ledger.Source[mark], *int) {
	failed := false
	reads := 0
	return func(_ context.Context, after string) ([]ledger.Owned[mark], string, bool, error) {
		reads++
		start := 0
		if after != "" {
			start, _ = strconv.Atoi(after)
		}
		if start == failAt && !failed {
			failed = true
			return nil, "", false, errors.New("store went away")
		}
		end := min(start+4, n)
		var out []ledger.Owned[mark]
		for i := start; i < end; i++ {
			out = append(out, ledger.Owned[mark]{Person: fmt.Sprint("p", i%2), Entry: mark{fmt.Sprint("s", i), day(i), "present"}})
		}
		return out, strconv.Itoa(end), end == n, nil
	}, &reads
}

func TestBackfillResumesWhereItStoppedAndThenIsComplete(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		ctx := context.Background()
		b := ledger.New[mark](db, "marks", 100)
		src, reads := archive(10, 8)
		if err := b.Backfill(ctx, src, time.Now); err == nil {
			t.Fatal("backfill hid the source's failure")
		}
		if done, _ := b.Complete(ctx); done {
			t.Fatal("complete after a failed walk")
		}
		// A fresh book (another process after a restart) resumes at 8.
		again := ledger.New[mark](db, "marks", 100)
		before := *reads
		must(t, again.Backfill(ctx, src, time.Now))
		if *reads-before != 1 {
			t.Fatalf("resumed walk read %d steps, want 1 (from position 8)", *reads-before)
		}
		if done, err := again.Complete(ctx); err != nil || !done {
			t.Fatalf("complete = %v, %v", done, err)
		}
		p0, _ := again.Of(ctx, "p0")
		p1, _ := again.Of(ctx, "p1")
		if len(p0) != 5 || len(p1) != 5 {
			t.Fatalf("p0 %d, p1 %d entries; want 5 each", len(p0), len(p1))
		}
		// A complete book does not walk again.
		before = *reads
		must(t, ledger.New[mark](db, "marks", 100).Backfill(ctx, src, time.Now))
		if *reads != before {
			t.Fatal("a complete book walked its source again")
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// A kept book answers from the process's copy: this process's writes
// (Put, Add, Remove) show at once, another process's when its version
// is next read — here at once (fresh 1 ns), or, trusting its copy for an
// hour, with this process's next write (the count moved past its copy).
func TestKeptBookFollowsItsWritesAndAnotherProcesss(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		ctx := context.Background()
		read := func(b *ledger.Book[mark], person, want string) {
			t.Helper()
			got, err := b.Of(ctx, person)
			must(t, err)
			if s := sessions(got); s != want {
				t.Fatalf("%s = %q, want %q", person, s, want)
			}
		}
		a := ledger.New[mark](db, "kept", 10).Keep(100, time.Hour)
		read(a, "p1", "")
		must(t, a.Put(ctx, "p1", mark{"s1", day(1), "present"}))
		read(a, "p1", "s1=present ")
		must(t, a.Add(ctx, "p1", mark{"s2", day(2), "late"}))
		read(a, "p1", "s1=present s2=late ")
		must(t, a.Remove(ctx, "p1", "s1"))
		read(a, "p1", "s2=late ")
		must(t, a.Put(ctx, "p2", mark{"s2", day(2), "absent"}))
		read(a, "p2", "s2=absent ")
		read(a, "p1", "s2=late ") // p2's write left p1's copy

		// Another process: checking every time, it sees a's writes at once.
		b := ledger.New[mark](db, "kept", 10).Keep(100, time.Nanosecond)
		read(b, "p1", "s2=late ")
		must(t, a.Put(ctx, "p1", mark{"s3", day(3), "present"}))
		read(b, "p1", "s2=late s3=present ")
		// b's write is not seen by a within its hour, until a writes.
		must(t, b.Put(ctx, "p1", mark{"s2", day(2), "present"}))
		must(t, a.Put(ctx, "p3", mark{"s1", day(1), "present"}))
		read(a, "p1", "s2=present s3=present ")
	})
}

func TestAllReadsEveryPersonsEntriesAsOfDoes(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		ctx := context.Background()
		b := ledger.New[mark](db, "marks", 2)
		must(t, b.Put(ctx, "p1", mark{"s2", day(2), "present"}, mark{"s1", day(1), "absent"}, mark{"s3", day(3), "late"}))
		must(t, b.Add(ctx, "p2", mark{"s1", day(1), "absent"}))
		must(t, b.Add(ctx, "p2", mark{"s1", day(1), "present"})) // Add appends: the last of a key counts
		got := map[string]string{}
		must(t, b.All(ctx, func(person string, es []mark) error {
			got[person] = sessions(es)
			return nil
		}))
		want := map[string]string{"p1": "s2=present s3=late ", "p2": "s1=present "}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("All = %v, want %v", got, want)
		}
		stop := errors.New("stop")
		if err := b.All(ctx, func(string, []mark) error { return stop }); !errors.Is(err, stop) {
			t.Fatalf("an error from fn: %v", err)
		}
	})
}

// TestCountedBooksVersionMovesWithEveryWriteOfEitherProcess: a counted
// book's version moves with each Put, Add and Remove that changes it,
// whichever of two processes on one store wrote; a write that changes
// nothing leaves it; an uncounted book's stays 0.
func TestCountedBooksVersionMovesWithEveryWriteOfEitherProcess(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		ctx := context.Background()
		a, b := ledger.New[mark](db, "counted", 10).Counted(), ledger.New[mark](db, "counted", 10).Counted()
		version := func(x *ledger.Book[mark], want int64) {
			t.Helper()
			v, err := x.Version(ctx)
			must(t, err)
			if v != want {
				t.Fatalf("version %d, want %d", v, want)
			}
		}
		version(b, 0)
		must(t, a.Put(ctx, "p1", mark{"s1", day(1), "present"}))
		version(b, 1)
		must(t, a.Put(ctx, "p1", mark{"s1", day(1), "present"})) // unchanged
		version(b, 1)
		must(t, b.Add(ctx, "p2", mark{"s1", day(1), "late"}))
		version(a, 2)
		must(t, a.Remove(ctx, "p2", "s1"))
		must(t, a.Remove(ctx, "p2", "s1")) // gone already
		version(b, 3)
		got, err := a.Of(ctx, "p1")
		must(t, err)
		if s := sessions(got); s != "s1=present " {
			t.Fatalf("p1 = %q", s)
		}

		plain := ledger.New[mark](db, "plain", 10)
		must(t, plain.Put(ctx, "p1", mark{"s1", day(1), "present"}))
		version(plain, 0)
	})
}
