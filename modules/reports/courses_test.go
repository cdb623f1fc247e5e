package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestCoursesGolden(t *testing.T) {
	t.Parallel()
	x := Build(fixture())
	for _, tc := range []struct{ name, area, course string }{
		{"courses_all.json", "", ""},
		{"courses_HN-BD.json", "HN-BD", ""},
		{"courses_KC-102.json", "", "KC-102"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, totals := x.CourseRates(tc.area, tc.course)
			golden(t, tc.name, map[string][]CourseQuarter{"courses": rows, "totals": totals})
		})
	}
}

// TestCourseRatesCells states the fixture's rates one by one, so that the
// golden files are checked against the rules: present and late attend,
// excused leaves the denominator, absent and unmarked count against, a
// session to come and people or courses outside the lists count nothing.
func TestCourseRatesCells(t *testing.T) {
	t.Parallel()
	x := Build(fixture())
	rows, totals := x.CourseRates("", "")
	want := []CourseQuarter{
		{Quarter: "2026-Q1", Course: "KC-101", Sessions: 2, Invited: 6, Present: 1, Late: 1, Excused: 1, Absent: 2, Unmarked: 1,
			AttendanceRate: ptr(0.4), Attempts: 4, Passed: 2, PassedPeople: 2, PassRate: ptr(0.5)},
		{Quarter: "2026-Q2", Course: "KC-102", Sessions: 1, Invited: 3, Present: 3,
			AttendanceRate: ptr(1.0), Attempts: 3, Passed: 3, PassedPeople: 2, PassRate: ptr(1.0)},
	}
	check := func(name string, got, want []CourseQuarter) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: %d rows, want %d: %+v", name, len(got), len(want), got)
		}
		for i := range want {
			g := got[i]
			g.Q = want[i].Q
			if !reflect.DeepEqual(g, want[i]) {
				t.Errorf("%s row %d:\n got %+v\nwant %+v", name, i, g, want[i])
			}
		}
	}
	check("all", rows, want)
	// Over every course, a quarter holds one course here: the same counts.
	for i := range want {
		want[i].Course = ""
	}
	check("totals", totals, want)

	// HN-BD: p1 and p2 only.
	rows, _ = x.CourseRates("HN-BD", "")
	check("HN-BD", rows, []CourseQuarter{
		{Quarter: "2026-Q1", Course: "KC-101", Sessions: 2, Invited: 4, Present: 1, Late: 1, Absent: 1, Unmarked: 1,
			AttendanceRate: ptr(0.5), Attempts: 3, Passed: 2, PassedPeople: 2, PassRate: ptr(2.0 / 3)},
		{Quarter: "2026-Q2", Course: "KC-102", Sessions: 1, Invited: 2, Present: 2, AttendanceRate: ptr(1.0), Attempts: 1, Passed: 1, PassedPeople: 1, PassRate: ptr(1.0)},
	})
	// One course: its rows, and totals over it alone.
	rows, totals = x.CourseRates("", "KC-102")
	if len(rows) != 1 || rows[0].Course != "KC-102" || len(totals) != 1 || totals[0].Quarter != "2026-Q2" || totals[0].Invited != 3 {
		t.Errorf("KC-102: %+v, totals %+v", rows, totals)
	}
	if rows, totals := x.CourseRates("HP-LC", "KC-102"); len(rows) != 0 || len(totals) != 0 {
		t.Errorf("nothing of KC-102 in HP-LC: %+v %+v", rows, totals)
	}
}

