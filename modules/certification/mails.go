package certification

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/ctvacademy/academy/modules/platform/mail"
	"go.yaml.in/yaml/v3"
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

type mailParts struct {
	subject, text *texttemplate.Template
	html          *htmltemplate.Template
}

// Mails are the parsed reminder templates.
type Mails struct {
	t map[string]mailParts // "<kind>.<lang>"
}

// LoadMails reads mail/certification.<lang>.yaml from fsys and renders
// every mail with sample data (to the holder and to a team leader, with
// and without a next session), so that a broken template stops start-up
// and `academy content check`. Errors name the file and the mail.
func LoadMails(fsys fs.FS) (*Mails, error) {
	m := &Mails{t: map[string]mailParts{}}
	for _, lang := range mailLanguages {
		file := "mail/certification." + lang + ".yaml"
		b, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		var doc map[string]map[string]string
		if err := yaml.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		for _, kind := range MailKinds {
			parts, ok := doc[kind]
			if !ok {
				return nil, fmt.Errorf("%s: missing mail %q", file, kind)
			}
			var p mailParts
			opt := "missingkey=error"
			if p.subject, err = texttemplate.New("subject").Option(opt).Parse(parts["subject"]); err == nil {
				if p.text, err = texttemplate.New("text").Option(opt).Parse(parts["text"]); err == nil {
					p.html, err = htmltemplate.New("html").Option(opt).Parse(parts["html"])
				}
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", file, kind, err)
			}
			m.t[kind+"."+lang] = p
			for _, d := range sampleData() {
				if _, err := m.Compose(kind, lang, d); err != nil {
					return nil, fmt.Errorf("%s: %s: %w", file, kind, err)
				}
			}
		}
	}
	return m, nil
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
	p, ok := m.t[kind+"."+lang]
	if !ok {
		return mail.Message{}, fmt.Errorf("no %s mail in %s", kind, lang)
	}
	var subj, text, html bytes.Buffer
	if err := p.subject.Execute(&subj, d); err != nil {
		return mail.Message{}, err
	}
	if err := p.text.Execute(&text, d); err != nil {
		return mail.Message{}, err
	}
	if err := p.html.Execute(&html, d); err != nil {
		return mail.Message{}, err
	}
	s := strings.TrimSpace(subj.String())
	if s == "" || strings.ContainsAny(s, "\r\n") {
		return mail.Message{}, fmt.Errorf("the subject must render on one line")
	}
	return mail.Message{Subject: s, Text: text.String(), HTML: html.String()}, nil
}
