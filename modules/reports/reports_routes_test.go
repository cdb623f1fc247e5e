package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/xuri/excelize/v2"
)

// readCSV checks a CSV download (status, type, BOM) and reads its rows.
func readCSV(t *testing.T, base, path, token string) [][]string {
	t.Helper()
	res, body := get(t, base+path, token)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("%s: %d %s %s", path, res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	if !bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
		t.Fatalf("%s: no BOM", path)
	}
	rows, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// openXLSX checks an XLSX download and opens it.
func openXLSX(t *testing.T, base, path, token string) *excelize.File {
	t.Helper()
	res, body := get(t, base+path, token)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != web.XLSX {
		t.Fatalf("%s: %d %s %s", path, res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func wantRows(t *testing.T, what string, got, want [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d:\n%q", what, len(got), len(want), got)
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("%s row %d:\n got %q\nwant %q", what, i, got[i], want[i])
		}
	}
}

// cellsOf checks cells of a sheet: shown values, and raw values where a
// number or a date must be a number.
func cellsOf(t *testing.T, f *excelize.File, sheet string, shown, raw map[string]string) {
	t.Helper()
	for cell, want := range shown {
		if got, err := f.GetCellValue(sheet, cell); err != nil || got != want {
			t.Errorf("%s!%s: %q (%v), want %q", sheet, cell, got, err, want)
		}
	}
	for cell, want := range raw {
		if got, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true}); err != nil || got != want {
			t.Errorf("%s!%s raw: %q (%v), want %q", sheet, cell, got, err, want)
		}
		if typ, _ := f.GetCellType(sheet, cell); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			t.Errorf("%s!%s is text, want a number", sheet, cell)
		}
	}
	if p, err := f.GetPanes(sheet); err != nil || !p.Freeze || p.YSplit != 1 {
		t.Errorf("%s: panes %+v (%v), want the header row frozen", sheet, p, err)
	}
}

func TestCoverageExports(t *testing.T) {
	t.Parallel()
	base := server(t)
	wantRows(t, "coverage.csv", readCSV(t, base, "/api/v1/reports/coverage.csv?area_code=HN-BD", "lead"), [][]string{
		{"Đơn vị cấp huyện", "Khóa học", "Phải có", "Đang có", "Tỷ lệ (%)", "Hết hạn trong 30 ngày", "Trong 60 ngày", "Trong 90 ngày"},
		{"Quận Ba Đình", "KC-101", "2", "1", "50.0", "0", "0", "0"},
		{"Quận Ba Đình", "KC-102", "2", "1", "50.0", "0", "1", "1"},
		{"Quận Ba Đình", "KC-103", "2", "1", "50.0", "1", "1", "1"},
	})
	// A team leader's download is their district's, whatever they ask.
	if rows := readCSV(t, base, "/api/v1/reports/coverage.csv", "tl-bd"); len(rows) != 4 || rows[1][0] != "Quận Ba Đình" {
		t.Errorf("a team leader's coverage.csv: %q", rows)
	}
	if rows := readCSV(t, base, "/api/v1/reports/coverage.csv?area_code=HN-CG", "tl-bd"); len(rows) != 1 {
		t.Errorf("a team leader asking for another district: %q, want the header alone", rows)
	}
	f := openXLSX(t, base, "/api/v1/reports/coverage.xlsx?area_code=HN-BD", "lead")
	cellsOf(t, f, "Độ bao phủ", map[string]string{"A1": "Đơn vị cấp huyện", "B4": "KC-103", "E4": "50.0"},
		map[string]string{"C4": "2", "E4": "50", "F4": "1"})
	cellsOf(t, f, "Sắp hết hạn", map[string]string{"A1": "Đơn vị cấp huyện", "C2": "Trần Văn Đức", "D2": "KC-103", "E2": "01/07/2026", "G2": "25/06/2026", "C3": "Nguyễn Thị Lan"},
		map[string]string{"E2": "46204", "F2": "16", "G2": "46198"})
}

