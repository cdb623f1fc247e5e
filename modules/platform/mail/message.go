// Package mail delivers the system's email through an outbox: every message
// is first a document in the mail_outbox collection (Outbox.Enqueue, keyed by
// an idempotency key), and Workers lease due messages, send them with a
// Sender (SMTP through go-mail, or .eml files in a drop directory), retry
// temporary failures with exponential backoff and move delivered messages to
// the insert-only mail_sent archive.
package mail

import (
	netmail "net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/humantext"
	gomail "github.com/wneessen/go-mail"
)

// Address is a mailbox with an optional display name.
type Address struct {
	Email string `json:"email" bson:"email"`
	Name  string `json:"name,omitempty" bson:"name,omitempty"`
}

// String formats the address for a header ("Name <email>").
func (a Address) String() string {
	return (&netmail.Address{Name: a.Name, Address: a.Email}).String()
}

// Calendar is an iCalendar object sent with a message: as a
// text/calendar; method=<Method> alternative part, which calendar clients act
// on, and as an .ics attachment for the others (Filename).
type Calendar struct {
	// Method is the iTIP method of ICS: REQUEST (an invitation or its
	// update), CANCEL or PUBLISH.
	Method string `json:"method" bson:"method"`
	// ICS is the serialized VCALENDAR, with CRLF line ends.
	ICS string `json:"ics" bson:"ics"`
	// Filename names the attachment for the reader, in ASCII: lower-case
	// letters, digits and hyphens, then ".ics" (e.g. "huy-tap-huan.ics").
	// Empty: a name said by the method (CalendarFilename).
	Filename string `json:"filename,omitempty" bson:"filename,omitempty"`
}

// CalendarFilename is the attachment's name of a calendar without one,
// said by its method in Vietnamese words without accents: a request
// "lich-moi.ics" (a new or changed appointment), a cancellation
// "huy-lich.ics", a published calendar "lich.ics". A cancellation was sent
// as invite.ics before.
func CalendarFilename(method string) string {
	switch method {
	case "REQUEST":
		return "lich-moi.ics"
	case "CANCEL":
		return "huy-lich.ics"
	}
	return "lich.ics"
}

