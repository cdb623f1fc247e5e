package reports

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/ctvacademy/academy/modules/platform/web/webtest"
	"github.com/xuri/excelize/v2"
)

// fixtureSource answers the fixture, reading inside scope as the app's
// source does.
type fixtureSource struct{}

func (fixtureSource) Inputs(_ context.Context, scope authz.Scope, _ Need) (Inputs, error) {
	in := fixture()
	var people []Person
	for _, p := range in.People {
		if scope.Allows(p.Area, p.ID) {
			people = append(people, p)
		}
	}
	in.People = people
	return in, nil
}

func (fixtureSource) AreaExists(_ context.Context, code string) (bool, error) {
	return slices.Contains([]string{"HN-BD", "HN-CG", "HP-LC"}, code), nil
}

var principals = map[string]authz.Principal{
	"lead":  {UserID: "u1", Role: authz.RoleLeadership},
	"coord": {UserID: "u2", Role: authz.RoleCoordinator},
	"tl-bd": {UserID: "u3", Role: authz.RoleTeamLeader, CollaboratorID: "p9", AreaCode: "HN-BD"},
	"ctv":   {UserID: "u4", Role: authz.RoleCTV, CollaboratorID: "p1", AreaCode: "HN-BD"},
}

type tokens struct{}

func (tokens) Authenticate(_ context.Context, token string) (authz.Principal, error) {
	if p, ok := principals[token]; ok {
		return p, nil
	}
	return authz.Principal{}, errs.E(errs.Unauthorized, "unknown token")
}

func server(t *testing.T) string {
	t.Helper()
	return webtest.Serve(t, NewModule(fixtureSource{}), tokens{})
}

func get(t *testing.T, url, token string) (*http.Response, []byte) {
	t.Helper()
	return webtest.Get(t, url, token)
}

// getOK is get that fails the test unless the answer is 200 OK, and
// returns the body.
func getOK(t *testing.T, url, token string) []byte {
	t.Helper()
	res, body := get(t, url, token)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %s", url, res.StatusCode, body)
	}
	return body
}

// getList is getOK for a list route: it decodes the body into a list of T
// (failing the test when it is not one) and returns it with the body.
func getList[T any](t *testing.T, url, token string) (web.List[T], []byte) {
	t.Helper()
	body := getOK(t, url, token)
	var list web.List[T]
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatalf("%s: %v: %s", url, err, body)
	}
	return list, body
}