func TestQuartersRoutes(t *testing.T) {
	t.Parallel()
	base := server(t)
	list, body := getList[Quarter](t, base+"/api/v1/reports/quarters", "tl-bd")
	// A team leader's quarters count their district's records only.
	x := Build(fixture())
	want, _ := json.Marshal(web.Slice(x.Quarters("HN-BD"), 50, 0))
	if !bytes.Equal(bytes.TrimSpace(body), want) || list.Total != 2 || list.Items[0].Records != 2 || list.Items[0].MeanAttainment == nil || *list.Items[0].MeanAttainment != 0.75 {
		t.Errorf("a team leader's quarters:\n%s\nwant HN-BD's:\n%s", body, want)
	}
	rows := readCSV(t, base, "/api/v1/reports/quarters.csv", "lead")
	wantRows(t, "quarters.csv", rows[:2], [][]string{
		{"Quý", "Số báo cáo", "Đã duyệt", "Mức đạt bình quân (%)", "Mức đạt dưới 20%", "Mức đạt 20–40%", "Mức đạt 40–60%", "Mức đạt 60–80%", "Mức đạt từ 80%",
			"Hồ sơ cơ sở – chỉ tiêu", "Hồ sơ cơ sở – thực hiện", "Hồ sơ cơ sở – tỷ lệ (%)", "Khảo sát nhu cầu – chỉ tiêu", "Khảo sát nhu cầu – thực hiện", "Khảo sát nhu cầu – tỷ lệ (%)",
			"Giới thiệu chương trình – chỉ tiêu", "Giới thiệu chương trình – thực hiện", "Giới thiệu chương trình – tỷ lệ (%)",
			"Nộp báo cáo đúng hạn – chỉ tiêu", "Nộp báo cáo đúng hạn – thực hiện", "Nộp báo cáo đúng hạn – tỷ lệ (%)"},
		{"2025-Q4", "4", "3", "55.0", "1", "0", "1", "0", "1", "36", "19", "52.8", "18", "10", "55.6", "3", "1", "33.3", "3", "2", "66.7"},
	})
	if len(rows) != 3 || rows[2][0] != "2026-Q1" {
		t.Errorf("quarters.csv: %q", rows)
	}
	f := openXLSX(t, base, "/api/v1/reports/quarters.xlsx", "lead")
	cellsOf(t, f, "Theo quý", map[string]string{"A2": "2025-Q4", "D2": "55.0", "A3": "2026-Q1"},
		map[string]string{"B2": "4", "C2": "3", "E2": "1", "J2": "36", "K2": "19"})
}

func TestContractsRoutes(t *testing.T) {
	t.Parallel()
	base := server(t)
	res, body := get(t, base+"/api/v1/reports/contracts", "lead")
	var list web.List[Ending]
	if err := json.Unmarshal(body, &list); err != nil || res.StatusCode != http.StatusOK || list.Total != 2 ||
		list.Items[0].ID != "p3" || !list.Items[0].RenewalEligible || list.Items[1].ID != "p1" {
		t.Fatalf("contracts within 90 days: %d %s", res.StatusCode, body)
	}
	res, body = get(t, base+"/api/v1/reports/contracts?days=120", "tl-bd")
	if err := json.Unmarshal(body, &list); err != nil || res.StatusCode != http.StatusOK || list.Total != 2 ||
		list.Items[0].ID != "p1" || list.Items[1].ID != "p2" {
		t.Errorf("a team leader's contracts within 120 days: %d %s", res.StatusCode, body)
	}
	wantRows(t, "contracts.csv", readCSV(t, base, "/api/v1/reports/contracts.csv", "lead"), [][]string{
		{"Mã", "Họ và tên", "Vai trò", "Đơn vị cấp huyện", "Số hợp đồng", "Ngày kết thúc", "Còn (ngày)", "Xếp loại", "Đủ điều kiện gia hạn"},
		{"TL-001", "Lê Minh Hải", "Tổ trưởng", "Quận Cầu Giấy", "HD-003", "15/06/2026", "0", "Tốt", "Có"},
		{"CTV-001", "Nguyễn Thị Lan", "Cộng tác viên", "Quận Ba Đình", "HD-001", "30/06/2026", "15", "Cần chú ý", "Không"},
	})
	f := openXLSX(t, base, "/api/v1/reports/contracts.xlsx?days=120&area_code=HN-BD", "lead")
	cellsOf(t, f, "Hợp đồng sắp hết hạn", map[string]string{"B2": "Nguyễn Thị Lan", "F2": "30/06/2026", "B3": "Trần Văn Đức", "I3": "Không"},
		map[string]string{"F2": "46203", "G2": "15", "G3": "107"})
	for _, q := range []string{"?days=x", "?days=-1", "?days=400"} {
		for _, path := range []string{"/api/v1/reports/contracts", "/api/v1/reports/contracts.csv", "/api/v1/reports/contracts.xlsx", "/reports/contracts"} {
			if res, body := get(t, base+path+q, "lead"); res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "days") {
				t.Errorf("%s%s: %d %s, want 400 naming days", path, q, res.StatusCode, body)
			}
		}
	}
}

