package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// TLS policies of an smtp:// connection (SMTPOptions.TLS, or ?tls= in the URL).
const (
	TLSMandatory     = "mandatory"     // STARTTLS required, certificate verified
	TLSOpportunistic = "opportunistic" // STARTTLS when the server offers it
	TLSNone          = "none"          // plain text
)

// SMTPOptions configure an SMTPSender.
type SMTPOptions struct {
	// From is the sender of every message (ACADEMY_MAIL_FROM); its domain
	// is the Message-ID's. Required.
	From Address
	// Names are From's display name in a message's language (Message.Lang),
	// e.g. {"en": "Industrial Extension Center"}; From.Name in the others.
	Names map[string]string
	// TLS forces the TLS policy of an smtp:// URL, over its ?tls= query.
	// By default STARTTLS is mandatory for a remote server and not used for
	// a loopback one (127.0.0.0/8, ::1, localhost: a local mail catcher,
	// where the traffic never leaves the machine). smtps:// always uses
	// implicit TLS.
	TLS string
	// TLSConfig, when set, verifies the server (e.g. a private CA). Its
	// ServerName defaults to the URL's host.
	TLSConfig *tls.Config
	// Timeout bounds an attempt whose context has no earlier deadline.
	// Default DefaultSendTimeout.
	Timeout time.Duration
}

// SMTPSender sends messages over SMTP with go-mail, one connection per message.
type SMTPSender struct {
	host      string
	port      int
	implicit  bool // smtps://
	policy    gomail.TLSPolicy
	tlsName   string // the policy's name in TLS* terms
	user      string
	password  string
	from      Address
	names     map[string]string
	tlsConfig *tls.Config
	timeout   time.Duration
}

// NewSMTPSender returns a sender for a URL such as smtp://user:pass@host:587
// (default port 587, STARTTLS), smtps://user:pass@host (default port 465,
// implicit TLS) or smtp://127.0.0.1:1025 (a local catcher).
func NewSMTPSender(rawURL string, opts SMTPOptions) (*SMTPSender, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("mail: SMTP URL: %w", err)
	}
	s := &SMTPSender{host: u.Hostname(), from: opts.From, names: opts.Names, timeout: opts.Timeout}
	if s.host == "" {
		return nil, errors.New("mail: SMTP URL has no host")
	}
	if err := checkFrom(opts.From); err != nil {
		return nil, err
	}
	switch u.Scheme {
	case "smtp":
		s.port = 587
	case "smtps":
		s.port, s.implicit = 465, true
	default:
		return nil, fmt.Errorf("mail: SMTP URL scheme %q: want smtp or smtps", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if s.port, err = strconv.Atoi(p); err != nil || s.port < 1 || s.port > 65535 {
			return nil, fmt.Errorf("mail: SMTP URL port %q", p)
		}
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.password, _ = u.User.Password()
	}
	policy := opts.TLS
	for k, v := range u.Query() {
		if k != "tls" || len(v) != 1 {
			return nil, fmt.Errorf("mail: SMTP URL parameter %q: only tls=%s|%s|%s is known", k, TLSMandatory, TLSOpportunistic, TLSNone)
		}
		if policy == "" {
			policy = v[0]
		}
	}
	if policy == "" {
		policy = TLSMandatory
		if isLoopback(s.host) {
			policy = TLSNone
		}
	}
	s.tlsName = policy
	switch policy {
	case TLSMandatory:
		s.policy = gomail.TLSMandatory
	case TLSOpportunistic:
		s.policy = gomail.TLSOpportunistic
	case TLSNone:
		if s.implicit {
			return nil, errors.New("mail: smtps:// always uses TLS; use smtp:// for tls=none")
		}
		s.policy = gomail.NoTLS
	default:
		return nil, fmt.Errorf("mail: TLS policy %q: want %s, %s or %s", policy, TLSMandatory, TLSOpportunistic, TLSNone)
	}
	if opts.TLSConfig != nil {
		s.tlsConfig = opts.TLSConfig.Clone()
		if s.tlsConfig.ServerName == "" {
			s.tlsConfig.ServerName = s.host
		}
	}
	if s.timeout <= 0 {
		s.timeout = DefaultSendTimeout
	}
	return s, nil
}

// String describes the server for start-up messages, without the password.
func (s *SMTPSender) String() string {
	scheme, tlsMode := "smtp", "STARTTLS "+s.tlsName
	if s.policy == gomail.NoTLS {
		tlsMode = "no TLS"
	}
	if s.implicit {
		scheme, tlsMode = "smtps", "implicit TLS"
	}
	user := ""
	if s.user != "" {
		user = s.user + "@"
	}
	return fmt.Sprintf("%s://%s%s (%s)", scheme, user, net.JoinHostPort(s.host, strconv.Itoa(s.port)), tlsMode)
}