func competency(t *testing.T, base, token, query string) Competency {
	t.Helper()
	body := getOK(t, base+"/api/v1/reports/competency"+query, token)
	var c Competency
	if err := json.Unmarshal(body, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func ids(rows []Row) string {
	var s []string
	for _, r := range rows {
		s = append(s, r.ID)
	}
	return strings.Join(s, ",")
}

func TestCompetencyScopeAndFilters(t *testing.T) {
	t.Parallel()
	base := server(t)
	for _, tc := range []struct{ token, query, want string }{
		{"lead", "", "p1,p2,p3,p4"},
		{"coord", "?area_code=hn-cg", "p3"},
		{"lead", "?role=team_leader", "p3"},
		{"lead", "?course=KC-103", "p1,p2,p4"},
		{"lead", "?standing=at_risk", "p2"},
		{"lead", "?limit=2&offset=1", "p2,p3"},
		{"tl-bd", "", "p1,p2"},            // their district only
		{"tl-bd", "?area_code=HN-CG", ""}, // another district: nobody
		{"tl-bd", "?course=KC-101", "p1,p2"},
	} {
		c := competency(t, base, tc.token, tc.query)
		if got := ids(c.Rows); got != tc.want {
			t.Errorf("%s %s: rows %q, want %q", tc.token, tc.query, got, tc.want)
		}
	}
	if c := competency(t, base, "lead", "?limit=2&offset=1"); c.Total != 4 || c.Totals[0] != (Counts{Valid: 2, Expired: 1, Missing: 1}) {
		t.Errorf("a page: total %d, KC-101 totals %+v; want every row counted", c.Total, c.Totals[0])
	}
	// A district unit the registry does not have is a 400 naming
	// area_code on every report and its downloads and pages, for a team
	// leader too (an existing one outside their scope is empty, above).
	for _, path := range []string{"/api/v1/reports/competency", "/api/v1/reports/competency.csv", "/api/v1/reports/coverage",
		"/api/v1/reports/expiring.csv", "/api/v1/reports/quarters", "/api/v1/reports/courses", "/api/v1/reports/contracts.csv",
		"/reports/competency", "/reports/coverage", "/reports/quarters", "/reports/courses", "/reports/contracts"} {
		for _, token := range []string{"lead", "tl-bd"} {
			res, body := get(t, base+path+"?area_code=ZZ", token)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "area_code") {
				t.Errorf("%s at %s?area_code=ZZ: %d %.200s, want 400 naming area_code", token, path, res.StatusCode, body)
			}
		}
	}
	if c := competency(t, base, "tl-bd", ""); len(c.Districts) != 1 || c.Districts[0].Area != "HN-BD" {
		t.Errorf("a team leader's districts %+v, want HN-BD only", c.Districts)
	}
	for _, path := range []string{"/api/v1/reports/competency", "/api/v1/reports/competency.csv", "/api/v1/reports/competency.xlsx", "/api/v1/reports/competency-totals.csv"} {
		if res, body := get(t, base+path, "ctv"); res.StatusCode != http.StatusForbidden {
			t.Errorf("a CTV at %s: %d %s, want 403", path, res.StatusCode, body)
		}
		if res, _ := get(t, base+path, ""); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("signed out at %s: %d, want 401", path, res.StatusCode)
		}
	}
}

