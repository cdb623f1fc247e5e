// Package fanout runs the invitation fan-out of issue 4 (bench/cmd/fanout):
// a real SMTP server on loopback that catches the service's mail, and
// clients that send requests at a steady rate beside it, with their
// latencies.
package fanout

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// Mail is one message the catcher accepted.
type Mail struct {
	MessageID string
	To        string
	Subject   string // decoded
	// Token is the RSVP token of the /rsvp/{token} link in the message, if any.
	Token string
	// At is when the server accepted it (just before answering 250 to DATA).
	At   time.Time
	Size int
}

// Catcher is an SMTP server on loopback that accepts every message, parses
// it the way a mail client would (MIME parts, quoted-printable and base64
// bodies) and records when it arrived.
type Catcher struct {
	srv  *smtp.Server
	ln   net.Listener
	addr string

	mu      sync.Mutex
	mails   []Mail
	count   map[string]int // Message-ID → times accepted
	bad     int            // messages it could not parse
	watch   func(Mail)
	arrived chan struct{} // signalled on every accepted message
}

// StartCatcher starts a catcher on a free loopback port.
func StartCatcher() (*Catcher, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	c := &Catcher{ln: ln, addr: ln.Addr().String(), count: map[string]int{}, arrived: make(chan struct{}, 1)}
	c.srv = smtp.NewServer(backend{c})
	c.srv.Domain = "catcher.bench"
	c.srv.ReadTimeout = 30 * time.Second
	c.srv.WriteTimeout = 30 * time.Second
	c.srv.MaxMessageBytes = 10 << 20
	c.srv.MaxRecipients = 10
	c.srv.ErrorLog = log.New(io.Discard, "", 0)
	go func() { _ = c.srv.Serve(ln) }()
	return c, nil
}

// URL is the smtp:// URL of the catcher (loopback: no TLS by the sender's policy).
func (c *Catcher) URL() string { return "smtp://" + c.addr }

// Close stops the server.
func (c *Catcher) Close() { _ = c.srv.Close() }

// Watch calls f (from the SMTP session's goroutine) for every message
// accepted from now on; nil stops watching.
func (c *Catcher) Watch(f func(Mail)) {
	c.mu.Lock()
	c.watch = f
	c.mu.Unlock()
}

// Mails returns the messages accepted so far, in order of arrival.
func (c *Catcher) Mails() []Mail {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Mail(nil), c.mails...)
}

// Len is how many messages were accepted.
func (c *Catcher) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.mails)
}

// Duplicates counts the messages accepted more than once (by Message-ID).
func (c *Catcher) Duplicates() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, k := range c.count {
		if k > 1 {
			n += k - 1
		}
	}
	return n
}

// Unparsed counts the messages that could not be parsed (answered 554).
func (c *Catcher) Unparsed() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bad
}

// Arrived is signalled (without blocking the server) when a message arrives.
func (c *Catcher) Arrived() <-chan struct{} { return c.arrived }

type backend struct{ c *Catcher }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{c: b.c}, nil }

type session struct {
	c  *Catcher
	to string
}

func (s *session) Mail(string, *smtp.MailOptions) error { return nil }

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = to
	return nil
}

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := Parse(raw)
	if err != nil {
		s.c.mu.Lock()
		s.c.bad++
		s.c.mu.Unlock()
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "unparseable: " + err.Error()}
	}
	m.To = s.to
	m.At = time.Now()
	s.c.mu.Lock()
	s.c.mails = append(s.c.mails, m)
	s.c.count[m.MessageID]++
	watch := s.c.watch
	s.c.mu.Unlock()
	select {
	case s.c.arrived <- struct{}{}:
	default:
	}
	if watch != nil {
		watch(m)
	}
	return nil
}

func (s *session) Reset()        { s.to = "" }
func (s *session) Logout() error { return nil }

var rsvpLink = regexp.MustCompile(`/rsvp/([A-Za-z0-9_-]{32})\b`)

// Parse reads a raw message: its Message-ID, decoded subject and the RSVP
// token of the first /rsvp/{token} link in its text or HTML parts.
func Parse(raw []byte) (Mail, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Mail{}, err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return Mail{}, err
	}
	out := Mail{MessageID: msg.Header.Get("Message-ID"), Subject: subject, Size: len(raw)}
	var bodies []string
	if err := leaves(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, &bodies); err != nil {
		return Mail{}, err
	}
	for _, b := range bodies {
		if m := rsvpLink.FindStringSubmatch(b); m != nil {
			out.Token = m[1]
			break
		}
	}
	return out, nil
}

// leaves appends the decoded text/plain and text/html bodies of the MIME
// tree to out.
func leaves(contentType, encoding string, body io.Reader, out *[]string) error {
	if contentType == "" {
		contentType = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return err
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart() // decodes quoted-printable itself
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := leaves(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, out); err != nil {
				return err
			}
		}
	}
	if mt != "text/plain" && mt != "text/html" {
		_, err := io.Copy(io.Discard, body)
		return err
	}
	switch strings.ToLower(encoding) {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable": // a multipart part's is decoded already
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	*out = append(*out, string(b))
	return nil
}
