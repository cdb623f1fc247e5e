package collaborators

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

// ImportTemplate is the import file's template: the header row as the
// importer reads it (STT, then ImportColumns' Vietnamese headers) and one
// example row that the importer accepts on a registry that has the
// district unit area: an example person (code MAU-01, the "mẫu" of the
// template) under a contract running from the first day of year to the
// last of the next, in the words the Center writes (Cộng tác viên, Đang
// hiệu lực, dd/mm/yyyy, 1.500.000).
func ImportTemplate(area string, year int) [][]string {
	header := []string{"STT"}
	for _, c := range ImportColumns {
		header = append(header, c.Header)
	}
	example := map[string]string{
		"code": "MAU-01", "full_name": "Nguyễn Thị Mẫu", "email": "mau.ctv@example.vn", "phone": "0912345678",
		"role": "Cộng tác viên", "area_code": area, "commune": "Xã Mẫu", "position": "Công chức Văn hóa - Xã hội",
		"contract.number": fmt.Sprintf("MẪU-01/%d/HĐ-TTKC", year), "contract.starts_on": fmt.Sprintf("01/01/%d", year),
		"contract.ends_on": fmt.Sprintf("31/12/%d", year+1), "contract.status": "Đang hiệu lực", "contract.quarterly_stipend": "1.500.000",
	}
	row := []string{"1"}
	for _, c := range ImportColumns {
		row = append(row, example[c.Field])
	}
	return [][]string{header, row}
}

// ImportTemplateXLSX is the template as a workbook: the header in bold,
// the dates as date cells shown dd/mm/yyyy, the stipend a number, every
// other cell text (a phone keeps its leading 0).
func ImportTemplateXLSX(rows [][]string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Danh sách CTV"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	dmy := "dd/mm/yyyy"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dmy})
	if err != nil {
		return nil, err
	}
	money, err := f.NewStyle(&excelize.Style{NumFmt: 3}) // #,##0
	if err != nil {
		return nil, err
	}
	fields := append([]string{"stt"}, make([]string, len(ImportColumns))...)
	for i, c := range ImportColumns {
		fields[i+1] = c.Field
	}
	for r, rec := range rows {
		for c, v := range rec {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			style, value := 0, any(v)
			if r == 0 {
				style = bold
			} else if c < len(fields) {
				switch fields[c] {
				case "stt":
					if n, err := strconv.Atoi(v); err == nil {
						value = n
					}
				case "contract.starts_on", "contract.ends_on":
					if t, err := time.Parse("02/01/2006", v); err == nil {
						style, value = date, t
					}
				case "contract.quarterly_stipend":
					if n, ok := ParseVND(v); ok {
						style, value = money, n
					}
				}
			}
			if s, ok := value.(string); ok {
				err = f.SetCellStr(sheet, cell, s)
			} else {
				err = f.SetCellValue(sheet, cell, value)
			}
			if err != nil {
				return nil, err
			}
			if style != 0 {
				if err := f.SetCellStyle(sheet, cell, cell, style); err != nil {
					return nil, err
				}
			}
		}
	}
	if len(rows) > 0 {
		last, _ := excelize.ColumnNumberToName(len(rows[0]))
		if err := f.SetColWidth(sheet, "B", last, 18); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// importTemplate is the template of the registry as it stands: its
// example row in the first district unit, this year (Vietnam).
func (m *Module) importTemplate(c *fiber.Ctx) ([][]string, error) {
	areas, err := m.svc.Areas(c.UserContext())
	if err != nil {
		return nil, err
	}
	area := ""
	if len(areas) > 0 {
		area = areas[0].Code
	}
	return ImportTemplate(area, m.svc.d.Clock.Now().In(clock.VN).Year()), nil
}

// importTemplateCSV sends the template as CSV (UTF-8 with a BOM).
func (m *Module) importTemplateCSV(c *fiber.Ctx) error {
	rows, err := m.importTemplate(c)
	if err != nil {
		return err
	}
	b, err := csvx.Encode(rows)
	if err != nil {
		return err
	}
	return web.SendFile(c, web.CSV, "mau-nhap-ctv.csv", b)
}

// importTemplateXLSX sends the template as a workbook.
func (m *Module) importTemplateXLSX(c *fiber.Ctx) error {
	rows, err := m.importTemplate(c)
	if err != nil {
		return err
	}
	b, err := ImportTemplateXLSX(rows)
	if err != nil {
		return err
	}
	return web.SendFile(c, web.XLSX, "mau-nhap-ctv.xlsx", b)
}
