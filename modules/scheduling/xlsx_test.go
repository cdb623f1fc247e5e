package scheduling_test

import (
	"archive/zip"
	"bytes"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/xuri/excelize/v2"
)

// filterRef is the autofilter of a sheet with a header and one row, A to K.
var filterRef = regexp.MustCompile(`<autoFilter ref="\$?A\$?1:\$?K\$?2"`)

// The attendance XLSX stores dates and times as Excel numbers with a date
// or time format (so they sort and filter as dates), hours as a number,
// freezes its header row, filters every column and sets column widths.
func TestAttendanceXLSXHasRealDatesAFrozenHeaderAndAFilter(t *testing.T) {
	t.Parallel()
	clk := clock.NewManual(time.Date(2026, 12, 7, 0, 30, 0, 0, time.UTC))
	s := apptest.Start(t, apptest.Options{Clock: clk})
	coord := s.LoginDemo(t, apptest.Coordinator)
	start := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC) // 08:00 in Vietnam
	x := newSession(t, s, coord, map[string]any{"starts_at": start.Format(time.RFC3339), "ends_at": start.Add(3*time.Hour + 30*time.Minute).Format(time.RFC3339)})
	invitee := s.Find(t, "ctv", "NT")
	s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/invitations", coord, map[string]any{"collaborator_ids": []string{invitee.ID}})
	s.Do(t, "PUT", "/api/v1/sessions/"+x.ID+"/attendance", coord, []map[string]string{{"collaborator_id": invitee.ID, "status": "present"}})

	r := s.Do(t, "GET", "/api/v1/attendance/export.xlsx?session_id="+x.ID, coord, nil)
	if r.Status != 200 {
		t.Fatalf("xlsx: %d %s", r.Status, r.Body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetList()[0]
	raw := func(cell string) string {
		v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	shown := func(cell string) string {
		v, err := f.GetCellValue(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// 2026-12-07 is day 46363 of Excel's calendar; 08:00 a third of a day.
	for cell, want := range map[string]float64{"A2": 46363, "B2": 8.0 / 24, "C2": 11.5 / 24, "D2": 3.5} {
		v, err := strconv.ParseFloat(raw(cell), 64)
		if err != nil || v-want > 1e-9 || want-v > 1e-9 {
			t.Errorf("%s holds %q, want the number %v", cell, raw(cell), want)
		}
		if typ, _ := f.GetCellType(sheet, cell); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			t.Errorf("%s is text", cell)
		}
	}
	for cell, want := range map[string]string{"A2": "07/12/2026", "B2": "08:00", "C2": "11:30", "D2": "3.50", "A1": "Ngày", "H2": invitee.FullName} {
		if got := shown(cell); got != want {
			t.Errorf("%s shows %q, want %q", cell, got, want)
		}
	}
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v (%v): the header row is not frozen", panes, err)
	}
	if w, _ := f.GetColWidth(sheet, "E"); w < 20 {
		t.Errorf("column E (place) is %v wide", w)
	}
	zr, err := zip.NewReader(bytes.NewReader(r.Body), int64(len(r.Body)))
	if err != nil {
		t.Fatal(err)
	}
	filtered := false
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/worksheets/") {
			rc, _ := zf.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			filtered = filtered || filterRef.Match(b)
		}
	}
	if !filtered {
		t.Error("the sheet has no autofilter over its header and rows")
	}
}
