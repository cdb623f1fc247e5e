package reports

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/csvx"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"
)

// Competency is the answer of GET /api/v1/reports/competency: the matrix
// with a page of its rows (limit/offset; Total is every row's count) and
// the totals of all of them.
type Competency struct {
	At        time.Time  `json:"at"`
	Courses   []string   `json:"courses"`
	Rows      []Row      `json:"rows"`
	Total     int        `json:"total"`
	Totals    []Counts   `json:"totals"`
	Districts []District `json:"districts"`
}

var competencyQuery = []string{"area_code", "role=report_role", "course", "standing=report_standing"}

func (m *Module) apiRoutes(r *web.Router) {
	r.Enum("report_role", Roles...)
	r.Enum("report_standing", Standings...)
	r.Enum("competency_cell", append(CellStatuses, CellNotRequired)...)
	r.Get("/reports/competency", web.Doc{Summary: "The competency matrix: a row per collaborator in scope (a page of them), a column per required course, totals per column and district",
		Query: append(competencyQuery, "limit", "offset"), Response: Competency{}}, m.apiCompetency)
	r.Get("/reports/coverage", web.Doc{Summary: "District coverage: per district in scope and course, the share of the people required to hold it who do, and the certificates ending within 30/60/90 days with names",
		Query: []string{"area_code", "limit", "offset"}, Response: web.List[DistrictCoverage]{}}, web.Paged(m.apiCoverage))
	r.Get("/reports/coverage.csv", web.Doc{Summary: "District coverage as CSV (UTF-8 with a BOM): a row per district and course", Query: []string{"area_code"}, Content: "text/csv"}, exportCSV("do-bao-phu", m.apiCoverage, coverageTable))
	r.Get("/reports/coverage.xlsx", web.Doc{Summary: "District coverage as XLSX: a sheet per district and course, and one of the certificates ending within 90 days with the next session", Query: []string{"area_code"}, Content: web.XLSX}, exportXLSX("do-bao-phu", m.apiCoverage, coverageTable, expiringTable))
	r.Enum("report_within", "30", "60", "90")
	r.Get("/reports/expiring.csv", web.Doc{Summary: "The certificates in scope ending within 30, 60 or 90 days (within; 90 unless given) as CSV (UTF-8 with a BOM): a row per certificate, by district and soonest first, with the person's code and name, the last valid day, the days left and the day of the next session that would renew it",
		Query: []string{"area_code", "within=report_within"}, Content: "text/csv"}, exportCSV("sap-het-han", m.apiExpiring, expiringTable))
	r.Get("/reports/expiring.xlsx", web.Doc{Summary: "The certificates in scope ending within 30, 60 or 90 days (within; 90 unless given) as XLSX, with the next session that would renew each",
		Query: []string{"area_code", "within=report_within"}, Content: web.XLSX}, exportXLSX("sap-het-han", m.apiExpiring, expiringTable))
	r.Get("/reports/quarters", web.Doc{Summary: "The network's quarters in scope, oldest first: records kept and approved, the attainment distribution, the KPI totals against their targets",
		Query: []string{"area_code", "limit", "offset"}, Response: web.List[Quarter]{}}, web.Paged(m.apiQuarters))
	r.Get("/reports/quarters.csv", web.Doc{Summary: "The quarters as CSV (UTF-8 with a BOM)", Query: []string{"area_code"}, Content: "text/csv"}, exportCSV("theo-quy", m.apiQuarters, quartersTable))
	r.Get("/reports/quarters.xlsx", web.Doc{Summary: "The quarters as XLSX", Query: []string{"area_code"}, Content: web.XLSX}, exportXLSX("theo-quy", m.apiQuarters, quartersTable))
	r.Get("/reports/contracts", web.Doc{Summary: "Contracts in scope ending within days (90 unless given), soonest first, with the person's standing and renewal eligibility",
		Query: []string{"area_code", "days", "limit", "offset"}, Response: web.List[Ending]{}}, web.Paged(m.apiContracts))
	r.Get("/reports/contracts.csv", web.Doc{Summary: "Contracts ending soon as CSV (UTF-8 with a BOM)", Query: []string{"area_code", "days"}, Content: "text/csv"}, exportCSV("hop-dong-sap-het-han", m.apiContracts, contractsTable))
	r.Get("/reports/contracts.xlsx", web.Doc{Summary: "Contracts ending soon as XLSX", Query: []string{"area_code", "days"}, Content: web.XLSX}, exportXLSX("hop-dong-sap-het-han", m.apiContracts, contractsTable))
	r.Get("/reports/courses", web.Doc{Summary: "Attendance rate and quiz pass rate per course and quarter in scope (by course as in the catalog, then quarter, oldest first): entries at the sessions held, present, late, excused, absent and unmarked, (present+late)/(entries−excused); graded attempts, passed, people who passed",
		Query: []string{"area_code", "course", "limit", "offset"}, Response: web.List[CourseQuarter]{}}, web.Paged(m.apiCourses))
	r.Get("/reports/courses.csv", web.Doc{Summary: "Attendance and quiz pass rates per course and quarter as CSV (UTF-8 with a BOM)", Query: []string{"area_code", "course"}, Content: "text/csv"}, exportCSV("theo-khoa-hoc", m.apiCourses, coursesTable))
	r.Get("/reports/courses.xlsx", web.Doc{Summary: "Attendance and quiz pass rates per course and quarter as XLSX", Query: []string{"area_code", "course"}, Content: web.XLSX}, exportXLSX("theo-khoa-hoc", m.apiCourses, coursesTable))
	r.Get("/reports/competency.csv", web.Doc{Summary: "The competency matrix as CSV (UTF-8 with a BOM, every row)", Query: competencyQuery, Content: "text/csv"}, m.apiCompetencyCSV)
	r.Get("/reports/competency.xlsx", web.Doc{Summary: "The competency matrix as XLSX (every row; dates as dates, attainment as a number)", Query: competencyQuery, Content: web.XLSX}, m.apiCompetencyXLSX)
	r.Get("/reports/competency-totals.csv", web.Doc{Summary: "The competency matrix's totals as CSV (UTF-8 with a BOM), as its workbook's Tổng hợp sheet: a row per district and course, then the network's per course; the people required to hold the course, and how many of them hold it valid, expiring, expired, revoked or not at all",
		Query: competencyQuery, Content: "text/csv"}, m.apiCompetencyTotalsCSV)
}

