package reports

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/web/webtest"
)

// editedSource is the fixture's source with its inputs changed by edit.
type editedSource struct {
	fixtureSource
	edit func(*Inputs)
}

func (s editedSource) Inputs(ctx context.Context, scope authz.Scope, need Need) (Inputs, error) {
	in, err := s.fixtureSource.Inputs(ctx, scope, need)
	s.edit(&in)
	return in, err
}

// openAPINullable reports each of names that the OpenAPI document served
// at base does not mark nullable under path's GET answer; what names the
// answer's rows in the message.
func openAPINullable(t *testing.T, base, path, what string, names ...string) {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(getOK(t, base+"/api/openapi.json", "lead"), &doc); err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if !nullableIn(t, doc, path, name) {
			t.Errorf("the OpenAPI document does not mark the %s' %s nullable", what, name)
		}
	}
}

// nullableIn tells whether every property called name in the OpenAPI
// document under path's GET answer is marked nullable (and there is one).
func nullableIn(t *testing.T, doc map[string]any, path, name string) bool {
	t.Helper()
	paths, _ := doc["paths"].(map[string]any)
	op, ok := paths[path].(map[string]any)
	if !ok {
		t.Fatalf("the OpenAPI document has no %s", path)
	}
	found, all := 0, true
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if props, ok := v["properties"].(map[string]any); ok {
				if p, ok := props[name].(map[string]any); ok {
					found++
					all = all && p["nullable"] == true
				}
			}
			for _, w := range v {
				walk(w)
			}
		case []any:
			for _, w := range v {
				walk(w)
			}
		}
	}
	walk(op["get"])
	return found > 0 && all
}

