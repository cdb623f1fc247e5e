package reports

import (
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestEveryReportWorkbookIsLaidOut: each sheet of the coverage, expiring,
// quarters, contracts and courses downloads has its Vietnamese header
// row, the header and its first columns frozen, each column's width, and its
// percentages and dates as numbers shown in their format (0.0,
// dd/mm/yyyy).
func TestEveryReportWorkbookIsLaidOut(t *testing.T) {
	t.Parallel()
	base := server(t)
	in := fixture()
	x := Build(in)
	rates, _ := x.CourseRates("", "")
	for path, tables := range map[string][]table{
		"/api/v1/reports/coverage.xlsx":           {coverageTable(x.Coverage("")), expiringTable(x.Coverage(""))},
		"/api/v1/reports/expiring.xlsx":           {expiringTable(x.Coverage(""))},
		"/api/v1/reports/quarters.xlsx":           {quartersTable(x.Quarters(""))},
		"/api/v1/reports/contracts.xlsx?days=120": {contractsTable(x.Contracts("", 120))},
		"/api/v1/reports/courses.xlsx":            {coursesTable(rates)},
	} {
		f := openXLSX(t, base, path, "lead")
		if got := f.GetSheetList(); len(got) != len(tables) {
			t.Errorf("%s: sheets %q, want %d", path, got, len(tables))
			continue
		}
		for _, tb := range tables {
			if len(tb.Rows) == 0 {
				t.Fatalf("%s: the fixture gives %s no row: nothing to check", path, tb.Sheet)
			}
			p, err := f.GetPanes(tb.Sheet)
			if err != nil || !p.Freeze || p.YSplit != 1 || p.XSplit != tb.Freeze {
				t.Errorf("%s %s: panes %+v (%v), want the header and %d columns frozen", path, tb.Sheet, p, err, tb.Freeze)
			}
			formats := map[int]string{colPercent: "0.0", colDate: "dd/mm/yyyy"}
			for i, c := range tb.Cols {
				col, _ := excelize.ColumnNumberToName(i + 1)
				if head, _ := f.GetCellValue(tb.Sheet, col+"1"); head != c.Head {
					t.Errorf("%s %s!%s1: %q, want %q", path, tb.Sheet, col, head, c.Head)
				}
				if w, err := f.GetColWidth(tb.Sheet, col); err != nil || w != c.Width {
					t.Errorf("%s %s column %s (%s): width %v (%v), want %v", path, tb.Sheet, col, c.Head, w, err, c.Width)
				}
				want, formatted := formats[c.Kind]
				if !formatted && c.Kind != colNumber {
					continue
				}
				for r, row := range tb.Rows {
					if row[i] == nil {
						continue
					}
					cell, _ := excelize.CoordinatesToCellName(i+1, r+2)
					if typ, _ := f.GetCellType(tb.Sheet, cell); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
						t.Errorf("%s %s!%s (%s) is text, want a number", path, tb.Sheet, cell, c.Head)
					}
					if !formatted {
						continue
					}
					id, err := f.GetCellStyle(tb.Sheet, cell)
					if err != nil {
						t.Fatal(err)
					}
					st, err := f.GetStyle(id)
					if err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != want {
						t.Errorf("%s %s!%s (%s): number format %v (%v), want %s", path, tb.Sheet, cell, c.Head, st, err, want)
					}
				}
			}
		}
	}
}
