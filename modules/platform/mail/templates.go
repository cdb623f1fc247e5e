package mail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"strings"
	texttemplate "text/template"

	"go.yaml.in/yaml/v3"
)

// Templates are the mails of one file per language,
// content/mail/<name>.<lang>.yaml: per mail a subject and a text body
// (text/template) and an HTML body (html/template).
type Templates struct {
	t map[string]templateParts // "<mail>.<lang>"
}

type templateParts struct {
	subject, text *texttemplate.Template
	html          *htmltemplate.Template
}

// LoadTemplates reads mail/<name>.<lang>.yaml from fsys for each language,
// parses each of mails in it and renders each with every sample, so that a
// broken template stops start-up and `academy content check`. Errors read
// "mail/<name>.<lang>.yaml: <mail>: …" (the content check finds the line
// from them).
func LoadTemplates[D any](fsys fs.FS, name string, langs, mails []string, samples ...D) (*Templates, error) {
	t := &Templates{t: map[string]templateParts{}}
	for _, lang := range langs {
		file := "mail/" + name + "." + lang + ".yaml"
		b, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		var doc map[string]map[string]string
		if err := yaml.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		for _, m := range mails {
			parts, ok := doc[m]
			if !ok {
				return nil, fmt.Errorf("%s: missing mail %q", file, m)
			}
			var p templateParts
			opt := "missingkey=error"
			if p.subject, err = texttemplate.New("subject").Option(opt).Parse(parts["subject"]); err == nil {
				if p.text, err = texttemplate.New("text").Option(opt).Parse(parts["text"]); err == nil {
					p.html, err = htmltemplate.New("html").Option(opt).Parse(parts["html"])
				}
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", file, m, err)
			}
			t.t[m+"."+lang] = p
			for _, d := range samples {
				if _, err := t.Compose(m, lang, d); err != nil {
					return nil, fmt.Errorf("%s: %s: %w", file, m, err)
				}
			}
		}
	}
	return t, nil
}

// Compose writes the mail m in lang with data d: its subject (one line),
// text and HTML.
func (t *Templates) Compose(m, lang string, d any) (Message, error) {
	p, ok := t.t[m+"."+lang]
	if !ok {
		return Message{}, fmt.Errorf("no %s mail in %s", m, lang)
	}
	var subj, text, html bytes.Buffer
	if err := p.subject.Execute(&subj, d); err != nil {
		return Message{}, err
	}
	if err := p.text.Execute(&text, d); err != nil {
		return Message{}, err
	}
	if err := p.html.Execute(&html, d); err != nil {
		return Message{}, err
	}
	s := strings.TrimSpace(subj.String())
	if s == "" || strings.ContainsAny(s, "\r\n") {
		return Message{}, fmt.Errorf("the subject must render on one line")
	}
	return Message{Subject: s, Text: text.String(), HTML: html.String()}, nil
}
