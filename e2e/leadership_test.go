package e2e

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/xuri/excelize/v2"
)

// A leadership user's day with the matrix: signing in lands on it, they
// filter it to a district with the plain form, open a person from it (the
// collaborator page, with the standing the matrix showed), and download
// the district's XLSX, which opens and holds the rows the page listed.
func TestLeadershipMatrixFilterPersonAndDownload(t *testing.T) {
	t.Parallel()
	srv, ctx := Start(t, 1280, 900)
	const area = "NT"

	login(t, ctx, srv, apptest.Leadership, apptest.DemoPassword)
	if u := location(t, ctx); u.Path != "/reports/competency" {
		t.Fatalf("after signing in leadership is at %s, want the competency matrix", u)
	}
	AssertAccessible(t, ctx)

	Do(t, ctx, "pick the district", chromedp.SetValue(chromedp.ID("area_code"), area))
	Load(t, ctx, "submit the filter", chromedp.Click(chromedp.CSS(`form[role=search] button[type=submit]`)))
	if u := location(t, ctx); u.Path != "/reports/competency" || u.Query().Get("area_code") != area {
		t.Fatalf("the filtered matrix is at %s, want area_code=%s", u, area)
	}
	type row struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Area     string `json:"area"`
		Standing string `json:"standing"`
	}
	rows := Run(t, ctx, "read the matrix", chromedp.Evaluate[[]row](`Array.from(document.querySelectorAll("#matrix tbody tr[data-id]"), tr => ({
		id: tr.dataset.id, name: tr.querySelector("th a").textContent, area: tr.cells[1].textContent,
		standing: (tr.querySelector("span.standing") || {className: ""}).className.replace("standing", "").trim()}))`))
	if len(rows) == 0 {
		t.Fatalf("the %s matrix lists nobody", area)
	}
	// The matrix names the district (the registry's name, as /collaborators does).
	var areas struct {
		Items []struct{ Code, Name string } `json:"items"`
	}
	srv.Do(t, "GET", "/api/v1/areas", srv.LoginDemo(t, apptest.Leadership), nil).JSON(t, &areas)
	areaName := area
	for _, a := range areas.Items {
		if a.Code == area {
			areaName = a.Name
		}
	}
	people := map[string]bool{}
	for _, p := range srv.Collaborators(t) {
		if p.AreaCode == area {
			people[p.ID] = true
		}
	}
	for _, r := range rows {
		if r.Area != areaName || areaName == area || !people[r.ID] || r.Standing == "" {
			t.Errorf("the %s matrix shows %+v", area, r)
		}
	}
	if len(rows) != len(people) {
		t.Errorf("the %s matrix lists %d people, the registry %d", area, len(rows), len(people))
	}
	matrixURL := location(t, ctx).String()

	// A person's standing: their page, reached from the matrix.
	first := rows[0]
	Load(t, ctx, "open "+first.Name, chromedp.Click(chromedp.CSS(`#matrix tbody tr[data-id="`+first.ID+`"] th a`)))
	if u := location(t, ctx); u.Path != "/collaborators/"+first.ID {
		t.Fatalf("the person's link leads to %s", u)
	}
	if got := Run(t, ctx, "read the name", chromedp.Text(chromedp.ID("name"))); got != first.Name {
		t.Errorf("the person's page is %q's, want %q", got, first.Name)
	}
	// The standing panel says what the matrix said.
	if first.Standing == "" {
		t.Errorf("the matrix shows no standing for %s", first.Name)
	}
	if st := Run(t, ctx, "read the standing panel", chromedp.Evaluate[string](`document.getElementById("standing").dataset.standing`)); st != first.Standing {
		t.Errorf("the person's page says %q, the matrix %q", st, first.Standing)
	}

	// The district's XLSX, downloaded by the browser.
	Open(t, ctx, matrixURL)
	dir := t.TempDir()
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	Do(t, ctx, "download the XLSX",
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			// Downloads are allowed in the test's own browser context.
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: new(true),
				BrowserContextID: chromedp.FromContext(ctx).BrowserContextID})
			return err
		}),
		chromedp.Click(chromedp.ID("xlsx")))
	var file string
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("waiting for the download: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("the download was cancelled")
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			file = filepath.Join(dir, ev.GUID)
			break
		}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the downloaded XLSX does not open: %v", err)
	}
	defer f.Close()
	sheet, err := f.GetRows("Ma trận năng lực")
	if err != nil {
		t.Fatal(err)
	}
	if len(sheet) != len(rows)+1 || len(sheet[0]) < 7 || sheet[0][1] != "Họ và tên" {
		t.Fatalf("the XLSX has %d rows (header %q), want the header and %d people", len(sheet), sheet[0], len(rows))
	}
	for i, r := range rows {
		if got := sheet[i+1]; got[1] != r.Name || got[3] != areaName {
			t.Errorf("XLSX row %d: %q, want %s of %s", i+2, got[:4], r.Name, areaName)
		}
	}
}

// location is the page's address.
func location(t *testing.T, ctx context.Context) *url.URL {
	t.Helper()
	loc := Run(t, ctx, "read the location", chromedp.Location())
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
