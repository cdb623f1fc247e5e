package e2e

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ctvacademy/academy/modules/app/apptest"
)

// Every page a CTV, a coordinator and leadership use, on a 360 px phone,
// has no serious or critical accessibility violation that axe-core finds
// (WCAG 2.1 A and AA, and its best practices), signed out too.
func TestPagesAreAccessible(t *testing.T) {
	t.Parallel()
	srv, ctx := Start(t, phoneWidth, phoneHeight)
	ctv := srv.Find(t, "ctv", "NT")
	coord := srv.LoginDemo(t, apptest.Coordinator)
	session := newSession(t, srv, coord, "Hội trường UBND huyện Nhơn Trạch", time.Date(2030, 3, 4, 1, 0, 0, 0, time.UTC))

	Open(t, ctx, srv.URL+"/login")
	AssertAccessible(t, ctx)
	Open(t, ctx, srv.URL+"/forgot")
	AssertAccessible(t, ctx)

	// One tab a role, signed in, each walking its pages at the same time:
	// axe-core keeps a tab's renderer busy for up to seconds on a large
	// page, and the three need not wait for each other.
	staff := NewBrowser(t, phoneWidth, phoneHeight)
	lead := NewBrowser(t, phoneWidth, phoneHeight)
	login(t, ctx, srv, ctv.Email, apptest.DemoPassword)
	login(t, staff, srv, apptest.Coordinator, apptest.DemoPassword)
	login(t, lead, srv, apptest.Leadership, apptest.DemoPassword)
	walks := []struct {
		tab   context.Context
		paths []string
	}{
		{ctx, []string{"/", "/courses", "/courses/KC-101", "/me/sessions", "/me/attempts", "/me/standing", "/certifications",
			"/collaborators/" + ctv.ID, "/recognition", "/performance/" + ctv.ID + "/2026-Q3"}},
		{staff, []string{"/collaborators", "/collaborators/" + ctv.ID, "/collaborators/" + ctv.ID + "/standing", "/sessions", "/sessions/new", "/sessions/" + session,
			"/courses/KC-101/results", "/courses/KC-101/item-analysis", "/certifications", "/outbox",
			"/contracts/review", "/recognition", "/performance?quarter=2026-Q3", "/performance/" + ctv.ID + "/2026-Q3", "/performance/stipends/2026-Q3"}},
		// Leadership's pages: the matrix (their home) and the reports.
		{lead, []string{"/", "/reports/coverage", "/reports/quarters", "/reports/courses", "/reports/contracts"}},
	}
	checked := make([][]checkedPage, len(walks))
	var wg sync.WaitGroup
	for i, w := range walks {
		wg.Go(func() { checked[i] = walk(w.tab, srv.URL, w.paths) })
	}
	wg.Wait()
	for i, w := range walks {
		if len(checked[i]) != len(w.paths) {
			t.Errorf("checked %d of the %d pages %v", len(checked[i]), len(w.paths), w.paths)
		}
		for _, p := range checked[i] {
			if p.err != nil {
				t.Errorf("%s: %v", p.path, p.err)
				continue
			}
			reportViolations(t, p.loc, p.violations)
		}
	}
}

// checkedPage is what axe-core found on one page of a walk, or why the
// page could not be checked.
type checkedPage struct {
	path, loc  string
	violations []Violation
	err        error
}

// walk opens each path of base in the tab and runs axe-core on it; it
// stops after a page it could not open or check.
func walk(tab context.Context, base string, paths []string) []checkedPage {
	var out []checkedPage
	for _, path := range paths {
		p := checkedPage{path: path}
		resp, err := chromedp.Run(tab, chromedp.NavigateResponse(base+path))
		switch {
		case err != nil:
			p.err = fmt.Errorf("open: %w", err)
		case resp.Status >= 400:
			p.err = fmt.Errorf("open: %s answered %d %s", resp.URL, resp.Status, resp.StatusText)
		default:
			p.loc = resp.URL
			p.violations, p.err = runAxe(tab)
		}
		out = append(out, p)
		if p.err != nil {
			break
		}
	}
	return out
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
