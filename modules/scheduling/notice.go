package scheduling

import (
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/platform/ical"
	"github.com/ctvacademy/academy/modules/platform/mail"
	"go.yaml.in/yaml/v3"
)

// Kinds lists every notice kind; each language's templates must have them all.
var Kinds = []string{NoticeInvite, NoticeReschedule, NoticeUpdate, NoticeCancel, NoticeReminder, NoticePromoted}

// Notices composes the mails of content/mail/<lang>.yaml, with an
// iCalendar part (REQUEST, or CANCEL) for invitations, updates and
// cancellations.
type Notices struct {
	tpl       map[string]map[string]mail.Parts // lang → kind
	files     map[string]map[string]string     // lang → kind → the calendar attachment's name
	from      string
	fromName  string
	now       func() time.Time
	courseFor func(code, lang string) string
}

// LoadNotices reads the mail templates from fsys (content.FS) and writes
// each notice once with sample data (rehearseAll).
func LoadNotices(fsys fs.FS, from, fromName string, now func() time.Time, courseTitle func(code, lang string) string) (*Notices, error) {
	n := &Notices{tpl: map[string]map[string]mail.Parts{}, files: map[string]map[string]string{}, from: from, fromName: fromName, now: now, courseFor: courseTitle}
	for _, lang := range []string{"vi", "en"} {
		b, err := fs.ReadFile(fsys, "mail/"+lang+".yaml")
		if err != nil {
			return nil, fmt.Errorf("mail templates: %w", err)
		}
		raw := map[string]struct{ Subject, Attachment, Text, HTML string }{}
		if err := yaml.Unmarshal(b, &raw); err != nil {
			return nil, fmt.Errorf("mail/%s.yaml: %w", lang, err)
		}
		n.tpl[lang] = map[string]mail.Parts{}
		n.files[lang] = map[string]string{}
		for _, kind := range Kinds {
			r, ok := raw[kind]
			if !ok || r.Subject == "" || r.Text == "" || r.HTML == "" {
				return nil, fmt.Errorf("mail/%s.yaml: %s needs subject, text and html", lang, kind)
			}
			if calendarMethod(kind) != "" {
				// Checked with the rest of the mail by rehearseAll.
				if r.Attachment == "" {
					return nil, fmt.Errorf("mail/%s.yaml: %s needs attachment, the name of its calendar file", lang, kind)
				}
				n.files[lang][kind] = r.Attachment
			}
			t, err := mail.ParseParts(r.Subject, r.Text, r.HTML)
			if err != nil {
				return nil, fmt.Errorf("mail/%s.yaml %s: %w", lang, kind, err)
			}
			n.tpl[lang][kind] = t
		}
	}
	// A template can parse and still fail on every mail ({{ .Nope }}):
	// write each one now, so that it fails here, at start.
	if err := n.rehearseAll(); err != nil {
		return nil, err
	}
	return n, nil
}

type noticeData struct {
	Name, Title, Course, Date, Start, End, Location, Trainer, Area, RSVPURL, Reason string
	// Response is the invitee's answer as the session records it when the
	// mail is written: pending, accepted, waitlisted or declined.
	Response string
}

// partstat is an invitee's answer as an iCalendar PARTSTAT, and whether
// they have yet to answer: an invitee who has not answered — or whose
// answer a reschedule returned to pending — NEEDS-ACTION; an accept is
// ACCEPTED, a decline DECLINED, and a waitlisted accept TENTATIVE (they
// mean to come and have no place yet).
func partstat(response string) (string, bool) {
	switch response {
	case ResponseAccepted:
		return "ACCEPTED", false
	case ResponseWaitlisted:
		return "TENTATIVE", false
	case ResponseDeclined:
		return "DECLINED", false
	}
	return "NEEDS-ACTION", true
}

// responseOf is p's answer to s (pending when s does not invite them).
func responseOf(s Session, p Person) string {
	if inv, ok := s.Invitation(p.ID); ok && inv.Response != "" {
		return inv.Response
	}
	return ResponsePending
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
		Location: s.Location, Trainer: s.Trainer, Area: p.AreaName, RSVPURL: rsvpURL, Reason: s.CancelReason, Response: responseOf(s, p)}
	if s.CourseCode != "" && n.courseFor != nil {
		d.Course = n.courseFor(s.CourseCode, lang)
	}
	subj, text, html, err := t.Execute(d)
	if err != nil {
		return Mail{}, err
	}
	m := Mail{To: p.Email, ToName: p.Name, Subject: strings.TrimSpace(subj), Text: text, HTML: html, Lang: lang}
	if method := calendarMethod(kind); method != "" {
		m.Calendar, m.CalendarMethod, m.CalendarFile = n.calendar(s, p, method, text), method, n.files[lang][kind]
	}
	return m, nil
}