// A quarter kept but without an approved record (HN-CG's 2025-Q4: one
// draft) has no mean attainment and no KPI shares: null in the API (and
// the OpenAPI document says they may be), "–" with words on the page and
// no bar, empty cells in the exports; never 0%.
func TestQuarterWithoutApprovedRecordIsNoData(t *testing.T) {
	t.Parallel()
	base := server(t)
	var list struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(getOK(t, base+"/api/v1/reports/quarters?area_code=HN-CG", "lead"), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 2 || list.Items[0]["quarter"] != "2025-Q4" || list.Items[0]["approved"] != 0.0 {
		t.Fatalf("HN-CG's quarters: %+v", list.Items)
	}
	q4, q1 := list.Items[0], list.Items[1]
	if v, ok := q4["mean_attainment"]; !ok || v != nil {
		t.Errorf("2025-Q4 mean_attainment = %v (present %v), want null", v, ok)
	}
	for _, k := range q4["kpis"].([]any) {
		if v, ok := k.(map[string]any)["share"]; !ok || v != nil {
			t.Errorf("2025-Q4 share = %v, want null: %v", v, k)
		}
	}
	if q1["mean_attainment"] != 0.95 {
		t.Errorf("2026-Q1 mean_attainment = %v, want 0.95", q1["mean_attainment"])
	}
	openAPINullable(t, base, "/api/v1/reports/quarters", "quarters", "mean_attainment", "share")

	page := string(getOK(t, base+"/reports/quarters?area_code=HN-CG", "lead"))
	row := page[strings.Index(page, `<tr data-quarter="2025-Q4">`):]
	row = row[:strings.Index(row, "</tr>")]
	if !strings.Contains(row, `<td>–<br><span class="muted">chưa có báo cáo nào được duyệt</span></td>`) || strings.Contains(row, "0%") {
		t.Errorf("the quarters table's 2025-Q4 row: %s", row)
	}
	kpis := page[strings.Index(page, `id="kpis"`):]
	kpis = kpis[strings.Index(kpis, `<th scope="row">2025-Q4</th>`):]
	kpis = kpis[:strings.Index(kpis, "</tr>")]
	if strings.Count(kpis, "<td>–</td>") != 4 || strings.Contains(kpis, "0%") {
		t.Errorf("the KPI table's 2025-Q4 row: %s", kpis)
	}
	// The chart draws no bar for it: "–" where it would stand, with the
	// words as its tooltip.
	if strings.Contains(page, `<title>2025-Q4: `+"0%") || !strings.Contains(page, `<title>2025-Q4: chưa có báo cáo nào được duyệt</title>`) ||
		!strings.Contains(page, `<title>2026-Q1: 95%</title>`) {
		t.Errorf("the trend chart:\n%s", page[strings.Index(page, `id="trend-chart"`):][:2000])
	}

	rows := readCSV(t, base, "/api/v1/reports/quarters.csv?area_code=HN-CG", "lead")
	if len(rows) != 3 || rows[1][0] != "2025-Q4" || rows[1][3] != "" || rows[1][11] != "" || rows[1][20] != "" || rows[2][3] != "95.0" {
		t.Errorf("quarters.csv: %q", rows)
	}
	f := openXLSX(t, base, "/api/v1/reports/quarters.xlsx?area_code=HN-CG", "lead")
	cellsOf(t, f, "Theo quý", map[string]string{"A2": "2025-Q4", "D2": "", "L2": "", "U2": "", "D3": "95.0"}, map[string]string{"B2": "1", "C2": "0"})
}

// A course and quarter without a session held has no attendance rate,
// one without a graded attempt no pass rate: null in the API as on the
// page ("–") and in the exports (empty); and the OpenAPI document says so.
func TestCourseRatesWithNothingToDivideAreNull(t *testing.T) {
	t.Parallel()
	base := webtest.Serve(t, NewModule(editedSource{edit: func(in *Inputs) {
		// KC-103 in 2026-Q2: an attempt, no session; KC-104: a session, no attempt.
		in.Attempts = append(in.Attempts, Graded{"p1", "KC-103", at(2026, 4, 2), true})
		in.Marks = append(in.Marks, Mark{"p1", "s-e", "KC-104", at(2026, 4, 3), MarkPresent})
	}}), tokens{})
	var list struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(getOK(t, base+"/api/v1/reports/courses", "lead"), &list); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, r := range list.Items {
		att, okA := r["attendance_rate"]
		pass, okP := r["pass_rate"]
		if !okA || !okP {
			t.Errorf("a row without a rate's key: %v", r)
		}
		switch r["course"] {
		case "KC-103":
			seen++
			if r["sessions"] != 0.0 || att != nil || pass != 1.0 {
				t.Errorf("KC-103 (no session, one attempt passed): %v", r)
			}
		case "KC-104":
			seen++
			if r["attempts"] != 0.0 || att != 1.0 || pass != nil {
				t.Errorf("KC-104 (a session, no attempt): %v", r)
			}
		case "KC-101":
			if att != 0.4 || pass != 0.5 {
				t.Errorf("KC-101: %v", r)
			}
		}
	}
	if seen != 2 {
		t.Errorf("rows of KC-103 and KC-104: %d, want 2: %v", seen, list.Items)
	}
	// The page's charts draw no bar where there is no rate: "–" with the
	// words saying why, not a bar at 0%.
	for _, tc := range []struct{ course, chart, noBar, bar string }{
		{"KC-103", "attendance-chart", "2026-Q2: không có lớp nào trong quý", ""},
		{"KC-103", "pass-chart", "", "2026-Q2: 100%"},
		{"KC-104", "pass-chart", "2026-Q2: không có bài kiểm tra nào được chấm trong quý", ""},
		{"KC-104", "attendance-chart", "", "2026-Q2: 100%"},
	} {
		page := string(getOK(t, base+"/reports/courses?course="+tc.course, "lead"))
		chart := page[strings.Index(page, `id="`+tc.chart+`"`):]
		chart = chart[:strings.Index(chart, "</svg>")]
		if tc.noBar != "" && (!strings.Contains(chart, `<g class="no-data"><title>`+tc.noBar+`</title>`) || strings.Contains(chart, "<title>2026-Q2: –</title>")) {
			t.Errorf("%s %s: no no-data mark %q:\n%s", tc.course, tc.chart, tc.noBar, chart)
		}
		if tc.bar != "" && !strings.Contains(chart, `<title>`+tc.bar+`</title></rect>`) {
			t.Errorf("%s %s: no bar %q:\n%s", tc.course, tc.chart, tc.bar, chart)
		}
	}
	openAPINullable(t, base, "/api/v1/reports/courses", "courses", "attendance_rate", "pass_rate")
}

// A competency export that nobody passes keeps the header a full one
// would have: the person's columns and the columns of the courses the
// filter selects (the course; or those the role, or any role, requires).
func TestEmptyCompetencyExportKeepsItsCourseColumns(t *testing.T) {
	t.Parallel()
	base := server(t)
	for _, tc := range []struct {
		query, token string
		courses      []string
	}{
		{"?role=team_leader&course=KC-103", "lead", []string{"KC-103"}}, // KC-103 is not required of a team leader
		{"?area_code=HN-CG&role=ctv", "lead", []string{"KC-101", "KC-102", "KC-103"}},
		{"?area_code=HN-CG", "tl-bd", []string{"KC-101", "KC-102", "KC-103", "KC-104"}}, // outside the team leader's district
	} {
		rows := readCSV(t, base, "/api/v1/reports/competency.csv"+tc.query, tc.token)
		want := append(append([]string{}, baseHeader...), tc.courses...)
		wantRows(t, "competency.csv"+tc.query, rows, [][]string{want})
		f := openXLSX(t, base, "/api/v1/reports/competency.xlsx"+tc.query, tc.token)
		got, err := f.GetRows("Ma trận năng lực")
		if err != nil || len(got) != 1 || len(got[0]) != len(baseHeader)+2*len(tc.courses) ||
			got[0][len(baseHeader)] != tc.courses[0] || got[0][len(got[0])-1] != tc.courses[len(tc.courses)-1]+" – hiệu lực đến" {
			t.Errorf("competency.xlsx%s: %q (%v), want %d columns ending in %s", tc.query, got, err, len(baseHeader)+2*len(tc.courses), tc.courses)
		}
	}
}
