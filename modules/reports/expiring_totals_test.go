package reports

import (
	"net/http"
	"strings"
	"testing"
)

// expiringHead is the header of the expiring downloads.
var expiringHead = []string{"Đơn vị cấp huyện", "Mã", "Họ và tên", "Khóa học", "Hiệu lực đến", "Còn (ngày)", "Buổi học gần nhất"}

// TestExpiringExports: the certificates ending within 30/60/90 days, with
// names and the next session that would renew them, as CSV and XLSX
// downloads of their own, by district and soonest first, narrowed by
// area_code and within as the coverage page is.
func TestExpiringExports(t *testing.T) {
	t.Parallel()
	base := server(t)
	dac := []string{"Quận Ba Đình", "CTV-002", "Trần Văn Đức", "KC-103", "01/07/2026", "16", "25/06/2026"}
	lan := []string{"Quận Ba Đình", "CTV-001", "Nguyễn Thị Lan", "KC-102", "20/07/2026", "35", "02/07/2026"}
	hai104 := []string{"Quận Cầu Giấy", "TL-001", "Lê Minh Hải", "KC-104", "15/06/2026", "0", ""} // no session scheduled
	hai102 := []string{"Quận Cầu Giấy", "TL-001", "Lê Minh Hải", "KC-102", "10/09/2026", "87", "20/06/2026"}
	for query, want := range map[string][][]string{
		"":                           {expiringHead, dac, lan, hai104, hai102}, // 90 days unless asked
		"?within=90":                 {expiringHead, dac, lan, hai104, hai102},
		"?within=60":                 {expiringHead, dac, lan, hai104},
		"?within=30":                 {expiringHead, dac, hai104},
		"?area_code=HN-BD":           {expiringHead, dac, lan},
		"?area_code=hn-cg&within=30": {expiringHead, hai104},
		"?area_code=HP-LC":           {expiringHead}, // nothing ends there
	} {
		wantRows(t, "expiring.csv"+query, readCSV(t, base, "/api/v1/reports/expiring.csv"+query, "lead"), want)
	}
	res, _ := get(t, base+"/api/v1/reports/expiring.csv", "lead")
	if got := res.Header.Get("Content-Disposition"); got != `attachment; filename="sap-het-han.csv"` {
		t.Errorf("expiring.csv is named %q", got)
	}
	// A team leader's download is their district's, whatever they ask.
	wantRows(t, "a team leader's expiring.csv", readCSV(t, base, "/api/v1/reports/expiring.csv?within=60", "tl-bd"), [][]string{expiringHead, dac, lan})
	wantRows(t, "a team leader asking for HN-CG", readCSV(t, base, "/api/v1/reports/expiring.csv?area_code=HN-CG", "tl-bd"), [][]string{expiringHead})

	res, _ = get(t, base+"/api/v1/reports/expiring.xlsx", "lead")
	if got := res.Header.Get("Content-Disposition"); got != `attachment; filename="sap-het-han.xlsx"` {
		t.Errorf("expiring.xlsx is named %q", got)
	}
	f := openXLSX(t, base, "/api/v1/reports/expiring.xlsx", "lead")
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "Sắp hết hạn" {
		t.Fatalf("expiring.xlsx sheets %q", got)
	}
	rows, err := f.GetRows("Sắp hết hạn")
	if err != nil {
		t.Fatal(err)
	}
	wantRows(t, "expiring.xlsx", rows, [][]string{expiringHead, dac, lan, hai104[:6], hai102})
	// Dates are date numbers shown as dd/mm/yyyy, the days a number; no
	// session is an empty cell.
	cellsOf(t, f, "Sắp hết hạn", map[string]string{"C2": "Trần Văn Đức", "E2": "01/07/2026", "G2": "25/06/2026", "G4": ""},
		map[string]string{"E2": "46204", "F2": "16", "G2": "46198", "E4": "46188", "F4": "0"})
	if p, _ := f.GetPanes("Sắp hết hạn"); p.XSplit != 3 {
		t.Errorf("expiring.xlsx: %d columns frozen, want the district, code and name", p.XSplit)
	}
	f = openXLSX(t, base, "/api/v1/reports/expiring.xlsx?within=30&area_code=HN-BD", "lead")
	if rows, err := f.GetRows("Sắp hết hạn"); err != nil || len(rows) != 2 || rows[1][2] != "Trần Văn Đức" {
		t.Errorf("expiring.xlsx within 30 days in HN-BD: %q (%v)", rows, err)
	}

	for _, q := range []string{"?within=45", "?within=x", "?within=-30", "?within=90%20"} {
		for _, path := range []string{"/api/v1/reports/expiring.csv", "/api/v1/reports/expiring.xlsx"} {
			if res, body := get(t, base+path+q, "lead"); res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"within"`) {
				t.Errorf("%s%s: %d %s, want 400 naming within", path, q, res.StatusCode, body)
			}
		}
	}
}

// TestCompetencyTotalsCSV: the matrix's totals per district and course
// and the network's per course, as CSV, are the rows of the matrix
// workbook's Tổng hợp sheet, under the same filters and scope.
func TestCompetencyTotalsCSV(t *testing.T) {
	t.Parallel()
	base := server(t)
	head := []string{"Đơn vị cấp huyện", "Khóa học", "Phải có", "Còn hiệu lực", "Sắp hết hạn", "Hết hạn", "Bị thu hồi", "Chưa có"}
	// HN-BD: Lan (valid, expiring, missing), Đức (expired, revoked, expiring).
	hnbd := [][]string{
		{"Quận Ba Đình", "KC-101", "2", "1", "0", "1", "0", "0"},
		{"Quận Ba Đình", "KC-102", "2", "0", "1", "0", "1", "0"},
		{"Quận Ba Đình", "KC-103", "2", "0", "1", "0", "0", "1"},
	}
	rows := readCSV(t, base, "/api/v1/reports/competency-totals.csv", "lead")
	if len(rows) != 1+3*4+4 {
		t.Fatalf("competency-totals.csv: %d rows, want a header, 3 districts × 4 courses and the network's 4:\n%q", len(rows), rows)
	}
	wantRows(t, "competency-totals.csv", rows[:4], append([][]string{head}, hnbd...))
	wantRows(t, "competency-totals.csv, the network's", rows[13:], [][]string{
		{"Tổng cộng", "KC-101", "4", "2", "0", "1", "0", "1"},
		{"Tổng cộng", "KC-102", "4", "1", "1", "0", "1", "1"},
		{"Tổng cộng", "KC-103", "3", "0", "1", "0", "0", "2"},
		{"Tổng cộng", "KC-104", "1", "0", "1", "0", "0", "0"},
	})
	res, _ := get(t, base+"/api/v1/reports/competency-totals.csv", "lead")
	if got := res.Header.Get("Content-Disposition"); got != `attachment; filename="ma-tran-nang-luc-tong-hop.csv"` {
		t.Errorf("competency-totals.csv is named %q", got)
	}
	// A team leader's totals are their district's, whatever they ask.
	tl := readCSV(t, base, "/api/v1/reports/competency-totals.csv", "tl-bd")
	wantRows(t, "a team leader's competency-totals.csv", tl[:4], append([][]string{head}, hnbd...))
	for _, r := range append(tl, readCSV(t, base, "/api/v1/reports/competency-totals.csv?area_code=HN-CG", "tl-bd")...) {
		if r[0] == "Quận Cầu Giấy" || r[0] == "HP-LC" {
			t.Errorf("a team leader's totals name %s: %q", r[0], r)
		}
	}
	// The same rows as the workbook's totals sheet, whatever the filter.
	for _, q := range []string{"", "?area_code=HN-BD", "?course=KC-103", "?role=team_leader", "?standing=at_risk"} {
		for _, token := range []string{"lead", "tl-bd"} {
			f := openXLSX(t, base, "/api/v1/reports/competency.xlsx"+q, token)
			sheet, err := f.GetRows("Tổng hợp")
			if err != nil {
				t.Fatal(err)
			}
			wantRows(t, token+" competency-totals.csv"+q, readCSV(t, base, "/api/v1/reports/competency-totals.csv"+q, token), sheet)
		}
	}
	// The sheet's counts are numbers, its header frozen.
	f := openXLSX(t, base, "/api/v1/reports/competency.xlsx", "lead")
	cellsOf(t, f, "Tổng hợp", map[string]string{"A1": "Đơn vị cấp huyện", "A14": "Tổng cộng"},
		map[string]string{"C2": "2", "D2": "1", "F2": "1", "C14": "4", "H15": "1"})
}

// TestNewExportLinks: the coverage page links the expiring downloads
// beside its own, keeping its district and horizon; the matrix page links
// the totals download, keeping its filters; in English on request.
func TestNewExportLinks(t *testing.T) {
	t.Parallel()
	base := server(t)
	for path, wants := range map[string][]string{
		"/reports/coverage": {
			`<a href="/api/v1/reports/coverage.csv" download id="csv">CSV</a> · <a href="/api/v1/reports/expiring.xlsx" download id="expiring-xlsx">Danh sách sắp hết hạn (XLSX)</a> · <a href="/api/v1/reports/expiring.csv" download id="expiring-csv">Danh sách sắp hết hạn (CSV)</a>`},
		"/reports/coverage?within=30&area_code=HN-BD": {
			`href="/api/v1/reports/coverage.csv?area_code=HN-BD"`,
			`href="/api/v1/reports/expiring.xlsx?area_code=HN-BD&amp;within=30"`, `href="/api/v1/reports/expiring.csv?area_code=HN-BD&amp;within=30"`},
		"/reports/coverage?lang=en": {`>Expiring certificates (XLSX)</a>`, `>Expiring certificates (CSV)</a>`},
		"/reports/competency": {
			`<a href="/api/v1/reports/competency.csv" download id="csv">CSV</a> · <a href="/api/v1/reports/competency-totals.csv" download id="totals-csv">Tổng hợp theo khóa học và đơn vị (CSV)</a>`},
		"/reports/competency?area_code=HN-BD&course=KC-103": {`href="/api/v1/reports/competency-totals.csv?area_code=HN-BD&amp;course=KC-103"`},
		"/reports/competency?lang=en":                       {`>Totals by course and district (CSV)</a>`},
	} {
		page := string(getOK(t, base+path, "lead"))
		for _, w := range wants {
			if !strings.Contains(page, w) {
				t.Errorf("%s lacks %s", path, w)
			}
		}
	}
	// Each link answers the file it names.
	wantRows(t, "the coverage page's expiring link", readCSV(t, base, "/api/v1/reports/expiring.csv?area_code=HN-BD&within=30", "lead"),
		[][]string{expiringHead, {"Quận Ba Đình", "CTV-002", "Trần Văn Đức", "KC-103", "01/07/2026", "16", "25/06/2026"}})
}
