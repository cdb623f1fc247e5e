package collaborators

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/xuri/excelize/v2"
)

// MaxImportRows bounds one import.
const MaxImportRows = 5000

// ImportColumns is the Center's column layout, in order: the Vietnamese
// header each column carries, and the field it fills. Headers match
// without regard to case, accents or spacing; the English field names are
// accepted too. A leading "STT" (row number) column is ignored.
var ImportColumns = []struct{ Header, Field string }{
	{"Mã CTV", "code"},
	{"Họ và tên", "full_name"},
	{"Email", "email"},
	{"Số điện thoại", "phone"},
	{"Vai trò", "role"},
	{"Mã đơn vị", "area_code"},
	{"Xã/Phường", "commune"},
	{"Chức vụ", "position"},
	{"Số hợp đồng", "contract.number"},
	{"Ngày bắt đầu", "contract.starts_on"},
	{"Ngày kết thúc", "contract.ends_on"},
	{"Trạng thái HĐ", "contract.status"},
	{"Thù lao quý", "contract.quarterly_stipend"},
}

// ImportRow is one data row of an import file.
type ImportRow struct {
	Line  int // the line (spreadsheet row) number in the file, header = 1
	Input Input
	// Problems found while reading the cells, before validation.
	Problems []errs.FieldError
}

func headerKey(s string) string {
	return strings.Join(strings.Fields(strings.NewReplacer("/", " ", "_", " ", ".", " ").Replace(Fold(s))), " ")
}

// ParseImport reads a CSV or XLSX file (told apart by name or content) in
// the Center's layout. Errors: errs.Invalid naming the file or the header.
func ParseImport(name string, data []byte) ([]ImportRow, error) {
	records, err := ReadTable(name, data)
	if err != nil {
		return nil, err
	}
	if len(records) == 0 {
		return nil, errs.Field("file", "is empty")
	}
	cols, seen, err := MatchHeader(records[0], ImportColumns, "stt")
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, c := range ImportColumns {
		if !seen[c.Field] && c.Field != "position" {
			missing = append(missing, c.Header)
		}
	}
	if len(missing) > 0 {
		return nil, errs.Field("file.header", "missing columns: %s", strings.Join(missing, ", "))
	}
	var rows []ImportRow
	for li, rec := range records[1:] {
		if blank(rec) {
			continue
		}
		if len(rows) == MaxImportRows {
			return nil, errs.Field("file", "has more than %d rows", MaxImportRows)
		}
		row := ImportRow{Line: li + 2}
		for i, cell := range rec {
			field, ok := cols[i]
			if !ok {
				continue
			}
			if msg := row.set(field, strings.TrimSpace(cell)); msg != "" {
				row.Problems = append(row.Problems, errs.FieldError{Field: field, Message: msg})
			}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, errs.Field("file", "has no data rows")
	}
	return rows, nil
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

var roleWords = map[string]string{"ctv": "ctv", "cong tac vien": "ctv", "team leader": "team_leader", "team_leader": "team_leader", "to truong": "team_leader"}
var statusWords = map[string]string{
	"active": ContractActive, "dang hieu luc": ContractActive, "hieu luc": ContractActive,
	"probation": ContractProbation, "thu viec": ContractProbation, "thu thach": ContractProbation,
	"suspended": ContractSuspended, "tam dung": ContractSuspended, "tam ngung": ContractSuspended,
	"ended": ContractEnded, "da ket thuc": ContractEnded, "ket thuc": ContractEnded, "het han": ContractEnded,
}

// set fills one field from a cell, translating the Center's words, and
// returns a problem message when the cell cannot be read.
func (r *ImportRow) set(field, v string) string {
	in := &r.Input
	text := map[string]*string{"code": &in.Code, "full_name": &in.FullName, "email": &in.Email, "phone": &in.Phone,
		"area_code": &in.AreaCode, "commune": &in.Commune, "position": &in.Position, "contract.number": &in.Contract.Number}
	dates := map[string]*string{"contract.starts_on": &in.Contract.StartsOn, "contract.ends_on": &in.Contract.EndsOn}
	if p, ok := text[field]; ok {
		*p = v
		return ""
	}
	if p, ok := dates[field]; ok {
		d, ok := parseDate(v)
		if !ok {
			return "must be a date (dd/mm/yyyy or yyyy-mm-dd)"
		}
		*p = d
		return ""
	}
	switch field {
	case "role":
		in.Role = wordOr(roleWords, strings.TrimSpace(v), v)
	case "contract.status":
		in.Contract.Status = wordOr(statusWords, v, v)
	case "contract.quarterly_stipend":
		n, ok := ParseVND(v)
		if !ok {
			return "must be an amount of VND in digits"
		}
		in.Contract.QuarterlyStipend = n
	}
	return ""
}

// wordOr is the value that words gives the folded word, or v when it has
// none.
func wordOr(words map[string]string, word, v string) string {
	if w, ok := words[Fold(word)]; ok {
		return w
	}
	return v
}

// parseDate accepts dd/mm/yyyy, d/m/yyyy and yyyy-mm-dd, and Excel serial
// day numbers.
func parseDate(v string) (string, bool) {
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006", "02-01-2006", "2/1/06"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Format("2006-01-02"), true
		}
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil && n > 20000 && n < 80000 {
		t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n))
		return t.Format("2006-01-02"), true
	}
	return v, false
}

