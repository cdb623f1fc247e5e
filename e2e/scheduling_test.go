package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/clock"
)

// A coordinator at a desktop schedules a session for district NT starting
// in ten minutes and invites the district; a CTV on a phone answers the
// invitation from its link; the coordinator puts up the check-in screen and
// the CTV checks in with its code; the roster shows the CTV present.
func TestCoordinatorSchedulesAndCTVChecksIn(t *testing.T) {
	t.Parallel()
	// The server's clock stands still at 09:50 tomorrow in Vietnam, so that
	// the session's day has room and the check-in code does not turn over
	// while the test types it.
	vn := time.FixedZone("ICT", 7*3600)
	day := time.Now().In(vn).AddDate(0, 0, 1)
	now := time.Date(day.Year(), day.Month(), day.Day(), 9, 50, 0, 0, vn)
	// The check-in screen reloads itself every 5 s instead of 20 s.
	const refresh = 5 * time.Second
	srv, desk := Start(t, 1280, 800, apptest.Options{Clock: clock.NewManual(now), ScreenRefresh: refresh})
	ctv := srv.Find(t, "ctv", "NT")

	login(t, desk, srv, apptest.Coordinator, apptest.DemoPassword)
	Open(t, desk, srv.URL+"/sessions/new")
	Do(t, desk, "fill in the session",
		chromedp.SendKeys(chromedp.ID("title"), "Tập huấn kỹ năng tư vấn khuyến công"),
		chromedp.SetValue(chromedp.ID("course_code"), "KC-101"),
		chromedp.SetValue(chromedp.ID("date"), now.Format("2006-01-02")),
		chromedp.SetValue(chromedp.ID("start"), "10:00"),
		chromedp.SetValue(chromedp.ID("end"), "12:00"),
		chromedp.SendKeys(chromedp.ID("location"), "Hội trường UBND huyện Nhơn Trạch"),
		chromedp.SetValue(chromedp.ID("area_code"), "NT"),
		chromedp.SendKeys(chromedp.ID("trainer"), "ThS. Lê Văn Hùng"),
	)
	Load(t, desk, "create the session", chromedp.Click(chromedp.CSS(`#session-form button[type=submit]`)))
	loc := Run(t, desk, "read the location", chromedp.Location())
	id, ok := strings.CutPrefix(loc, srv.URL+"/sessions/")
	if !ok || !strings.HasSuffix(id, "?created=1") {
		t.Fatalf("creating led to %s, want the session's page", loc)
	}
	id = strings.TrimSuffix(id, "?created=1")
	x := stored(t, srv.App.Scheduling.Get, id)
	if want := now.Add(10 * time.Minute); !x.StartsAt.Equal(want) || x.AreaCode != "NT" || x.CourseCode != "KC-101" {
		t.Errorf("stored session starts %v in %s (course %s), want %v in NT", x.StartsAt, x.AreaCode, x.CourseCode, want)
	}
	if when := Run(t, desk, "read when", chromedp.Text(chromedp.ID("when"))); when != "10:00–12:00, "+now.Format("02/01/2006") {
		t.Errorf("the session page says %q", when)
	}

	// The invite form offers the session's district first.
	if got := Run(t, desk, "read the district to invite", chromedp.Evaluate[string](`document.getElementById("invite_area").value`)); got != "NT" {
		t.Errorf("the invite form proposes %q", got)
	}
	Load(t, desk, "invite the district", chromedp.Click(chromedp.CSS(`#invite button[type=submit]`)))
	if notice := Run(t, desk, "read the notice", chromedp.Text(chromedp.ID("invited"))); !strings.HasPrefix(notice, "Đã mời thêm ") {
		t.Errorf("after inviting the page says %q", notice)
	}
	row := Run(t, desk, "read the CTV's invitation", chromedp.Text(chromedp.CSS(fmt.Sprintf(`#invitations tr[data-id=%q]`, ctv.ID))))
	if !strings.Contains(row, ctv.FullName) || !strings.Contains(row, "Chưa trả lời") {
		t.Errorf("the invitation of %s reads %q", ctv.FullName, row)
	}

	// The CTV answers from the link of the invitation mail, on a phone.
	phone := NewBrowser(t, phoneWidth, phoneHeight)
	Open(t, phone, srv.App.Scheduling.RSVPURL(id, ctv.ID))
	assertFits(t, phone, phoneWidth)
	Load(t, phone, "accept", chromedp.Click(chromedp.ID("accept")))
	if got := Run(t, phone, "read the answer", chromedp.Text(chromedp.ID("response"))); got != "Tham dự" {
		t.Errorf("after accepting the page shows %q", got)
	}

	// The coordinator puts up the check-in screen in a window of its own
	// (the room's projector), closed once it has been seen to reload.
	screen, closeScreen := chromedp.NewContext(desk)
	defer closeScreen()
	Open(t, screen, srv.URL+"/sessions/"+id+"/checkin-screen")
	// One step reads the screen and leaves a mark on the page: it reloads
	// itself every few seconds, and a reload between two steps would fail
	// the second.
	type shown struct {
		Code string `json:"code"`
		QR   bool   `json:"qr"`
		Link string `json:"link"`
	}
	sc := Run(t, screen, "read the screen", chromedp.Evaluate[shown](`(() => {
		window.__beforeReload = true;
		const i = document.getElementById("qr");
		return {code: document.getElementById("code").textContent.trim(),
			qr: i.complete && i.naturalWidth > 0 && i.src.startsWith("data:image/png;base64,"),
			link: document.getElementById("checkin-link").href};
	})()`))
	code, link := sc.Code, sc.Link
	if len(code) != 6 {
		t.Fatalf("the screen shows %q, want a 6-digit code", code)
	}
	if !sc.QR {
		t.Error("the QR code image is not shown")
	}
	// It reloads itself by its script, which the CSP lets run (the meta
	// refresh is only for browsers without JavaScript): the mark is gone
	// within the refresh period.
	reloaded := false
	for deadline := time.Now().Add(refresh + 10*time.Second); !reloaded && time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
		v, err := chromedp.Run(screen, chromedp.Evaluate[bool](`window.__beforeReload === undefined && document.getElementById("code") !== null`))
		reloaded = err == nil && v
	}
	if !reloaded {
		t.Errorf("the check-in screen did not reload itself within %s", refresh+10*time.Second)
	}
	closeScreen()

	// The CTV signs in on the phone, opens the link of the QR code and types the code.
	login(t, phone, srv, ctv.Email, apptest.DemoPassword)
	Open(t, phone, link)
	assertFits(t, phone, phoneWidth)
	Do(t, phone, "type the code", chromedp.SendKeys(chromedp.ID("code"), code))
	Load(t, phone, "check in", chromedp.Click(chromedp.CSS(`#checkin-form button[type=submit]`)))
	if got := Run(t, phone, "read the result", chromedp.Text(chromedp.ID("result"))); got != "Đã điểm danh: Có mặt" {
		t.Errorf("after checking in the page says %q", got)
	}
	assertFits(t, phone, phoneWidth)

	// The roster shows the CTV present.
	Open(t, desk, srv.URL+"/sessions/"+id+"/roster")
	checked := Run(t, desk, "read the CTV's mark", chromedp.Evaluate[string](
		fmt.Sprintf(`(document.querySelector('input[name="st.%s"]:checked') || {}).value || ""`, ctv.ID)))
	if checked != "present" {
		t.Errorf("the roster marks %s %q, want present", ctv.FullName, checked)
	}
}
