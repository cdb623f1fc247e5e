package scheduling_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/mail/mailtest"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"github.com/ctvacademy/academy/modules/scheduling"
	"github.com/xuri/excelize/v2"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type created struct {
	Items []scheduling.SessionView `json:"items"`
	Total int                      `json:"total"`
}

// times is a session's start and end as the API takes them.
func times(start time.Time, length time.Duration) map[string]any {
	return map[string]any{"starts_at": start.Format(time.RFC3339), "ends_at": start.Add(length).Format(time.RFC3339)}
}

// with is fields with more set (a request body).
func with(fields, more map[string]any) map[string]any {
	maps.Copy(fields, more)
	return fields
}

// started starts the service with opts, signs the coordinator in and
// schedules a session at start lasting length.
func started(t *testing.T, opts apptest.Options, start time.Time, length time.Duration) (*apptest.Server, string, scheduling.SessionView) {
	t.Helper()
	s := apptest.Start(t, opts)
	coord := s.LoginDemo(t, apptest.Coordinator)
	return s, coord, newSession(t, s, coord, times(start, length))
}

// classStart is 08:00 in Vietnam on Monday 7 December 2026.
var classStart = time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)

// class is started with a three-hour session at classStart, the clock at
// classStart plus offset.
func class(t *testing.T, offset time.Duration) (*apptest.Server, string, scheduling.SessionView, *clock.Manual) {
	t.Helper()
	clk := clock.NewManual(classStart.Add(offset))
	s, coord, x := started(t, apptest.Options{Clock: clk}, classStart, 3*time.Hour)
	return s, coord, x, clk
}

func newSession(t *testing.T, s *apptest.Server, tok string, body map[string]any) scheduling.SessionView {
	t.Helper()
	in := map[string]any{"course_code": "KC-101", "title": "Tập huấn chính sách khuyến công", "location": "Hội trường UBND huyện Nhơn Trạch",
		"area_code": "NT", "trainer": "ThS. Lê Văn Hùng"}
	for k, v := range body {
		in[k] = v
	}
	r := s.Do(t, "POST", "/api/v1/sessions", tok, in)
	if r.Status != 201 {
		t.Fatalf("create session: %d %s", r.Status, r.Body)
	}
	var c created
	r.JSON(t, &c)
	return c.Items[0]
}

// waitOutboxEmpty waits until no message is live in the outbox.
func waitOutboxEmpty(t *testing.T, s *apptest.Server) {
	t.Helper()
	apptest.Await(t, 30*time.Second, "messages still live", func() (int, error) {
		n, err := s.App.DB.Collection("mail_outbox").CountDocuments(context.Background(), map[string]any{})
		return int(n), err
	})
}

func partOf(t *testing.T, r mailtest.Received, mediaType string) mailtest.Part {
	t.Helper()
	for _, p := range r.Parts {
		if p.MediaType == mediaType && p.Filename == "" {
			return p
		}
	}
	t.Fatalf("no %s part in %q", mediaType, r.Subject)
	return mailtest.Part{}
}

// attachmentOf is r's calendar attachment (a part with a file name).
func attachmentOf(t *testing.T, r mailtest.Received) mailtest.Part {
	t.Helper()
	for _, p := range r.Parts {
		if p.Filename != "" && strings.HasSuffix(p.Filename, ".ics") {
			return p
		}
	}
	t.Fatalf("no .ics attachment in %q", r.Subject)
	return mailtest.Part{}
}

func unfold(ics string) string {
	return strings.ReplaceAll(strings.ReplaceAll(ics, "\r\n ", ""), "\r\n", "\n")
}

// attendeeLine is the ATTENDEE line of an unfolded calendar.
func attendeeLine(ics string) string {
	for line := range strings.SplitSeq(ics, "\n") {
		if strings.HasPrefix(line, "ATTENDEE;") || strings.HasPrefix(line, "ATTENDEE:") {
			return line
		}
	}
	return ""
}

var rsvpLink = regexp.MustCompile(`http://[^\s"<>]+/rsvp/[A-Za-z0-9_-]{32}`)

