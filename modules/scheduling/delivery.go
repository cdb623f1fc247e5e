package scheduling

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/jobs"
)

// How notices reach the outbox. A notice is written (Composer) and checked
// (Mailer.Check) before anything that depends on it is recorded: an
// invitation request whose mails cannot be written records nothing. Once
// recorded, the jobs that mail many people at once — the catch-up after a
// crash, the reminders — isolate each notice: one that cannot be written
// or sent is logged and marked on its invitation (Invitation.Failure,
// delivery "failed") and the others go; the catch-up tries it again on its
// next run. One session with a broken title stopped every other session's
// catch-up before.

// noticeError is a notice that could not be written, or not sent as
// written. person says the invitee's address or name is at fault rather
// than the session or the templates.
type noticeError struct {
	person bool
	reason string
}

func (e *noticeError) Error() string { return e.reason }

// compose writes the notice of kind to p about x and checks that the
// outbox can send it. Errors: *noticeError.
func (s *Service) compose(kind string, x Session, p Person) (Mail, error) {
	m, err := s.d.Composer.Compose(kind, x, p, s.RSVPURL(x.ID, p.ID))
	if err != nil {
		return Mail{}, &noticeError{reason: fmt.Sprintf("the %s notice cannot be written: %v", kind, err)}
	}
	m.Key = NoticeKey(kind, x, p.ID)
	if err := s.d.Mailer.Check(m); err != nil {
		var e *errs.Error
		person := errors.As(err, &e) && len(e.Fields) > 0 && strings.HasPrefix(e.Fields[0].Field, "to")
		return Mail{}, &noticeError{person: person, reason: fmt.Sprintf("the %s notice cannot be sent: %v", kind, err)}
	}
	return m, nil
}

// rehearse writes the notice of kind about x for a stand-in invitee in
// each language, so that a change whose notices cannot be written (a
// template that fails on it) is refused before it is recorded.
func (s *Service) rehearse(kind string, x Session) error {
	if len(x.Invitations) == 0 {
		return nil
	}
	for _, lang := range []string{"vi", "en"} {
		p := Person{ID: x.Invitations[0].CollaboratorID, Name: "Nguyễn Văn An", Email: "an@example.vn", Language: lang}
		if _, err := s.compose(kind, x, p); err != nil {
			return fmt.Errorf("session %s: %v", x.ID, err) // an internal error: nothing is recorded
		}
	}
	return nil
}

// noticeKind is the notice an invitee lagging behind the session's
// sequence is due: "" when none is (declined since the last reschedule, or
// never told of a session since cancelled — withheld then). One last
// mailed before the last change of date or time is due the reschedule
// notice asking to answer again, whatever changed after it; one mailed
// since, an update that keeps their answer.
func noticeKind(x Session, inv Invitation) (kind string, withheld bool) {
	switch {
	case x.Status == StatusCancelled:
		if inv.Notified < 0 {
			return "", true // never told of it: no need to cancel
		}
		return NoticeCancel, false
	case inv.Notified < 0:
		return NoticeInvite, false
	case inv.Notified < x.Rescheduled:
		return NoticeReschedule, false
	case inv.Response == ResponseDeclined:
		return "", false
	}
	return NoticeUpdate, false
}

// notifyLagging mails every invitee whose last notice is older than the
// session's sequence, then records that they were mailed. Keys make each
// notice exactly-once in the outbox, so running it twice sends nothing new.
// pre holds notices already written, by key. A notice that cannot be
// written or sent is logged and recorded on its invitation, and the others
// go; the error is the store's or the outbox's only.
func (s *Service) notifyLagging(ctx context.Context, x Session, pre map[string]Mail) error {
	var lag []string
	for _, inv := range x.Invitations {
		if inv.Notified < x.Sequence {
			lag = append(lag, inv.CollaboratorID)
		}
	}
	if len(lag) == 0 {
		return nil
	}
	people, err := s.d.Directory.People(ctx, lag)
	if err != nil {
		return err
	}
	var tokens []Token
	now := s.d.Clock.Now()
	for _, cid := range lag {
		tokens = append(tokens, Token{Hash: tokenHash(s.Token(x.ID, cid)), SessionID: x.ID, CollaboratorID: cid, CreatedAt: now})
	}
	if err := s.d.Store.PutTokens(ctx, tokens); err != nil {
		return err
	}
	done, withheld, failed := map[string]bool{}, map[string]bool{}, map[string]string{}
	var mails []Mail
	var to []string
	for _, cid := range lag {
		inv, _ := x.Invitation(cid)
		p, ok := people[cid]
		if !ok {
			done[cid] = true // archived since: nothing to send
			continue
		}
		kind, hold := noticeKind(x, *inv)
		if kind == "" {
			done[cid], withheld[cid] = true, hold
			continue
		}
		m, ok := pre[NoticeKey(kind, x, cid)]
		if !ok {
			if m, err = s.compose(kind, x, p); err != nil {
				failed[cid] = err.Error()
				s.d.Logger.WarnContext(ctx, "notice not queued", "session", x.ID, "collaborator", cid, "kind", kind, "err", err)
				continue
			}
		}
		mails, to = append(mails, m), append(to, cid)
	}
	if err := s.enqueue(ctx, x.ID, mails, to, done, failed); err != nil {
		return err
	}
	_, err = s.d.Store.Update(ctx, x.ID, func(y *Session) error {
		for i := range y.Invitations {
			inv := &y.Invitations[i]
			if reason, ok := failed[inv.CollaboratorID]; ok {
				inv.Failure = reason
				continue
			}
			if done[inv.CollaboratorID] && inv.Notified < x.Sequence {
				if withheld[inv.CollaboratorID] && inv.Notified < 0 {
					inv.Withheld = true
				}
				inv.Notified, inv.Failure = x.Sequence, ""
			}
		}
		return nil
	})
	return err
}

