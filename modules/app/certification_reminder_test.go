package app_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/certification"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/mail/mailtest"
)

// The expiry reminders as their recipients receive them, through the
// outbox and a real SMTP server, parsed as a mail client would: with no
// session of the course scheduled in the holder's district (sessions of
// another course there and of the course elsewhere), the mail that
// opens the renewal window has no "next session" line (in its text nor
// its HTML) and says the rest; once a session of the course is scheduled
// there, the next reminder (7 days before expiry) names it.
func TestReminderWithoutAScheduledSessionLeavesTheNextSessionOut(t *testing.T) {
	t.Parallel()
	const course, nextLine = "KC-102", "Buổi tập huấn gần nhất"
	smtp := mailtest.New(t)
	clk := clock.NewManual(time.Date(2026, 12, 4, 3, 0, 0, 0, time.UTC))
	s := apptest.Start(t, apptest.Options{SMTPURL: smtp.URL(), Clock: clk})
	ctx := context.Background()
	ctv := s.Find(t, "ctv", "NT")
	ctvToken := s.LoginDemo(t, ctv.Email)
	leaders := 0
	for _, p := range s.FindAll(t, "team_leader", "NT", 1) {
		if p.Email != "" && !p.Archived {
			leaders++
		}
	}

	passQuiz(t, s, ctvToken, course)
	mine := certs(t, s, ctvToken, "/api/v1/me/certifications")
	if mine.Total != 1 || mine.Items[0].CourseCode != course {
		t.Fatalf("after a pass: %+v", mine)
	}
	cert := mine.Items[0]
	validUntil, err := time.Parse(time.DateOnly, cert.ValidUntil)
	if err != nil {
		t.Fatal(err)
	}
	lastDay := validUntil.Format("02/01/2006")

	// The renewal window (45 days for KC-102) is open 30 days before the
	// expiry. Sessions are scheduled then, but none of KC-102 in the
	// holder's district: one of another course there, one of KC-102 in
	// another district.
	clk.Set(cert.ExpiresAt.AddDate(0, 0, -30))
	ctvToken = s.LoginDemo(t, ctv.Email) // the first sign-in's token has expired
	coord := s.LoginDemo(t, apptest.Coordinator)
	s.CreateSession(t, coord, "KC-101", "NT", "Nhập môn cho cộng tác viên mới", clk.Now().AddDate(0, 0, 10))
	s.CreateSession(t, coord, course, "LT", "Quy chế cộng tác viên ở Long Thành", clk.Now().AddDate(0, 0, 10))
	if st := certs(t, s, ctvToken, "/api/v1/me/certifications").Items[0].Status; st != certification.StatusExpiring {
		t.Fatalf("30 days before the expiry the certificate is %s", st)
	}
	n, err := s.App.Certification.SendReminders(ctx, clk.Now())
	if err != nil || n != 1+leaders {
		t.Fatalf("window reminders: %d queued (%v), want the holder and %d team leader(s)", n, err, leaders)
	}
	window := reminders(t, smtp, "Chứng nhận "+course+" sắp hết hạn", n)
	for _, m := range window {
		text, html := part(t, m, "text/plain"), part(t, m, "text/html")
		for _, want := range []string{"chứng nhận khóa " + course, "có hiệu lực đến hết ngày " + lastDay,
			"Thời gian gia hạn đã bắt đầu", s.App.Config.BaseURL + "/certifications", "Trung tâm Khuyến công"} {
			if !strings.Contains(text, want) {
				t.Errorf("the window's mail to %s lacks %q:\n%s", to(m), want, text)
			}
		}
		if strings.Contains(text, nextLine) || strings.Contains(html, nextLine) {
			t.Errorf("the window's mail to %s names a next session though none is scheduled:\n%s\n%s", to(m), text, html)
		}
	}
	if !hasRecipient(window, ctv.Email) {
		t.Errorf("no window reminder reached the holder %s", ctv.Email)
	}

	// A session of KC-102 is scheduled in the district; the week's
	// reminder names it.
	start := cert.ExpiresAt.AddDate(0, 0, -2).Add(8 * time.Hour) // 08:00 on the day before the last valid day
	s.CreateSession(t, coord, course, "NT", "Ôn tập quy chế cộng tác viên", start)
	clk.Set(cert.ExpiresAt.AddDate(0, 0, -5))
	if n, err := s.App.Certification.SendReminders(ctx, clk.Now()); err != nil || n != 1+leaders {
		t.Fatalf("week reminders: %d queued (%v)", n, err)
	}
	week := reminders(t, smtp, "Chứng nhận "+course+" còn 7 ngày hiệu lực", 1+leaders)
	wantNext := nextLine + ": Ôn tập quy chế cộng tác viên, lúc " + start.In(clock.VN).Format("15:04 02/01/2006") + " tại Hội trường Trung tâm."
	for _, m := range week {
		if text := part(t, m, "text/plain"); !strings.Contains(text, wantNext) {
			t.Errorf("the week's mail to %s lacks %q:\n%s", to(m), wantNext, text)
		}
	}
}

