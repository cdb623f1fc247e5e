package collaborators

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
	"github.com/xuri/excelize/v2"
)

const importHeader = "STT,Mã CTV,Họ và tên,Email,Số điện thoại,Vai trò,Mã đơn vị,Xã/Phường,Chức vụ,Số hợp đồng,Ngày bắt đầu,Ngày kết thúc,Trạng thái HĐ,Thù lao quý\n"
const importRow = "1,BH-01,Nguyễn Văn An,an@example.vn,0912 345 678,CTV,BH,Phường Tân Phong,Cán bộ,HĐ-01/2026,01/01/2026,31/12/2027,Đang hiệu lực,1.500.000\n"

// xlsxOf writes rows as the first sheet of a workbook.
func xlsxOf(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// importFields are the fields a row's problem may name.
func importFields() map[string]bool {
	out := map[string]bool{}
	for _, c := range ImportColumns {
		out[c.Field] = true
	}
	return out
}

// FuzzParseImport: whatever the file, ParseImport never panics; it either
// refuses the file with an errs.Invalid naming the file or its header, or
// returns rows numbered by their line, each problem naming a column's field.
func FuzzParseImport(f *testing.F) {
	header := strings.Split(strings.TrimSpace(importHeader), ",")
	row := strings.Split(strings.TrimSpace(importRow), ",")
	toAny := func(ss []string) []any {
		out := make([]any, len(ss))
		for i, s := range ss {
			out[i] = s
		}
		return out
	}
	for _, seed := range []struct {
		name string
		data []byte
	}{
		{"a.csv", []byte(importHeader + importRow)},
		{"a.csv", []byte("\xef\xbb\xbf" + strings.ReplaceAll(importHeader+importRow, ",", ";"))},
		{"a.csv", []byte(importHeader + strings.Replace(importRow, "01/01/2026", "30/02/2026", 1))},
		{"a.csv", []byte(importHeader + strings.Replace(importRow, "1.500.000", "1e400", 1))},
		{"a.csv", []byte(importHeader + strings.Replace(importRow, "Nguyễn", "Ngu\xffyễn", 1))},
		{"a.csv", []byte(importHeader + "\"unterminated,x\n")},
		{"a.csv", []byte(importHeader + "\n\n,,,\n")},
		{"a.csv", []byte("Email,Email\n")},
		{"a.csv", []byte("=HYPERLINK(1),x\n")},
		{"a.csv", []byte(importHeader + strings.Replace(importRow, "Nguyễn Văn An", "\"Nguyễn\rVăn An\"", 1))},
		{"a.csv", []byte(importHeader + "1,2,3\n" + importRow + importRow)},
		{"a.csv", nil},
		{"a.xlsx", xlsxOf(f, [][]any{toAny(header), toAny(row)})},
		{"a.xlsx", xlsxOf(f, [][]any{toAny(header), {1, "BH-02", "Trần Thị Bình", "binh@example.vn", 912345679, "ctv", "BH", "x", "", "HĐ-2", 46023, 46753.5, "active", 1500000}})},
		{"a.xlsx", xlsxOf(f, nil)},
		{"a.xlsx", []byte("PK\x03\x04 not a zip")},
		{"b.bin", []byte("PK\x03\x04")},
	} {
		f.Add(seed.name, seed.data)
	}
	fields := importFields()
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		rows, err := ParseImport(name, data)
		if err != nil {
			var e *errs.Error
			if !errors.As(err, &e) || e.Kind != errs.Invalid || len(e.Fields) == 0 {
				t.Fatalf("ParseImport(%q) = %v, want errs.Invalid naming a field", data, err)
			}
			for _, fe := range e.Fields {
				if fe.Field != "file" && !strings.HasPrefix(fe.Field, "file.") {
					t.Fatalf("ParseImport(%q) names %q, want the file or its header", data, fe.Field)
				}
			}
			return
		}
		if len(rows) == 0 || len(rows) > MaxImportRows {
			t.Fatalf("ParseImport(%q): %d rows and no error", data, len(rows))
		}
		prefix := ImportPrefix(rows)
		last := 1
		for i, r := range rows {
			if r.Line <= last {
				t.Fatalf("ParseImport(%q): row %d has line %d after line %d", data, i, r.Line, last)
			}
			last = r.Line
			if !strings.HasPrefix(prefix(i), "rows[") {
				t.Fatalf("ImportPrefix(%d) = %q", i, prefix(i))
			}
			for _, p := range r.Problems {
				if !fields[p.Field] || p.Message == "" {
					t.Fatalf("ParseImport(%q): line %d has problem %+v, not about a column", data, r.Line, p)
				}
			}
		}
	})
}

