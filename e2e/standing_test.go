package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/ctvacademy/academy/modules/app/apptest"
)

// A CTV on a phone signs in, opens "Tình hình của tôi" from the menu,
// reads their standing and what to do next, and follows the first
// recommended course's quiz link to that course's quiz start page.
func TestCTVFollowsARecommendedCourseToItsQuiz(t *testing.T) {
	t.Parallel()
	srv, ctx := Start(t, phoneWidth, phoneHeight)
	loginCTV(t, ctx, srv, "NT")

	Load(t, ctx, "open my standing from the menu", chromedp.Click(chromedp.CSS(`nav a[href="/me/standing"]`)))
	if loc := Run(t, ctx, "read the location", chromedp.Location()); loc != srv.URL+"/me/standing" {
		t.Fatalf("the menu led to %s", loc)
	}
	if h1 := Run(t, ctx, "read the heading", chromedp.Text(chromedp.CSS("h1"))); h1 != "Tình hình của tôi" {
		t.Errorf("the page's heading is %q", h1)
	}
	status := Run(t, ctx, "read the status", chromedp.Text(chromedp.ID("status")))
	if !strings.Contains(status, "Xếp loại:") || !strings.Contains(status, "Chưa có chứng nhận") {
		t.Errorf("the status does not say the standing and why:\n%s", status)
	}
	assertFits(t, ctx, phoneWidth)

	course := Run(t, ctx, "read the first recommended course",
		chromedp.Evaluate[string](`document.querySelector("#next li[data-course]").dataset.course`))
	if course == "" {
		t.Fatal("no recommended course on the page")
	}
	title := Run(t, ctx, "read its title", chromedp.Text(chromedp.CSS(`#next li[data-course="`+course+`"] a.course`)))
	Load(t, ctx, "follow its quiz link", chromedp.Click(chromedp.CSS(`#next li[data-course="`+course+`"] a.quiz`)))
	if loc := Run(t, ctx, "read the location", chromedp.Location()); loc != srv.URL+"/courses/"+course+"/quiz" {
		t.Fatalf("the quiz link of %s led to %s", course, loc)
	}
	if h1 := Run(t, ctx, "read the quiz heading", chromedp.Text(chromedp.CSS("h1"))); !strings.Contains(h1, title) {
		t.Errorf("the quiz page's heading %q does not name %q", h1, title)
	}
	Do(t, ctx, "find the start button", chromedp.WaitVisible(chromedp.CSS(`#start button[type=submit]`)))
	assertFits(t, ctx, phoneWidth)
}

// The pages of certification, quarterly records, standing, the contract
// review and recognition fit a 360 px phone without sideways scrolling,
// for a CTV and for a coordinator, with the page's JavaScript turned off
// after signing in (they have none to need).
func TestStandingPagesFitAPhone(t *testing.T) {
	t.Parallel()
	srv, ctx := Start(t, phoneWidth, phoneHeight)
	ctv := srv.Find(t, "ctv", "NT")
	login(t, ctx, srv, ctv.Email, apptest.DemoPassword)
	noScript(t, ctx)
	for _, path := range []string{"/me/standing", "/certifications", "/recognition", "/collaborators/" + ctv.ID + "/standing",
		"/performance/" + ctv.ID + "/2026-Q3"} {
		Open(t, ctx, srv.URL+path)
		assertFits(t, ctx, phoneWidth)
	}
	staff := NewBrowser(t, phoneWidth, phoneHeight)
	login(t, staff, srv, apptest.Coordinator, apptest.DemoPassword)
	noScript(t, staff)
	for _, path := range []string{"/collaborators/" + ctv.ID, "/collaborators/" + ctv.ID + "/standing", "/certifications",
		"/contracts/review", "/recognition", "/performance?quarter=2026-Q3", "/performance/" + ctv.ID + "/2026-Q3",
		"/performance/stipends/2026-Q3"} {
		Open(t, staff, srv.URL+path)
		assertFits(t, staff, phoneWidth)
	}
}

// noScript turns the page's JavaScript off in the browser ctx.
func noScript(t *testing.T, ctx context.Context) {
	t.Helper()
	Do(t, ctx, "turn JavaScript off", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
}
