package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ctvacademy/academy/modules/app/apptest"
)

// A CTV on a 360 px phone signs in and lands on their home: the session
// they are invited to, answered with the accept button; the course page
// has its start button within the first screen; the navigation leads to
// their results. A coordinator on the same phone reads a course's results
// for one district and the questions most people miss. No page scrolls
// sideways.
func TestCTVHomeAndStaffResultsOnAPhone(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC) // Monday 09:00 in Vietnam
	srv, ctx, _ := StartAt(t, phoneWidth, phoneHeight, now)
	ctv := srv.Find(t, "ctv", "NT")
	coord := srv.LoginDemo(t, apptest.Coordinator)
	id := newSession(t, srv, coord, "Hội trường UBND huyện Nhơn Trạch, số 1 đường Trần Phú, thị trấn Hiệp Phước", now.Add(72*time.Hour))
	if r := srv.Do(t, "POST", "/api/v1/sessions/"+id+"/invitations", coord, map[string]any{"collaborator_ids": []string{ctv.ID}}); r.Status >= 300 {
		t.Fatalf("invite: %d %s", r.Status, r.Body)
	}

	login(t, ctx, srv, ctv.Email, apptest.DemoPassword)
	if loc := Run(t, ctx, "read the location", chromedp.Location()); loc != srv.URL+"/" {
		t.Fatalf("after signing in the CTV is at %s, want their home", loc)
	}
	assertFits(t, ctx, phoneWidth)
	if got := Run(t, ctx, "read the next quiz", chromedp.Text(chromedp.ID("next-quiz"))); got != "Làm bài kiểm tra" {
		t.Errorf("next quiz button reads %q", got)
	}
	Load(t, ctx, "accept the invitation", chromedp.Click(chromedp.CSS(`#invitations button[value=accept]`)))
	x := stored(t, srv.App.Scheduling.Get, id)
	if inv, ok := x.Invitation(ctv.ID); !ok || inv.Response != "accepted" {
		t.Errorf("after the accept button the invitation is %+v", inv)
	}
	Load(t, ctx, "back home", chromedp.Click(chromedp.ID("home-link")))
	if got := Run(t, ctx, "read the answer", chromedp.Text(chromedp.CSS(`#invitations .badge`))); got != "Tham dự" {
		t.Errorf("home says the answer is %q", got)
	}
	assertFits(t, ctx, phoneWidth)

	Open(t, ctx, srv.URL+"/courses/KC-101")
	assertFits(t, ctx, phoneWidth)
	if top := Run(t, ctx, "find the start button", chromedp.Evaluate[float64](`document.getElementById("take-quiz").getBoundingClientRect().top`)); top < 0 || top > phoneHeight-44 {
		t.Errorf("the start-quiz button is %.0f px down a %d px screen", top, phoneHeight)
	}
	Load(t, ctx, "open my results", chromedp.Click(chromedp.CSS(`header nav a[href="/me/attempts"]`)))
	assertFits(t, ctx, phoneWidth)

	staff := NewBrowser(t, phoneWidth, phoneHeight)
	login(t, staff, srv, apptest.Coordinator, apptest.DemoPassword)
	Open(t, staff, srv.URL+"/courses/KC-101")
	Load(t, staff, "open the results", chromedp.Click(chromedp.ID("results-link")))
	assertFits(t, staff, phoneWidth)
	Do(t, staff, "pick the district", chromedp.SetValue(chromedp.ID("area_code"), "NT"))
	Load(t, staff, "filter", chromedp.Click(chromedp.CSS(`#filter button[type=submit]`)))
	if loc := Run(t, staff, "read the location", chromedp.Location()); !strings.HasSuffix(loc, "/courses/KC-101/results?area_code=NT") {
		t.Errorf("filtering led to %s", loc)
	}
	if got := Run(t, staff, "read the CTV's line", chromedp.Text(chromedp.CSS(`#results li[data-code="`+ctv.Code+`"]`))); !strings.Contains(got, ctv.FullName) ||
		!strings.Contains(got, "Chưa làm bài") {
		t.Errorf("the CTV's line reads %q", got)
	}
	assertFits(t, staff, phoneWidth)
	Load(t, staff, "open the item analysis", chromedp.Click(chromedp.ID("items-link")))
	assertFits(t, staff, phoneWidth)

	// The session's page and its edit and cancel forms fit a phone too.
	for _, page := range []string{"", "/edit", "/cancel"} {
		if resp := Open(t, staff, srv.URL+"/sessions/"+id+page); resp.Status != 200 {
			t.Errorf("/sessions/{id}%s: %d", page, resp.Status)
		}
		assertFits(t, staff, phoneWidth)
	}
}

// newSession schedules a three-hour KC-101 session for the NT district at
// starts, as the coordinator (token), and returns its id.
func newSession(t *testing.T, srv *apptest.Server, token, location string, starts time.Time) string {
	t.Helper()
	r := srv.Do(t, "POST", "/api/v1/sessions", token, map[string]any{"course_code": "KC-101", "title": "Tập huấn chính sách khuyến công",
		"location": location, "area_code": "NT",
		"starts_at": starts.Format(time.RFC3339), "ends_at": starts.Add(3 * time.Hour).Format(time.RFC3339)})
	var created struct {
		Items []struct{ ID string } `json:"items"`
	}
	r.JSON(t, &created)
	if r.Status != 201 || len(created.Items) != 1 {
		t.Fatalf("create session: %d %s", r.Status, r.Body)
	}
	return created.Items[0].ID
}
