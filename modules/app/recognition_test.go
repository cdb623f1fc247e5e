package app_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/performance"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/standing"
)

// courseFiles is a copy of the product's course catalog, each file
// passed through edit (its path and text).
func courseFiles(t *testing.T, edit func(path string, b []byte) []byte) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(content.FS, "courses", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(content.FS, p)
		m[p] = &fstest.MapFile{Data: edit(p, b)}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// noRequiredCourses is the product's catalog with no course required of
// anyone, so that standing turns on the quarters and the contract alone.
func noRequiredCourses(t *testing.T) fs.FS {
	t.Helper()
	return courseFiles(t, func(_ string, b []byte) []byte {
		for _, roles := range []string{"[ctv, team_leader]", "[ctv]"} {
			b = bytes.Replace(b, []byte("required_for: "+roles), []byte("required_for: []"), 1)
		}
		return b
	})
}

// TestRecognitionRankFollowsApprovals: the rank in a person's standing
// and GET /api/v1/recognition (read from performance's copy of the
// quarter's summary) order the district's people in good standing as the
// quarter's list of approved records does (the path they read before),
// and an approval moves them at once.
func TestRecognitionRankFollowsApprovals(t *testing.T) {
	t.Parallel()
	clk := clock.NewManual(time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC))
	s := apptest.Start(t, apptest.Options{Clock: clk, Courses: noRequiredCourses(t)})
	coord := s.LoginDemo(t, apptest.Coordinator)
	var people []collaborators.Collaborator // four on active contracts running past the year
	for _, p := range s.FindAll(t, "ctv", "NT", 4) {
		if p.Contract.Status == "active" && p.Contract.EndsOn > "2027" && len(people) < 4 {
			people = append(people, p)
		}
	}
	if len(people) < 4 {
		t.Fatalf("the demo's NT has %d CTVs on active contracts, want 4", len(people))
	}
	record := func(id, q string, profiles int, approve bool) {
		t.Helper()
		body := map[string]any{"targets": map[string]int{"profiles": 10, "surveys": 10, "referrals": 2},
			"actuals": map[string]any{"profiles": profiles, "surveys": 10, "referrals": 2, "report_on_time": true}}
		steps := []string{"", "/submit"}
		if approve {
			steps = append(steps, "/approve")
		}
		for _, step := range steps {
			method, b := "POST", any(nil)
			if step == "" {
				method, b = "PUT", body
			}
			if r := s.Do(t, method, "/api/v1/performance/"+id+"/"+q+step, coord, b); r.Status != 200 {
				t.Fatalf("%s %s %s%s: %d %s", method, id, q, step, r.Status, r.Body)
			}
		}
	}
	// Q2 approved for all four; Q3: three approved at 6, 9 and 7 profiles
	// of 10, the fourth submitted only (so their Q3 report is missing).
	for i, p := range people {
		record(p.ID, "2026-Q2", 10, true)
		record(p.ID, "2026-Q3", []int{6, 9, 7, 10}[i], i < 3)
	}
	get := func(path string, v any) {
		t.Helper()
		r := s.Do(t, "GET", path, coord, nil)
		if r.Status != 200 {
			t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
		}
		r.JSON(t, v)
	}
	recognition := func() []standing.Ranked {
		t.Helper()
		var l struct{ Items []standing.Ranked }
		get("/api/v1/recognition?quarter=2026-Q3&area_code=NT", &l)
		return l.Items
	}
	rankOf := func(id string) *standing.Recognition {
		t.Helper()
		var v standing.View
		get("/api/v1/collaborators/"+id+"/standing", &v)
		if v.Standing != standing.Good {
			return nil
		}
		return v.Recognition
	}
	// The order before: the quarter's approved records by attainment,
	// kept when their standing is good.
	listed := func() []string {
		t.Helper()
		var l struct{ Items []performance.Record }
		get("/api/v1/performance?quarter=2026-Q3&area_code=NT&status=approved", &l)
		var out []string
		for _, rec := range l.Items {
			if rankOf(rec.CollaboratorID) != nil {
				out = append(out, rec.CollaboratorID)
			}
		}
		return out
	}
	check := func(want []string) {
		t.Helper()
		got := recognition()
		if fmt.Sprint(listed()) != fmt.Sprint(want) {
			t.Fatalf("the approved list in good standing: %v, want %v", listed(), want)
		}
		if len(got) != len(want) {
			t.Fatalf("recognition: %+v, want %v", got, want)
		}
		for i, id := range want {
			if got[i].CollaboratorID != id || got[i].Rank != i+1 {
				t.Fatalf("recognition[%d]: %+v, want %s ranked %d", i, got[i], id, i+1)
			}
			if r := rankOf(id); r == nil || r.Rank != i+1 || r.Of != len(want) || r.Quarter != "2026-Q3" || r.AreaCode != "NT" {
				t.Fatalf("%s's standing: recognition %+v, want %d of %d", id, r, i+1, len(want))
			}
		}
		for _, p := range people {
			if r := rankOf(p.ID); r != nil && !slices.Contains(want, p.ID) {
				t.Fatalf("%s is ranked %+v, not in %v", p.ID, r, want)
			}
		}
	}
	check([]string{people[1].ID, people[2].ID, people[0].ID})
	// The fourth's Q3 approved, the best of the four: first at once.
	if r := s.Do(t, "POST", "/api/v1/performance/"+people[3].ID+"/2026-Q3/approve", coord, nil); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	check([]string{people[3].ID, people[1].ID, people[2].ID, people[0].ID})

	// What the people read: the first, on their own page, in Vietnamese;
	// the coordinator, on the second's page, in Vietnamese and English.
	area := rankOf(people[3].ID).AreaName
	if area == "" {
		t.Fatal("the recognition names no district")
	}
	for _, c := range []struct{ path, token, want string }{
		{"/me/standing", s.LoginDemo(t, people[3].Email), "Anh/chị đứng thứ 1 trong 4 người của " + area + ", Quý 3/2026."},
		{"/collaborators/" + people[1].ID + "/standing", coord, "Đứng thứ 2 trong 4 người của " + area + ", Quý 3/2026."},
		{"/collaborators/" + people[1].ID + "/standing?lang=en", coord, "Ranked 2nd of 4 in " + area + ", Q3 2026."},
	} {
		r := s.Page(t, c.path, c.token)
		if r.Status != 200 || !bytes.Contains(r.Body, []byte(`<p id="rank"><strong>`+c.want+`</strong></p>`)) {
			t.Errorf("GET %s: %d, want the sentence %q in\n%s", c.path, r.Status, c.want, r.Body)
		}
	}
}
