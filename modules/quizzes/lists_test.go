package quizzes

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
)

// units are the district units of a rig's history, for Deps.Areas.
type units []string

func (u units) AreaCodes(context.Context) ([]string, error) { return u, nil }

// history loads, in bulk, the first attempt of each person (in turn of
// units NT and LT, an hour apart, two days before t0), every other one
// all right.
func history(t *testing.T, ctx context.Context, r *rig, people ...string) []Attempt {
	t.Helper()
	c, rnd := r.cat.c, rand.New(rand.NewPCG(7, 8))
	var as []Attempt
	for i, p := range people {
		area := []string{"NT", "LT"}[i%2]
		at := t0.Add(-48*time.Hour + time.Duration(i)*time.Hour)
		a := NewAttempt(p, area, c, 1, at, rnd)
		if i%2 == 0 {
			a.Answers = allRight()
		}
		as = append(as, a.Grade(at.Add(10*time.Minute)))
	}
	if err := r.st.PutBank(ctx, c.Code, c.Quiz.Version, c.Quiz.Questions); err != nil {
		t.Fatal(err)
	}
	if err := r.st.InsertResults(ctx, as); err != nil {
		t.Fatal(err)
	}
	return as
}

// rowsOf lists as svc sees them inside scope, as the API's rows.
func rowsOf(t *testing.T, svc *Service, scope authz.Scope, f Filter) []ResultRow {
	t.Helper()
	as, err := svc.List(context.Background(), scope, f)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]ResultRow, len(as))
	for i, a := range as {
		out[i] = row(a)
	}
	return out
}

// Staff lists read the units' results through the process's cache, and
// list what the old path (a filter over every unit) lists, for every
// scope and filter — also after another process grades an attempt and
// while one is open.
func TestStaffListsListWhatTheOldPathLists(t *testing.T) {
	eachRig(t, 6, func(t *testing.T, ctx context.Context, r *rig) {
		history(t, ctx, r, "p0", "p1", "p2", "p3", "p4", "p5")
		cached, old, other := r.service(0), r.service(0), r.service(41)
		cached.d.Areas = units{"NT", "LT", "BH"}
		cases := []struct {
			scope authz.Scope
			f     Filter
			n     int // rows before the other process grades
		}{
			{authz.All, Filter{}, 6},
			{authz.All, Filter{CourseCode: "KC-900"}, 6},
			{authz.All, Filter{AreaCode: "LT"}, 3},
			{authz.All, Filter{CourseCode: "KC-900", AreaCode: "NT"}, 3},
			{authz.All, Filter{CollaboratorID: "p1"}, 1},
			{authz.Scope{Kind: authz.ScopeArea, AreaCode: "LT"}, Filter{}, 3},
			{authz.Scope{Kind: authz.ScopeArea, AreaCode: "LT"}, Filter{AreaCode: "NT"}, 0},
			{own("p1"), Filter{}, 1},
		}
		check := func(grown int) {
			t.Helper()
			for _, c := range cases {
				got, want := rowsOf(t, cached, c.scope, c.f), rowsOf(t, old, c.scope, c.f)
				if !slices.Equal(got, want) {
					t.Errorf("%+v %+v: the cache lists\n%+v\nthe old path\n%+v", c.scope, c.f, got, want)
				}
				if n := c.n + grown; c.n > 0 && c.f.AreaCode != "NT" && len(got) != n {
					t.Errorf("%+v %+v: %d rows, want %d", c.scope, c.f, len(got), n)
				}
			}
		}
		if err := cached.WarmResults(ctx); err != nil {
			t.Fatal(err)
		}
		check(0)
		p := ctv("p1", "LT")
		a, _, err := other.Start(ctx, p, "KC-900")
		if err != nil {
			t.Fatal(err)
		}
		check(1) // open
		if _, err := other.Submit(ctx, p, a.ID, allRight()); err != nil {
			t.Fatal(err)
		}
		check(1) // graded by another process
		if rows := rowsOf(t, cached, authz.All, Filter{}); rows[0].ID != a.ID || rows[0].Status != StatusGraded {
			t.Errorf("newest row %+v, want %s graded", rows[0], a.ID)
		}
	})
}

// A person's own lists read their attempts book once its backfill has
// finished, and list what the summaries listed.
func TestOwnListsReadTheBookOnceComplete(t *testing.T) {
	eachRig(t, 6, func(t *testing.T, ctx context.Context, r *rig) {
		history(t, ctx, r, "p0", "p1")
		svc := r.service(42)
		p := ctv("p1", "LT")
		a, _, err := svc.Start(ctx, p, "KC-900")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Submit(ctx, p, a.ID, nil); err != nil {
			t.Fatal(err)
		}
		// A course the catalog does not have is a 400 naming it, not an
		// empty list.
		if _, err := svc.List(ctx, own("p1"), Filter{CourseCode: "KC-000"}); !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "course_code") {
			t.Errorf("an unknown course: %v, want invalid course_code", err)
		}
		filters := []Filter{{}, {CourseCode: "KC-900"}, {CourseCode: "kc-900"}}
		var before [][]ResultRow
		for _, f := range filters {
			before = append(before, rowsOf(t, svc, own("p1"), f))
		}
		if len(before[0]) != 2 {
			t.Fatalf("p1's rows from the summaries: %+v", before[0])
		}
		if err := svc.KeepBook(ctx); err != nil {
			t.Fatal(err)
		}
		// The book alone answers now.
		if err := r.db.Collection(summariesColl).Drop(ctx); err != nil {
			t.Fatal(err)
		}
		for i, f := range filters {
			if got := rowsOf(t, svc, own("p1"), f); !slices.Equal(got, before[i]) {
				t.Errorf("%+v: the book lists\n%+v\nthe summaries listed\n%+v", f, got, before[i])
			}
		}
	})
}

// History loaded in bulk after the attempts book's backfill finished is
// in the book.
func TestHistoryLoadedAfterTheBackfillIsBooked(t *testing.T) {
	eachRig(t, 6, func(t *testing.T, ctx context.Context, r *rig) {
		svc := r.service(0)
		if err := svc.KeepBook(ctx); err != nil {
			t.Fatal(err)
		}
		as := history(t, ctx, r, "p0", "p1")
		for _, a := range as {
			es, err := svc.AttemptsOf(ctx, a.CollaboratorID)
			want := entryOf(a)
			if err != nil || len(es) != 1 || !es[0].Date.Equal(want.Date) || !es[0].Started.Equal(want.Started) {
				t.Fatalf("%s's book: %+v, %v; want %+v", a.CollaboratorID, es, err, want)
			}
			es[0].Date, es[0].Started = want.Date, want.Started
			if es[0] != want {
				t.Errorf("%s's book: %+v, %v; want %+v", a.CollaboratorID, es, err, entryOf(a))
			}
		}
	})
}