// calendarMethod is the iTIP method of the calendar a notice of kind
// carries: REQUEST for an invitation and its changes, CANCEL for a
// cancellation, "" for a reminder (no calendar).
func calendarMethod(kind string) string {
	switch kind {
	case NoticeInvite, NoticeReschedule, NoticeUpdate, NoticePromoted:
		return "REQUEST"
	case NoticeCancel:
		return "CANCEL"
	}
	return ""
}

// calendar is the session as an iCalendar object: one stable UID per
// session, SEQUENCE from the session, times in UTC, the invitee's
// PARTSTAT as the session records their answer (partstat) with RSVP=FALSE:
// an answer is recorded only through the mail's link, and nothing reads
// the replies a calendar app mails to the ORGANIZER, so the calendar asks
// for none (a CANCEL asks for no reply either: no RSVP, no NEEDS-ACTION).
// Every text is written
// through package ical, so no title, place or name can add a line or a
// property (a bare CR in a location made real ATTENDEE lines).
func (n *Notices) calendar(s Session, p Person, method, description string) string {
	const stamp = "20060102T150405Z"
	var w ical.Writer
	w.Begin("VCALENDAR")
	w.Value("VERSION", "2.0")
	w.Value("PRODID", "-//CTV Academy//Khuyen cong//VI")
	w.Value("CALSCALE", "GREGORIAN")
	w.Value("METHOD", method)
	w.Begin("VEVENT")
	w.Value("UID", s.ID+"@ctv-academy")
	w.Value("DTSTAMP", n.now().UTC().Format(stamp))
	w.Value("SEQUENCE", strconv.Itoa(s.Sequence))
	w.Value("DTSTART", s.StartsAt.UTC().Format(stamp))
	w.Value("DTEND", s.EndsAt.UTC().Format(stamp))
	w.Text("SUMMARY", s.Title)
	w.Text("LOCATION", s.Location)
	w.Text("DESCRIPTION", strings.TrimSpace(description))
	w.Value("ORGANIZER", "mailto:"+n.from, ical.Param{Name: "CN", Value: n.fromName})
	status, pending := partstat(responseOf(s, p))
	attendee := []ical.Param{{Name: "CUTYPE", Value: "INDIVIDUAL"}, {Name: "ROLE", Value: "REQ-PARTICIPANT"}}
	switch {
	case method != "CANCEL":
		attendee = append(attendee, ical.Param{Name: "PARTSTAT", Value: status}, ical.Param{Name: "RSVP", Value: "FALSE"})
	case !pending:
		// No reply is expected to a CANCEL (RFC 5546 §3.2.5): no RSVP, and
		// no NEEDS-ACTION; an answer given stays as it was.
		attendee = append(attendee, ical.Param{Name: "PARTSTAT", Value: status})
	}
	attendee = append(attendee, ical.Param{Name: "CN", Value: p.Name})
	w.Value("ATTENDEE", "mailto:"+p.Email, attendee...)
	if method == "CANCEL" {
		w.Value("STATUS", "CANCELLED")
	} else {
		w.Value("STATUS", "CONFIRMED")
	}
	w.End("VEVENT")
	w.End("VCALENDAR")
	return w.String()
}

// sampleStart is the sample session's start: 08:00 in Vietnam.
var sampleStart = time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)

// rehearseAll writes every notice kind in every language for a sample
// session and invitee, and checks what a mail reader would get: a template
// that parses but fails when run ({{ .Nope }}), a subject that is not one
// line, a calendar part that does not read back. LoadNotices calls it, so
// such a template stops the start instead of failing every invitation.
func (n *Notices) rehearseAll() error {
	s := Session{ID: "sample", CourseCode: "KC-101", Title: "Tập huấn chính sách khuyến công", StartsAt: sampleStart,
		EndsAt: sampleStart.Add(3 * time.Hour), Location: "Hội trường UBND huyện Nhơn Trạch", Trainer: "ThS. Lê Văn Hùng",
		CancelReason: "Trùng lịch họp tỉnh", Sequence: 1}
	for _, lang := range []string{"vi", "en"} {
		p := Person{ID: "sample", Name: "Nguyễn Văn An", Email: "an@example.vn", AreaName: "Huyện Nhơn Trạch", Language: lang}
		for _, kind := range Kinds {
			if err := n.rehearseOne(kind, s, p); err != nil {
				return fmt.Errorf("mail/%s.yaml %s: %w", lang, kind, err)
			}
		}
	}
	return nil
}

func (n *Notices) rehearseOne(kind string, s Session, p Person) error {
	m, err := n.Compose(kind, s, p, "https://academy.example.vn/rsvp/sample")
	if err != nil {
		return err
	}
	msg := mail.Message{Key: "sample", To: mail.Address{Email: m.To, Name: m.ToName}, Subject: m.Subject, Text: m.Text, HTML: m.HTML}
	if m.Calendar != "" {
		msg.Calendar = &mail.Calendar{Method: m.CalendarMethod, ICS: m.Calendar, Filename: m.CalendarFile}
		if _, err := ical.Parse(m.Calendar); err != nil {
			return fmt.Errorf("the calendar part: %w", err)
		}
	}
	return msg.Validate()
}
