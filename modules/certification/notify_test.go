package certification_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/certification"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/mail"
	"github.com/ctvacademy/academy/modules/platform/received"
	"github.com/ctvacademy/academy/modules/platform/storetest"
)

type nextSession struct{}

func (nextSession) Next(_ context.Context, course, area string, after time.Time) (certification.Session, bool, error) {
	if course != "AT" {
		return certification.Session{}, false, nil
	}
	return certification.Session{Title: "Tập huấn an toàn", StartsAt: after.AddDate(0, 0, 5), Location: "Hội trường " + area}, true, nil
}

func TestRemindersAreSentOnceToTheHolderAndTheirTeamLeader(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	clk := clock.NewManual(t0)
	rec := newRecords()
	box := mail.NewOutbox(db, clk)
	staff := people{
		{ID: "p1", FullName: "Nguyễn Văn An", AreaCode: "NT", Email: "an@example.vn", Role: "ctv"},
		{ID: "tl", FullName: "Phạm Thị Dung", AreaCode: "NT", Email: "dung@example.vn", Role: "team_leader"},
		{ID: "tl2", FullName: "Võ Văn Em", AreaCode: "LT", Email: "em@example.vn", Role: "team_leader"},
	}
	svc := certification.NewService(certification.Deps{Store: certification.NewStore(db), Records: rec, Courses: courses,
		People: staff, Audit: &auditLog{}, Clock: clk, Fresh: time.Nanosecond,
		Mailer: certification.OutboxMailer{Outbox: box, Mails: reminderMails(t), Languages: langs{"tl": "en"}}, Sessions: nextSession{}, BaseURL: "https://academy.example.vn"})
	rec.pass("p1", "AT", "a1", t0.Add(-time.Hour))
	if _, err := svc.Reconcile(ctx, "p1"); err != nil {
		t.Fatal(err)
	}
	queued := func() []mail.Delivery {
		ds, _, err := box.List(ctx, "", 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i].ID < ds[j].ID })
		return ds
	}
	run := func(at time.Time) {
		t.Helper()
		clk.Set(at)
		for range 2 { // the hourly job twice the same day, then the send again: nothing more
			if err := svc.Remind(ctx, clk.Now()); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := svc.SendReminders(ctx, clk.Now()); err != nil {
			t.Fatal(err)
		}
	}
	run(t0.AddDate(0, 6, 0)) // nothing is due
	if ds := queued(); len(ds) != 0 {
		t.Fatalf("reminders before the window: %+v", ds)
	}
	run(time.Date(2027, 2, 2, 8, 0, 0, 0, clock.VN)) // the window opened on 1 February
	ds := queued()
	if len(ds) != 2 {
		t.Fatalf("window reminders: %+v", ds)
	}
	to := []string{ds[0].To.Email, ds[1].To.Email}
	sort.Strings(to)
	if strings.Join(to, ",") != "an@example.vn,dung@example.vn" || !strings.Contains(ds[0].Subject, "AT") {
		t.Fatalf("window reminders went to %v: %+v", to, ds)
	}
	got := &sent{}
	if err := mail.NewWorker(box, got, clk, mail.WorkerOptions{}).RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if ms := got.All(); len(ms) != 2 {
		t.Fatalf("the worker sent %d window reminders", len(ms))
	}
	checkWindowMails(t, got.All())
	run(time.Date(2027, 2, 25, 8, 0, 0, 0, clock.VN)) // 7 days before the last valid day ends
	run(time.Date(2027, 3, 4, 8, 0, 0, 0, clock.VN))  // expired
	if err := mail.NewWorker(box, got, clk, mail.WorkerOptions{}).RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if ms := got.All(); len(ms) != 6 {
		t.Fatalf("after three stages, %d reminders sent", len(ms))
	}
	kinds := map[string]int{}
	for _, m := range got.All() {
		for _, k := range []string{certification.ReminderWindowOpen, certification.ReminderWeekBefore, certification.ReminderExpired} {
			if strings.Contains(m.ID, ":"+k+":") {
				kinds[k]++
			}
		}
	}
	if kinds[certification.ReminderWindowOpen] != 2 || kinds[certification.ReminderWeekBefore] != 2 || kinds[certification.ReminderExpired] != 2 {
		t.Fatalf("reminders by kind: %v", kinds)
	}
}

// langs is the collaborators' chosen languages (none: Vietnamese).
type langs map[string]string

func (l langs) Language(_ context.Context, id string) (string, error) { return l[id], nil }

func reminderMails(t *testing.T) *certification.Mails {
	t.Helper()
	m, err := certification.LoadMails(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The window's reminders as the holder (Vietnamese) and their team leader
// (who chose English) receive them: the subject, the text with the course,
// the last valid day, the next session and the certificates page.
func checkWindowMails(t *testing.T, ds []mail.Message) {
	t.Helper()
	for _, d := range ds {
		var want []string
		switch d.To.Email {
		case "an@example.vn":
			want = []string{"Chứng nhận AT sắp hết hạn (02/03/2027): đã có thể gia hạn",
				"Kính gửi Nguyễn Văn An,", "Chứng nhận của anh/chị: chứng nhận khóa AT", "có hiệu lực đến hết ngày 02/03/2027",
				"Buổi tập huấn gần nhất: Tập huấn an toàn, lúc", "tại Hội trường NT", "https://academy.example.vn/certifications"}
		case "dung@example.vn":
			want = []string{"Nguyễn Văn An: Certificate AT ends soon (02/03/2027): renewal is open",
				"Dear Phạm Thị Dung,", "Nguyễn Văn An, a collaborator in your district", "Next training session: Tập huấn an toàn",
				"https://academy.example.vn/certifications"}
		default:
			t.Errorf("a reminder to %s", d.To.Email)
			continue
		}
		got := d.Subject + "\n" + d.Text
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("the mail to %s lacks %q:\n%s", d.To.Email, w, got)
			}
		}
		if !strings.Contains(d.HTML, `<a href="https://academy.example.vn/certifications">`) {
			t.Errorf("the HTML to %s lacks the link: %s", d.To.Email, d.HTML)
		}
	}
}

// sent records what the mail worker sends.
type sent struct{ received.List[mail.Message] }

func (s *sent) Send(_ context.Context, m mail.Message) error { s.Add(m); return nil }