func TestInviteMailOverSMTPUpdateAndCancel(t *testing.T) {
	t.Parallel()
	srv := mailtest.New(t)
	start := time.Now().Add(72 * time.Hour).Truncate(time.Minute)
	s, coord, x := started(t, apptest.Options{SMTPURL: srv.URL()}, start, 3*time.Hour)

	a, b := s.Find(t, "ctv", "NT"), s.Find(t, "team_leader", "NT")
	r := s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/invitations", coord, map[string]any{"collaborator_ids": []string{a.ID, b.ID}})
	if r.Status != 200 {
		t.Fatalf("invite: %d %s", r.Status, r.Body)
	}
	got := srv.Wait(t, 2)
	var m mailtest.Received
	for _, g := range got {
		if strings.Contains(g.Header.Get("To"), a.Email) {
			m = g
		}
	}
	if m.Subject != "Thư mời tập huấn: Tập huấn chính sách khuyến công" {
		t.Errorf("subject decoded as %q", m.Subject)
	}
	text := partOf(t, m, "text/plain").Body
	html := partOf(t, m, "text/html").Body
	if !strings.Contains(text, "Kính gửi "+a.FullName) || !strings.Contains(html, "<strong>Tập huấn chính sách khuyến công</strong>") {
		t.Errorf("bodies:\n%s\n%s", text, html)
	}
	// Nothing reads the replies a calendar app mails to the organizer:
	// the mail says that only the link records an answer.
	const onlyLink = "Trung tâm chỉ ghi nhận câu trả lời qua liên kết này"
	if !strings.Contains(text, onlyLink) || !strings.Contains(html, onlyLink) {
		t.Errorf("the mail does not say that only its link records an answer:\n%s\n%s", text, html)
	}
	cal := partOf(t, m, "text/calendar")
	if cal.Params["method"] != "REQUEST" {
		t.Errorf("calendar part params %v", cal.Params)
	}
	ics := unfold(cal.Body)
	for _, want := range []string{"METHOD:REQUEST", "UID:" + x.ID + "@ctv-academy", "SEQUENCE:0",
		"DTSTART:" + start.UTC().Format("20060102T150405Z"), "DTEND:" + start.Add(3*time.Hour).UTC().Format("20060102T150405Z"),
		"LOCATION:Hội trường UBND huyện Nhơn Trạch", "ORGANIZER;CN=", "mailto:academy@example.vn", "ATTENDEE;", "mailto:" + a.Email, "DESCRIPTION:",
		onlyLink} {
		if !strings.Contains(ics, want) {
			t.Errorf("iCalendar lacks %q:\n%s", want, ics)
		}
	}
	if !strings.Contains(cal.Body, "\r\n") {
		t.Error("iCalendar lines do not end in CRLF")
	}
	// Nor does the calendar part ask for one: no Yes/No buttons that would
	// mail an answer nobody records.
	if attendee := attendeeLine(ics); !strings.Contains(attendee, ";RSVP=FALSE") || !strings.Contains(attendee, ";PARTSTAT=NEEDS-ACTION") {
		t.Errorf("the invitation's ATTENDEE is %q, want PARTSTAT=NEEDS-ACTION and RSVP=FALSE", attendee)
	}
	// The attachment says what it is, in Vietnamese words without accents.
	if att := attachmentOf(t, m); att.Filename != "moi-tap-huan.ics" || unfold(att.Body) != ics {
		t.Errorf("the invitation's attachment is %q (%s)", att.Filename, att.MediaType)
	}
	link := rsvpLink.FindString(text)
	if link == "" {
		t.Fatalf("no RSVP link in %s", text)
	}

	// The invitation list shows delivery (recorded just after the server
	// answered) and response.
	invs := awaitSent(t, s, coord, x.ID, 2)
	for _, inv := range invs {
		if inv.Response != "pending" {
			t.Fatalf("invitations %+v", invs)
		}
	}
	// Inviting again creates nothing new and sends nothing.
	var again scheduling.InviteResult
	s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/invitations", coord, map[string]any{"collaborator_ids": []string{a.ID}}).JSON(t, &again)
	if len(again.Invited) != 0 || again.AlreadyInvited != 1 {
		t.Errorf("re-invite: %+v", again)
	}

	// The RSVP link works without signing in.
	path := strings.TrimPrefix(link, s.URL)
	page := s.Page(t, path, "")
	if page.Status != 200 || !strings.Contains(string(page.Body), "Tập huấn chính sách khuyến công") {
		t.Fatalf("rsvp page: %d", page.Status)
	}
	// A browser without a session: the form's CSRF token is bound to the
	// cookie its page set.
	visitor := s.Forms(t, "")
	visitor.Get(path)
	if r := visitor.Post(path, url.Values{"answer": {"accept"}}); r.Status != 303 {
		t.Fatalf("rsvp post: %d", r.Status)
	}
	if invs = invitationsOf(t, s, coord, x.ID); invs[a.ID].Response != "accepted" {
		t.Errorf("the answer was not recorded: %+v", invs)
	}
	if r := s.Page(t, "/rsvp/forgedforgedforgedforgedforged12", ""); r.Status != 404 {
		t.Errorf("forged token: %d", r.Status)
	}

	// A reschedule sends an update with a higher SEQUENCE, asking to answer again.
	later := start.Add(24 * time.Hour)
	r = s.Do(t, "PATCH", "/api/v1/sessions/"+x.ID, coord, times(later, 2*time.Hour))
	if r.Status != 200 {
		t.Fatalf("reschedule: %d %s", r.Status, r.Body)
	}
	got = srv.Wait(t, 4)
	update := got[len(got)-1]
	if !strings.HasPrefix(update.Subject, "Đổi lịch tập huấn") {
		t.Errorf("update subject %q", update.Subject)
	}
	if body := partOf(t, update, "text/plain").Body; !strings.Contains(body, onlyLink) {
		t.Errorf("the reschedule notice does not say that only its link records an answer:\n%s", body)
	}
	uics := unfold(partOf(t, update, "text/calendar").Body)
	if attendee := attendeeLine(uics); !strings.Contains(attendee, ";RSVP=FALSE") {
		t.Errorf("the reschedule's ATTENDEE is %q, want RSVP=FALSE", attendee)
	}
	if !strings.Contains(uics, "SEQUENCE:1") || !strings.Contains(uics, "DTSTART:"+later.UTC().Format("20060102T150405Z")) || !strings.Contains(uics, "UID:"+x.ID+"@ctv-academy") {
		t.Errorf("update iCalendar:\n%s", uics)
	}
	if att := attachmentOf(t, update); att.Filename != "doi-lich-tap-huan.ics" {
		t.Errorf("the reschedule's attachment is %q", att.Filename)
	}

	// A cancellation sends METHOD:CANCEL with the reason.
	r = s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/cancel", coord, map[string]any{"reason": "Trùng lịch họp HĐND huyện"})
	if r.Status != 200 {
		t.Fatalf("cancel: %d %s", r.Status, r.Body)
	}
	got = srv.Wait(t, 6)
	cancel := got[len(got)-1]
	cpart := partOf(t, cancel, "text/calendar")
	cics := unfold(cpart.Body)
	if cpart.Params["method"] != "CANCEL" || !strings.Contains(cics, "METHOD:CANCEL") || !strings.Contains(cics, "STATUS:CANCELLED") ||
		!strings.Contains(cics, "SEQUENCE:2") || !strings.Contains(partOf(t, cancel, "text/plain").Body, "Trùng lịch họp HĐND huyện") {
		t.Errorf("cancel mail: %v\n%s", cpart.Params, cics)
	}
	if strings.Contains(cics, "RSVP=") || strings.Contains(cics, "NEEDS-ACTION") {
		t.Errorf("the cancellation asks for a reply (RFC 5546 §3.2.5: none is expected):\n%s", cics)
	}
	// It was attached as invite.ics: a cancellation named an invitation.
	if att := attachmentOf(t, cancel); att.Filename != "huy-tap-huan.ics" || unfold(att.Body) != cics {
		t.Errorf("the cancellation's attachment is %q", att.Filename)
	}
	// The link of a cancelled session is stale.
	if r := s.Page(t, path, ""); r.Status != 410 {
		t.Errorf("rsvp after cancel: %d", r.Status)
	}
	if n := len(srv.Messages()); n != 6 {
		t.Errorf("%d messages in all, want 6", n)
	}
}

