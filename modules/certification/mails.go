package certification

import (
	"io/fs"
	"time"

	"github.com/ctvacademy/academy/modules/platform/mail"
)

// The reminder mails are written in content/mail/certification.<lang>.yaml:
// per kind (window_open, week_before, expired) a subject and a text body
// (text/template) and an HTML body (html/template), given MailData.
var mailLanguages = []string{"vi", "en"}

// MailKinds are the reminders' kinds, each a mail of the templates.
var MailKinds = []string{ReminderWindowOpen, ReminderWeekBefore, ReminderExpired}

// MailData is what a reminder's templates are given.
type MailData struct {
	Name         string // the recipient
	Holder       string // the certificate's holder
	Self         bool   // the recipient is the holder (else their team leader)
	Course       string // the course's code
	Title        string // the course's title
	ValidUntil   string // the last valid day, dd/mm/yyyy
	Next         bool   // a session of the course is scheduled in the holder's district
	NextTitle    string
	NextStart    string // hh:mm dd/mm/yyyy, Vietnam time
	NextLocation string
	URL          string // the certificates page ("" without a base URL)
}

// Mails are the parsed reminder templates.
type Mails struct{ t *mail.Templates }

// LoadMails reads mail/certification.<lang>.yaml from fsys and renders
// every mail with sample data (to the holder and to a team leader, with
// and without a next session), so that a broken template stops start-up
// and `academy content check`. Errors name the file and the mail.
func LoadMails(fsys fs.FS) (*Mails, error) {
	t, err := mail.LoadTemplates(fsys, "certification", mailLanguages, MailKinds, sampleData()...)
	if err != nil {
		return nil, err
	}
	return &Mails{t: t}, nil
}

func sampleData() []MailData {
	self := MailData{Name: "Nguyễn Văn An", Holder: "Nguyễn Văn An", Self: true, Course: "KC-101",
		Title: "Nhập môn khuyến công", ValidUntil: "31/12/2027", URL: "http://127.0.0.1:8080/certifications"}
	leader := self
	leader.Name, leader.Self, leader.URL = "Phạm Thị Dung", false, ""
	leader.Next, leader.NextTitle, leader.NextLocation = true, "Tập huấn khuyến công", "Hội trường UBND huyện"
	leader.NextStart = time.Date(2027, 12, 1, 8, 0, 0, 0, time.UTC).Format("15:04 02/01/2006")
	return []MailData{self, leader}
}

// Compose writes the reminder of kind in lang ("vi" or "en").
func (m *Mails) Compose(kind, lang string, d MailData) (mail.Message, error) {
	return m.t.Compose(kind, lang, d)
}
