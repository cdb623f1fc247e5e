package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/quizzes"
)

// The demo's team leaders of Long Khánh and Tân Phú.
const (
	leaderLK = "hung.tranquoc@example.vn"
	leaderTP = "cuc.tranthikim@example.vn"
)

type attemptRows struct {
	Items []quizzes.ResultRow `json:"items"`
	Total int                 `json:"total"`
}

// of counts the rows of a collaborator, and fails on one of them shown
// in another unit than want ("" : any).
func (r attemptRows) of(t *testing.T, id, want string) int {
	t.Helper()
	n := 0
	for _, x := range r.Items {
		if x.CollaboratorID != id {
			continue
		}
		n++
		if want != "" && x.AreaCode != want {
			t.Errorf("attempt %s shown in %s, want %s", x.ID, x.AreaCode, want)
		}
	}
	return n
}

// TestDistrictMoveMovesScope: after the coordinator moves a CTV from Long
// Khánh to Tân Phú, every view of their quiz attempts (the list, one
// attempt with its answers, a course's results, item analysis and the
// pages of the same) and of their quarterly records (reports/quarters,
// performance's list) is the new district's team leader's and no longer
// the old one's; a coordinator's area_code filter follows the current
// district; and the same user reads one count of a quarter's records
// everywhere. Then a crash between the registry's write and the move is
// played (the person's entries put back in the old unit): the old team
// leader still sees nothing, and the reconcile job finishes the move.
func TestDistrictMoveMovesScope(t *testing.T) {
	t.Parallel()
	s, coord := startReconciled(t, clock.NewManual(time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)))
	lk, tp := s.LoginDemo(t, leaderLK), s.LoginDemo(t, leaderTP)
	var p collaborators.Collaborator
	for _, c := range s.Collaborators(t) {
		if c.Code == "LK-05" {
			p = c
		}
	}
	if p.ID == "" || p.AreaCode != "LK" {
		t.Fatalf("LK-05: %+v", p)
	}
	var mine attemptRows
	getJSON(t, s, "/api/v1/attempts?limit=1000&collaborator_id="+p.ID, coord, &mine)
	n := mine.of(t, p.ID, "LK")
	if n == 0 {
		t.Fatal("LK-05 has no attempt in the demo")
	}
	one, course := mine.Items[0].ID, mine.Items[0].CourseCode
	// Item analysis of one unit, as the page narrowed to it counts (a
	// team leader may not read it).
	items := func(area string) (asked int) {
		t.Helper()
		l, err := s.App.Quizzes.ItemAnalysis(context.Background(), authz.Scope{Kind: authz.ScopeArea, AreaCode: area}, course)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range l {
			asked += x.Asked
		}
		if pg := s.Page(t, "/courses/"+course+"/item-analysis?area_code="+area, coord); pg.Status != 200 {
			t.Fatalf("item analysis page of %s: %d", area, pg.Status)
		}
		return asked
	}
	lkAsked, tpAsked := items("LK"), items("TP")

	if r := s.Do(t, "PATCH", "/api/v1/collaborators/"+p.ID, coord, map[string]any{"area_code": "TP"}); r.Status != 200 {
		t.Fatalf("PATCH area_code: %d %s", r.Status, r.Body)
	}

	check := func(stage string) {
		t.Helper()
		for _, c := range []struct {
			who, token, want string
		}{{"LK's leader", lk, ""}, {"TP's leader", tp, "TP"}} {
			seen := c.want != ""
			count := 0
			if seen {
				count = n
			}
			if r := s.Do(t, "GET", "/api/v1/collaborators/"+p.ID, c.token, nil); (r.Status == 200) != seen {
				t.Errorf("%s: %s GET the person: %d", stage, c.who, r.Status)
			}
			var l attemptRows
			getJSON(t, s, "/api/v1/attempts?limit=1000", c.token, &l)
			if got := l.of(t, p.ID, c.want); got != count {
				t.Errorf("%s: %s lists %d of their attempts, want %d", stage, c.who, got, count)
			}
			l = attemptRows{}
			getJSON(t, s, "/api/v1/attempts?limit=1000&collaborator_id="+p.ID, c.token, &l)
			if got := l.of(t, p.ID, c.want); got != count {
				t.Errorf("%s: %s lists %d of their attempts by collaborator_id, want %d", stage, c.who, got, count)
			}
			r := s.Do(t, "GET", "/api/v1/attempts/"+one, c.token, nil)
			if (r.Status == 200) != seen || !seen && strings.Contains(string(r.Body), "answers") {
				t.Errorf("%s: %s GET one attempt: %d %.200s", stage, c.who, r.Status, r.Body)
			}
			if pg := s.Page(t, "/attempts/"+one, c.token); (pg.Status == 200) != seen {
				t.Errorf("%s: %s attempt page: %d", stage, c.who, pg.Status)
			}
			var res quizzes.CourseResults
			getJSON(t, s, "/api/v1/courses/"+course+"/results?limit=1000", c.token, &res)
			if got, want := (attemptRows{Items: res.Items}).of(t, p.ID, c.want), mine.ofCourse(p.ID, course); (got > 0) != seen || seen && got != want {
				t.Errorf("%s: %s course results list %d of theirs, want %d", stage, c.who, got, want)
			}
			pg := s.Page(t, "/courses/"+course+"/results", c.token)
			if pg.Status != 200 || strings.Contains(string(pg.Body), p.FullName) != seen || strings.Contains(string(pg.Body), p.ID) && !seen {
				t.Errorf("%s: %s results page: %d, shows the person %v", stage, c.who, pg.Status, strings.Contains(string(pg.Body), p.FullName))
			}
		}
		for _, c := range []struct{ area, want string }{{"LK", ""}, {"TP", "TP"}} {
			var l attemptRows
			getJSON(t, s, "/api/v1/attempts?limit=1000&area_code="+c.area, coord, &l)
			want := 0
			if c.want != "" {
				want = n
			}
			if got := l.of(t, p.ID, c.want); got != want {
				t.Errorf("%s: the coordinator's area_code=%s lists %d of their attempts, want %d", stage, c.area, got, want)
			}
		}
		lkNow, tpNow := items("LK"), items("TP")
		if moved := lkAsked - lkNow; moved <= 0 || tpNow-tpAsked != moved {
			t.Errorf("%s: item analysis counts %d questions asked in LK (was %d), %d in TP (was %d): want the person's moved", stage, lkNow, lkAsked, tpNow, tpAsked)
		}
	}
	check("after the move")

	// The quarters: one count per user and quarter, the person in TP's.
	quarter := func(path, token string) int {
		t.Helper()
		var qs struct {
			Items []struct {
				Quarter string `json:"quarter"`
				Records int    `json:"records"`
			} `json:"items"`
		}
		getJSON(t, s, path, token, &qs)
		for _, q := range qs.Items {
			if q.Quarter == "2026-Q3" {
				return q.Records
			}
		}
		return 0
	}
	performance := func(query, token string) (stored int, has bool) {
		t.Helper()
		var l struct {
			Items []struct {
				CollaboratorID string `json:"collaborator_id"`
				Stored         bool   `json:"stored"`
			} `json:"items"`
		}
		getJSON(t, s, "/api/v1/performance?quarter=2026-Q3&limit=1000"+query, token, &l)
		for _, x := range l.Items {
			if x.Stored {
				stored++
			}
			has = has || x.CollaboratorID == p.ID
		}
		return stored, has
	}
	for _, c := range []struct {
		area, leader string
		has          bool
	}{{"LK", lk, false}, {"TP", tp, true}} {
		byCoord := quarter("/api/v1/reports/quarters?area_code="+c.area, coord)
		own := quarter("/api/v1/reports/quarters", c.leader)
		filtered := quarter("/api/v1/reports/quarters?area_code="+c.area, c.leader)
		perfCoord, hasCoord := performance("&area_code="+c.area, coord)
		perfOwn, hasOwn := performance("", c.leader)
		if byCoord == 0 || own != byCoord || filtered != byCoord || perfCoord != byCoord || perfOwn != byCoord {
			t.Errorf("2026-Q3 in %s: reports/quarters %d (coordinator), %d and %d (leader), performance %d (coordinator), %d (leader): want one count",
				c.area, byCoord, own, filtered, perfCoord, perfOwn)
		}
		if hasCoord != c.has || hasOwn != c.has {
			t.Errorf("2026-Q3 in %s: performance lists the person %v (coordinator), %v (leader), want %v", c.area, hasCoord, hasOwn, c.has)
		}
	}
	if got := quarter("/api/v1/reports/quarters?area_code=TP", lk); got != 0 {
		t.Errorf("LK's leader filtering TP's quarters reads %d records", got)
	}

	// A crash between the registry's write and the move: the entries are
	// back in LK's units. Nothing shows to LK's leader meanwhile, and the
	// reconcile job finishes the move.
	ctx := context.Background()
	var areas []string
	as, err := s.App.Collaborators.Areas(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		areas = append(areas, a.Code)
	}
	st := quizzes.NewStore(s.App.DB)
	back := 0
	for _, c := range s.App.Courses.Courses() {
		k, err := st.MoveUnitEntries(ctx, p.ID, c.Code, "LK", areas)
		if err != nil {
			t.Fatal(err)
		}
		back += k
	}
	if back == 0 {
		t.Fatal("no entry to put back in LK")
	}
	var l attemptRows
	getJSON(t, s, "/api/v1/attempts?limit=1000", lk, &l)
	if got := l.of(t, p.ID, ""); got != 0 {
		t.Errorf("before the reconcile, LK's leader lists %d of their attempts", got)
	}
	moved, err := s.App.Quizzes.RehomeAll(ctx)
	if err != nil || moved != back {
		t.Fatalf("RehomeAll: moved %d, %v; want %d", moved, err, back)
	}
	check("after the reconcile")
	if again, err := s.App.Quizzes.RehomeAll(ctx); err != nil || again != 0 {
		t.Errorf("a second RehomeAll moved %d, %v", again, err)
	}
}

func (r attemptRows) ofCourse(id, course string) int {
	n := 0
	for _, x := range r.Items {
		if x.CollaboratorID == id && x.CourseCode == course {
			n++
		}
	}
	return n
}