func TestParallelAcceptsFillCapacityExactly(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	coord := s.LoginDemo(t, apptest.Coordinator)
	start := time.Now().Add(48 * time.Hour)
	x := newSession(t, s, coord, with(times(start, 2*time.Hour), map[string]any{"capacity": 5, "area_code": ""}))
	var res scheduling.InviteResult
	r := s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/invitations", coord, map[string]any{"role": "ctv"})
	r.JSON(t, &res)
	if len(res.Invited) < 50 {
		t.Fatalf("invited %d: %s", len(res.Invited), r.Body)
	}
	var wg sync.WaitGroup
	for _, id := range res.Invited[:50] {
		wg.Add(1)
		go func(id string) {
			defer wg.Done()
			if _, err := s.App.Scheduling.Answer(context.Background(), s.App.Scheduling.Token(x.ID, id), "accept"); err != nil {
				t.Error(err)
			}
		}(id)
	}
	wg.Wait()
	var got scheduling.SessionView
	s.Do(t, "GET", "/api/v1/sessions/"+x.ID, coord, nil).JSON(t, &got)
	if got.Accepted != 5 || got.Waitlisted != 45 {
		t.Fatalf("accepted %d, waitlisted %d", got.Accepted, got.Waitlisted)
	}
	// A decline promotes the first on the waitlist.
	var invs struct {
		Items []scheduling.InvitationView `json:"items"`
	}
	s.Do(t, "GET", "/api/v1/sessions/"+x.ID+"/invitations", coord, nil).JSON(t, &invs)
	var acceptedID string
	for _, inv := range invs.Items {
		if inv.Response == "accepted" {
			acceptedID = inv.CollaboratorID
		}
	}
	if _, err := s.App.Scheduling.Answer(context.Background(), s.App.Scheduling.Token(x.ID, acceptedID), "decline"); err != nil {
		t.Fatal(err)
	}
	s.Do(t, "GET", "/api/v1/sessions/"+x.ID, coord, nil).JSON(t, &got)
	if got.Accepted != 5 || got.Waitlisted != 44 {
		t.Errorf("after a decline: accepted %d, waitlisted %d", got.Accepted, got.Waitlisted)
	}
}

func TestParallelDuplicateInvitationsMakeOneEach(t *testing.T) {
	t.Parallel()
	start := time.Now().Add(48 * time.Hour)
	s, coord, x := started(t, apptest.Options{}, start, 2*time.Hour)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			body := map[string]any{"area_code": "NT"}
			if i%2 == 1 {
				body = map[string]any{"role": "team_leader"}
			}
			if r := s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/invitations", coord, body); r.Status != 200 {
				t.Errorf("invite: %d %s", r.Status, r.Body)
			}
		}(i)
	}
	wg.Wait()
	var invs struct {
		Items []scheduling.InvitationView `json:"items"`
	}
	s.Do(t, "GET", "/api/v1/sessions/"+x.ID+"/invitations", coord, nil).JSON(t, &invs)
	seen := map[string]int{}
	for _, inv := range invs.Items {
		seen[inv.CollaboratorID]++
	}
	nt := 0
	for _, c := range s.Collaborators(t) {
		if c.AreaCode == "NT" || c.Role == "team_leader" {
			nt++
		}
	}
	if len(seen) != nt || len(invs.Items) != nt {
		t.Errorf("%d invitations for %d people", len(invs.Items), nt)
	}
	// And one invitation mail each, queued or delivered (the worker is
	// delivering meanwhile: mailKeys counts messages, not documents).
	if mails := mailKeys(t, s, map[string]any{}); len(mails) != nt {
		t.Errorf("%d mails for %d invitations", len(mails), nt)
	}
}

