package reports

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// reportPaths are every report route: the API's lists, their CSV and XLSX
// downloads, and the pages.
var reportPaths = []string{
	"/api/v1/reports/competency", "/api/v1/reports/competency.csv", "/api/v1/reports/competency.xlsx",
	"/api/v1/reports/competency-totals.csv",
	"/api/v1/reports/coverage", "/api/v1/reports/coverage.csv", "/api/v1/reports/coverage.xlsx",
	"/api/v1/reports/expiring.csv", "/api/v1/reports/expiring.xlsx",
	"/api/v1/reports/quarters", "/api/v1/reports/quarters.csv", "/api/v1/reports/quarters.xlsx",
	"/api/v1/reports/contracts", "/api/v1/reports/contracts.csv", "/api/v1/reports/contracts.xlsx",
	"/api/v1/reports/courses", "/api/v1/reports/courses.csv", "/api/v1/reports/courses.xlsx",
	"/reports/competency", "/reports/coverage", "/reports/quarters", "/reports/contracts", "/reports/courses",
}

// pageTables are a page's tables and charts: what it reports, without the
// filters and links around them.
var pageTables = regexp.MustCompile(`(?s)<table.*?</table>|<svg.*?</svg>`)

// content is what an answer reports: a JSON or CSV body as it is, every
// sheet's rows of a workbook, the tables and charts of a page.
func content(t *testing.T, path string, res *http.Response, body []byte) string {
	t.Helper()
	path, _, _ = strings.Cut(path, "?")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %s", path, res.StatusCode, body)
	}
	switch {
	case strings.HasSuffix(path, ".xlsx"):
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		defer f.Close()
		var b strings.Builder
		for _, sh := range f.GetSheetList() {
			rows, err := f.GetRows(sh)
			if err != nil {
				t.Fatal(err)
			}
			b.WriteString("# " + sh + "\n")
			for _, r := range rows {
				b.WriteString(strings.Join(r, "\t") + "\n")
			}
		}
		return b.String()
	case strings.HasPrefix(path, "/reports/"):
		return strings.Join(pageTables.FindAllString(string(body), -1), "\n")
	}
	return string(body)
}

// TestTeamLeaderScopeOnEveryReport: on every report route, API, download
// and page, a team leader receives what leadership receives for the team
// leader's district, whether they name no district, their own, or
// another; and what they receive is not the whole network's.
func TestTeamLeaderScopeOnEveryReport(t *testing.T) {
	t.Parallel()
	base := server(t)
	for _, path := range reportPaths {
		sep := "?"
		if strings.Contains(path, "/contracts") {
			path += "?days=120" // p2's contract, HN-BD's second, ends in 107 days
			sep = "&"
		}
		res, body := get(t, base+path+sep+"area_code=HN-BD", "lead")
		district := content(t, path, res, body)
		res, body = get(t, base+path, "lead")
		network := content(t, path, res, body)
		if district == network {
			t.Fatalf("%s: HN-BD's answer is the network's: the test cannot tell them apart", path)
		}
		// (The quarters and the courses name no district: their figures differ.)
		if !strings.Contains(district, "HN-BD") && !strings.Contains(district, "Quận Ba Đình") && !strings.Contains(district, "Nguyễn Thị Lan") && !strings.Contains(path, "/quarters") && !strings.Contains(path, "/courses") {
			t.Errorf("%s: HN-BD's answer names neither the district nor its people:\n%s", path, district)
		}
		res, body = get(t, base+path, "tl-bd")
		if got := content(t, path, res, body); got != district {
			t.Errorf("%s as HN-BD's team leader:\n%s\nwant leadership's for HN-BD:\n%s", path, got, district)
		}
		res, body = get(t, base+path+sep+"area_code=HN-BD", "tl-bd")
		if got := content(t, path, res, body); got != district {
			t.Errorf("%s%sarea_code=HN-BD as HN-BD's team leader:\n%s\nwant leadership's:\n%s", path, sep, got, district)
		}
		res, body = get(t, base+path+sep+"area_code=HN-CG", "tl-bd")
		if got := content(t, path, res, body); strings.Contains(got, "HN-CG") || strings.Contains(got, "Quận Cầu Giấy") || strings.Contains(got, "Lê Minh Hải") || strings.Contains(got, "TL-001") {
			t.Errorf("%s%sarea_code=HN-CG as HN-BD's team leader shows HN-CG:\n%s", path, sep, got)
		}
	}
}