// enqueue queues mails (to[i] is the invitee of mails[i]) and marks each
// done; should the outbox refuse the batch as invalid, each goes alone and
// those refused are marked failed instead.
func (s *Service) enqueue(ctx context.Context, sessionID string, mails []Mail, to []string, done map[string]bool, failed map[string]string) error {
	if len(mails) == 0 {
		return nil
	}
	err := s.d.Mailer.EnqueueAll(ctx, mails)
	if err == nil {
		for _, cid := range to {
			done[cid] = true
		}
		return nil
	}
	if !errs.Is(err, errs.Invalid) {
		return err
	}
	for i, m := range mails {
		switch err := s.d.Mailer.Enqueue(ctx, m); {
		case err == nil:
			done[to[i]] = true
		case errs.Is(err, errs.Invalid):
			failed[to[i]] = "the outbox refused the notice: " + err.Error()
			s.d.Logger.WarnContext(ctx, "notice not queued", "session", sessionID, "collaborator", to[i], "key", m.Key, "err", err)
		default:
			return err
		}
	}
	return nil
}

// markFailures records on a session's invitations why their notices
// failed.
func (s *Service) markFailures(ctx context.Context, id string, failed map[string]string) error {
	if len(failed) == 0 {
		return nil
	}
	_, err := s.d.Store.Update(ctx, id, func(y *Session) error {
		for i := range y.Invitations {
			if reason, ok := failed[y.Invitations[i].CollaboratorID]; ok {
				y.Invitations[i].Failure = reason
			}
		}
		return nil
	})
	return err
}

// notify queues one notice to one invitee; one that cannot be written or
// sent is logged and marked on the invitation, not returned.
func (s *Service) notify(ctx context.Context, kind string, x Session, collaboratorID string) error {
	people, err := s.d.Directory.People(ctx, []string{collaboratorID})
	if err != nil {
		return err
	}
	p, ok := people[collaboratorID]
	if !ok {
		return nil
	}
	m, err := s.compose(kind, x, p)
	if err == nil {
		return s.d.Mailer.Enqueue(ctx, m)
	}
	s.d.Logger.WarnContext(ctx, "notice not queued", "session", x.ID, "collaborator", collaboratorID, "kind", kind, "err", err)
	return s.markFailures(ctx, x.ID, map[string]string{collaboratorID: err.Error()})
}

// SendReminders mails, 24 hours before each session, those who accepted or
// have not answered, and returns how many sessions it reminded. A session
// that fails is logged and left for the next run while the others are
// reminded; a reminder that cannot be written or sent is marked on its
// invitation. The error counts the sessions that failed.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	now := s.d.Clock.Now()
	due, err := s.find(ctx, Query{From: now, To: now.Add(24 * time.Hour)})
	if err != nil {
		return 0, err
	}
	n, bad, err := jobs.Each(ctx, s.d.Logger, due, "reminders of a session failed", "session", sessionID, func(x Session) (bool, error) {
		if x.Status != StatusScheduled || x.ReminderSent {
			return false, nil
		}
		return true, s.remind(ctx, x)
	})
	if err == nil && bad > 0 {
		err = fmt.Errorf("reminders: %d of %d sessions failed (see the log); the others were reminded", bad, bad+n)
	}
	return n, err
}

// remind queues one session's reminders and records that it was reminded.
func (s *Service) remind(ctx context.Context, x Session) error {
	var ids []string
	for _, inv := range x.Invitations {
		if inv.Response == ResponseAccepted || inv.Response == ResponsePending {
			ids = append(ids, inv.CollaboratorID)
		}
	}
	people, err := s.d.Directory.People(ctx, ids)
	if err != nil {
		return err
	}
	done, failed := map[string]bool{}, map[string]string{}
	var mails []Mail
	var to []string
	for _, cid := range ids {
		p, ok := people[cid]
		if !ok {
			continue
		}
		m, err := s.compose(NoticeReminder, x, p)
		if err != nil {
			failed[cid] = err.Error()
			s.d.Logger.WarnContext(ctx, "reminder not queued", "session", x.ID, "collaborator", cid, "err", err)
			continue
		}
		mails, to = append(mails, m), append(to, cid)
	}
	if err := s.enqueue(ctx, x.ID, mails, to, done, failed); err != nil {
		return err
	}
	_, err = s.d.Store.Update(ctx, x.ID, func(y *Session) error {
		y.ReminderSent = true
		for i := range y.Invitations {
			if reason, ok := failed[y.Invitations[i].CollaboratorID]; ok {
				y.Invitations[i].Failure = reason
			}
		}
		return nil
	})
	return err
}

// CatchUp mails the notices a crash left unsent, for sessions not over.
// Each session goes on its own: one that fails is logged and the others
// are caught up; the error counts those that failed.
func (s *Service) CatchUp(ctx context.Context) error {
	now := s.d.Clock.Now()
	open, err := s.find(ctx, Query{From: now.Add(-12 * time.Hour)})
	if err != nil {
		return err
	}
	_, bad, err := jobs.Each(ctx, s.d.Logger, open, "catch-up of a session failed", "session", sessionID, func(x Session) (bool, error) {
		return true, s.notifyLagging(ctx, x, nil)
	})
	if err != nil {
		return err
	}
	if bad > 0 {
		return fmt.Errorf("catch-up: %d of %d sessions failed (see the log); the others were caught up", bad, len(open))
	}
	return nil
}