// attachmentName is what Calendar.Filename may be.
var attachmentName = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*\.ics$`)

// filename is the attachment's name (Filename, or the method's).
func (c Calendar) filename() string {
	if c.Filename != "" {
		return c.Filename
	}
	return CalendarFilename(c.Method)
}

// Message is one email to one person.
type Message struct {
	// ID identifies the message: it is the outbox document's _id and the
	// local part of its Message-ID header, <ID@domain of the sender's
	// address>, the same on every delivery attempt. Enqueue sets it to Key.
	ID string `json:"id"`
	// Key is the idempotency key, unique among all messages ever enqueued:
	// enqueueing a message with a key already used creates nothing. Derive it
	// from the change that causes the mail (e.g. "invite:<session>:<person>:1").
	// It appears in the Message-ID header: never put a secret in it. Empty
	// means a random key (no deduplication).
	Key      string    `json:"key,omitempty"`
	To       Address   `json:"to"`
	Subject  string    `json:"subject"`
	Text     string    `json:"text,omitempty"`
	HTML     string    `json:"html,omitempty"`
	Calendar *Calendar `json:"calendar,omitempty"`
	// Date is the Date header; Enqueue sets it to the enqueue time when zero,
	// so every attempt sends the same one.
	Date time.Time `json:"date"`
	// Lang is the language the message is written in ("vi", "en"; empty:
	// Vietnamese): the sender's display name follows it (SMTPOptions.Names).
	Lang string `json:"lang,omitempty"`
}

// calendarMethods are the iTIP methods a message may carry.
var calendarMethods = map[string]bool{"REQUEST": true, "CANCEL": true, "PUBLISH": true}

// Validate checks that the message can be sent. Errors: errs.Invalid naming
// the bad field.
func (m Message) Validate() error {
	if _, err := netmail.ParseAddress(m.To.Email); err != nil || strings.ContainsAny(m.To.Email, "<> ") {
		return errs.Field("to.email", "is not an email address")
	}
	if strings.TrimSpace(m.Subject) == "" {
		return errs.Field("subject", "is required")
	}
	if humantext.Control(m.Subject, false) {
		return errs.Field("subject", "must be one line without control characters")
	}
	if humantext.Control(m.To.Name, false) {
		return errs.Field("to.name", "must be one line without control characters")
	}
	if m.Text == "" && m.HTML == "" {
		return errs.Field("text", "a text or HTML body is required")
	}
	if c := m.Calendar; c != nil {
		if !calendarMethods[c.Method] {
			return errs.Field("calendar.method", "must be REQUEST, CANCEL or PUBLISH")
		}
		if !strings.HasPrefix(c.ICS, "BEGIN:VCALENDAR") {
			return errs.Field("calendar.ics", "is not an iCalendar object")
		}
		if c.Filename != "" && !attachmentName.MatchString(c.Filename) {
			return errs.Field("calendar.filename", "must be lower-case ASCII letters, digits and hyphens, then .ics")
		}
	}
	return nil
}

// MessageID returns the Message-ID header value (with the angle brackets)
// of the message with the given ID sent from the given address.
func MessageID(id string, from Address) string {
	domain := "localhost"
	if at := strings.LastIndexByte(from.Email, '@'); at >= 0 && at < len(from.Email)-1 {
		domain = from.Email[at+1:]
	}
	return "<" + escapeID(id) + "@" + domain + ">"
}

// build turns the message into a go-mail message from the given sender,
// named names[m.Lang] when that is set.
func build(m Message, from Address, names map[string]string) (*gomail.Msg, error) {
	if n := names[m.Lang]; n != "" {
		from.Name = n
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if m.ID == "" {
		return nil, errs.Field("id", "is required")
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	// The addresses are handed over whole: go-mail's *Format methods put
	// the name between quotes unescaped and parse the result, which drops
	// a name's quotes or, when they are unbalanced, fails. net/mail writes
	// the header (quoting, escaping, RFC 2047 for other than ASCII).
	msg.SetAddrHeaderFromMailAddress(gomail.HeaderFrom, &netmail.Address{Name: from.Name, Address: from.Email})
	msg.AddToMailAddress(&netmail.Address{Name: m.To.Name, Address: m.To.Email})
	// Written by hand: go-mail folds before a first encoded word that does
	// not fit after "Subject: ", which leaves the header's first line
	// empty, and readers (Python's email) then see a leading space.
	msg.SetGenHeaderPreformatted(gomail.HeaderSubject, subjectHeader(m.Subject))
	id := MessageID(m.ID, from)
	msg.SetMessageIDWithValue(id[1 : len(id)-1])
	if m.Date.IsZero() {
		msg.SetDate()
	} else {
		msg.SetDateWithValue(m.Date)
	}
	switch {
	case m.Text != "" && m.HTML != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	case m.Text != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	default:
		msg.SetBodyString(gomail.TypeTextHTML, m.HTML)
	}
	if c := m.Calendar; c != nil {
		msg.AddAlternativeString(gomail.ContentType("text/calendar; method="+c.Method), c.ICS)
		if err := msg.AttachReader(c.filename(), strings.NewReader(c.ICS),
			gomail.WithFileContentType(gomail.ContentType("application/ics"))); err != nil {
			return nil, err
		}
	}
	return msg, nil
}

// subjectHeader is the value of a Subject header for subject: as it is when
// it is printable ASCII that fits on the header's line, otherwise RFC 2047
// Q-encoded UTF-8 words cut between characters, the first on the
// "Subject:" line itself and each line at most 76 characters. Readers join
// adjacent encoded words without the folding whitespace, so the subject
// decodes back exactly.
func subjectHeader(subject string) string {
	const (
		prefix   = "=?UTF-8?q?"
		suffix   = "?="
		lineMax  = 76
		firstMax = lineMax - len("Subject: ")
	)
	plain := len(subject) <= firstMax && !strings.Contains(subject, "=?")
	for i := 0; plain && i < len(subject); i++ {
		plain = subject[i] >= ' ' && subject[i] <= '~'
	}
	if plain {
		return subject
	}
	const hex = "0123456789ABCDEF"
	var words []string
	var word strings.Builder
	limit := firstMax - len(prefix) - len(suffix) // of the first word's encoded text
	for _, r := range subject {
		var enc strings.Builder
		var buf [utf8.UTFMax]byte
		for _, c := range buf[:utf8.EncodeRune(buf[:], r)] {
			switch {
			case c == ' ':
				enc.WriteByte('_')
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("!*+-/.,:;()'", c) >= 0:
				enc.WriteByte(c)
			default:
				enc.WriteByte('=')
				enc.WriteByte(hex[c>>4])
				enc.WriteByte(hex[c&15])
			}
		}
		if word.Len() > 0 && word.Len()+enc.Len() > limit {
			words = append(words, prefix+word.String()+suffix)
			word.Reset()
			limit = lineMax - 1 - len(prefix) - len(suffix) // after the folding space
		}
		word.WriteString(enc.String())
	}
	words = append(words, prefix+word.String()+suffix)
	return strings.Join(words, "\r\n ")
}

// escapeID makes an ID usable as the local part of a Message-ID (RFC 5322
// dot-atom) and as a file name: letters, digits, '-' and '_' stay, a '.'
// stays between two other characters, every other byte becomes %XX. The
// mapping is one-to-one, so distinct IDs never share a Message-ID.
func escapeID(id string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
			b.WriteByte(c)
		case c == '.' && i > 0 && i < len(id)-1 && id[i-1] != '.':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}
