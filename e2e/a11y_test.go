package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ctvacademy/academy/modules/app/apptest"
)

// Every page a CTV and a coordinator use, on a 360 px phone, has no
// serious or critical accessibility violation that axe-core finds (WCAG
// 2.1 A and AA, and its best practices), signed out too.
func TestPagesAreAccessible(t *testing.T) {
	t.Parallel()
	srv, ctx := Start(t, phoneWidth, phoneHeight)
	ctv := srv.Find(t, "ctv", "NT")
	coord := srv.LoginDemo(t, apptest.Coordinator)
	session := newSession(t, srv, coord, "Hội trường UBND huyện Nhơn Trạch", time.Date(2030, 3, 4, 1, 0, 0, 0, time.UTC))
	// Invited, its invitations table overflows its wrapper on the phone,
	// in English most ("Not answered yet"): the wrapper must be reachable
	// by keyboard (scrollable-region-focusable).
	if r := srv.Do(t, "POST", "/api/v1/sessions/"+session+"/invitations", coord, map[string]any{"area_code": "NT"}); r.Status != 200 {
		t.Fatalf("invite: %d %s", r.Status, r.Body)
	}

	assertPagesAccessible(t, ctx, srv.URL, "/login", "/forgot")

	login(t, ctx, srv, ctv.Email, apptest.DemoPassword)
	assertPagesAccessible(t, ctx, srv.URL, "/", "/courses", "/courses/KC-101", "/me/sessions", "/me/attempts", "/me/standing", "/certifications",
		"/collaborators/"+ctv.ID, "/recognition", "/performance/"+ctv.ID+"/2026-Q3")

	// The coordinator's pages, in two browsers: each browser's bound
	// (Timeout) covers its walk, and under load (CI beside another test
	// run) axe-core took over two minutes for all fifteen; the registry's
	// forms have a browser of their own.
	for _, paths := range [][]string{
		{"/collaborators", "/collaborators/" + ctv.ID, "/collaborators/" + ctv.ID + "/standing", "/sessions", "/sessions/new", "/sessions/" + session,
			"/sessions/" + session + "?lang=en",
			"/courses/KC-101/results", "/courses/KC-101/item-analysis"},
		{"/certifications", "/outbox", "/contracts/review", "/recognition", "/performance?quarter=2026-Q3", "/performance/" + ctv.ID + "/2026-Q3", "/performance/stipends/2026-Q3"},
		{"/collaborators/new", "/collaborators/import", "/collaborators/" + ctv.ID + "/edit"},
	} {
		staff := NewBrowser(t, phoneWidth, phoneHeight)
		login(t, staff, srv, apptest.Coordinator, apptest.DemoPassword)
		assertPagesAccessible(t, staff, srv.URL, paths...)
	}

	// Leadership's pages: the matrix (their home) and the reports.
	lead := NewBrowser(t, phoneWidth, phoneHeight)
	login(t, lead, srv, apptest.Leadership, apptest.DemoPassword)
	assertPagesAccessible(t, lead, srv.URL, "/", "/reports/coverage", "/reports/quarters", "/reports/courses", "/reports/contracts")

	// On the phone the coverage chart keeps its own size, its 12-unit
	// labels 12 px (the page's CSP refuses inline styles: its width is an
	// attribute), and scrolls sideways inside its card, not the page.
	Open(t, lead, srv.URL+"/reports/coverage")
	got := Run(t, lead, "measure the chart", chromedp.Evaluate[[]float64](`(() => {
		const svg = document.querySelector("svg.chart"), card = svg.closest("figure");
		return [svg.getBoundingClientRect().width, svg.viewBox.baseVal.width, card.scrollWidth - card.clientWidth,
			document.documentElement.scrollWidth - window.innerWidth];
	})()`))
	if got[0] < got[1] || got[2] <= 0 || got[3] > 0 {
		t.Errorf("coverage chart at %d px: drawn %.0f px for %.0f units, card scrolls %.0f px, page overflows %.0f px", phoneWidth, got[0], got[1], got[2], got[3])
	}
}

// assertPagesAccessible opens each path of base in the tab, one after
// another, and checks the page with AssertAccessible.
func assertPagesAccessible(t *testing.T, tab context.Context, base string, paths ...string) {
	t.Helper()
	for _, path := range paths {
		Open(t, tab, base+path)
		AssertAccessible(t, tab)
	}
}

// The check finds what it should: a page without a language, a title or
// an image's text has those serious violations.
func TestAxeFindsViolations(t *testing.T) {
	t.Parallel()
	ctx := NewBrowser(t, phoneWidth, phoneHeight)
	Do(t, ctx, "open a page with faults", chromedp.Navigate(`data:text/html,<body><img src="x.png"><button></button></body>`))
	found := map[string]string{}
	for _, v := range Axe(t, ctx) {
		found[v.ID] = v.Impact
	}
	for _, id := range []string{"html-has-lang", "document-title", "image-alt", "button-name"} {
		if found[id] != "serious" && found[id] != "critical" {
			t.Errorf("axe-core did not report %s as serious or critical: %v", id, found)
		}
	}
}