func TestCompetencyBadInput(t *testing.T) {
	t.Parallel()
	base := server(t)
	for query, field := range map[string]string{
		"?role=admin": "role", "?standing=bad": "standing", "?role=ctv%0A": "role", "?standing=good%20": "standing", "?course=KC-999": "course",
		"?limit=0": "limit", "?offset=-1": "offset",
	} {
		for _, path := range []string{"/api/v1/reports/competency", "/api/v1/reports/competency.csv", "/api/v1/reports/competency.xlsx", "/api/v1/reports/competency-totals.csv"} {
			if strings.HasPrefix(query, "?limit") || strings.HasPrefix(query, "?offset") {
				if path != "/api/v1/reports/competency" {
					continue
				}
			}
			res, body := get(t, base+path+query, "lead")
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"`+field+`"`) {
				t.Errorf("%s%s: %d %s, want 400 naming %s", path, query, res.StatusCode, body, field)
			}
		}
	}
}

func TestCompetencyCSV(t *testing.T) {
	t.Parallel()
	base := server(t)
	res, body := get(t, base+"/api/v1/reports/competency.csv?area_code=HN-BD", "lead")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
		t.Fatal("no BOM")
	}
	rows, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Mã", "Họ và tên", "Vai trò", "Đơn vị cấp huyện", "Xếp loại", "Quý đánh giá gần nhất", "Mức đạt (%)", "KC-101", "KC-102", "KC-103"},
		{"CTV-001", "Nguyễn Thị Lan", "Cộng tác viên", "Quận Ba Đình", "Cần chú ý", "2026-Q1", "75.0", "Còn hiệu lực (đến 10/01/2027)", "Sắp hết hạn (đến 20/07/2026)", "Chưa có"},
		{"CTV-002", "Trần Văn Đức", "Cộng tác viên", "Quận Ba Đình", "Có nguy cơ", "2025-Q4", "100.0", "Hết hạn (đến 01/03/2026)", "Bị thu hồi", "Sắp hết hạn (đến 01/07/2026)"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d:\n%q", len(rows), len(want), rows)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d:\n got %q\nwant %q", i, rows[i], want[i])
		}
	}
}

func TestCompetencyXLSX(t *testing.T) {
	t.Parallel()
	base := server(t)
	res, body := get(t, base+"/api/v1/reports/competency.xlsx", "lead")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != web.XLSX {
		t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := "Ma trận năng lực"
	check := func(cell, want string) {
		t.Helper()
		if got, err := f.GetCellValue(sheet, cell); err != nil || got != want {
			t.Errorf("%s: %q (%v), want %q", cell, got, err, want)
		}
	}
	check("A1", "Mã")
	check("H1", "KC-101")
	check("I1", "KC-101 – hiệu lực đến")
	check("B2", "Nguyễn Thị Lan")
	check("H2", "Còn hiệu lực")
	check("I2", "10/01/2027") // a date shown in the Vietnamese order
	check("J2", "Sắp hết hạn")
	check("L5", "Chưa có") // p4, KC-103
	// The date and the attainment are numbers, not text.
	if raw, _ := f.GetCellValue(sheet, "I2", excelize.Options{RawCellValue: true}); raw != "46397" {
		t.Errorf("I2 raw %q, want the date number 46397", raw)
	}
	if typ, _ := f.GetCellType(sheet, "G2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("G2 (attainment) is text")
	}
	check("G2", "75.0")
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 2 {
		t.Errorf("panes %+v (%v), want the header row and two columns frozen", panes, err)
	}
	if w, _ := f.GetColWidth(sheet, "B"); w < 20 {
		t.Errorf("name column width %v", w)
	}
	rows, err := f.GetRows("Tổng hợp")
	if err != nil || len(rows) < 2 || strings.Join(rows[len(rows)-4], "|") != "Tổng cộng|KC-101|4|2|0|1|0|1" {
		t.Errorf("totals sheet %q (%v)", rows, err)
	}
}

func TestCoverageRoute(t *testing.T) {
	t.Parallel()
	base := server(t)
	list, body := getList[DistrictCoverage](t, base+"/api/v1/reports/coverage", "tl-bd")
	if list.Total != 1 || list.Items[0].Area != "HN-BD" || len(list.Items[0].Expiring) != 2 || list.Items[0].Expiring[0].Name != "Trần Văn Đức" {
		t.Errorf("a team leader's coverage: %s", body)
	}
	res, body := get(t, base+"/api/v1/reports/coverage?limit=1&offset=1", "lead")
	if err := json.Unmarshal(body, &list); err != nil || res.StatusCode != http.StatusOK || list.Total != 3 || len(list.Items) != 1 || list.Items[0].Area != "HN-CG" {
		t.Errorf("leadership's second district: %d %s", res.StatusCode, body)
	}
	if res, _ := get(t, base+"/api/v1/reports/coverage", "ctv"); res.StatusCode != http.StatusForbidden {
		t.Errorf("a CTV: %d, want 403", res.StatusCode)
	}
	if res, body := get(t, base+"/api/v1/reports/coverage?limit=x", "lead"); res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"limit"`) {
		t.Errorf("a bad limit: %d %s", res.StatusCode, body)
	}
}

// The exports' attainment is the pages' rounded down to a tenth: 0.55989
// is 55.9 beside the pages' "55%" (it was 56.0), and a whole value stays whole.
func TestAttainmentCellsRoundDown(t *testing.T) {
	t.Parallel()
	for value, want := range map[float64]float64{0.55989: 55.9, 0.75: 75, 0.6: 60, 0.29: 29, 1: 100} {
		if _, got, ok := attainmentCells(Row{LastAttainment: &Attainment{Quarter: "2026-Q3", Value: value}}); !ok || got != want {
			t.Errorf("attainmentCells(%v) = %v, %v; want %v", value, got, ok, want)
		}
	}
	if _, _, ok := attainmentCells(Row{}); ok {
		t.Error("a row without an approved quarter has an attainment")
	}
}
