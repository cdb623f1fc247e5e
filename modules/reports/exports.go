package reports

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/csvx"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"
)

// The kinds of a table's column: how a value is written to CSV and XLSX.
const (
	colText    = iota // a string
	colNumber         // an int or a float64, a number in XLSX
	colPercent        // a share 0–1: a percentage (0.0) in both
	colDate           // a time.Time, a day in Vietnam: a date in XLSX, dd/mm/yyyy in CSV
)

// column is one column of an exported table: its Vietnamese header, its
// width in XLSX and its kind.
type column struct {
	Head  string
	Width float64
	Kind  int
}

// table is one report's rows as exported: a sheet of a workbook, or a CSV
// file. A nil value is an empty cell.
type table struct {
	Sheet  string
	Freeze int // columns that stay in view beside the header
	Cols   []column
	Rows   [][]any
}

// CSV writes the table as CSV: UTF-8 with a BOM (so that spreadsheet
// programs read Vietnamese), the header row first, nothing a user typed
// run as a formula.
func (t table) CSV() ([]byte, error) {
	head := make([]string, len(t.Cols))
	for i, c := range t.Cols {
		head[i] = c.Head
	}
	records := [][]string{head}
	for _, row := range t.Rows {
		line := make([]string, len(row))
		for i, v := range row {
			line[i] = csvValue(t.Cols[i].Kind, v)
		}
		records = append(records, line)
	}
	return csvx.Encode(records)
}

func csvValue(kind int, v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case float64:
		if kind == colPercent {
			return strconv.FormatFloat(v*100, 'f', 1, 64)
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	case time.Time:
		return v.In(clock.VN).Format("02/01/2006")
	case bool:
		if v {
			return "Có"
		}
		return "Không"
	}
	return fmt.Sprint(v)
}

func xlsxValue(kind int, v any) any {
	switch v := v.(type) {
	case time.Time:
		return excelDate(v)
	case float64:
		if kind == colPercent {
			return v * 100
		}
	case bool:
		return csvValue(kind, v)
	}
	return v
}

// workbook writes tables as the sheets of one workbook: each with its
// header row in bold and frozen with its first Freeze columns, its
// widths, numbers as numbers, percentages with one decimal, dates as
// dates, and a filter on every column.
func workbook(tables ...table) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	styles := map[int]int{}
	for kind, format := range map[int]string{colPercent: "0.0", colDate: "dd/mm/yyyy"} {
		if styles[kind], err = f.NewStyle(&excelize.Style{CustomNumFmt: ptr(format)}); err != nil {
			return nil, err
		}
	}
	for i, t := range tables {
		if i == 0 {
			err = f.SetSheetName("Sheet1", t.Sheet)
		} else {
			_, err = f.NewSheet(t.Sheet)
		}
		if err != nil {
			return nil, err
		}
		if err := sheet(f, t, head, styles); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	return buf.Bytes(), nil
}

func sheet(f *excelize.File, t table, head int, styles map[int]int) error {
	hs := make([]any, len(t.Cols))
	for i, c := range t.Cols {
		hs[i] = c.Head
	}
	if err := f.SetSheetRow(t.Sheet, "A1", &hs); err != nil {
		return err
	}
	for r, row := range t.Rows {
		vals := make([]any, len(row))
		for i, v := range row {
			vals[i] = xlsxValue(t.Cols[i].Kind, v)
		}
		at, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := f.SetSheetRow(t.Sheet, at, &vals); err != nil {
			return err
		}
	}
	last := max(2, len(t.Rows)+1)
	lastCol, _ := excelize.ColumnNumberToName(len(t.Cols))
	if err := f.SetCellStyle(t.Sheet, "A1", lastCol+"1", head); err != nil {
		return err
	}
	for i, c := range t.Cols {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(t.Sheet, col, col, c.Width); err != nil {
			return err
		}
		if st, ok := styles[c.Kind]; ok {
			if err := f.SetCellStyle(t.Sheet, col+"2", fmt.Sprintf("%s%d", col, last), st); err != nil {
				return err
			}
		}
	}
	topLeft, _ := excelize.CoordinatesToCellName(t.Freeze+1, 2)
	pane := "bottomLeft"
	if t.Freeze > 0 {
		pane = "bottomRight"
	}
	if err := f.SetPanes(t.Sheet, &excelize.Panes{Freeze: true, XSplit: t.Freeze, YSplit: 1, TopLeftCell: topLeft, ActivePane: pane}); err != nil {
		return err
	}
	return f.AutoFilter(t.Sheet, fmt.Sprintf("A1:%s%d", lastCol, last), nil)
}

// sendCSV and sendXLSX answer a download of the table(s) as file name
// (without its extension).
func sendCSV(c *fiber.Ctx, name string, t table) error {
	b, err := t.CSV()
	if err != nil {
		return err
	}
	return web.SendFile(c, web.CSV, name+".csv", b)
}

func sendXLSX(c *fiber.Ctx, name string, ts ...table) error {
	b, err := workbook(ts...)
	if err != nil {
		return err
	}
	return web.SendFile(c, web.XLSX, name+".xlsx", b)
}