// TestParseImportRowsAndFields pins what the fuzz target checks loosely: a
// bad cell is a problem of its row's line and field.
func TestParseImportRowsAndFields(t *testing.T) {
	rows, err := ParseImport("a.csv", []byte(importHeader+importRow+strings.Replace(importRow, "31/12/2027", "31/02/2027", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Line != 2 || rows[1].Line != 3 {
		t.Fatalf("rows %+v", rows)
	}
	if len(rows[0].Problems) != 0 || len(rows[1].Problems) != 1 || rows[1].Problems[0].Field != "contract.ends_on" {
		t.Errorf("problems %+v / %+v, want one on line 3's contract.ends_on", rows[0].Problems, rows[1].Problems)
	}
	if got := ImportPrefix(rows)(1); got != "rows[3]." {
		t.Errorf("prefix %q", got)
	}
	x := xlsxOf(t, [][]any{{"Email", "Email"}})
	if _, err := ParseImport("a.xlsx", x); !errs.Is(err, errs.Invalid) {
		t.Errorf("a header naming Email twice: %v", err)
	}
}

// filterFor runs filterOf on a request with the raw query q.
func filterFor(q string) (Filter, error) {
	app := fiber.New()
	rc := &fasthttp.RequestCtx{}
	rc.Request.SetRequestURI("/api/v1/collaborators?" + q)
	c := app.AcquireCtx(rc)
	defer app.ReleaseCtx(c)
	return filterOf(c)
}

// FuzzFilter: the list filter either reads the query or refuses it with
// errs.Invalid naming the parameter.
func FuzzFilter(f *testing.F) {
	for _, s := range []string{
		"", "area_code=bh&role=ctv&q=Nguy%E1%BB%85n", "include_archived=true", "include_archived=maybe", "q=" + strings.Repeat("a", 101),
		"q=%FF%FE", "q=a%00b", "area_code=%20bh%20", "contract_status=active", "include_archived=TRUE", "q=%E2%80%8B",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		got, err := filterFor(q)
		if err != nil {
			var e *errs.Error
			if !errors.As(err, &e) || e.Kind != errs.Invalid || len(e.Fields) != 1 ||
				(e.Fields[0].Field != "include_archived" && e.Fields[0].Field != "q") {
				t.Fatalf("filterOf(%q) = %v, want errs.Invalid naming include_archived or q", q, err)
			}
			return
		}
		if len(got.Query) > 100 || got.AreaCode != strings.ToUpper(got.AreaCode) {
			t.Fatalf("filterOf(%q) = %+v", q, got)
		}
	})
}

// TestContractDatesBounded: a contract date is a real day from 2000 to 2099.
func TestContractDatesBounded(t *testing.T) {
	for s, want := range map[string]bool{
		"2026-01-01": true, "2000-01-01": true, "2099-12-31": true, "2026-02-30": false, "0001-01-01": false,
		"9999-12-31": false, "1999-12-31": false, "2100-01-01": false, "26-01-01": false, "2026-1-1": false,
	} {
		if got := ValidDate(s); got != want {
			t.Errorf("ValidDate(%q) = %v, want %v", s, got, want)
		}
	}
}

// A workbook typed in Excel: the dates are date cells (a serial number
// under a date format), the stipend a number under a currency format.
// Each date reads as its day, whatever format shows it, and the stipend
// stays an amount.
func TestParseImportReadsExcelDateCells(t *testing.T) {
	t.Parallel()
	f := excelize.NewFile()
	defer f.Close()
	header := strings.Split(strings.TrimSpace(importHeader), ",")
	if err := f.SetSheetRow("Sheet1", "A1", &header); err != nil {
		t.Fatal(err)
	}
	starts, ends := time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC), time.Date(2027, 12, 31, 0, 0, 0, 0, time.UTC)
	shortDate, err := f.NewStyle(&excelize.Style{NumFmt: 14}) // what Excel gives a typed date: shown "03-15-26"
	if err != nil {
		t.Fatal(err)
	}
	dayFirst := "dd/mm/yyyy"
	custom, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dayFirst})
	if err != nil {
		t.Fatal(err)
	}
	dong := `#,##0 "₫"`
	money, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dong})
	if err != nil {
		t.Fatal(err)
	}
	row := []any{1, "BH-01", "Nguyễn Văn An", "an@example.vn", "0912 345 678", "CTV", "BH", "Phường Tân Phong", "Cán bộ", "HĐ-01/2026",
		starts, ends, "Đang hiệu lực", 1500000}
	for r, style := range []int{shortDate, custom} {
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
		for _, col := range []string{"K", "L"} {
			if err := f.SetCellStyle("Sheet1", fmt.Sprint(col, r+2), fmt.Sprint(col, r+2), style); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.SetCellStyle("Sheet1", fmt.Sprint("N", r+2), fmt.Sprint("N", r+2), money); err != nil {
			t.Fatal(err)
		}
	}
	if shown, _ := f.GetCellValue("Sheet1", "K2"); shown != "03-15-26" {
		t.Fatalf("the short date shows %q: the test no longer builds what Excel writes", shown)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := ParseImport("ctv.xlsx", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2", len(rows))
	}
	for _, r := range rows {
		in := r.Input
		if len(r.Problems) > 0 || in.Contract.StartsOn != "2026-03-15" || in.Contract.EndsOn != "2027-12-31" || in.Contract.QuarterlyStipend != 1500000 {
			t.Errorf("row %d read as starts %q, ends %q, stipend %d, problems %v; want 2026-03-15, 2027-12-31, 1500000",
				r.Line, in.Contract.StartsOn, in.Contract.EndsOn, in.Contract.QuarterlyStipend, r.Problems)
		}
	}
}

func TestIsDateLayout(t *testing.T) {
	t.Parallel()
	for format, want := range map[string]bool{
		"dd/mm/yyyy": true, "d mmm yyyy": true, "[$-42A]dd/mm/yyyy": true, "mm-dd-yy": true, "yyyy-mm-dd hh:mm": true,
		`#,##0 "₫"`: false, "[Red]#,##0": false, "General": false, "0.00": false, `0 "ngày"`: false, `0\d`: false, "h:mm": false,
	} {
		if got := isDateLayout(format); got != want {
			t.Errorf("isDateLayout(%q) = %v, want %v", format, got, want)
		}
	}
}
