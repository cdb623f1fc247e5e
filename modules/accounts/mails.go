package accounts

import (
	"io/fs"

	"github.com/ctvacademy/academy/modules/platform/mail"
)

// The account mails (activation and password reset) are written in
// content/mail/accounts.<lang>.yaml: per purpose a subject and a text
// body (text/template) and an HTML body (html/template), with the data
// .Name, .Email, .URL (the set-password link) and .Hours (how long it
// works).
var mailLanguages = []string{"vi", "en"}

type mailData struct {
	Name  string
	Email string
	URL   string
	Hours int
}

// Mails are the parsed account mail templates.
type Mails struct{ t *mail.Templates }

// LoadMails reads mail/accounts.<lang>.yaml from fsys and renders every
// mail with sample data, so a broken template stops start-up. Errors name
// the file and the mail.
func LoadMails(fsys fs.FS) (*Mails, error) {
	sample := mailData{Name: "Nguyễn Văn An", Email: "an.nguyen@example.vn", URL: "http://127.0.0.1:8080/activate/x", Hours: 72}
	t, err := mail.LoadTemplates(fsys, "accounts", mailLanguages, []string{PurposeActivate, PurposeReset}, sample)
	if err != nil {
		return nil, err
	}
	return &Mails{t: t}, nil
}

func (m *Mails) compose(purpose, lang string, d mailData) (mail.Message, error) {
	return m.t.Compose(purpose, lang, d)
}
