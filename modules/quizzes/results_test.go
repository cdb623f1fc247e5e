package quizzes_test

import (
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/quizzes"
)

var (
	personItem   = regexp.MustCompile(`(?s)<li data-code="([^"]+)">(.*?)</li>`)
	questionItem = regexp.MustCompile(`(?s)<li data-question="([^"]+)">\s*<div>(.*?)</div>`)
	areaOption   = regexp.MustCompile(`<option value="([^"]*)"`)
)

// peopleOn reads the results page: person code → the item's text.
func peopleOn(body string) map[string]string {
	out := map[string]string{}
	for _, m := range personItem.FindAllStringSubmatch(body, -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	return out
}

// sit starts the course's quiz as tok and submits it all right or all wrong.
func sit(t *testing.T, s *apptest.Server, tok string, right bool) {
	t.Helper()
	v, r := start(t, s, tok)
	if r.Status != 201 {
		t.Fatalf("start: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "POST", "/api/v1/attempts/"+v.ID+"/submit", tok, map[string]any{"answers": key(t, s, v, right)}); r.Status != 200 {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
}

// TestResultsPages: the per-course results page lists people with their
// best score, attempts used and the day they passed — a team leader only
// their district's, whatever they ask, staff every unit or the one they
// pick — and the item analysis page lists the questions most people miss
// first, in Vietnamese.
func TestResultsPages(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC) // 09:00 in Vietnam
	s := apptest.Start(t, apptest.Options{Clock: clock.NewManual(now)})
	var nt, lt []collaborators.Collaborator
	areaOf := map[string]string{}
	for _, c := range s.Collaborators(t) {
		areaOf[c.Code] = c.AreaCode
		if c.Role == "ctv" && c.AreaCode == "NT" {
			nt = append(nt, c)
		}
		if c.Role == "ctv" && c.AreaCode == "LT" {
			lt = append(lt, c)
		}
	}
	if len(nt) < 3 || len(lt) < 1 {
		t.Fatalf("the demo network has %d CTVs in NT and %d in LT", len(nt), len(lt))
	}
	sit(t, s, s.LoginDemo(t, nt[0].Email), true)
	sit(t, s, s.LoginDemo(t, nt[1].Email), false)
	sit(t, s, s.LoginDemo(t, lt[0].Email), false)

	// The team leader of NT: NT's people only, the select offers NT alone.
	leader := s.Forms(t, s.LoginDemo(t, s.Find(t, "team_leader", "NT").Email))
	page := leader.Get("/courses/" + course + "/results")
	if page.Status != 200 {
		t.Fatalf("results page as the team leader: %d %s", page.Status, page.Body)
	}
	people := peopleOn(page.Body)
	for code := range people {
		if areaOf[code] != "NT" {
			t.Errorf("the team leader of NT sees %s of %s", code, areaOf[code])
		}
	}
	if got := people[nt[0].Code]; !strings.Contains(got, nt[0].FullName) || !strings.Contains(got, "Đạt ngày 07/12/2026") ||
		!strings.Contains(got, "Điểm cao nhất 100%") || !strings.Contains(got, "Đã làm 1/3 lần") {
		t.Errorf("%s passed: %q", nt[0].Code, got)
	}
	if got := people[nt[1].Code]; !strings.Contains(got, "Chưa đạt") || !strings.Contains(got, "Điểm cao nhất 0%") || strings.Contains(got, "Đạt ngày") {
		t.Errorf("%s failed: %q", nt[1].Code, got)
	}
	if got := people[nt[2].Code]; !strings.Contains(got, "Chưa làm bài") {
		t.Errorf("%s has no attempt: %q", nt[2].Code, got)
	}
	if !strings.Contains(page.Body, "người · 1 đã đạt · ") {
		t.Errorf("summary: %s", page.Body)
	}
	if opts := areaOption.FindAllStringSubmatch(page.Body, -1); len(opts) != 1 || opts[0][1] != "NT" {
		t.Errorf("the team leader's select offers %v", opts)
	}
	if page := leader.Get("/courses/" + course + "/results?area_code=LT"); page.Status != 400 || strings.Contains(page.Body, lt[0].FullName) ||
		!strings.Contains(page.Body, "area_code") {
		t.Errorf("the team leader asking for LT: %d %s", page.Status, page.Body)
	}
	if page := leader.Get("/courses/" + course + "/item-analysis"); page.Status != 403 {
		t.Errorf("item analysis as a team leader: %d, want 403 as the API answers", page.Status)
	}

	// The coordinator: every unit, or the one picked.
	coord := s.Forms(t, s.LoginDemo(t, apptest.Coordinator))
	page = coord.Get("/courses/" + course)
	if !strings.Contains(page.Body, `href="/courses/`+course+`/results"`) || !strings.Contains(page.Body, `href="/courses/`+course+`/item-analysis"`) {
		t.Errorf("the course page does not link the results pages for staff")
	}
	people = peopleOn(coord.Get("/courses/" + course + "/results").Body)
	for _, c := range []collaborators.Collaborator{nt[0], nt[1], lt[0]} {
		if _, ok := people[c.Code]; !ok {
			t.Errorf("the coordinator's results lack %s", c.Code)
		}
	}
	page = coord.Get("/courses/" + course + "/results?area_code=LT")
	people = peopleOn(page.Body)
	if !strings.Contains(people[lt[0].Code], "Chưa đạt") || !strings.Contains(page.Body, `<option value="LT" selected>`) {
		t.Errorf("LT picked: %q", people[lt[0].Code])
	}
	for code := range people {
		if areaOf[code] != "LT" {
			t.Errorf("LT picked, the page lists %s of %s", code, areaOf[code])
		}
	}

	// Item analysis: the questions by miss rate, highest first, never
	// asked last, with their Vietnamese text.
	var stats struct{ Items []quizzes.ItemStat }
	s.Do(t, "GET", "/api/v1/courses/"+course+"/item-analysis", s.LoginDemo(t, apptest.Coordinator), nil).JSON(t, &stats)
	byID := map[string]quizzes.ItemStat{}
	for _, it := range stats.Items {
		byID[it.QuestionID] = it
	}
	page = coord.Get("/courses/" + course + "/item-analysis")
	rows := questionItem.FindAllStringSubmatch(page.Body, -1)
	if page.Status != 200 || len(rows) != len(stats.Items) {
		t.Fatalf("item analysis page: %d, %d questions, want %d", page.Status, len(rows), len(stats.Items))
	}
	rate := func(it quizzes.ItemStat) float64 {
		if it.Asked == 0 {
			return -1
		}
		return float64(it.Asked-it.Correct) / float64(it.Asked)
	}
	for i, m := range rows {
		it := byID[m[1]]
		if html.UnescapeString(m[2]) != it.Text.VI {
			t.Errorf("question %s reads %q, want its Vietnamese text %q", m[1], m[2], it.Text.VI)
		}
		if i > 0 && rate(byID[rows[i-1][1]]) < rate(it) {
			t.Errorf("question %s (miss rate %.2f) comes after %s (%.2f)", m[1], rate(it), rows[i-1][1], rate(byID[rows[i-1][1]]))
		}
	}
	if first, last := byID[rows[0][1]], byID[rows[len(rows)-1][1]]; rate(first) != 1 || rate(last) >= 1 {
		t.Errorf("first question's miss rate %.2f, last %.2f: want all missed first", rate(first), rate(last))
	}
}