func (m *Module) matrix(c *fiber.Ctx) (Matrix, error) {
	f, err := ParseFilter(c.Query("area_code"), c.Query("role"), c.Query("course"), c.Query("standing"))
	if err != nil {
		return Matrix{}, err
	}
	return m.Competency(c.UserContext(), web.ScopeOf(c), f)
}

func (m *Module) apiCompetency(c *fiber.Ctx) error {
	limit, offset, err := web.Page(c)
	if err != nil {
		return err
	}
	mx, err := m.matrix(c)
	if err != nil {
		return err
	}
	page := web.Slice(mx.Rows, limit, offset)
	return c.JSON(Competency{At: mx.At, Courses: mx.Courses, Rows: page.Items, Total: page.Total, Totals: mx.Totals, Districts: mx.Districts})
}

// Texts of the exports and the page: a cell's status as words and as a
// symbol, so that it reads without colour (print, colour-blind readers).
var (
	cellVI = map[string]string{CellValid: "Còn hiệu lực", CellExpiring: "Sắp hết hạn", CellExpired: "Hết hạn",
		CellRevoked: "Bị thu hồi", CellMissing: "Chưa có", CellNotRequired: "Không yêu cầu"}
	cellSymbol = map[string]string{CellValid: "✓", CellExpiring: "!", CellExpired: "✗", CellRevoked: "⊘", CellMissing: "○", CellNotRequired: "·"}
	standingVI = map[string]string{"good": "Tốt", "attention": "Cần chú ý", "at_risk": "Có nguy cơ"}
	roleVI     = map[string]string{"ctv": "Cộng tác viên", "team_leader": "Tổ trưởng"}
)

// CellText is a cell as words, with its last valid day when it has one:
// "Sắp hết hạn (đến 20/07/2026)".
func CellText(cell Cell) string {
	s := cellVI[cell.Status]
	if !cell.ValidUntil.IsZero() && (cell.Status == CellValid || cell.Status == CellExpiring || cell.Status == CellExpired) {
		s += " (đến " + cell.ValidUntil.In(clock.VN).Format("02/01/2006") + ")"
	}
	return s
}

var baseHeader = []string{"Mã", "Họ và tên", "Vai trò", "Đơn vị cấp huyện", "Xếp loại", "Quý đánh giá gần nhất", "Mức đạt (%)"}

