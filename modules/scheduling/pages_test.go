package scheduling_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"html"
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

func TestWeekPageGroupsByDayWithinScope(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{Clock: clock.NewManual(monday)})
	coord := s.LoginDemo(t, apptest.Coordinator)
	wed := time.Date(2026, 12, 9, 1, 0, 0, 0, time.UTC) // 08:00 in Vietnam
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
		`value="Hội trường xã Phước An"`, `value="nhiều"`} {
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

func TestInviteFromTheSessionPage(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{Clock: clock.NewManual(monday)})
	coord := s.LoginDemo(t, apptest.Coordinator)
	wed := time.Date(2026, 12, 9, 1, 0, 0, 0, time.UTC)
	x := newSession(t, s, coord, times(wed, 3*time.Hour))
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

func TestRosterMarksAttendanceInBulk(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	clk := clock.NewManual(start.Add(-2 * time.Hour))
	s, coord, x := started(t, apptest.Options{Clock: clk}, start, 3*time.Hour)
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
	if r := f.Post(roster, url.Values{"walkin_code": {"ZZ-999"}}); r.Status != 400 || !strings.Contains(r.Body, "Không tìm thấy cộng tác viên có mã này.") {
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
	start := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	clk := clock.NewManual(start.Add(-10 * time.Minute))
	s, coord, x := started(t, apptest.Options{Clock: clk}, start, 3*time.Hour)
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