// coverageTable is the coverage per district and course; expiringTable
// the certificates ending soon (within 90 days, or the horizon the
// expiring downloads were asked for) with their next session.
func coverageTable(ds []DistrictCoverage) table {
	t := table{Sheet: "Độ bao phủ", Freeze: 2, Cols: []column{
		{"Đơn vị cấp huyện", 24, colText}, {"Khóa học", 10, colText}, {"Phải có", 9, colNumber}, {"Đang có", 9, colNumber},
		{"Tỷ lệ (%)", 9, colPercent}, {"Hết hạn trong 30 ngày", 12, colNumber}, {"Trong 60 ngày", 12, colNumber}, {"Trong 90 ngày", 12, colNumber}}}
	for _, d := range ds {
		for _, cc := range d.Courses {
			t.Rows = append(t.Rows, []any{d.AreaName, cc.Course, cc.Required, cc.Certified, cc.Share, cc.Within[0], cc.Within[1], cc.Within[2]})
		}
	}
	return t
}

func expiringTable(ds []DistrictCoverage) table {
	t := table{Sheet: "Sắp hết hạn", Freeze: 3, Cols: []column{
		{"Đơn vị cấp huyện", 24, colText}, {"Mã", 12, colText}, {"Họ và tên", 28, colText}, {"Khóa học", 10, colText},
		{"Hiệu lực đến", 12, colDate}, {"Còn (ngày)", 9, colNumber}, {"Buổi học gần nhất", 14, colDate}}}
	for _, d := range ds {
		for _, e := range d.Expiring {
			var next any
			if e.NextSession != nil {
				next = e.NextSession.StartsAt
			}
			t.Rows = append(t.Rows, []any{d.AreaName, e.Code, e.Name, e.Course, e.ValidUntil.Time, e.Days, next})
		}
	}
	return t
}

// quartersTable is a row per quarter: records, the attainment
// distribution and each KPI's totals against their targets.
func quartersTable(qs []Quarter) table {
	t := table{Sheet: "Theo quý", Freeze: 1, Cols: []column{
		{"Quý", 10, colText}, {"Số báo cáo", 10, colNumber}, {"Đã duyệt", 10, colNumber}, {"Mức đạt bình quân (%)", 12, colPercent}}}
	for _, band := range bandNames {
		t.Cols = append(t.Cols, column{"Mức đạt " + band, 11, colNumber})
	}
	for _, kpi := range kpiNames {
		t.Cols = append(t.Cols, column{kpi + " – chỉ tiêu", 12, colNumber}, column{kpi + " – thực hiện", 12, colNumber}, column{kpi + " – tỷ lệ (%)", 12, colPercent})
	}
	for _, q := range qs {
		// No approved record: no mean and no shares, empty cells, not 0.
		row := []any{q.Quarter, q.Records, q.Approved, optional(q.MeanAttainment)}
		for _, n := range q.Distribution {
			row = append(row, n)
		}
		for _, k := range q.KPIs {
			row = append(row, k.Target, k.Actual, optional(k.Share))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// coursesTable is a row per course and quarter: the attendance at the
// sessions held and the quiz's graded attempts.
func coursesTable(rs []CourseQuarter) table {
	t := table{Sheet: "Theo khóa học", Freeze: 2, Cols: []column{
		{"Khóa học", 10, colText}, {"Quý", 10, colText}, {"Buổi học", 9, colNumber}, {"Lượt mời", 9, colNumber},
		{"Có mặt", 9, colNumber}, {"Đi muộn", 9, colNumber}, {"Vắng có phép", 10, colNumber}, {"Vắng", 9, colNumber},
		{"Chưa điểm danh", 10, colNumber}, {"Tỷ lệ tham dự (%)", 11, colPercent}, {"Lượt thi", 9, colNumber},
		{"Lượt đạt", 9, colNumber}, {"Người đạt", 9, colNumber}, {"Tỷ lệ đạt (%)", 11, colPercent}}}
	for _, r := range rs {
		// A rate with nothing to divide is an empty cell, not 0.
		t.Rows = append(t.Rows, []any{r.Course, r.Quarter, r.Sessions, r.Invited, r.Present, r.Late, r.Excused, r.Absent,
			r.Unmarked, optional(r.AttendanceRate), r.Attempts, r.Passed, r.PassedPeople, optional(r.PassRate)})
	}
	return t
}

// optional is a share that may be missing as a table's value: nil (an
// empty cell) when it is.
func optional(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

// contractsTable is a row per contract ending soon.
func contractsTable(es []Ending) table {
	t := table{Sheet: "Hợp đồng sắp hết hạn", Freeze: 2, Cols: []column{
		{"Mã", 12, colText}, {"Họ và tên", 28, colText}, {"Vai trò", 14, colText}, {"Đơn vị cấp huyện", 24, colText},
		{"Số hợp đồng", 14, colText}, {"Ngày kết thúc", 12, colDate}, {"Còn (ngày)", 9, colNumber}, {"Xếp loại", 12, colText},
		{"Đủ điều kiện gia hạn", 12, colText}}}
	for _, e := range es {
		t.Rows = append(t.Rows, []any{e.Code, e.Name, roleVI[e.Role], e.AreaName, e.Number, e.EndsOn.Time, e.Days, standingVI[string(e.Standing)], e.RenewalEligible})
	}
	return t
}

// bandNames are Bands as words; kpiNames standing.KPIList's KPIs in
// Vietnamese, in its order.
var (
	bandNames = [len(Bands)]string{"dưới 20%", "20–40%", "40–60%", "60–80%", "từ 80%"}
	kpiNames  = []string{"Hồ sơ cơ sở", "Khảo sát nhu cầu", "Giới thiệu chương trình", "Nộp báo cáo đúng hạn"}
)
