package certification

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/mail"
)

// Mail is one reminder to one person.
type Mail struct {
	Key     string // the reminder's key and the recipient: sent once
	To      string
	ToName  string
	Subject string
	Text    string
}

// Mailer queues mail (the outbox: a key already used sends nothing).
type Mailer interface {
	Enqueue(ctx context.Context, m Mail) error
}

// Session is a session a reminder points to.
type Session struct {
	Title    string
	StartsAt time.Time
	Location string
}

// Sessions finds the next session of a course open to a district.
type Sessions interface {
	Next(ctx context.Context, course, areaCode string, after time.Time) (Session, bool, error)
}

// Reminders sends the expiry reminders due at now, each once, to the
// holder and to their district's team leaders.
func (s *Service) SendReminders(ctx context.Context, now time.Time) (sent int, err error) {
	if s.d.Mailer == nil {
		return 0, nil
	}
	snap, err := s.current(ctx)
	if err != nil {
		return 0, err
	}
	hs, err := s.d.People.Everyone(ctx)
	if err != nil {
		return 0, err
	}
	byID := map[string]Holder{}
	leaders := map[string][]Holder{}
	for _, h := range hs {
		byID[h.ID] = h
		if h.Role == "team_leader" && !h.Archived {
			leaders[h.AreaCode] = append(leaders[h.AreaCode], h)
		}
	}
	for id, certs := range snap.people {
		h, ok := byID[id]
		if !ok || h.Archived {
			continue
		}
		for _, c := range certs {
			course, ok := s.d.Courses.Course(c.Course)
			if !ok {
				continue
			}
			for _, r := range Reminders(c, course.Rule, now) {
				var next *Session
				if s.d.Sessions != nil {
					x, found, err := s.d.Sessions.Next(ctx, c.Course, h.AreaCode, now)
					if err != nil {
						return sent, err
					}
					if found {
						next = &x
					}
				}
				to := append([]Holder{h}, leaders[h.AreaCode]...)
				for i, rcpt := range to {
					if rcpt.Email == "" || (i > 0 && rcpt.ID == h.ID) {
						continue
					}
					subject, text := reminderText(r.Kind, h, rcpt.ID == h.ID, course, c, next, s.d.BaseURL)
					if err := s.d.Mailer.Enqueue(ctx, Mail{Key: r.Key + ":" + rcpt.ID, To: rcpt.Email, ToName: rcpt.FullName,
						Subject: subject, Text: text}); err != nil {
						return sent, err
					}
					sent++
				}
			}
		}
	}
	return sent, nil
}

// reminderText is a reminder's subject and text, in Vietnamese.
func reminderText(kind string, h Holder, self bool, course Course, c Certificate, next *Session, baseURL string) (string, string) {
	until := c.Current().ValidUntil().Format("02/01/2006")
	var subject, what string
	switch kind {
	case ReminderWindowOpen:
		subject = fmt.Sprintf("Chứng nhận %s sắp hết hạn (%s): đã có thể gia hạn", course.Code, until)
		what = fmt.Sprintf("chứng nhận khóa %s (%s) có hiệu lực đến hết ngày %s. Thời gian gia hạn đã bắt đầu: hãy làm lại bài kiểm tra.", course.Code, course.Title, until)
	case ReminderWeekBefore:
		subject = fmt.Sprintf("Chứng nhận %s còn 7 ngày hiệu lực (đến %s)", course.Code, until)
		what = fmt.Sprintf("chứng nhận khóa %s (%s) chỉ còn hiệu lực đến hết ngày %s. Hãy gia hạn trước khi hết hạn.", course.Code, course.Title, until)
	default:
		subject = fmt.Sprintf("Chứng nhận %s đã hết hạn", course.Code)
		what = fmt.Sprintf("chứng nhận khóa %s (%s) đã hết hiệu lực sau ngày %s. Hãy làm lại bài kiểm tra để được cấp lại.", course.Code, course.Title, until)
	}
	var b strings.Builder
	if self {
		fmt.Fprintf(&b, "Kính gửi %s,\n\nChứng nhận của bạn: %s\n", h.FullName, what)
	} else {
		fmt.Fprintf(&b, "Kính gửi trưởng nhóm,\n\nCộng tác viên %s trong địa bàn của bạn: %s\n", h.FullName, what)
		subject = h.FullName + ": " + subject
	}
	if next != nil {
		fmt.Fprintf(&b, "\nBuổi tập huấn gần nhất: %s, lúc %s tại %s.\n", next.Title, next.StartsAt.In(clock.VN).Format("15:04 02/01/2006"), next.Location)
	}
	if baseURL != "" {
		fmt.Fprintf(&b, "\nXem chứng nhận: %s/api/v1/me/certifications\n", strings.TrimRight(baseURL, "/"))
	}
	b.WriteString("\nTrung tâm Khuyến công\n")
	return subject, b.String()
}

// Remind is the daily reminders' job.
func (s *Service) Remind(ctx context.Context, now time.Time) error {
	return s.daily(ctx, "remind", now, func(ctx context.Context, now time.Time) error {
		n, err := s.SendReminders(ctx, now)
		s.d.Logger.InfoContext(ctx, "certification: reminders", "queued", n, "error", err)
		return err
	})
}

// OutboxMailer queues reminders in the mail outbox.
type OutboxMailer struct{ Outbox *mail.Outbox }

// Enqueue queues m once (the outbox ignores a key it has seen).
func (o OutboxMailer) Enqueue(ctx context.Context, m Mail) error {
	_, err := o.Outbox.Enqueue(ctx, mail.Message{Key: m.Key, To: mail.Address{Email: m.To, Name: m.ToName}, Subject: m.Subject, Text: m.Text})
	return err
}