// attainmentCells is a row's last attainment for the exports: a
// percentage to a tenth, rounded down as the pages round it to a whole
// one (humantext.Percent), so that 0.55989 reads 55.9 beside "55%", not 56.0.
func attainmentCells(r Row) (quarter string, percent float64, ok bool) {
	if r.LastAttainment == nil {
		return "", 0, false
	}
	return r.LastAttainment.Quarter, math.Floor(r.LastAttainment.Value*1000+1e-9) / 10, true
}

func (m *Module) apiCompetencyCSV(c *fiber.Ctx) error {
	mx, err := m.matrix(c)
	if err != nil {
		return err
	}
	// csvx: names typed by users never run as formulas.
	records := [][]string{append(append([]string{}, baseHeader...), mx.Courses...)}
	for _, r := range mx.Rows {
		q, pct, ok := attainmentCells(r)
		line := []string{r.Code, r.Name, roleVI[r.Role], r.AreaName, standingVI[string(r.Standing)], q, ""}
		if ok {
			line[6] = strconv.FormatFloat(pct, 'f', 1, 64)
		}
		for _, cell := range r.Cells {
			line = append(line, CellText(cell))
		}
		records = append(records, line)
	}
	b, err := csvx.Encode(records)
	if err != nil {
		return err
	}
	return web.SendFile(c, web.CSV, "ma-tran-nang-luc.csv", b)
}

// excelEpoch is day 0 of Excel's date numbers (1900 date system).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

func excelDate(t time.Time) float64 {
	y, mo, d := t.In(clock.VN).Date()
	return float64(time.Date(y, mo, d, 0, 0, 0, 0, time.UTC).Sub(excelEpoch) / (24 * time.Hour))
}

func ptr[T any](v T) *T { return &v }

// XLSX writes the matrix as a workbook: a header row in Vietnamese that
// stays in view with the names, per course a status column (words) and a
// "valid until" column (a date), attainment as a number; a second sheet
// with the totals per district and course.
func XLSX(mx Matrix) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Ma trận năng lực"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("dd/mm/yyyy")})
	if err != nil {
		return nil, err
	}
	pctStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("0.0")})
	if err != nil {
		return nil, err
	}
	headStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	head := make([]any, 0, len(baseHeader)+2*len(mx.Courses))
	for _, h := range baseHeader {
		head = append(head, h)
	}
	for _, code := range mx.Courses {
		head = append(head, code, code+" – hiệu lực đến")
	}
	if err := f.SetSheetRow(sheet, "A1", &head); err != nil {
		return nil, err
	}
	for i, r := range mx.Rows {
		q, pct, ok := attainmentCells(r)
		vals := []any{r.Code, r.Name, roleVI[r.Role], r.AreaName, standingVI[string(r.Standing)], q, nil}
		if ok {
			vals[6] = pct
		}
		for _, cell := range r.Cells {
			var until any
			if !cell.ValidUntil.IsZero() {
				until = excelDate(cell.ValidUntil.Time)
			}
			vals = append(vals, cellVI[cell.Status], until)
		}
		at, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(sheet, at, &vals); err != nil {
			return nil, err
		}
	}
	last := max(2, len(mx.Rows)+1)
	lastCol, _ := excelize.ColumnNumberToName(len(head))
	if err := f.SetCellStyle(sheet, "A1", lastCol+"1", headStyle); err != nil {
		return nil, err
	}
	if err := f.SetCellStyle(sheet, "G2", fmt.Sprintf("G%d", last), pctStyle); err != nil {
		return nil, err
	}
	for j := range mx.Courses {
		col, _ := excelize.ColumnNumberToName(len(baseHeader) + 2*j + 2)
		if err := f.SetCellStyle(sheet, col+"2", fmt.Sprintf("%s%d", col, last), dateStyle); err != nil {
			return nil, err
		}
	}
	// The header and the code and name stay in view; every column filters.
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: 2, YSplit: 1, TopLeftCell: "C2", ActivePane: "bottomRight"}); err != nil {
		return nil, err
	}
	if err := f.AutoFilter(sheet, fmt.Sprintf("A1:%s%d", lastCol, last), nil); err != nil {
		return nil, err
	}
	for i, w := range []float64{12, 28, 14, 24, 12, 12, 10} {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, w); err != nil {
			return nil, err
		}
	}
	if len(mx.Courses) > 0 {
		first, _ := excelize.ColumnNumberToName(len(baseHeader) + 1)
		if err := f.SetColWidth(sheet, first, lastCol, 13); err != nil {
			return nil, err
		}
	}
	if err := totalsSheet(f, mx, headStyle); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	return buf.Bytes(), nil
}

