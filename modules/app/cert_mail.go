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
	a.Certification.SetMailer(certification.OutboxMailer{Outbox: a.Outbox, Mails: mails, Languages: a.mailLanguages()})
	return nil
}

// mailLanguages is the one cache of the collaborators' mail languages that
// certification's reminders and scheduling's notices read; a language this
// process changes is in it at once.
func (a *App) mailLanguages() *accountLanguages {
	if a.languages == nil {
		a.languages = &accountLanguages{acc: a.Accounts}
		a.Accounts.OnLanguageChange(a.languages.changed)
	}
	return a.languages
}

// accountLanguages is each collaborator's chosen language, from their
// account; the accounts are read at most once a minute (a day's reminders
// are sent in one run, an invitation to a district names everyone in it).
// A change made by another process (only on MongoDB) is seen within that
// minute.
type accountLanguages struct {
	acc *accounts.Service

	mu    sync.Mutex
	at    time.Time
	langs map[string]string
}

func (l *accountLanguages) Language(ctx context.Context, collaboratorID string) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.langs == nil || time.Since(l.at) > time.Minute {
		us, err := l.acc.Users(ctx)
		if err != nil {
			return "", err
		}
		l.langs, l.at = map[string]string{}, time.Now()
		for _, u := range us {
			// A collaborator's own account (accounts.AccountIDOf) speaks for
			// them; another account of theirs only when that one is silent.
			own := u.ID == accounts.AccountIDOf(u.CollaboratorID)
			if _, set := l.langs[u.CollaboratorID]; u.CollaboratorID != "" && u.Language != "" && (own || !set) {
				l.langs[u.CollaboratorID] = u.Language
			}
		}
	}
	return l.langs[collaboratorID], nil
}

// changed has the next question read the accounts again: this process just
// changed a language.
func (l *accountLanguages) changed(accounts.User) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.langs = nil
}
