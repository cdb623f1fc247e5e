package certification

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/mail"
)

// Mail is one reminder to one person; the mailer writes it in the
// recipient's language from the templates of
// content/mail/certification.<lang>.yaml.
type Mail struct {
	Key       string // the reminder's key and the recipient: sent once
	To        string
	ToName    string
	Recipient string // the recipient's collaborator id (their language)
	Kind      string // ReminderWindowOpen, ReminderWeekBefore or ReminderExpired
	Data      MailData
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

// SendReminders sends the expiry reminders due at now to the holder and to
// their district's team leaders: each reminder once, however late (a
// window that opened before the certificate was issued, or before a run
// that did not see it). A reminder whose mails were all queued is recorded
// in the store's ledger and skipped by every later run; one a run queued
// only in part is queued again, and the outbox sends each key once, so two
// runs (a restart, two processes) never mail anyone twice.
func (s *Service) SendReminders(ctx context.Context, now time.Time) (sent int, err error) {
	if s.d.Mailer == nil {
		return 0, nil
	}
	done, err := s.d.Store.Reminded(ctx)
	if err != nil {
		return 0, err
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
				if done[r.Key] {
					continue
				}
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
					if err := s.d.Mailer.Enqueue(ctx, Mail{Key: r.Key + ":" + rcpt.ID, To: rcpt.Email, ToName: rcpt.FullName,
						Recipient: rcpt.ID, Kind: r.Kind, Data: mailData(h, rcpt, course, c, next, s.d.BaseURL)}); err != nil {
						return sent, err
					}
					sent++
				}
				if err := s.d.Store.Remember(ctx, r.Key, now); err != nil {
					return sent, err
				}
			}
		}
	}
	return sent, nil
}

// mailData is what a reminder's templates are given.
func mailData(h, rcpt Holder, course Course, c Certificate, next *Session, baseURL string) MailData {
	d := MailData{Name: rcpt.FullName, Holder: h.FullName, Self: rcpt.ID == h.ID, Course: course.Code, Title: course.Title,
		ValidUntil: c.Current().ValidUntil().Format("02/01/2006")}
	if next != nil {
		d.Next, d.NextTitle, d.NextLocation = true, next.Title, next.Location
		d.NextStart = next.StartsAt.In(clock.VN).Format("15:04 02/01/2006")
	}
	if baseURL != "" {
		d.URL = strings.TrimRight(baseURL, "/") + "/certifications"
	}
	return d
}

// Remind is the daily reminders' job.
func (s *Service) Remind(ctx context.Context, now time.Time) error {
	return s.daily(ctx, "remind", now, func(ctx context.Context, now time.Time) error {
		n, err := s.SendReminders(ctx, now)
		s.d.Logger.InfoContext(ctx, "certification: reminders", "queued", n, "error", err)
		return err
	})
}

// Languages tells a collaborator's chosen language ("en" or "vi"; "" for
// none chosen, or no account).
type Languages interface {
	Language(ctx context.Context, collaboratorID string) (string, error)
}

// OutboxMailer writes reminders in the recipient's language (Vietnamese
// unless they chose English) and queues them in the mail outbox.
type OutboxMailer struct {
	Outbox    *mail.Outbox
	Mails     *Mails
	Languages Languages // nil: everyone reads Vietnamese
}

// Enqueue queues m once (the outbox ignores a key it has seen).
func (o OutboxMailer) Enqueue(ctx context.Context, m Mail) error {
	lang := "vi"
	if o.Languages != nil {
		l, err := o.Languages.Language(ctx, m.Recipient)
		if err != nil {
			return err
		}
		if l == "en" {
			lang = "en"
		}
	}
	if o.Mails == nil {
		return fmt.Errorf("certification: no reminder templates")
	}
	msg, err := o.Mails.Compose(m.Kind, lang, m.Data)
	if err != nil {
		return err
	}
	msg.Key, msg.To = m.Key, mail.Address{Email: m.To, Name: m.ToName}
	_, err = o.Outbox.Enqueue(ctx, msg)
	return err
}