func TestCoursesAPI(t *testing.T) {
	t.Parallel()
	base := server(t)
	var list struct {
		Items []map[string]any `json:"items"`
		Total int              `json:"total"`
	}
	if err := json.Unmarshal(getOK(t, base+"/api/v1/reports/courses", "lead"), &list); err != nil {
		t.Fatal(err)
	}
	if list.Total != 2 || len(list.Items) != 2 {
		t.Fatalf("the list: %+v", list)
	}
	first, _ := json.Marshal(list.Items[0])
	const wantFirst = `{"absent":2,"attempts":4,"attendance_rate":0.4,"course":"KC-101","excused":1,"invited":6,"late":1,"pass_rate":0.5,` +
		`"passed":2,"passed_people":2,"present":1,"quarter":"2026-Q1","sessions":2,"unmarked":1}`
	if string(first) != wantFirst {
		t.Errorf("the first item:\n got %s\nwant %s", first, wantFirst)
	}
	// A team leader sees their district's people only, whatever area_code says.
	for _, q := range []string{"", "?area_code=HN-CG"} {
		if err := json.Unmarshal(getOK(t, base+"/api/v1/reports/courses"+q, "tl-bd"), &list); err != nil {
			t.Fatal(err)
		}
		if q == "" && (list.Total != 2 || list.Items[0]["invited"] != 4.0 || list.Items[0]["attempts"] != 3.0) {
			t.Errorf("team leader's list: %+v", list)
		}
		if q != "" && list.Total != 0 {
			t.Errorf("team leader asking for another district: %+v", list)
		}
	}
	if err := json.Unmarshal(getOK(t, base+"/api/v1/reports/courses?course=kc-102&limit=1", "coord"), &list); err != nil {
		t.Fatal(err)
	}
	if list.Total != 1 || list.Items[0]["course"] != "KC-102" {
		t.Errorf("course KC-102: %+v", list)
	}
	for _, tc := range []struct{ url, token string }{
		{"/api/v1/reports/courses", "ctv"}, {"/api/v1/reports/courses.csv", "ctv"}, {"/api/v1/reports/courses.xlsx", "ctv"}, {"/reports/courses", "ctv"},
	} {
		if res, _ := get(t, base+tc.url, tc.token); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s as a CTV: %d, want 403", tc.url, res.StatusCode)
		}
	}
	for _, url := range []string{"/api/v1/reports/courses?course=KC-999", "/reports/courses?course=KC-999", "/api/v1/reports/courses.csv?course=x"} {
		res, body := get(t, base+url, "lead")
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"course"`) && !strings.Contains(string(body), `<b>course</b>`) {
			t.Errorf("%s: %d %s, want 400 naming course", url, res.StatusCode, body)
		}
	}
}

func TestCoursesExportsReadBack(t *testing.T) {
	t.Parallel()
	base := server(t)
	res, body := get(t, base+"/api/v1/reports/courses.csv?area_code=HN-BD", "lead")
	if res.StatusCode != http.StatusOK || !bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) ||
		res.Header.Get("Content-Disposition") != `attachment; filename="theo-khoa-hoc.csv"` {
		t.Fatalf("CSV: %d %q %q", res.StatusCode, res.Header.Get("Content-Disposition"), body)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Khóa học", "Quý", "Buổi học", "Lượt mời", "Có mặt", "Đi muộn", "Vắng có phép", "Vắng", "Chưa điểm danh", "Tỷ lệ tham dự (%)", "Lượt thi", "Lượt đạt", "Người đạt", "Tỷ lệ đạt (%)"},
		{"KC-101", "2026-Q1", "2", "4", "1", "1", "0", "1", "1", "50.0", "3", "2", "2", "66.7"},
		{"KC-102", "2026-Q2", "1", "2", "2", "0", "0", "0", "0", "100.0", "1", "1", "1", "100.0"},
	}
	if len(recs) != len(want) {
		t.Fatalf("CSV rows: %q", recs)
	}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("CSV row %d: %q, want %q", i, recs[i], want[i])
		}
	}

	res, body = get(t, base+"/api/v1/reports/courses.xlsx", "lead")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("XLSX: %d %s", res.StatusCode, body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const sheet = "Theo khóa học"
	if head, _ := f.GetCellValue(sheet, "J1"); head != "Tỷ lệ tham dự (%)" {
		t.Errorf("J1 = %q", head)
	}
	// Numbers are numbers: counts as they are, rates as percentages.
	for cell, want := range map[string]string{"A2": "KC-101", "B2": "2026-Q1", "D2": "6", "J2": "40", "N2": "50", "M3": "2", "J3": "100"} {
		v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if err != nil || v != want {
			t.Errorf("%s = %q (%v), want %q", cell, v, err, want)
		}
	}
	if typ, _ := f.GetCellType(sheet, "D2"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("D2 is of type %v, want a number", typ)
	}
	if panes, err := f.GetPanes(sheet); err != nil || !panes.Freeze || panes.XSplit != 2 || panes.YSplit != 1 {
		t.Errorf("panes %+v %v", panes, err)
	}
}

func TestCoursesPage(t *testing.T) {
	t.Parallel()
	base := server(t)
	page := string(getOK(t, base+"/reports/courses", "lead"))
	for _, want := range []string{
		`<h1>Tham dự và kết quả kiểm tra theo khóa học</h1>`,
		`Vắng có phép không tính vào tỷ lệ`,
		`<caption id="course-totals-caption"><span>Tất cả khóa học theo quý</span></caption>`,
		`<caption id="course-KC-101-caption"><span>Khóa học KC-101</span></caption>`,
		`<th scope="row">2026-Q1</th>`,
		`<td data-rate="attendance">40% (2/5)</td>`,
		`<td data-rate="pass">50% (2/4)</td>`,
		`<td data-rate="pass">100% (3/3)</td>`,
		`<title id="attendance-chart-title">Tỷ lệ tham dự theo quý</title>`,
		`<title id="pass-chart-title">Tỷ lệ bài kiểm tra đạt theo quý</title>`,
		`<option value="HN-CG">Quận Cầu Giấy (HN-CG)</option>`,
		`<option value="KC-102">KC-102</option>`,
		`href="/api/v1/reports/courses.xlsx"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	// Filtered to a district and a course, the downloads keep both.
	page = string(getOK(t, base+"/reports/courses?area_code=HN-BD&course=KC-101", "lead"))
	for _, want := range []string{
		`<td data-rate="attendance">50% (2/4)</td>`,
		`<td data-rate="pass">67% (2/3)</td>`,
		`Khóa học KC-101 theo quý`,
		`href="/api/v1/reports/courses.csv?area_code=HN-BD&amp;course=KC-101"`,
		`<option value="KC-101" selected>KC-101</option>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the filtered page lacks %s", want)
		}
	}
	if strings.Contains(page, `id="course-KC-102"`) {
		t.Error("the page filtered to KC-101 shows KC-102")
	}
	// English on request.
	page = string(getOK(t, base+"/reports/courses?lang=en", "lead"))
	if !strings.Contains(page, `<h1>Attendance and quiz results by course</h1>`) || !strings.Contains(page, `An excused absence counts neither way`) {
		t.Errorf("the English page:\n%s", page)
	}
	// A team leader: their district, no district filter.
	page = string(getOK(t, base+"/reports/courses", "tl-bd"))
	if strings.Contains(page, `id="area_code"`) || !strings.Contains(page, `<td data-rate="attendance">50% (2/4)</td>`) {
		t.Errorf("the team leader's page:\n%s", page)
	}
}

// A quarter without a session of the course has no attendance rate, and
// one without a graded attempt no pass rate: the page (its tables and its
// charts' bars) says "–", never "0%".
func TestCourseRowWithoutSessionsOrAttempts(t *testing.T) {
	t.Parallel()
	if r := courseRowOf(CourseQuarter{Quarter: "2025-Q4", Course: "KC-101", Attempts: 8, Passed: 6, PassRate: ptr(0.75)}); r.Rate != "–" || r.Pass != "75%" {
		t.Errorf("no session, 6 of 8 passed: attendance %q, pass %q; want – and 75%%", r.Rate, r.Pass)
	}
	if r := courseRowOf(CourseQuarter{Quarter: "2026-Q1", Course: "KC-101", Sessions: 1, Invited: 5, Present: 2, AttendanceRate: ptr(0.4)}); r.Rate != "40%" || r.Pass != "–" {
		t.Errorf("2 of 5 came, no attempt: attendance %q, pass %q; want 40%% and –", r.Rate, r.Pass)
	}
	if r := courseRowOf(CourseQuarter{Quarter: "2026-Q2", Course: "KC-101", Sessions: 1, Invited: 4, Absent: 4, AttendanceRate: ptr(0.0), Attempts: 3, PassRate: ptr(0.0)}); r.Rate != "0%" || r.Pass != "0%" {
		t.Errorf("nobody came, nobody passed: attendance %q, pass %q; want 0%% and 0%%", r.Rate, r.Pass)
	}
}

// In the exports, such a rate is an empty cell (CSV: nothing between the
// commas; XLSX: no value), not 0.
func TestCoursesExportLeavesRatesWithNothingToDivideEmpty(t *testing.T) {
	t.Parallel()
	tb := coursesTable([]CourseQuarter{
		{Quarter: "2025-Q4", Course: "KC-101", Attempts: 8, Passed: 6, PassRate: ptr(0.75)},
		{Quarter: "2026-Q1", Course: "KC-101", Sessions: 1, Invited: 5, Present: 2, AttendanceRate: ptr(0.4)},
	})
	var got []string
	for _, row := range tb.Rows {
		got = append(got, csvValue(colPercent, row[9])+"|"+csvValue(colPercent, row[13]))
	}
	if want := []string{"|75.0", "40.0|"}; !slices.Equal(got, want) {
		t.Errorf("attendance|pass cells: %q, want %q", got, want)
	}
	b, err := workbook(tb)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	for cell, want := range map[string]string{"J2": "", "N2": "75", "J3": "40", "N3": ""} {
		if v, err := f.GetCellValue(tb.Sheet, cell, excelize.Options{RawCellValue: true}); err != nil || v != want {
			t.Errorf("%s = %q (%v), want %q", cell, v, err, want)
		}
	}
}
