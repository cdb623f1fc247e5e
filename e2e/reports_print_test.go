package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/ctvacademy/academy/modules/app/apptest"
)

// The leadership reports print on A4: the competency matrix, the coverage
// (with its chart) and the quarters (with theirs), printed to PDF (A4,
// the page's own @page size preferred) as leadership, are A4 landscape
// on every page; read back with pdftotext, each holds its heading, its
// charts' titles, its tables' first row heading and the last column's
// heading (the widest table fits the page's width), and none of the menu,
// the links between the reports or the filter's button that the print
// stylesheet hides.
func TestReportsPrintOnA4(t *testing.T) {
	t.Parallel()
	srv, ctx := startWithActivity(t, 1280, 900)
	login(t, ctx, srv, apptest.Leadership, apptest.DemoPassword)
	for _, path := range []string{"/reports/competency", "/reports/coverage", "/reports/quarters"} {
		Open(t, ctx, srv.URL+path)
		type shown struct {
			Heading string   `json:"heading"`
			Charts  []string `json:"charts"`
			Row     string   `json:"row"`
			Last    string   `json:"last"`
			Hidden  []string `json:"hidden"`
		}
		s := Run(t, ctx, "read "+path, chromedp.Evaluate[shown](`(() => {
			const hidden = Array.from(document.querySelectorAll("nav a, nav button, .noprint a, .noprint button"), e => e.textContent.trim()).filter(s => s);
			const printed = document.body.cloneNode(true);
			printed.querySelectorAll("nav, header form, .noprint").forEach(e => e.remove());
			const row = document.querySelector("table.matrix tbody th");
			return {heading: document.querySelector("h1").textContent.trim(),
				charts: Array.from(document.querySelectorAll("svg.chart > text:first-of-type"), e => e.textContent.trim()),
				row: row ? row.firstChild.textContent.trim() : "",
				last: Array.from(document.querySelectorAll("table.matrix thead th")).pop().firstChild.textContent.trim(),
				hidden: hidden.filter(s => !printed.textContent.includes(s))};
		})()`))
		if s.Row == "" || len(s.Hidden) == 0 || (path != "/reports/competency" && len(s.Charts) == 0) {
			t.Fatalf("%s shows %+v: no table row, chart or menu to look for in print", path, s)
		}
		pdf := Run(t, ctx, "print "+path, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize()))
		file := filepath.Join(t.TempDir(), "report.pdf")
		if err := os.WriteFile(file, pdf, 0o600); err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(poppler(t, "pdftotext", "-enc", "UTF-8", file, "-")), " ")
		for _, want := range append([]string{s.Heading, s.Row, s.Last}, s.Charts...) {
			if !strings.Contains(text, strings.Join(strings.Fields(want), " ")) {
				t.Errorf("the printed %s lacks %q:\n%s", path, want, text)
			}
		}
		for _, h := range s.Hidden {
			if strings.Contains(text, h) {
				t.Errorf("the printed %s holds %q, which the print stylesheet hides", path, h)
			}
		}
		sizes := regexp.MustCompile(`(?m)^Page +\d+ size: +([\d.]+) x ([\d.]+) pts`).FindAllStringSubmatch(
			poppler(t, "pdfinfo", "-f", "1", "-l", "1000", file), -1)
		if len(sizes) == 0 {
			t.Errorf("the printed %s has no page", path)
		}
		for i, sz := range sizes {
			w, _ := strconv.ParseFloat(sz[1], 64)
			h, _ := strconv.ParseFloat(sz[2], 64)
			if int(w+0.5) != a4Height || int(h+0.5) != a4Width {
				t.Errorf("the printed %s's page %d is %s x %s pts, want A4 landscape (%d x %d)", path, i+1, sz[1], sz[2], a4Height, a4Width)
			}
		}
		t.Logf("%s: %d A4 landscape pages, %d charts", path, len(sizes), len(s.Charts))
	}
}