func TestCheckInAttendanceAndExport(t *testing.T) {
	t.Parallel()
	clk := clock.NewManual(time.Date(2026, 12, 7, 0, 30, 0, 0, time.UTC))
	start := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC) // 08:00 in Vietnam
	s, coord, x := started(t, apptest.Options{Clock: clk}, start, 3*time.Hour)
	invitee := s.Find(t, "ctv", "NT")
	s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/invitations", coord, map[string]any{"collaborator_ids": []string{invitee.ID}})
	tokInvitee := s.LoginDemo(t, invitee.Email)
	other := s.Find(t, "ctv", "LT")
	tokOther := s.LoginDemo(t, other.Email)
	var walkIn = s.Find(t, "team_leader", "NT")
	tokWalkIn := s.LoginDemo(t, walkIn.Email)

	code := func() string {
		c, _, _, err := s.App.Scheduling.CurrentCode(context.Background(), authz.All, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// Too early: 45 minutes before.
	clk.Set(start.Add(-45 * time.Minute))
	if r := s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/checkin", tokInvitee, map[string]string{"code": code()}); r.Status != 422 {
		t.Errorf("check-in before the window: %d %s", r.Status, r.Body)
	}
	clk.Set(start.Add(5 * time.Minute))
	stale := code()
	clk.Advance(3 * time.Minute)
	if r := s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/checkin", tokInvitee, map[string]string{"code": stale}); r.Status != 422 || !r.Problem(t).HasField("code") {
		t.Errorf("stale code: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/checkin", tokOther, map[string]string{"code": code()}); r.Status != 404 && r.Status != 403 {
		t.Errorf("another district: %d %s", r.Status, r.Body)
	}
	var mk scheduling.MarkView
	r := s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/checkin", tokInvitee, map[string]string{"code": code()})
	if r.Status != 200 {
		t.Fatalf("check-in: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &mk)
	if mk.Status != "present" || mk.WalkIn {
		t.Errorf("mark %+v", mk)
	}
	first := mk
	clk.Advance(20 * time.Minute)
	s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/checkin", tokWalkIn, map[string]string{"code": code()}).JSON(t, &mk)
	if mk.Status != "late" || !mk.WalkIn {
		t.Errorf("district walk-in: %+v", mk)
	}
	// Checking in again, late now, answers the first mark and keeps it.
	var again scheduling.MarkView
	s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/checkin", tokInvitee, map[string]string{"code": code()}).JSON(t, &again)
	if again != first {
		t.Errorf("a second check-in answered %+v, want the first mark %+v", again, first)
	}
	clk.Set(start.Add(4 * time.Hour))
	if r := s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/checkin", tokInvitee, map[string]string{"code": code()}); r.Status != 422 {
		t.Errorf("after the end: %d", r.Status)
	}

	// The coordinator corrects the sheet and adds someone absent.
	absent := s.Find(t, "ctv", "TB")
	r = s.Do(t, "PUT", "/api/v1/sessions/"+x.ID+"/attendance", coord, []map[string]string{
		{"collaborator_id": walkIn.ID, "status": "present"}, {"collaborator_id": absent.ID, "status": "absent"}})
	if r.Status != 200 {
		t.Fatalf("attendance: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "PUT", "/api/v1/sessions/"+x.ID+"/attendance", coord, []map[string]string{{"collaborator_id": "nobody", "status": "present"}, {"collaborator_id": absent.ID, "status": "asleep"}}); r.Status != 400 ||
		!r.Problem(t).HasField("[0].collaborator_id") || !r.Problem(t).HasField("[1].status") {
		t.Errorf("bad sheet: %d %s", r.Status, r.Body)
	}
	var rate scheduling.Rate
	s.Do(t, "GET", "/api/v1/collaborators/"+invitee.ID+"/attendance", tokInvitee, nil).JSON(t, &rate)
	if rate.Sessions != 1 || rate.Present != 1 || rate.Rate != 1 {
		t.Errorf("rate %+v", rate)
	}
	if r := s.Do(t, "GET", "/api/v1/collaborators/"+absent.ID+"/attendance", tokInvitee, nil); r.Status != 404 {
		t.Errorf("another's rate: %d", r.Status)
	}

	r = s.Do(t, "GET", "/api/v1/attendance/export.csv?session_id="+x.ID, coord, nil)
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d", r.Status)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[0][0] != "Ngày" {
		t.Fatalf("csv rows %v", rows)
	}
	line := map[string][]string{}
	for _, row := range rows[1:] {
		line[row[7]] = row
	}
	if l := line[invitee.FullName]; l == nil || l[0] != "2026-12-07" || l[1] != "08:00" || l[2] != "11:00" || l[3] != "3.00" || l[5] != "ThS. Lê Văn Hùng" || l[10] != "Có mặt" || l[9] != "Huyện Nhơn Trạch" {
		t.Errorf("csv line %v", line[invitee.FullName])
	}
	if l := line[absent.FullName]; l == nil || l[10] != "Vắng" {
		t.Errorf("absent line %v", l)
	}
	r = s.Do(t, "GET", "/api/v1/attendance/export.xlsx?from=2026-12-01&to=2026-12-31", coord, nil)
	if r.Status != 200 {
		t.Fatalf("xlsx: %d %s", r.Status, r.Body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	xrows, _ := f.GetRows(f.GetSheetList()[0])
	if len(xrows) != 4 {
		t.Errorf("xlsx rows %d", len(xrows))
	}
	if r := s.Do(t, "GET", "/api/v1/attendance/export.csv", coord, nil); r.Status != 400 {
		t.Errorf("export without a period: %d", r.Status)
	}
	// A period is at most 366 days (a leap year, from its first day to the
	// first day of the next); a longer one is refused naming to.
	if r := s.Do(t, "GET", "/api/v1/attendance/export.csv?from=2028-01-01&to=2029-01-01", coord, nil); r.Status != 200 {
		t.Errorf("export of 366 days: %d %s", r.Status, r.Body)
	}
	for _, ext := range []string{"csv", "xlsx"} {
		if r := s.Do(t, "GET", "/api/v1/attendance/export."+ext+"?from=2021-01-01&to=2027-12-31", coord, nil); r.Status != 400 || !r.Problem(t).HasField("to") {
			t.Errorf("%s export of seven years: %d %s", ext, r.Status, r.Body)
		}
	}
}

func TestSeriesRemindersAndScope(t *testing.T) {
	t.Parallel()
	srv := mailtest.New(t)
	clk := clock.NewManual(time.Now().UTC().Truncate(time.Minute))
	s := apptest.Start(t, apptest.Options{SMTPURL: srv.URL(), Clock: clk})
	coord := s.LoginDemo(t, apptest.Coordinator)
	first := clk.Now().Add(72 * time.Hour)
	r := s.Do(t, "POST", "/api/v1/sessions", coord, map[string]any{"title": "Sinh hoạt chuyên đề hằng tuần", "location": "Phòng họp Trung tâm",
		"starts_at": first.Format(time.RFC3339), "ends_at": first.Add(time.Hour).Format(time.RFC3339), "recurrence": "FREQ=WEEKLY;COUNT=4", "area_code": "LT"})
	var series created
	r.JSON(t, &series)
	if r.Status != 201 || series.Total != 4 || series.Items[3].StartsAt.Sub(series.Items[0].StartsAt) != 21*24*time.Hour || series.Items[0].SeriesID == "" {
		t.Fatalf("series: %d %+v", r.Status, series)
	}
	// Move the second and the following ones by an hour.
	second := series.Items[1]
	r = s.Do(t, "PATCH", "/api/v1/sessions/"+second.ID+"?apply=following", coord, map[string]any{"starts_at": second.StartsAt.Add(time.Hour).Format(time.RFC3339)})
	var moved created
	r.JSON(t, &moved)
	if r.Status != 200 || moved.Total != 3 || !moved.Items[2].StartsAt.Equal(series.Items[3].StartsAt.Add(time.Hour)) || moved.Items[2].EndsAt.Sub(moved.Items[2].StartsAt) != time.Hour {
		t.Fatalf("apply=following: %d %+v", r.Status, moved)
	}
	var one scheduling.SessionView
	s.Do(t, "GET", "/api/v1/sessions/"+series.Items[0].ID, coord, nil).JSON(t, &one)
	if !one.StartsAt.Equal(series.Items[0].StartsAt) {
		t.Error("the earlier occurrence moved")
	}

	// Reminders go 24 hours before, to those who accepted or did not answer.
	x := series.Items[0]
	s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/invitations", coord, map[string]any{"area_code": "LT"})
	var invs struct {
		Items []scheduling.InvitationView `json:"items"`
	}
	s.Do(t, "GET", "/api/v1/sessions/"+x.ID+"/invitations", coord, nil).JSON(t, &invs)
	decliner := invs.Items[0].CollaboratorID
	if _, err := s.App.Scheduling.Answer(context.Background(), s.App.Scheduling.Token(x.ID, decliner), "decline"); err != nil {
		t.Fatal(err)
	}
	srv.Wait(t, len(invs.Items))
	// Until the worker has recorded them: jumping the clock past a lease
	// still held would have them sent again (at least once, by design).
	waitOutboxEmpty(t, s)
	if n, err := s.App.Scheduling.SendReminders(context.Background()); err != nil || n != 0 {
		t.Fatalf("reminders 3 days ahead: %d %v", n, err)
	}
	clk.Advance(49 * time.Hour)
	if n, err := s.App.Scheduling.SendReminders(context.Background()); err != nil || n != 1 {
		t.Fatalf("reminders: %d %v", n, err)
	}
	if n, _ := s.App.Scheduling.SendReminders(context.Background()); n != 0 {
		t.Error("reminded twice")
	}
	got := srv.Wait(t, 2*len(invs.Items)-1)
	reminders := 0
	for _, m := range got {
		if strings.HasPrefix(m.Subject, "Nhắc lịch") {
			reminders++
			if strings.Contains(m.Header.Get("To"), decliner) {
				t.Error("a decliner was reminded")
			}
		}
	}
	if reminders != len(invs.Items)-1 {
		t.Errorf("%d reminders for %d invitees who did not decline", reminders, len(invs.Items)-1)
	}

	// A CTV sees their own sessions; a team leader their district's.
	ctvLT := s.Find(t, "ctv", "LT")
	var mine struct {
		Items []scheduling.SessionView `json:"items"`
	}
	s.Do(t, "GET", "/api/v1/me/sessions", s.LoginDemo(t, ctvLT.Email), nil).JSON(t, &mine)
	if len(mine.Items) != 4 {
		t.Errorf("LT CTV sees %d sessions", len(mine.Items))
	}
	ntLeader := s.Find(t, "team_leader", "NT")
	if r := s.Do(t, "GET", "/api/v1/sessions/"+x.ID, s.LoginDemo(t, ntLeader.Email), nil); r.Status != 404 {
		t.Errorf("NT leader reads an LT session: %d", r.Status)
	}
	if r := s.Do(t, "GET", "/api/v1/sessions?week="+isoWeek(x.StartsAt), coord, nil); r.Status != 200 || !strings.Contains(string(r.Body), x.ID) {
		t.Errorf("week list: %d", r.Status)
	}
}

func isoWeek(t time.Time) string {
	y, w := t.In(time.FixedZone("ICT", 7*3600)).ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

func TestBadSessionInput(t *testing.T) {
	t.Parallel()
	start := time.Now().Add(48 * time.Hour)
	s, coord, x := started(t, apptest.Options{}, start, 2*time.Hour)
	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
		field              string
	}{
		{"end before start", "POST", "/api/v1/sessions", map[string]any{"title": "x", "location": "y", "starts_at": start.Format(time.RFC3339), "ends_at": start.Add(-time.Hour).Format(time.RFC3339)}, 400, "ends_at"},
		{"no offset", "POST", "/api/v1/sessions", `{"title":"x","location":"y","starts_at":"2026-12-07 08:00","ends_at":"2026-12-07T10:00:00+07:00"}`, 400, "starts_at"},
		{"unknown course", "POST", "/api/v1/sessions", map[string]any{"course_code": "KC-999", "title": "x", "location": "y", "starts_at": start.Format(time.RFC3339), "ends_at": start.Add(time.Hour).Format(time.RFC3339)}, 400, "course_code"},
		{"endless rule", "POST", "/api/v1/sessions", map[string]any{"title": "x", "location": "y", "starts_at": start.Format(time.RFC3339), "ends_at": start.Add(time.Hour).Format(time.RFC3339), "recurrence": "FREQ=DAILY"}, 400, "recurrence"},
		{"INTERVAL=0", "POST", "/api/v1/sessions", map[string]any{"title": "x", "location": "y", "starts_at": start.Format(time.RFC3339), "ends_at": start.Add(time.Hour).Format(time.RFC3339), "recurrence": "FREQ=WEEKLY;INTERVAL=0;COUNT=3"}, 400, "recurrence"},
		{"INTERVAL negative", "POST", "/api/v1/sessions", map[string]any{"title": "x", "location": "y", "starts_at": start.Format(time.RFC3339), "ends_at": start.Add(time.Hour).Format(time.RFC3339), "recurrence": "FREQ=WEEKLY;INTERVAL=-1;COUNT=3"}, 400, "recurrence"},
		{"INTERVAL not a number", "POST", "/api/v1/sessions", map[string]any{"title": "x", "location": "y", "starts_at": start.Format(time.RFC3339), "ends_at": start.Add(time.Hour).Format(time.RFC3339), "recurrence": "FREQ=WEEKLY;INTERVAL=x;COUNT=3"}, 400, "recurrence"},
		{"unknown field", "POST", "/api/v1/sessions", `{"title":"x","room":"1"}`, 400, "room"},
		{"unknown invitee", "POST", "/api/v1/sessions/" + x.ID + "/invitations", map[string]any{"collaborator_ids": []string{"nobody"}}, 400, "collaborator_ids[0]"},
		{"two ways to invite", "POST", "/api/v1/sessions/" + x.ID + "/invitations", map[string]any{"collaborator_ids": []string{"a"}, "role": "ctv"}, 400, "collaborator_ids"},
		{"bad role", "POST", "/api/v1/sessions/" + x.ID + "/invitations", map[string]any{"role": "boss"}, 400, "role"},
		{"bad area", "POST", "/api/v1/sessions/" + x.ID + "/invitations", map[string]any{"area_code": "ZZ"}, 400, "area_code"},
		{"operator", "POST", "/api/v1/sessions/" + x.ID + "/invitations", `{"area_code":{"$ne":""}}`, 400, "area_code.$ne"},
		{"unknown session", "GET", "/api/v1/sessions/nope", nil, 404, ""},
		{"cancel without reason", "POST", "/api/v1/sessions/" + x.ID + "/cancel", map[string]any{"reason": ""}, 400, "reason"},
		{"bad apply", "PATCH", "/api/v1/sessions/" + x.ID + "?apply=all", map[string]any{"title": "y"}, 400, "apply"},
		{"bad week", "GET", "/api/v1/sessions?week=48", nil, 400, "week"},
		{"to before from", "GET", "/api/v1/sessions?from=2026-12-31&to=2026-01-01", nil, 400, "to"},
		{"mine, to before from", "GET", "/api/v1/me/sessions?from=2026-12-31&to=2026-01-01", nil, 400, "to"},
		{"capacity below accepted", "PATCH", "/api/v1/sessions/" + x.ID, map[string]any{"capacity": -1}, 400, "capacity"},
	} {
		r := s.Do(t, tc.method, tc.path, coord, tc.body)
		if r.Status != tc.status {
			t.Errorf("%s: %d, want %d: %s", tc.name, r.Status, tc.status, r.Body)
			continue
		}
		if p := r.Problem(t); tc.field != "" && !p.HasField(tc.field) {
			t.Errorf("%s: no field %s in %s", tc.name, tc.field, r.Body)
		}
	}
	if r := s.Do(t, "POST", "/api/v1/sessions", s.LoginDemo(t, apptest.Leadership), map[string]any{}); r.Status != 403 {
		t.Errorf("leadership creates: %d", r.Status)
	}
	var l struct {
		Items []scheduling.SessionView `json:"items"`
		Total int                      `json:"total"`
	}
	s.Do(t, "GET", "/api/v1/sessions", coord, nil).JSON(t, &l)
	if l.Total != 1 {
		t.Errorf("sessions after bad input: %d %+v", l.Total, l.Items)
	}
}

// TestSlowSMTPDoesNotHoldTheAPI: inviting answers as soon as the mails are
// queued; delivery happens later, off the request.
func TestSlowSMTPDoesNotHoldTheAPI(t *testing.T) {
	t.Parallel()
	srv := mailtest.New(t)
	srv.SetDelay(0, 3*time.Second)
	start := time.Now().Add(48 * time.Hour)
	s, coord, x := started(t, apptest.Options{SMTPURL: srv.URL()}, start, 2*time.Hour)
	r := s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/invitations", coord, map[string]any{"area_code": "NT"})
	if r.Status != 200 {
		t.Fatalf("invite: %d", r.Status)
	}
	// The answer came back while the server still holds the first DATA.
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("%d messages were delivered before the invite answered", n)
	}
	var invs struct {
		Items []scheduling.InvitationView `json:"items"`
	}
	s.Do(t, "GET", "/api/v1/sessions/"+x.ID+"/invitations", coord, nil).JSON(t, &invs)
	for _, inv := range invs.Items {
		if inv.Delivery != "queued" {
			t.Errorf("delivery %q before the server answered", inv.Delivery)
		}
	}
	// Meanwhile other requests are served.
	if r := s.Do(t, "GET", "/api/v1/sessions/"+x.ID, coord, nil); r.Status != 200 {
		t.Errorf("read during delivery: %d", r.Status)
	}
	srv.Wait(t, len(invs.Items))
	awaitSent(t, s, coord, x.ID, len(invs.Items))
}

// A session that ended more than ArchiveAfter ago leaves the live
// collection for the archive: it is still read, listed for its week,
// counted in attendance rates and exports, and a late correction of its
// attendance still works; queries of the present no longer read it.
func TestEndedSessionsMoveToTheArchive(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := clock.NewManual(time.Date(2026, 12, 7, 0, 30, 0, 0, time.UTC))
	start := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	s, coord, x := started(t, apptest.Options{Clock: clk}, start, 3*time.Hour)
	invitee := s.Find(t, "ctv", "NT")
	s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/invitations", coord, map[string]any{"collaborator_ids": []string{invitee.ID}})
	later := newSession(t, s, coord, map[string]any{"starts_at": start.Add(40 * 24 * time.Hour).Format(time.RFC3339),
		"ends_at": start.Add(40*24*time.Hour + 2*time.Hour).Format(time.RFC3339)})

	svc := s.App.Scheduling
	clk.Set(start.Add(scheduling.ArchiveAfter + 2*time.Hour)) // not yet: ended 29 days 23 hours ago
	if n, err := svc.ArchiveSessions(ctx); err != nil || n != 0 {
		t.Fatalf("archive before its time: %d, %v", n, err)
	}
	clk.Set(start.Add(scheduling.ArchiveAfter + 4*time.Hour))
	// The service's own jobs see the same clock and write the session too:
	// its hourly archive may move it first, and a write while a run moves
	// it (the invitation's delivery noted by the mail worker, the
	// attendance book's job) makes that run leave it live for the next.
	// Run until it has left the live collection; then a run moves nothing.
	st := scheduling.NewStore(s.App.DB)
	for runs := 1; ; runs++ {
		n, err := svc.ArchiveSessions(ctx)
		if err != nil || n > 1 {
			t.Fatalf("archive run %d: %d, %v; want at most the one session", runs, n, err)
		}
		if live, err := st.Find(ctx, scheduling.Query{}); err != nil || len(live) == 1 {
			break
		}
		if runs == 10 {
			t.Fatal("ten archive runs left the ended session live")
		}
	}
	if n, err := svc.ArchiveSessions(ctx); err != nil || n != 0 {
		t.Fatalf("a run after it moved: %d, %v", n, err)
	}
	coord = s.LoginDemo(t, apptest.Coordinator) // a month on: sign in again
	if live, err := st.Find(ctx, scheduling.Query{}); err != nil || len(live) != 1 || live[0].ID != later.ID {
		t.Fatalf("live sessions after archiving: %v, %v; want only the later one", live, err)
	}
	if r := s.Do(t, "GET", "/api/v1/sessions/"+x.ID, coord, nil); r.Status != 200 {
		t.Errorf("archived session: %d", r.Status)
	}
	// The week it took place in still lists it; the present does not read it.
	var week created
	s.Do(t, "GET", "/api/v1/sessions?from="+start.Add(-time.Hour).Format(time.RFC3339)+"&to="+start.Add(24*time.Hour).Format(time.RFC3339), coord, nil).JSON(t, &week)
	if len(week.Items) != 1 || week.Items[0].ID != x.ID {
		t.Errorf("its week lists %+v", week.Items)
	}
	// A late correction of the sheet.
	if r := s.Do(t, "PUT", "/api/v1/sessions/"+x.ID+"/attendance", coord, []map[string]string{{"collaborator_id": invitee.ID, "status": "excused"}}); r.Status != 200 {
		t.Fatalf("attendance on an archived session: %d %s", r.Status, r.Body)
	}
	got, err := st.Get(ctx, x.ID)
	if err != nil || len(got.Attendance) != 1 || got.Attendance[0].Status != "excused" {
		t.Fatalf("archived session after the correction: %+v, %v", got.Attendance, err)
	}
	if live, _ := st.Find(ctx, scheduling.Query{}); len(live) != 1 {
		t.Errorf("the correction brought the session back to the live collection: %d live", len(live))
	}
	var rate scheduling.Rate
	s.Do(t, "GET", "/api/v1/collaborators/"+invitee.ID+"/attendance", coord, nil).JSON(t, &rate)
	if rate.Sessions != 1 || rate.Excused != 1 {
		t.Errorf("rate over archived sessions: %+v", rate)
	}
	r := s.Do(t, "GET", "/api/v1/attendance/export.csv?from="+start.Add(-time.Hour).Format(time.RFC3339)+"&to="+start.Add(24*time.Hour).Format(time.RFC3339), coord, nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), invitee.FullName) {
		t.Errorf("export of an archived period: %d %s", r.Status, r.Body)
	}
}

// An invitation a crash left unmailed, whose session is then cancelled, is
// never mailed — neither the invitation nor the cancellation — and shows
// as not sent, not as delivered.
func TestInvitationNeverMailedBeforeACancellationShowsNotSent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	start := time.Now().Add(72 * time.Hour)
	s, coord, x := started(t, apptest.Options{}, start, 2*time.Hour)
	mailed, unmailed := s.Find(t, "ctv", "NT"), s.Find(t, "team_leader", "NT")
	if r := s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/invitations", coord, map[string]any{"collaborator_ids": []string{mailed.ID}}); r.Status != 200 {
		t.Fatalf("invite: %d %s", r.Status, r.Body)
	}
	// The second invitation is recorded, and the process dies before mailing it.
	st := scheduling.NewStore(s.App.DB)
	if _, err := st.Update(ctx, x.ID, func(y *scheduling.Session) error {
		_, err := y.Invite([]string{unmailed.ID}, time.Now())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if r := s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/cancel", coord, map[string]any{"reason": "Trùng lịch họp tỉnh"}); r.Status != 200 {
		t.Fatalf("cancel: %d %s", r.Status, r.Body)
	}
	var invs struct {
		Items []scheduling.InvitationView `json:"items"`
	}
	s.Do(t, "GET", "/api/v1/sessions/"+x.ID+"/invitations", coord, nil).JSON(t, &invs)
	got := map[string]string{}
	for _, inv := range invs.Items {
		got[inv.CollaboratorID] = inv.Delivery
	}
	if got[unmailed.ID] != scheduling.DeliveryNotSent || got[mailed.ID] == scheduling.DeliveryNotSent || got[mailed.ID] == "" {
		t.Errorf("deliveries %v: want %s for the unmailed one only", got, scheduling.DeliveryNotSent)
	}
	// The worker delivers meanwhile: count messages by key across the live
	// queue and the archive (mailKeys), never documents per collection.
	if keys := mailKeys(t, s, map[string]any{"to.email": unmailed.Email}); len(keys) != 0 {
		t.Errorf("mails to the unmailed invitee: %v", keys)
	}
	want := []string{scheduling.NoticeKey(scheduling.NoticeCancel, getSession(t, s, x.ID), mailed.ID),
		scheduling.NoticeKey(scheduling.NoticeInvite, getSession(t, s, x.ID), mailed.ID)}
	if keys := mailKeys(t, s, map[string]any{"to.email": mailed.Email}); !slices.Equal(slices.Sorted(maps.Keys(keys)), want) {
		t.Errorf("mails to the mailed invitee %v, want the invitation and the cancellation %v", keys, want)
	}
}

// mailKeys returns the keys of the messages matching filter, queued or
// delivered. A delivered message is archived (mail_sent) before it leaves
// the live queue (mail_outbox), so it is in one or both at every moment:
// reading the queue first and the archive second finds each message at
// least once whatever the worker does between the reads, and the keys
// count it once. (Counting documents per collection counted a message
// between the two twice, and the other order could miss it.)
func mailKeys(t *testing.T, s *apptest.Server, filter map[string]any) map[string]bool {
	t.Helper()
	keys := map[string]bool{}
	for _, coll := range []string{"mail_outbox", "mail_sent"} { // this order
		cur, err := s.App.DB.Collection(coll).Find(context.Background(), filter)
		if err != nil {
			t.Fatal(err)
		}
		var docs []struct {
			ID string `bson:"_id"`
		}
		if err := cur.All(context.Background(), &docs); err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			keys[d.ID] = true
		}
	}
	return keys
}
