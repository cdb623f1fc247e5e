package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/ctvacademy/academy/modules/app/apptest"
)

// A4 in PostScript points, as pdfinfo reports a page's size.
const a4Width, a4Height = 595, 842

// The recognition page prints on A4 portrait: printed to PDF (A4, the
// page's own @page size preferred) as a coordinator who signed in, its
// text read back with pdftotext holds the heading and a top performer's
// Vietnamese name with its diacritics; every page is A4 portrait, and
// the print stylesheet leaves out the menu and the district filter
// (nav, .noprint) that the screen shows.
func TestRecognitionPrintsOnA4(t *testing.T) {
	t.Parallel()
	srv, ctx := startWithActivity(t, 1280, 900)
	login(t, ctx, srv, apptest.Coordinator, apptest.DemoPassword)
	Open(t, ctx, srv.URL+"/recognition")

	heading := Run(t, ctx, "read the heading", chromedp.Text(chromedp.CSS(".recognition h1")))
	if !regexp.MustCompile(`^Biểu dương \d{4}-Q[1-4]$`).MatchString(heading) {
		t.Fatalf("the recognition page's heading is %q", heading)
	}
	names := Run(t, ctx, "read the ranked names", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll(".recognition section.district tbody tr th"), th => th.firstChild.textContent.trim())`))
	districts := Run(t, ctx, "count the districts", chromedp.Evaluate[int](`document.querySelectorAll(".recognition section.district").length`))
	var top string // the first ranked name written with diacritics
	for _, n := range names {
		if strings.ContainsFunc(n, func(r rune) bool { return r > 0x7f }) {
			top = n
			break
		}
	}
	if top == "" || districts == 0 {
		t.Fatalf("the recognition page ranks %d people in %d districts, none with a Vietnamese name: %q", len(names), districts, names)
	}
	// What the screen shows and the print stylesheet hides: the menu's
	// entries and the filter's button, each of them a text that the
	// printed parts of the page do not hold themselves.
	hidden := Run(t, ctx, "read the hidden texts", chromedp.Evaluate[[]string](`(() => {
		const hidden = Array.from(document.querySelectorAll("nav a, nav button, .noprint button, .noprint label"), e => e.textContent.trim()).filter(s => s);
		const printed = document.body.cloneNode(true);
		printed.querySelectorAll("nav, header form, .noprint").forEach(e => e.remove());
		return hidden.filter(s => !printed.textContent.includes(s));
	})()`))
	for _, want := range []string{"Đăng xuất", "Xét gia hạn", "Hộp thư đi"} {
		if !slices.Contains(hidden, want) {
			t.Fatalf("the screen's menu lacks %q (the texts the print hides: %q)", want, hidden)
		}
	}

	pdf := Run(t, ctx, "print to PDF", chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize()))
	file := filepath.Join(t.TempDir(), "recognition.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	text := poppler(t, "pdftotext", "-layout", "-enc", "UTF-8", file, "-")
	for _, want := range []string{heading, top} {
		if !strings.Contains(text, want) {
			t.Errorf("the printed recognition lacks %q:\n%s", want, text)
		}
	}
	for _, s := range hidden {
		if strings.Contains(text, s) {
			t.Errorf("the printed recognition holds %q, which the print stylesheet hides:\n%s", s, text)
		}
	}

	// Every page A4 portrait; a page per district at most (each district
	// is kept whole on a page), and one for what is left.
	sizes := regexp.MustCompile(`(?m)^Page +\d+ size: +([\d.]+) x ([\d.]+) pts`).FindAllStringSubmatch(
		poppler(t, "pdfinfo", "-f", "1", "-l", "1000", file), -1)
	if len(sizes) == 0 || len(sizes) > districts+1 {
		t.Errorf("the printed recognition of %d districts has %d pages", districts, len(sizes))
	}
	t.Logf("%d people of %d districts printed on %d pages", len(names), districts, len(sizes))
	for i, s := range sizes {
		w, _ := strconv.ParseFloat(s[1], 64)
		h, _ := strconv.ParseFloat(s[2], 64)
		if int(w+0.5) != a4Width || int(h+0.5) != a4Height {
			t.Errorf("page %d is %s x %s pts, want A4 portrait (%d x %d)", i+1, s[1], s[2], a4Width, a4Height)
		}
	}
}

// poppler runs a tool of poppler-utils (installed by .ci/run) and returns
// its output.
func poppler(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		t.Fatalf("%s (Debian's poppler-utils): %v", name, err)
	}
	return string(out)
}
