package scheduling_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/ctvacademy/academy/modules/scheduling"
)

var (
	csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	codeShown = regexp.MustCompile(`<p class="code" id="code">(\d{6})</p>`)
	qrImage   = regexp.MustCompile(`<img id="qr" class="qr" src="data:image/png;base64,([A-Za-z0-9+/=]+)"`)
)

// formClient is a browser without JavaScript: it keeps the session and
// CSRF cookies, follows no redirect and posts forms with the CSRF token of
// the last page it read.
type formClient struct {
	t    *testing.T
	s    *apptest.Server
	c    *http.Client
	csrf string
}

func newFormClient(t *testing.T, s *apptest.Server, token string) *formClient {
	t.Helper()
	c := apptest.Browser(t)
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	c.Jar.SetCookies(u, []*http.Cookie{{Name: web.SessionCookie, Value: token, Path: "/"}})
	return &formClient{t: t, s: s, c: c}
}

// shown is a page as the client received it.
type shown struct {
	status   int
	location string
	header   http.Header
	body     string
}

func (f *formClient) do(req *http.Request) shown {
	f.t.Helper()
	req.Header.Set("Accept", "text/html")
	resp, err := f.c.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	if m := csrfInput.FindSubmatch(b); m != nil {
		f.csrf = string(m[1])
	}
	return shown{status: resp.StatusCode, location: resp.Header.Get("Location"), header: resp.Header, body: string(b)}
}