// totalsTable is the matrix's counts per district and course, and in the
// last rows ("Tổng cộng") the totals of everyone the matrix holds: the
// network's, or the filter's or the team leader's district's.
func totalsTable(mx Matrix) table {
	t := table{Sheet: "Tổng hợp", Cols: []column{
		{"Đơn vị cấp huyện", 24, colText}, {"Khóa học", 14, colText}, {"Phải có", 14, colNumber}, {"Còn hiệu lực", 14, colNumber},
		{"Sắp hết hạn", 14, colNumber}, {"Hết hạn", 14, colNumber}, {"Bị thu hồi", 14, colNumber}, {"Chưa có", 14, colNumber}}}
	add := func(area string, j int, n Counts) {
		t.Rows = append(t.Rows, []any{area, mx.Courses[j], n.Required(), n.Valid, n.Expiring, n.Expired, n.Revoked, n.Missing})
	}
	for _, d := range mx.Districts {
		for j, n := range d.Columns {
			add(d.AreaName, j, n)
		}
	}
	for j, n := range mx.Totals {
		add("Tổng cộng", j, n)
	}
	return t
}

// totalsSheet adds totalsTable as the workbook's second sheet.
func totalsSheet(f *excelize.File, mx Matrix, head int) error {
	t := totalsTable(mx)
	if _, err := f.NewSheet(t.Sheet); err != nil {
		return err
	}
	return sheet(f, t, head, nil)
}

func (m *Module) apiCompetencyTotalsCSV(c *fiber.Ctx) error {
	mx, err := m.matrix(c)
	if err != nil {
		return err
	}
	return sendCSV(c, "ma-tran-nang-luc-tong-hop", totalsTable(mx))
}

func (m *Module) apiCompetencyXLSX(c *fiber.Ctx) error {
	mx, err := m.matrix(c)
	if err != nil {
		return err
	}
	b, err := XLSX(mx)
	if err != nil {
		return err
	}
	return web.SendFile(c, web.XLSX, "ma-tran-nang-luc.xlsx", b)
}

func (m *Module) apiCoverage(c *fiber.Ctx) ([]DistrictCoverage, error) {
	return m.Coverage(c.UserContext(), web.ScopeOf(c), c.Query("area_code"))
}

// apiExpiring is the coverage with only the certificates ending within
// the within query's days.
func (m *Module) apiExpiring(c *fiber.Ctx) ([]DistrictCoverage, error) {
	within, err := ParseWithin(c.Query("within"))
	if err != nil {
		return nil, err
	}
	ds, err := m.apiCoverage(c)
	if err != nil {
		return nil, err
	}
	for i := range ds {
		ds[i].Expiring = slices.DeleteFunc(slices.Clone(ds[i].Expiring), func(e Expiring) bool { return e.Days > within })
	}
	return ds, nil
}

func (m *Module) apiQuarters(c *fiber.Ctx) ([]Quarter, error) {
	return m.Quarters(c.UserContext(), web.ScopeOf(c), c.Query("area_code"))
}

func (m *Module) apiCourses(c *fiber.Ctx) ([]CourseQuarter, error) {
	rows, _, err := m.CourseRates(c.UserContext(), web.ScopeOf(c), c.Query("area_code"), c.Query("course"))
	return rows, err
}

func (m *Module) apiContracts(c *fiber.Ctx) ([]Ending, error) {
	days, err := ParseDays(c.Query("days"))
	if err != nil {
		return nil, err
	}
	return m.Contracts(c.UserContext(), web.ScopeOf(c), c.Query("area_code"), days)
}

// exportCSV and exportXLSX answer a report's rows (list's) as a download
// named name: CSV of the first table, XLSX with a sheet per table.
func exportCSV[T any](name string, list func(*fiber.Ctx) ([]T, error), tbl func([]T) table) fiber.Handler {
	return func(c *fiber.Ctx) error {
		items, err := list(c)
		if err != nil {
			return err
		}
		return sendCSV(c, name, tbl(items))
	}
}

func exportXLSX[T any](name string, list func(*fiber.Ctx) ([]T, error), tbls ...func([]T) table) fiber.Handler {
	return func(c *fiber.Ctx) error {
		items, err := list(c)
		if err != nil {
			return err
		}
		ts := make([]table, len(tbls))
		for i, tbl := range tbls {
			ts[i] = tbl(items)
		}
		return sendXLSX(c, name, ts...)
	}
}