// TestNewReportsAccess: a CTV has no report, the signed-out must sign in.
func TestNewReportsAccess(t *testing.T) {
	t.Parallel()
	base := server(t)
	for _, path := range []string{"/api/v1/reports/coverage.csv", "/api/v1/reports/coverage.xlsx", "/api/v1/reports/quarters",
		"/api/v1/reports/quarters.csv", "/api/v1/reports/quarters.xlsx", "/api/v1/reports/contracts", "/api/v1/reports/contracts.csv",
		"/api/v1/reports/contracts.xlsx", "/reports/coverage", "/reports/quarters", "/reports/contracts",
		"/api/v1/reports/expiring.csv", "/api/v1/reports/expiring.xlsx", "/api/v1/reports/competency-totals.csv"} {
		if res, body := get(t, base+path, "ctv"); res.StatusCode != http.StatusForbidden {
			t.Errorf("a CTV at %s: %d %s, want 403", path, res.StatusCode, body)
		}
		// (The client follows a page's redirect to sign in.)
		if res, _ := get(t, base+path, ""); res.StatusCode != http.StatusUnauthorized && res.Request.URL.Path != "/login" {
			t.Errorf("signed out at %s: %d at %s, want 401 or sent to sign in", path, res.StatusCode, res.Request.URL)
		}
		for _, tok := range []string{"lead", "coord", "tl-bd"} {
			if res, body := get(t, base+path, tok); res.StatusCode != http.StatusOK {
				t.Errorf("%s at %s: %d %s", tok, path, res.StatusCode, body)
			}
		}
	}
}

func TestReportPages(t *testing.T) {
	t.Parallel()
	base := server(t)
	page := func(path, token string) string {
		t.Helper()
		return string(getOK(t, base+path, token))
	}
	contains := func(what, page string, wants ...string) {
		t.Helper()
		for _, w := range wants {
			if !strings.Contains(page, w) {
				t.Errorf("%s lacks %s", what, w)
			}
		}
	}
	cov := page("/reports/coverage", "lead")
	contains("the coverage page", cov,
		`<h1>Độ bao phủ chứng nhận</h1>`,
		// The chart names itself for screen readers, labels its axes and bars.
		`role="img" aria-labelledby="coverage-chart-title coverage-chart-desc"`,
		`<title id="coverage-chart-title">Tỷ lệ chứng nhận còn hiệu lực theo đơn vị cấp huyện</title>`,
		`<desc id="coverage-chart-desc">`, `>Đơn vị cấp huyện</text>`, `<title>HN-BD: 50%</title>`,
		`<caption id="district-HN-BD"><span>Quận Ba Đình (HN-BD): 3/6 (50%) · 2 người</span></caption>`,
		// Expiring within 90 days by default, with the session that renews it.
		`<a href="/sessions/s-all">02/07/2026</a>`, `<td>87 ngày</td>`, `Chưa có buổi nào`,
		`href="/api/v1/reports/coverage.xlsx"`)
	within30 := page("/reports/coverage?within=30&area_code=HN-BD", "lead")
	contains("coverage within 30 days", within30, `<tr data-id="p2">`, `href="/api/v1/reports/coverage.csv?area_code=HN-BD"`)
	if strings.Contains(within30, `<tr data-id="p1">`) {
		t.Errorf("coverage within 30 days lists p1's certificate ending in 35")
	}
	if res, body := get(t, base+"/reports/coverage?within=45", "lead"); res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "within") {
		t.Errorf("within=45: %d", res.StatusCode)
	}
	q := page("/reports/quarters", "lead")
	contains("the quarters page", q, `<h1>Kết quả theo quý</h1>`, `<title id="trend-chart-title">Mức đạt chỉ tiêu bình quân theo quý</title>`,
		`<title id="distribution-chart-title">Phân bố mức đạt chỉ tiêu quý 2026-Q1</title>`, `<tr data-quarter="2025-Q4">`,
		`<td>55%</td>`, `<td>19 / 36 (53%)</td>`)
	c := page("/reports/contracts?days=120", "tl-bd")
	contains("a team leader's contracts page", c, `<tr data-id="p1">`, `<tr data-id="p2">`, `✗ Chưa đủ điều kiện`, `<td>30/06/2026</td>`,
		`href="/api/v1/reports/contracts.xlsx?days=120"`)
	if strings.Contains(c, `data-id="p3"`) || strings.Contains(c, `id="area_code"`) {
		t.Errorf("a team leader's contracts page shows another district")
	}
	// English on request.
	res, body := get(t, base+"/reports/quarters?lang=en", "lead")
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "Results by quarter") {
		t.Errorf("English quarters page: %d", res.StatusCode)
	}
	// The attainment bands and the KPIs, in the table heads and the chart,
	// in the page's language.
	contains("the quarters page's bands and KPIs", q, ">dưới 20%<", ">từ 80%<", ">Hồ sơ cơ sở thu thập<", ">Báo cáo đúng hạn<")
	en := string(body)
	contains("the English quarters page's bands and KPIs", en, ">under 20%<", ">80% and over<", ">Establishment profiles<", ">Report filed on time<")
	for _, vi := range []string{"dưới 20%", "từ 80%", "Hồ sơ cơ sở", "Khảo sát nhu cầu", "Giới thiệu", "Nộp báo cáo"} {
		if strings.Contains(en, vi) {
			t.Errorf("the English quarters page shows %q", vi)
		}
	}
}
