package scheduling

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"strings"
	"text/template"
	"time"

	ics "github.com/arran4/golang-ical"
	"go.yaml.in/yaml/v3"
)

// Kinds lists every notice kind; each language's templates must have them all.
var Kinds = []string{NoticeInvite, NoticeUpdate, NoticeCancel, NoticeReminder, NoticePromoted}

type noticeTemplates struct {
	subject, text *template.Template
	html          *htmltemplate.Template
}

// Notices composes the mails of content/mail/<lang>.yaml, with an
// iCalendar part (REQUEST, or CANCEL) for invitations, updates and
// cancellations.
type Notices struct {
	tpl       map[string]map[string]noticeTemplates // lang → kind
	from      string
	fromName  string
	now       func() time.Time
	courseFor func(code, lang string) string
}

// LoadNotices reads the mail templates from fsys (content.FS).
func LoadNotices(fsys fs.FS, from, fromName string, now func() time.Time, courseTitle func(code, lang string) string) (*Notices, error) {
	n := &Notices{tpl: map[string]map[string]noticeTemplates{}, from: from, fromName: fromName, now: now, courseFor: courseTitle}
	for _, lang := range []string{"vi", "en"} {
		b, err := fs.ReadFile(fsys, "mail/"+lang+".yaml")
		if err != nil {
			return nil, fmt.Errorf("mail templates: %w", err)
		}
		raw := map[string]struct{ Subject, Text, HTML string }{}
		if err := yaml.Unmarshal(b, &raw); err != nil {
			return nil, fmt.Errorf("mail/%s.yaml: %w", lang, err)
		}
		n.tpl[lang] = map[string]noticeTemplates{}
		for _, kind := range Kinds {
			r, ok := raw[kind]
			if !ok || r.Subject == "" || r.Text == "" || r.HTML == "" {
				return nil, fmt.Errorf("mail/%s.yaml: %s needs subject, text and html", lang, kind)
			}
			var t noticeTemplates
			if t.subject, err = template.New("s").Option("missingkey=error").Parse(r.Subject); err == nil {
				if t.text, err = template.New("t").Option("missingkey=error").Parse(r.Text); err == nil {
					t.html, err = htmltemplate.New("h").Option("missingkey=error").Parse(r.HTML)
				}
			}
			if err != nil {
				return nil, fmt.Errorf("mail/%s.yaml %s: %w", lang, kind, err)
			}
			n.tpl[lang][kind] = t
		}
	}
	return n, nil
}

type noticeData struct {
	Name, Title, Course, Date, Start, End, Location, Trainer, Area, RSVPURL, Reason string
}

// Compose writes one notice in the person's language (Vietnamese unless
// they prefer English).
func (n *Notices) Compose(kind string, s Session, p Person, rsvpURL string) (Mail, error) {
	lang := "vi"
	if p.Language == "en" {
		lang = "en"
	}
	t, ok := n.tpl[lang][kind]
	if !ok {
		return Mail{}, fmt.Errorf("no %s notice in %s", kind, lang)
	}
	start, end := s.StartsAt.In(vn), s.EndsAt.In(vn)
	d := noticeData{Name: p.Name, Title: s.Title, Date: start.Format("02/01/2006"), Start: start.Format("15:04"), End: end.Format("15:04"),
		Location: s.Location, Trainer: s.Trainer, Area: p.AreaName, RSVPURL: rsvpURL, Reason: s.CancelReason}
	if s.CourseCode != "" && n.courseFor != nil {
		d.Course = n.courseFor(s.CourseCode, lang)
	}
	var subj, text, html bytes.Buffer
	if err := t.subject.Execute(&subj, d); err != nil {
		return Mail{}, err
	}
	if err := t.text.Execute(&text, d); err != nil {
		return Mail{}, err
	}
	if err := t.html.Execute(&html, d); err != nil {
		return Mail{}, err
	}
	m := Mail{To: p.Email, ToName: p.Name, Subject: strings.TrimSpace(subj.String()), Text: text.String(), HTML: html.String()}
	switch kind {
	case NoticeInvite, NoticeUpdate, NoticePromoted:
		m.Calendar, m.CalendarMethod = n.calendar(s, p, ics.MethodRequest, text.String()), "REQUEST"
	case NoticeCancel:
		m.Calendar, m.CalendarMethod = n.calendar(s, p, ics.MethodCancel, text.String()), "CANCEL"
	}
	return m, nil
}

// calendar is the session as an iCalendar object: one stable UID per
// session, SEQUENCE from the session, times in UTC.
func (n *Notices) calendar(s Session, p Person, method ics.Method, description string) string {
	cal := ics.NewCalendar()
	cal.SetProductId("-//CTV Academy//Khuyen cong//VI")
	cal.SetMethod(method)
	ev := cal.AddEvent(s.ID + "@ctv-academy")
	ev.SetDtStampTime(n.now().UTC())
	ev.SetSequence(s.Sequence)
	ev.SetStartAt(s.StartsAt.UTC())
	ev.SetEndAt(s.EndsAt.UTC())
	ev.SetSummary(s.Title)
	ev.SetLocation(s.Location)
	ev.SetDescription(strings.TrimSpace(description))
	ev.SetOrganizer("mailto:"+n.from, ics.WithCN(n.fromName))
	ev.AddAttendee("mailto:"+p.Email, ics.WithCN(p.Name), ics.CalendarUserTypeIndividual,
		ics.ParticipationStatusNeedsAction, ics.ParticipationRoleReqParticipant, ics.WithRSVP(true))
	if method == ics.MethodCancel {
		ev.SetStatus(ics.ObjectStatusCancelled)
	} else {
		ev.SetStatus(ics.ObjectStatusConfirmed)
	}
	return cal.Serialize(ics.WithNewLineWindows)
}
