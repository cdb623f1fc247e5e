package app

import (
	"context"
	"io/fs"
	"sync"
	"time"

	"github.com/ctvacademy/academy/modules/accounts"
	"github.com/ctvacademy/academy/modules/certification"
)

// wireCertMails gives certification's reminders their templates
// (content/mail/certification.<lang>.yaml) and the recipients' languages.
func (a *App) wireCertMails(mailFiles fs.FS) error {
	mails, err := loadMails(mailFiles, certification.LoadMails)
	if err != nil {
		return err
	}
	a.Certification.SetMailer(certification.OutboxMailer{Outbox: a.Outbox, Mails: mails, Languages: &certLanguages{acc: a.Accounts}})
	return nil
}

// certLanguages is each collaborator's chosen language, from their
// account; the accounts are read at most once a minute (a day's reminders
// are sent in one run).
type certLanguages struct {
	acc *accounts.Service

	mu    sync.Mutex
	at    time.Time
	langs map[string]string
}

func (l *certLanguages) Language(ctx context.Context, collaboratorID string) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.langs == nil || time.Since(l.at) > time.Minute {
		us, err := l.acc.Users(ctx)
		if err != nil {
			return "", err
		}
		l.langs, l.at = map[string]string{}, time.Now()
		for _, u := range us {
			if u.CollaboratorID != "" && u.Language != "" {
				l.langs[u.CollaboratorID] = u.Language
			}
		}
	}
	return l.langs[collaboratorID], nil
}
