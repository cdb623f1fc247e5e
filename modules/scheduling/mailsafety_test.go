package scheduling_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/scheduling"
)

// Text that reaches mail subjects, bodies and calendar entries is refused
// with a control character in it — at create, PATCH, cancel and on the
// form — with a 400 naming the field, and nothing changes.
func TestControlCharactersInMailedFieldsAreRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := apptest.Start(t, apptest.Options{Clock: clock.NewManual(monday)})
	coord := s.LoginDemo(t, apptest.Coordinator)
	start := monday.Add(48 * time.Hour)
	times := map[string]any{"starts_at": start.Format(time.RFC3339), "ends_at": start.Add(2 * time.Hour).Format(time.RFC3339)}
	x := newSession(t, s, coord, times)
	body := func(k, v string) map[string]any {
		in := map[string]any{"title": "Tập huấn", "location": "Hội trường", "trainer": "ThS. Lê Văn Hùng"}
		for k, v := range times {
			in[k] = v
		}
		in[k] = v
		return in
	}
	for _, tc := range []struct {
		name, method, path string
		body               any
		field              string
	}{
		{"title with a line feed", "POST", "/api/v1/sessions", body("title", "Tập huấn\nBcc: evil@example"), "title"},
		{"location with a bare CR", "POST", "/api/v1/sessions", body("location", "Hall\rATTENDEE:mailto:evil@example\rX-INJ:1"), "location"},
		{"trainer with an escape", "POST", "/api/v1/sessions", body("trainer", "Lê\x1b[31m Hùng"), "trainer"},
		{"title with a C1 control", "POST", "/api/v1/sessions", body("title", "Tập\u0085huấn"), "title"},
		{"title with a tab", "POST", "/api/v1/sessions", body("title", "Tập\thuấn"), "title"},
		{"recurrence on two lines", "POST", "/api/v1/sessions", body("recurrence", "DTSTART:20000101T000000Z\nRRULE:FREQ=WEEKLY;COUNT=2"), "recurrence"},
		{"a year of seconds", "POST", "/api/v1/sessions", body("recurrence", "FREQ=SECONDLY;UNTIL="+start.AddDate(1, 0, 0).UTC().Format("20060102T150405Z")), "recurrence"},
		{"PATCH title", "PATCH", "/api/v1/sessions/" + x.ID, map[string]any{"title": "Mới\r\nX-INJ: 1"}, "title"},
		{"PATCH location", "PATCH", "/api/v1/sessions/" + x.ID, map[string]any{"location": "Hall\rX"}, "location"},
		{"cancel reason", "POST", "/api/v1/sessions/" + x.ID + "/cancel", map[string]any{"reason": "Trùng lịch\rX-INJ: 1"}, "reason"},
	} {
		r := s.Do(t, tc.method, tc.path, coord, tc.body)
		if r.Status != 400 {
			t.Errorf("%s: %d, want 400: %s", tc.name, r.Status, r.Body)
			continue
		}
		if p := r.Problem(t); !p.HasField(tc.field) {
			t.Errorf("%s: the problem does not name %s: %s", tc.name, tc.field, r.Body)
		}
	}
	f := s.Forms(t, coord)
	f.Get("/sessions/new")
	form := url.Values{"title": {"Tập huấn"}, "date": {start.In(time.FixedZone("ICT", 7*3600)).Format("2006-01-02")}, "start": {"08:00"}, "end": {"11:00"},
		"location": {"Hall\rATTENDEE:mailto:evil@example"}, "area_code": {"NT"}}
	if r := f.Post("/sessions", form); r.Status != 400 || !strings.Contains(r.Body, `id="err-location"`) || !strings.Contains(r.Body, "ký tự điều khiển") {
		t.Errorf("the form with a bare CR in the location: %d\n%s", r.Status, r.Body)
	}
	all, err := s.App.Scheduling.List(ctx, authz.All, scheduling.Query{})
	if err != nil || len(all) != 1 || all[0].Title != x.Title || all[0].Location != x.Location || all[0].Status != scheduling.StatusScheduled {
		t.Errorf("sessions after the refusals: %+v, %v", all, err)
	}
}
