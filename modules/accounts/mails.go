package accounts

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"strings"
	texttemplate "text/template"

	"github.com/ctvacademy/academy/modules/platform/mail"
	"go.yaml.in/yaml/v3"
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

type mailParts struct {
	subject, text *texttemplate.Template
	html          *htmltemplate.Template
}

// Mails are the parsed account mail templates.
type Mails struct {
	t map[string]mailParts // "<purpose>.<lang>"
}

// LoadMails reads mail/accounts.<lang>.yaml from fsys and renders every
// mail with sample data, so a broken template stops start-up. Errors name
// the file and the mail.
func LoadMails(fsys fs.FS) (*Mails, error) {
	m := &Mails{t: map[string]mailParts{}}
	for _, lang := range mailLanguages {
		file := "mail/accounts." + lang + ".yaml"
		b, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		var doc map[string]map[string]string
		if err := yaml.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		for _, purpose := range []string{PurposeActivate, PurposeReset} {
			parts, ok := doc[purpose]
			if !ok {
				return nil, fmt.Errorf("%s: missing mail %q", file, purpose)
			}
			var p mailParts
			opt := "missingkey=error"
			if p.subject, err = texttemplate.New("subject").Option(opt).Parse(parts["subject"]); err == nil {
				if p.text, err = texttemplate.New("text").Option(opt).Parse(parts["text"]); err == nil {
					p.html, err = htmltemplate.New("html").Option(opt).Parse(parts["html"])
				}
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", file, purpose, err)
			}
			m.t[purpose+"."+lang] = p
			sample := mailData{Name: "Nguyễn Văn An", Email: "an.nguyen@example.vn", URL: "http://127.0.0.1:8080/activate/x", Hours: 72}
			if _, err := m.compose(purpose, lang, sample); err != nil {
				return nil, fmt.Errorf("%s: %s: %w", file, purpose, err)
			}
		}
	}
	return m, nil
}

func (m *Mails) compose(purpose, lang string, d mailData) (mail.Message, error) {
	p, ok := m.t[purpose+"."+lang]
	if !ok {
		return mail.Message{}, fmt.Errorf("no %s mail in %s", purpose, lang)
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
