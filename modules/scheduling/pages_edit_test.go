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
	"github.com/ctvacademy/academy/modules/platform/mail/mailtest"
	"github.com/ctvacademy/academy/modules/scheduling"
)

// A coordinator reschedules and cancels from the session page with plain
// forms (a browser without JavaScript): the stored session changes as the
// API would change it and the invitees are mailed; a bad date comes back
// beside its field in Vietnamese with nothing changed; a cancellation
// needs a reason and a confirmation.
func TestRescheduleAndCancelFromTheSessionPage(t *testing.T) {
	t.Parallel()
	srv := mailtest.New(t)
	s := apptest.Start(t, apptest.Options{Clock: clock.NewManual(monday), SMTPURL: srv.URL()})
	coord := s.LoginDemo(t, apptest.Coordinator)
	wed := time.Date(2026, 12, 9, 1, 0, 0, 0, time.UTC) // 08:00 in Vietnam
	x := newSession(t, s, coord, times(wed, 3*time.Hour))
	a, b := s.Find(t, "ctv", "NT"), s.Find(t, "team_leader", "NT")
	if r := s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/invitations", coord, map[string]any{"collaborator_ids": []string{a.ID, b.ID}}); r.Status != 200 {
		t.Fatalf("invite: %d %s", r.Status, r.Body)
	}
	if _, err := s.App.Scheduling.Answer(context.Background(), s.App.Scheduling.Token(x.ID, a.ID), "accept"); err != nil {
		t.Fatal(err)
	}
	waitMail(t, srv, 2)

	f := s.Forms(t, coord)
	page := "/sessions/" + x.ID
	if r := f.Get(page); r.Status != 200 || !strings.Contains(r.Body, `href="`+page+`/edit"`) || !strings.Contains(r.Body, `href="`+page+`/cancel"`) {
		t.Fatalf("the session page offers no edit or cancel: %d\n%s", r.Status, r.Body)
	}
	r := f.Get(page + "/edit")
	for _, want := range []string{`id="edit-form"`, `value="2026-12-09"`, `value="08:00"`, `value="11:00"`, `value="` + x.Location + `"`, `value="ThS. Lê Văn Hùng"`} {
		if r.Status != 200 || !strings.Contains(r.Body, want) {
			t.Fatalf("the edit form lacks %s: %d\n%s", want, r.Status, r.Body)
		}
	}
	if strings.Contains(r.Body, `name="apply"`) {
		t.Error("a single session is offered the series choice")
	}
	form := url.Values{"title": {x.Title}, "date": {"2026-12-10"}, "start": {"09:00"}, "end": {"11:30"}, "location": {x.Location},
		"trainer": {x.Trainer}, "capacity": {""}}

	// An impossible date: 400, the problem beside the field, nothing changed.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("date", "2026-02-30")
	bad.Set("capacity", "nhiều")
	r = f.Post(page+"/edit", bad)
	if r.Status != 400 {
		t.Fatalf("an impossible date: %d", r.Status)
	}
	for _, want := range []string{"Biểu mẫu còn lỗi", `id="err-date"`, "Hãy nhập ngày diễn ra buổi tập huấn.", `id="err-capacity"`, `value="2026-02-30"`, `value="nhiều"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	bad.Set("date", "2026-12-10")
	bad.Set("capacity", "")
	bad.Set("end", "08:00")
	if r = f.Post(page+"/edit", bad); r.Status != 400 || !strings.Contains(r.Body, `id="err-end"`) || !strings.Contains(r.Body, "Giờ kết thúc phải sau giờ bắt đầu") {
		t.Errorf("an end before the start: %d", r.Status)
	}
	if got := getSession(t, s, x.ID); !got.StartsAt.Equal(wed) || got.Sequence != 0 {
		t.Fatalf("a refused form changed the session: %v, sequence %d", got.StartsAt, got.Sequence)
	}
	if n := len(srv.Messages()); n != 2 {
		t.Errorf("%d messages after refused forms, want the 2 invitations", n)
	}

	// The new day and time: stored, answers back to pending, everyone mailed.
	r = f.Post(page+"/edit", form)
	if r.Status != 303 || r.Location != page+"?updated=1" {
		t.Fatalf("reschedule: %d %q\n%s", r.Status, r.Location, r.Body)
	}
	got := getSession(t, s, x.ID)
	if !got.StartsAt.Equal(time.Date(2026, 12, 10, 2, 0, 0, 0, time.UTC)) || !got.EndsAt.Equal(time.Date(2026, 12, 10, 4, 30, 0, 0, time.UTC)) ||
		got.Sequence != 1 || got.Accepted() != 0 {
		t.Errorf("stored after the reschedule: %v–%v, sequence %d, %d accepted", got.StartsAt, got.EndsAt, got.Sequence, got.Accepted())
	}
	mails := waitMail(t, srv, 4)
	for _, m := range mails[2:] {
		if !strings.HasPrefix(m.Subject, "Đổi lịch tập huấn") || !strings.Contains(partOf(t, m, "text/plain").Body, "09:00–11:30, ngày 10/12/2026") {
			t.Errorf("reschedule mail %q:\n%s", m.Subject, partOf(t, m, "text/plain").Body)
		}
	}
	if shown := f.Get(r.Location); !strings.Contains(shown.Body, "Đã lưu thay đổi của 1 buổi tập huấn.") || !strings.Contains(shown.Body, "09:00–11:30, 10/12/2026") {
		t.Errorf("the session page after the edit:\n%s", shown.Body)
	}
	if r = f.Post(page+"/edit", form); r.Status != 303 || r.Location != page+"?updated=0" {
		t.Errorf("the same form again: %d %q", r.Status, r.Location)
	}

	// Cancelling needs a reason and the confirmation.
	if r = f.Get(page + "/cancel"); r.Status != 200 || !strings.Contains(r.Body, `id="cancel-form"`) || !strings.Contains(r.Body, `name="confirm"`) {
		t.Fatalf("cancel form: %d\n%s", r.Status, r.Body)
	}
	r = f.Post(page+"/cancel", url.Values{"reason": {"  "}})
	if r.Status != 400 || !strings.Contains(r.Body, `id="err-reason"`) || !strings.Contains(r.Body, "Hãy nhập lý do hủy") ||
		!strings.Contains(r.Body, `id="err-confirm"`) || !strings.Contains(r.Body, "Hãy đánh dấu ô xác nhận hủy.") {
		t.Errorf("a cancellation without reason or confirmation: %d\n%s", r.Status, r.Body)
	}
	if r = f.Post(page+"/cancel", url.Values{"reason": {"Giảng viên bận đột xuất"}}); r.Status != 400 || !strings.Contains(r.Body, `value="Giảng viên bận đột xuất"`) {
		t.Errorf("a cancellation without confirmation: %d", r.Status)
	}
	if got := getSession(t, s, x.ID); got.Status != scheduling.StatusScheduled {
		t.Fatal("a refused cancellation cancelled")
	}
	r = f.Post(page+"/cancel", url.Values{"reason": {"Giảng viên bận đột xuất"}, "confirm": {"yes"}})
	if r.Status != 303 || r.Location != page+"?cancelled=1" {
		t.Fatalf("cancel: %d %q\n%s", r.Status, r.Location, r.Body)
	}
	if got := getSession(t, s, x.ID); got.Status != scheduling.StatusCancelled || got.CancelReason != "Giảng viên bận đột xuất" {
		t.Errorf("stored after the cancellation: %s %q", got.Status, got.CancelReason)
	}
	mails = waitMail(t, srv, 6)
	for _, m := range mails[4:] {
		cal := partOf(t, m, "text/calendar")
		if !strings.HasPrefix(m.Subject, "Hủy buổi tập huấn") || cal.Params["method"] != "CANCEL" ||
			!strings.Contains(partOf(t, m, "text/plain").Body, "Lý do: Giảng viên bận đột xuất") {
			t.Errorf("cancellation mail %q %v", m.Subject, cal.Params)
		}
	}
	shown := f.Get(r.Location)
	if !strings.Contains(shown.Body, "Đã hủy 1 buổi tập huấn") || strings.Contains(shown.Body, `href="`+page+`/edit"`) {
		t.Errorf("the session page after cancelling:\n%s", shown.Body)
	}
	if r = f.Post(page+"/edit", form); r.Status != 422 || !strings.Contains(r.Body, "đã bị hủy") {
		t.Errorf("editing a cancelled session: %d", r.Status)
	}
}

// "This and all following": the edit form of an occurrence of a series
// changes it and the later ones, not the earlier; the choice is checked.
func TestEditAFollowingPartOfASeriesFromThePage(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{Clock: clock.NewManual(monday)})
	f := s.Forms(t, s.LoginDemo(t, apptest.Coordinator))
	f.Get("/sessions/new")
	r := f.Post("/sessions", url.Values{"title": {"Sinh hoạt chuyên đề"}, "date": {"2026-12-09"}, "start": {"08:00"}, "end": {"10:00"},
		"location": {"Phòng họp Trung tâm"}, "area_code": {"LT"}, "repeat": {"3"}})
	if r.Status != 303 {
		t.Fatalf("series: %d %s", r.Status, r.Body)
	}
	first := getSession(t, s, strings.TrimSuffix(strings.TrimPrefix(r.Location, "/sessions/"), "?created=3"))
	all, err := s.App.Scheduling.List(context.Background(), authz.All, scheduling.Query{SeriesID: first.SeriesID})
	if err != nil || len(all) != 3 {
		t.Fatalf("series: %d %v", len(all), err)
	}
	second := "/sessions/" + all[1].ID
	if r := f.Get(second + "/edit"); !strings.Contains(r.Body, `name="apply" value="following"`) {
		t.Fatalf("no series choice:\n%s", r.Body)
	}
	form := url.Values{"title": {"Sinh hoạt chuyên đề"}, "date": {"2026-12-16"}, "start": {"08:00"}, "end": {"10:00"},
		"location": {"Hội trường UBND huyện Long Thành"}, "apply": {"all"}}
	if r := f.Post(second+"/edit", form); r.Status != 400 || !strings.Contains(r.Body, `id="err-apply"`) {
		t.Errorf("a bad series choice: %d", r.Status)
	}
	form.Set("apply", "following")
	if r := f.Post(second+"/edit", form); r.Status != 303 || r.Location != second+"?updated=2" {
		t.Fatalf("following: %d %q\n%s", r.Status, r.Location, r.Body)
	}
	for i, want := range []string{"Phòng họp Trung tâm", "Hội trường UBND huyện Long Thành", "Hội trường UBND huyện Long Thành"} {
		if got := getSession(t, s, all[i].ID); got.Location != want || !got.StartsAt.Equal(all[i].StartsAt) {
			t.Errorf("occurrence %d: %q at %v, want %q at %v", i+1, got.Location, got.StartsAt, want, all[i].StartsAt)
		}
	}
}

// Team leaders and leadership read the session page without the edit and
// cancel forms, and may neither open nor post them.
func TestOnlyStaffEditOrCancelFromThePage(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{Clock: clock.NewManual(monday)})
	coord := s.LoginDemo(t, apptest.Coordinator)
	wed := time.Date(2026, 12, 9, 1, 0, 0, 0, time.UTC)
	x := newSession(t, s, coord, times(wed, 3*time.Hour))
	page := "/sessions/" + x.ID
	for _, who := range []string{s.Find(t, "team_leader", "NT").Email, apptest.Leadership} {
		f := s.Forms(t, s.LoginDemo(t, who))
		r := f.Get(page)
		if r.Status != 200 || strings.Contains(r.Body, page+"/edit") || strings.Contains(r.Body, page+"/cancel") {
			t.Errorf("%s: the session page offers editing: %d", who, r.Status)
		}
		for _, path := range []string{page + "/edit", page + "/cancel"} {
			if r := f.Get(path); r.Status != 403 {
				t.Errorf("%s opens %s: %d", who, path, r.Status)
			}
		}
		f.Get(page) // a fresh CSRF token: the refusal is the policy's
		if r := f.Post(page+"/edit", url.Values{"title": {"x"}, "date": {"2026-12-10"}, "start": {"08:00"}, "end": {"09:00"}, "location": {"y"}}); r.Status != 403 {
			t.Errorf("%s posts the edit form: %d", who, r.Status)
		}
		if r := f.Post(page+"/cancel", url.Values{"reason": {"x"}, "confirm": {"yes"}}); r.Status != 403 {
			t.Errorf("%s posts the cancel form: %d", who, r.Status)
		}
	}
	if got := getSession(t, s, x.ID); got.Status != scheduling.StatusScheduled || !got.StartsAt.Equal(wed) || got.Title != x.Title {
		t.Errorf("the session changed: %+v", got)
	}
}
