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
	t map[string]Parts // "<mail>.<lang>"
}

// Parts are one mail's templates: a subject and a text body
// (text/template) and an HTML body (html/template), each failing on a
// missing key. Templates and scheduling's notices hold their mails so.
type Parts struct {
	subject, text *texttemplate.Template
	html          *htmltemplate.Template
}

// ParseParts parses one mail's subject, text and HTML templates.
func ParseParts(subject, text, html string) (Parts, error) {
	var p Parts
	var err error
	opt := "missingkey=error"
	if p.subject, err = texttemplate.New("subject").Option(opt).Parse(subject); err == nil {
		if p.text, err = texttemplate.New("text").Option(opt).Parse(text); err == nil {
			p.html, err = htmltemplate.New("html").Option(opt).Parse(html)
		}
	}
	return p, err
}

// Execute writes the subject (untrimmed), text and HTML with data d.
func (p Parts) Execute(d any) (subject, text, html string, err error) {
	var s, t, h bytes.Buffer
	if err := p.subject.Execute(&s, d); err != nil {
		return "", "", "", err
	}
	if err := p.text.Execute(&t, d); err != nil {
		return "", "", "", err
	}
	if err := p.html.Execute(&h, d); err != nil {
		return "", "", "", err
	}
	return s.String(), t.String(), h.String(), nil
}

// LoadTemplates reads mail/<name>.<lang>.yaml from fsys for each language,
// parses each of mails in it and renders each with every sample, so that a
// broken template stops start-up and `academy content check`. Errors read
// "mail/<name>.<lang>.yaml: <mail>: …" (the content check finds the line
// from them).
func LoadTemplates[D any](fsys fs.FS, name string, langs, mails []string, samples ...D) (*Templates, error) {
	t := &Templates{t: map[string]Parts{}}
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
			p, err := ParseParts(parts["subject"], parts["text"], parts["html"])
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
	subj, text, html, err := p.Execute(d)
	if err != nil {
		return Message{}, err
	}
	s := strings.TrimSpace(subj)
	if s == "" || strings.ContainsAny(s, "\r\n") {
		return Message{}, fmt.Errorf("the subject must render on one line")
	}
	return Message{Subject: s, Text: text, HTML: html, Lang: lang}, nil
}