// reminders waits until want messages whose subject holds subject have
// arrived at the SMTP server and returns them; it fails the test after
// 30 s or when more arrive.
func reminders(t *testing.T, srv *mailtest.Server, subject string, want int) []mailtest.Received {
	t.Helper()
	var got []mailtest.Received
	apptest.Await(t, 30*time.Second, "mails "+strconv.Quote(subject)+" yet to arrive", func() (int, error) {
		got = nil
		for _, m := range srv.Messages() {
			if strings.Contains(m.Subject, subject) {
				got = append(got, m)
			}
		}
		if len(got) > want {
			return 0, fmt.Errorf("%d mails %q arrived, want %d", len(got), subject, want)
		}
		return want - len(got), nil
	})
	return got
}

// part is the body of m's MIME leaf of mediaType, decoded.
func part(t *testing.T, m mailtest.Received, mediaType string) string {
	t.Helper()
	for _, p := range m.Parts {
		if p.MediaType == mediaType {
			return p.Body
		}
	}
	t.Fatalf("the mail %q has no %s part", m.Subject, mediaType)
	return ""
}

// to is m's recipients as a mail client shows them (names decoded).
func to(m mailtest.Received) string {
	as, err := m.Header.AddressList("To")
	if err != nil {
		return m.Header.Get("To")
	}
	var out []string
	for _, a := range as {
		out = append(out, a.Name+" <"+a.Address+">")
	}
	return strings.Join(out, ", ")
}

func hasRecipient(ms []mailtest.Received, email string) bool {
	for _, m := range ms {
		as, _ := m.Header.AddressList("To")
		for _, a := range as {
			if a.Address == email {
				return true
			}
		}
	}
	return false
}

// A certificate whose renewal window opened before a reminder run that did
// not see it (on a first start, the reminder job ran before the first
// reconcile issued the demo's certificates) still gets its reminder, once:
// a run at a moment past the window finds no certificate; the certificate
// is then issued with its window already open; the next day's run, in two
// processes at once, mails the holder the window's reminder exactly once,
// through the outbox and a real SMTP server, and later runs (both
// processes, the job and a direct send) mail nothing more.
func TestAWindowThatOpenedBeforeTheLastRunIsRemindedOnce(t *testing.T) {
	t.Parallel()
	const course, subject = "KC-102", "Chứng nhận KC-102 sắp hết hạn"
	smtp := mailtest.New(t)
	d0 := time.Date(2026, 12, 4, 3, 0, 0, 0, time.UTC)
	clk := clock.NewManual(d0)
	s := apptest.Start(t, apptest.Options{SMTPURL: smtp.URL(), Clock: clk})
	twin := s.Twin(t)
	ctx := context.Background()
	ctv := s.Find(t, "ctv", "NT")

	// The reminder job runs eleven months on, when the certificate to be
	// issued below has its window open already, and finds none.
	late := d0.AddDate(0, 11, 0)
	clk.Set(late)
	if err := s.App.Certification.Remind(ctx, late); err != nil {
		t.Fatal(err)
	}
	clk.Set(d0)
	token := s.LoginDemo(t, ctv.Email)
	passQuiz(t, s, token, course)
	mine := certs(t, s, token, "/api/v1/me/certifications")
	if mine.Total != 1 || mine.Items[0].CourseCode != course {
		t.Fatalf("after a pass: %+v", mine)
	}
	if opens := mine.Items[0].ExpiresAt.AddDate(0, 0, -45); !opens.Before(late) || !late.Before(mine.Items[0].ExpiresAt.AddDate(0, 0, -8)) {
		t.Fatalf("the window opens %s, expiry %s: the run at %s is not inside it", opens, mine.Items[0].ExpiresAt, late)
	}

	toHolder := func() int {
		n := 0
		for _, m := range smtp.Messages() {
			if strings.Contains(m.Subject, course) && hasRecipient([]mailtest.Received{m}, ctv.Email) {
				n++
			}
		}
		return n
	}
	drained := func() {
		t.Helper()
		apptest.Await(t, 30*time.Second, "queued mail", func() (int, error) {
			_, n, err := s.App.Outbox.List(ctx, "queued", 1, 0)
			return n, err
		})
	}
	runBoth := func(at time.Time, direct bool) {
		t.Helper()
		clk.Set(at)
		errc := make(chan error, 2)
		for _, x := range []*apptest.Server{s, twin} {
			go func() {
				if direct {
					_, err := x.App.Certification.SendReminders(ctx, at)
					errc <- err
				} else {
					errc <- x.App.Certification.Remind(ctx, at)
				}
			}()
		}
		for range 2 {
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
		}
	}
	// Each process trusts its copy of the certificates for a second
	// (certification.Deps.Fresh); a run on an older copy would leave the
	// new certificate to the next day's.
	time.Sleep(1100 * time.Millisecond)
	runBoth(late.AddDate(0, 0, 1), false)
	apptest.Await(t, 30*time.Second, "the window's reminder to the holder", func() (int, error) { return 1 - toHolder(), nil })
	runBoth(late.AddDate(0, 0, 1), true)
	runBoth(late.AddDate(0, 0, 2), false)
	drained()
	if n := toHolder(); n != 1 {
		t.Fatalf("the holder received %d reminders of %s, want the window's once", n, course)
	}
	for _, m := range smtp.Messages() {
		if hasRecipient([]mailtest.Received{m}, ctv.Email) && strings.Contains(m.Subject, course) && !strings.Contains(m.Subject, subject) {
			t.Errorf("the holder received %q", m.Subject)
		}
	}
}
