package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
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