// Send delivers one message. A 5xx answer to the message (MAIL, RCPT or
// DATA) is permanent, a 4xx answer temporary; every other failure
// (connection, TLS, authentication, a timeout or a dropped connection) is
// about the server, not the message: Unavailable. A message the server
// accepted counts as sent even if closing the connection then failed.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	msg, err := build(m, s.from, s.names)
	if err != nil {
		return Permanent(err)
	}
	timeout := s.timeout
	if dl, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(dl))
	}
	if timeout <= 0 {
		return Unavailable(context.DeadlineExceeded)
	}
	// go-mail bounds the dial, and then the transfer, by the timeout.
	opts := []gomail.Option{gomail.WithPort(s.port), gomail.WithTimeout(timeout)}
	if s.implicit {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(s.policy))
	}
	if s.tlsConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(s.tlsConfig))
	}
	if s.user != "" {
		opts = append(opts, gomail.WithUsername(s.user), gomail.WithPassword(s.password))
		if s.implicit || s.policy == gomail.TLSMandatory {
			opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover))
		} else {
			// Possibly without TLS (a local catcher): go-mail's discovery
			// would refuse PLAIN and LOGIN there.
			opts = append(opts, gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlainNoEnc, gomail.SMTPAuthLoginNoEnc))
		}
	}
	raw, err := render(msg)
	if err != nil {
		return Permanent(err)
	}
	c, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return Unavailable(err)
	}
	// go-mail dials, says hello, starts TLS and authenticates; the
	// transaction is written here, since go-mail would write the message
	// itself (see render).
	sc, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return Unavailable(fmt.Errorf("dial failed: %w", err))
	}
	defer func() { _ = c.CloseWithSMTPClient(sc) }()
	if err := transfer(sc, s.from.Email, m.To.Email, raw); err != nil {
		var te *textproto.Error
		if errors.As(err, &te) {
			switch {
			case te.Code >= 500 && te.Code <= 599:
				return Permanent(err)
			case te.Code >= 400 && te.Code <= 499:
				return err
			}
		}
		return Unavailable(err)
	}
	return nil
}

// transfer is one SMTP transaction: MAIL, RCPT, DATA and the message. It
// returns nil once the server accepted the message (what happens to the
// connection after that does not matter); a refusal is the server's
// *textproto.Error, with its code.
func transfer(sc *smtp.Client, from, to string, raw []byte) error {
	if err := sc.Mail(from); err != nil {
		_ = sc.Reset()
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := sc.Rcpt(to); err != nil {
		_ = sc.Reset()
		return fmt.Errorf("RCPT TO: %w", err)
	}
	w, err := sc.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(raw); err != nil {
		return fmt.Errorf("writing the message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("the message: %w", err)
	}
	return nil
}

// render writes the message as it goes over SMTP or into the drop
// directory, with its Message-ID on one line. go-mail folds a header before
// a first word that does not fit on the header's line, and a long
// Message-ID is one word: it would write "Message-ID:" and the id on the
// next line, which readers (Python's email) return with a leading space.
// A preformatted header cannot replace it (go-mail then adds a Message-ID
// of its own), so the fold go-mail writes is joined here, in the header
// only. The line may be longer than 78 characters, as RFC 5322 allows (at
// most 998), and msg-id has no whitespace to fold at.
func render(msg *gomail.Msg) ([]byte, error) {
	var b bytes.Buffer
	if _, err := msg.WriteTo(&b); err != nil {
		return nil, err
	}
	raw := b.Bytes()
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 {
		end = len(raw)
	}
	const folded, joined = "\r\nMessage-ID:\r\n ", "\r\nMessage-ID: "
	if i := bytes.Index(raw[:end], []byte(folded)); i >= 0 {
		raw = append(raw[:i:i], append([]byte(joined), raw[i+len(folded):]...)...)
	}
	return raw, nil
}

// DropSender "delivers" messages by writing each as <dir>/<ID>.eml (the full
// MIME message, as it would go over SMTP), for running without an SMTP server.
type DropSender struct {
	dir   string
	from  Address
	names map[string]string
}

// NewDropSender returns a sender writing into dir, creating it if needed.
func NewDropSender(dir string, from Address) (*DropSender, error) {
	if err := checkFrom(from); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("mail: drop directory: %w", err)
	}
	return &DropSender{dir: dir, from: from}, nil
}

// WithNames names the sender in a message's language as SMTPOptions.Names
// does, and returns d.
func (d *DropSender) WithNames(names map[string]string) *DropSender {
	d.names = names
	return d
}

// String describes the sender for start-up messages.
func (d *DropSender) String() string { return "files in " + d.dir }

// Path is the file a message with the given ID is written to.
func (d *DropSender) Path(id string) string { return filepath.Join(d.dir, escapeID(id)+".eml") }

// Send writes the message, replacing an earlier attempt's file; a reader
// never sees a partial file.
func (d *DropSender) Send(ctx context.Context, m Message) error {
	msg, err := build(m, d.from, d.names)
	if err != nil {
		return Permanent(err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	raw, err := render(msg)
	if err != nil {
		return Permanent(err)
	}
	f, err := os.CreateTemp(d.dir, ".writing-*")
	if err != nil {
		return Unavailable(err)
	}
	defer os.Remove(f.Name()) // a no-op once renamed
	if _, err := f.Write(raw); err != nil {
		_ = f.Close()
		return Unavailable(err)
	}
	if err := f.Close(); err != nil {
		return Unavailable(err)
	}
	return Unavailable(os.Rename(f.Name(), d.Path(m.ID)))
}

// checkFrom refuses a sender whose Email is not a bare address (a display
// name belongs in Name: "Name <addr>" there fails every message later).
func checkFrom(from Address) error {
	a, err := netmail.ParseAddress(from.Email)
	if err != nil || a.Address != from.Email || !strings.Contains(from.Email, "@") {
		return errs.Field("from", "%q is not an email address", from.Email)
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