func (f *formClient) get(path string) shown {
	f.t.Helper()
	req, err := http.NewRequest("GET", f.s.URL+path, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.do(req)
}

// post sends form, with the CSRF token of the last page read unless the
// form has one.
func (f *formClient) post(path string, form url.Values) shown {
	f.t.Helper()
	if _, set := form["_csrf"]; !set && f.csrf != "" {
		form.Set("_csrf", f.csrf)
	}
	req, err := http.NewRequest("POST", f.s.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return f.do(req)
}

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
	f := newFormClient(t, s, s.LoginDemo(t, apptest.Coordinator))
	r := f.get("/sessions/new")
	if r.status != 200 || !strings.Contains(r.body, `<option value="KC-101">`) || !strings.Contains(r.body, `<option value="NT">Huyện Nhơn Trạch</option>`) {
		t.Fatalf("form: %d\n%s", r.status, r.body)
	}
	form := url.Values{"title": {"Tập huấn kỹ năng tư vấn"}, "course_code": {"KC-101"}, "date": {"2026-12-09"}, "start": {"08:00"},
		"end": {"11:30"}, "location": {"Hội trường xã Phước An"}, "area_code": {"NT"}, "capacity": {"30"}, "trainer": {"ThS. Lê Văn Hùng"}, "repeat": {""}}
	r = f.post("/sessions", form)
	id, ok := strings.CutPrefix(r.location, "/sessions/")
	if r.status != 303 || !ok || !strings.HasSuffix(id, "?created=1") {
		t.Fatalf("create: %d → %q\n%s", r.status, r.location, r.body)
	}
	id = strings.TrimSuffix(id, "?created=1")
	x := getSession(t, s, id)
	if !x.StartsAt.Equal(time.Date(2026, 12, 9, 1, 0, 0, 0, time.UTC)) || !x.EndsAt.Equal(time.Date(2026, 12, 9, 4, 30, 0, 0, time.UTC)) ||
		x.AreaCode != "NT" || x.Capacity != 30 || x.CourseCode != "KC-101" || x.Trainer != "ThS. Lê Văn Hùng" || x.Recurrence != "" {
		t.Errorf("stored %+v", x)
	}
	page := f.get(r.location)
	if page.status != 200 || !strings.Contains(page.body, "Đã tạo 1 buổi tập huấn.") || !strings.Contains(page.body, "08:00–11:30, 09/12/2026") {
		t.Errorf("session page after creating: %d\n%s", page.status, page.body)
	}

	// Weekly repetition makes a series.
	form.Set("repeat", "3")
	r = f.post("/sessions", form)
	if r.status != 303 || !strings.HasSuffix(r.location, "?created=3") {
		t.Fatalf("series: %d %q", r.status, r.location)
	}
	first := getSession(t, s, strings.TrimSuffix(strings.TrimPrefix(r.location, "/sessions/"), "?created=3"))
	all, err := s.App.Scheduling.List(context.Background(), authz.All, scheduling.Query{SeriesID: first.SeriesID})
	if err != nil || len(all) != 3 || first.Recurrence != "FREQ=WEEKLY;COUNT=3" || !all[2].StartsAt.Equal(first.StartsAt.AddDate(0, 0, 14)) {
		t.Errorf("series: %d sessions, %v", len(all), err)
	}

	// Problems come back on the form, in Vietnamese, with what was typed.
	bad := url.Values{"title": {""}, "date": {"2026-12-09"}, "start": {"11:00"}, "end": {"08:00"}, "location": {"Hội trường xã Phước An"},
		"capacity": {"nhiều"}, "repeat": {"99"}}
	r = f.post("/sessions", bad)
	if r.status != 400 {
		t.Fatalf("bad form: %d", r.status)
	}
	for _, want := range []string{"Biểu mẫu còn lỗi", `id="err-title"`, "Hãy nhập tên buổi tập huấn", `id="err-capacity"`, `id="err-repeat"`,
		`value="Hội trường xã Phước An"`, `value="nhiều"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the bad form lacks %q", want)
		}
	}
	bad.Set("capacity", "")
	bad.Set("repeat", "")
	bad.Set("title", "Buổi sai giờ")
	if r = f.post("/sessions", bad); r.status != 400 || !strings.Contains(r.body, "Giờ kết thúc phải sau giờ bắt đầu") {
		t.Errorf("end before start: %d", r.status)
	}
	if r = f.post("/sessions", url.Values{"_csrf": {"forged"}, "title": {"x"}}); r.status != 403 {
		t.Errorf("a forged CSRF token: %d", r.status)
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
	x := newSession(t, s, coord, map[string]any{"starts_at": wed.Format(time.RFC3339), "ends_at": wed.Add(3 * time.Hour).Format(time.RFC3339)})
	f := newFormClient(t, s, coord)
	if r := f.get("/sessions/" + x.ID); r.status != 200 || !strings.Contains(r.body, `action="/sessions/`+x.ID+`/invite"`) {
		t.Fatalf("session page: %d", r.status)
	}
	r := f.post("/sessions/"+x.ID+"/invite", url.Values{"area_code": {"NT"}, "role": {""}})
	if r.status != 303 {
		t.Fatalf("invite: %d %s", r.status, r.body)
	}
	invs, err := s.App.Scheduling.Invitations(context.Background(), authz.All, x.ID)
	if err != nil || len(invs) == 0 {
		t.Fatalf("invitations: %d %v", len(invs), err)
	}
	page := f.get(r.location)
	if !strings.Contains(page.body, "Đã mời thêm "+strconv.Itoa(len(invs))+" người (0 người đã được mời trước đó).") {
		t.Errorf("no notice of the invitation:\n%s", page.body)
	}
	ctv := s.Find(t, "ctv", "NT")
	row := regexp.MustCompile(`(?s)<tr data-id="` + ctv.ID + `">(.*?)</tr>`).FindStringSubmatch(page.body)
	if row == nil || !strings.Contains(row[1], ctv.FullName) || !strings.Contains(row[1], "Huyện Nhơn Trạch") || !strings.Contains(row[1], "Chưa trả lời") {
		t.Errorf("the invitations table does not show %s: %v", ctv.FullName, row)
	}
	for _, link := range []string{"/sessions/" + x.ID + "/roster", "/sessions/" + x.ID + "/checkin-screen", "/api/v1/attendance/export.csv?session_id=" + x.ID} {
		if !strings.Contains(page.body, `href="`+link+`"`) {
			t.Errorf("no link to %s", link)
		}
	}
	if r := f.post("/sessions/"+x.ID+"/invite", url.Values{}); r.status != 400 || !strings.Contains(r.body, "Hãy chọn đơn vị hoặc vai trò") {
		t.Errorf("invite nobody: %d", r.status)
	}
	// Leadership reads the page without the invite form, and may not post it.
	lead := newFormClient(t, s, s.LoginDemo(t, apptest.Leadership))
	if r := lead.get("/sessions/" + x.ID); r.status != 200 || strings.Contains(r.body, "/invite") {
		t.Errorf("leadership's session page: %d", r.status)
	}
	if r := lead.post("/sessions/"+x.ID+"/invite", url.Values{"area_code": {"LT"}}); r.status != 403 {
		t.Errorf("leadership invites: %d", r.status)
	}
}

func TestRosterMarksAttendanceInBulk(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	clk := clock.NewManual(start.Add(-2 * time.Hour))
	s := apptest.Start(t, apptest.Options{Clock: clk})
	coord := s.LoginDemo(t, apptest.Coordinator)
	x := newSession(t, s, coord, map[string]any{"starts_at": start.Format(time.RFC3339), "ends_at": start.Add(3 * time.Hour).Format(time.RFC3339)})
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

	f := newFormClient(t, s, coord)
	roster := "/sessions/" + x.ID + "/roster"
	r := f.get(roster)
	if r.status != 200 || !strings.Contains(r.body, `name="st.`+a+`" value="present"`) || !strings.Contains(r.body, `<option value="`+walkIn+`">`) {
		t.Fatalf("roster: %d\n%s", r.status, r.body)
	}
	if strings.Contains(r.body, `<option value="`+a+`">`) {
		t.Error("an invitee is offered as a walk-in")
	}
	// Two hours early: nothing can be marked yet.
	if r := f.post(roster, url.Values{"st." + a: {"present"}, "action": {"save"}}); r.status != 422 || !strings.Contains(r.body, "Chỉ điểm danh được từ 30 phút trước giờ bắt đầu.") {
		t.Errorf("marking before the start: %d", r.status)
	}

	clk.Set(start.Add(10 * time.Minute))
	r = f.post(roster, url.Values{"st." + a: {"late"}, "walkin": {walkIn}, "action": {"save"}})
	if r.status != 303 || r.location != roster+"?saved=2" {
		t.Fatalf("save: %d %q %s", r.status, r.location, r.body)
	}
	got := getSession(t, s, x.ID)
	if markOf(got, a) != "late" || markOf(got, walkIn) != "present" || markOf(got, b) != "" {
		t.Fatalf("marks %+v", got.Attendance)
	}
	page := f.get(r.location)
	if !strings.Contains(page.body, "Đã lưu 2 dòng điểm danh.") || !strings.Contains(page.body, `name="st.`+a+`" value="late" checked`) ||
		!strings.Contains(page.body, `<li data-id="`+walkIn+`" data-status="present">`) {
		t.Errorf("the sheet after saving:\n%s", page.body)
	}
	// "Mark all unmarked present" keeps the marks already made.
	r = f.post(roster, url.Values{"st." + a: {"late"}, "st." + walkIn: {"present"}, "action": {"all_present"}})
	got = getSession(t, s, x.ID)
	if r.status != 303 || r.location != roster+"?saved=1" || markOf(got, b) != "present" || markOf(got, a) != "late" {
		t.Errorf("all present: %d %q %+v", r.status, r.location, got.Attendance)
	}
	// A walk-in by code; an unknown code is refused.
	d := s.Collaborators(t)
	var code, codeID string
	for _, c := range d {
		if c.ID == nt[3] {
			code, codeID = c.Code, c.ID
		}
	}
	if r := f.post(roster, url.Values{"walkin_code": {strings.ToLower(code)}, "action": {"save"}}); r.status != 303 || markOf(getSession(t, s, x.ID), codeID) != "present" {
		t.Errorf("walk-in by code %s: %d", code, r.status)
	}
	if r := f.post(roster, url.Values{"walkin_code": {"ZZ-999"}}); r.status != 400 || !strings.Contains(r.body, "Không tìm thấy cộng tác viên có mã này.") {
		t.Errorf("unknown code: %d", r.status)
	}
	if r := f.post(roster, url.Values{"action": {"save"}}); r.status != 303 || r.location != roster+"?saved=0" {
		t.Errorf("nothing changed: %d %q", r.status, r.location)
	}

	// The NT team leader marks too; another district's may not open it.
	leader := newFormClient(t, s, s.LoginDemo(t, s.Find(t, "team_leader", "NT").Email))
	leader.get(roster)
	if r := leader.post(roster, url.Values{"st." + b: {"excused"}}); r.status != 303 || markOf(getSession(t, s, x.ID), b) != "excused" {
		t.Errorf("the NT team leader marks: %d", r.status)
	}
	if r := s.Page(t, roster, s.LoginDemo(t, s.Find(t, "team_leader", "LT").Email)); r.Status != 404 {
		t.Errorf("the LT team leader opens an NT roster: %d", r.Status)
	}
}

func TestCheckInWithTheScreenCode(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	clk := clock.NewManual(start.Add(-10 * time.Minute))
	s := apptest.Start(t, apptest.Options{Clock: clk})
	coord := s.LoginDemo(t, apptest.Coordinator)
	x := newSession(t, s, coord, map[string]any{"starts_at": start.Format(time.RFC3339), "ends_at": start.Add(3 * time.Hour).Format(time.RFC3339)})
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
	if !strings.Contains(body, `<meta http-equiv="refresh" content="20">`) || r.Header.Get("Refresh") != "20" || !strings.Contains(body, s.URL+"/checkin/"+x.ID) {
		t.Error("the screen does not refresh itself or link the check-in page")
	}
	if r := s.Page(t, "/sessions/"+x.ID+"/checkin-screen", s.LoginDemo(t, ctv.Email)); r.Status != 403 {
		t.Errorf("a CTV opens the screen: %d", r.Status)
	}

	// The invitee finds the session among theirs, with the check-in link.
	f := newFormClient(t, s, s.LoginDemo(t, ctv.Email))
	mine := f.get("/me/sessions")
	if mine.status != 200 || !strings.Contains(mine.body, `href="/checkin/`+x.ID+`"`) || !strings.Contains(mine.body, s.App.Scheduling.RSVPURL(x.ID, ctv.ID)) {
		t.Errorf("my sessions: %d\n%s", mine.status, mine.body)
	}
	page := "/checkin/" + x.ID
	if r := f.get(page); r.status != 200 || !strings.Contains(r.body, `id="checkin-form"`) {
		t.Fatalf("check-in page: %d", r.status)
	}
	wrong := "000000"
	if want == wrong {
		wrong = "111111"
	}
	if r := f.post(page, url.Values{"code": {wrong}}); r.status != 422 || !strings.Contains(r.body, "Mã không đúng hoặc đã hết hạn.") {
		t.Errorf("a wrong code: %d\n%s", r.status, r.body)
	}
	if r := f.post(page, url.Values{"code": {"12"}}); r.status != 400 || !strings.Contains(r.body, "Mã điểm danh gồm 6 chữ số.") {
		t.Errorf("a short code: %d", r.status)
	}
	if markOf(getSession(t, s, x.ID), ctv.ID) != "" {
		t.Fatal("a refused code marked attendance")
	}
	r2 := f.post(page, url.Values{"code": {want}})
	if r2.status != 303 || r2.location != page {
		t.Fatalf("check in: %d %q\n%s", r2.status, r2.location, r2.body)
	}
	if done := f.get(page); !strings.Contains(done.body, `<p class="notice" role="status" id="result">Đã điểm danh: Có mặt</p>`) {
		t.Errorf("after checking in:\n%s", done.body)
	}
	if markOf(getSession(t, s, x.ID), ctv.ID) != "present" {
		t.Error("the check-in was not recorded")
	}

	// A CTV of another district is refused, in Vietnamese.
	other := newFormClient(t, s, s.LoginDemo(t, s.Find(t, "ctv", "LT").Email))
	if r := other.get(page); r.status != 404 || !strings.Contains(r.body, "không điểm danh được") {
		t.Errorf("another district's CTV opens the page: %d", r.status)
	}
	if r := other.post(page, url.Values{"code": {want}}); (r.status != 403 && r.status != 404) || !strings.Contains(r.body, "không điểm danh được") {
		t.Errorf("another district's CTV checks in: %d", r.status)
	}
	// After the end the page says check-in is closed.
	clk.Set(start.Add(4 * time.Hour))
	late := newFormClient(t, s, s.LoginDemo(t, s.Find(t, "team_leader", "NT").Email))
	if r := late.get(page); r.status != 200 || !strings.Contains(r.body, "hết giờ điểm danh") || strings.Contains(r.body, `id="checkin-form"`) {
		t.Errorf("after the end: %d", r.status)
	}
}