func readCSV(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, errs.Field("file", "is not UTF-8 text; save the CSV as UTF-8")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	// Spreadsheets in Vietnamese locales often write ';' separators.
	if first, _, _ := bytes.Cut(data, []byte("\n")); bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	var out [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, errs.Field("file", "is not valid CSV: %v", err)
		}
		out = append(out, rec)
		if len(out) > MaxImportRows+1 {
			return nil, errs.Field("file", "has more than %d rows", MaxImportRows)
		}
	}
	return out, nil
}

func readXLSX(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, errs.Field("file", "is not a valid XLSX workbook")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errs.Field("file", "has no sheet")
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, errs.Field("file", "cannot be read: %v", err)
	}
	if len(rows) > MaxImportRows+1 {
		return nil, errs.Field("file", "has more than %d rows", MaxImportRows)
	}
	if err := datesAsISO(f, sheets[0], rows); err != nil {
		return nil, errs.Field("file", "cannot be read: %v", err)
	}
	return rows, nil
}

// datesAsISO writes each date cell of rows (read as displayed) as
// yyyy-mm-dd. A date cell holds a serial number shown through a date
// format, and its displayed text follows the format, whatever it is: the
// built-in short date that Excel gives a typed date shows "03-15-26"
// (month first), which no reader could tell from a day-first date.
func datesAsISO(f *excelize.File, sheet string, rows [][]string) error {
	raw, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return err
	}
	date1904 := false
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
	for r, row := range rows {
		for c, shown := range row {
			if r >= len(raw) || c >= len(raw[r]) || raw[r][c] == shown {
				continue // text, or a number shown as it is
			}
			serial, err := strconv.ParseFloat(raw[r][c], 64)
			if err != nil {
				continue
			}
			cell, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil || !dateFormatted(f, sheet, cell) {
				continue
			}
			if t, err := excelize.ExcelDateToTime(serial, date1904); err == nil {
				row[c] = t.Format("2006-01-02")
			}
		}
	}
	return nil
}

// dateFormatted reports whether the cell's number format shows a date: a
// built-in date format (14–17, 22) or a custom one with a day or a year in
// it (quoted text and [..] sections aside).
func dateFormatted(f *excelize.File, sheet, cell string) bool {
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		return false
	}
	st, err := f.GetStyle(id)
	if err != nil || st == nil {
		return false
	}
	if st.CustomNumFmt != nil {
		return isDateLayout(*st.CustomNumFmt)
	}
	return st.NumFmt >= 14 && st.NumFmt <= 17 || st.NumFmt == 22
}

// isDateLayout reports whether an Excel number format names a day or a
// year, once its quoted text, its [..] sections (colours, locales) and its
// escaped characters are left out.
func isDateLayout(format string) bool {
	var quoted, bracket, escaped bool
	for _, r := range strings.ToLower(format) {
		switch {
		case escaped:
			escaped = false
		case quoted:
			quoted = r != '"'
		case bracket:
			bracket = r != ']'
		case r == '\\':
			escaped = true
		case r == '"':
			quoted = true
		case r == '[':
			bracket = true
		case r == 'd' || r == 'y':
			return true
		}
	}
	return false
}

// ImportPrefix names a row's fields in error lists: "rows[5].email", where
// 5 is the row's line in the file.
func ImportPrefix(rows []ImportRow) func(int) string {
	return func(i int) string { return fmt.Sprintf("rows[%d].", rows[i].Line) }
}
