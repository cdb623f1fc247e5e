// Package mailtest runs a real SMTP server on loopback for tests: it keeps
// what it receives, parsed into MIME parts, and can refuse, fail or be slow.
package mailtest

import (
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Server is a real SMTP server on loopback that keeps what it receives.
// It can be stopped and started again on the same address, answer 4xx or 5xx
// to the next messages, and be slow.
type Server struct {
	t    testing.TB
	addr net.Addr // held by a listener for the test's life
	tls  *tls.Config

	mu        sync.Mutex
	srv       *smtp.Server
	listener  *gate           // the running server's connections; nil while stopped
	accepted  []Received      // messages answered 250
	seen      []string        // Message-ID of every DATA Received, accepted or not
	failures  []failure       // answers for the next messages, in order
	delay     time.Duration   // before answering MAIL
	dataDelay time.Duration   // while holding DATA
	inData    map[string]int  // Message-ID → sessions in DATA now
	overlaps  map[string]int  // Message-ID → times it was in DATA twice at once
	rcpts     map[string]int  // recipient → RCPTs seen
	auth      map[string]bool // usernames that authenticated
	refused   map[string]int  // recipient → code answered to every RCPT
}

type failure struct {
	stage string // "rcpt" or "data"
	code  int
}

// Received is one accepted message, parsed.
type Received struct {
	Raw       []byte
	Header    netmail.Header
	MessageID string
	Subject   string // decoded
	Parts     []Part // the leaves of the MIME tree, bodies decoded
}

type Part struct {
	ContentType string // the whole header value
	MediaType   string
	Params      map[string]string
	Filename    string
	Body        string
}

func New(t testing.TB) *Server { return NewTLS(t, nil) }

// NewTLS is a server offering STARTTLS with the given certificate (nil:
// none).
func NewTLS(t testing.TB, cfg *tls.Config) *Server {
	t.Helper()
	s := &Server{t: t, tls: cfg, inData: map[string]int{}, overlaps: map[string]int{}, rcpts: map[string]int{}, auth: map[string]bool{}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr()
	go s.dispatch(l)
	s.serve()
	t.Cleanup(func() {
		s.Stop()
		_ = l.Close()
	})
	return s
}

// dispatch accepts every connection on the server's address for as long
// as the test runs: it hands each to the running server, or, while the
// server is stopped, resets it at once (a dead server, to the client).
// The address is never released, so no other test's server can take it
// while this one is down and receive its mail.
func (s *Server) dispatch(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		g := s.listener
		s.mu.Unlock()
		if g == nil || !g.hand(c) {
			refuse(c)
		}
	}
}

// refuse closes c with a reset, as close as an open port comes to a
// refused connection.
func refuse(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}

// gate is the running server's listener: the connections dispatch hands
// it, until it is closed.
type gate struct {
	addr  net.Addr
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newGate(addr net.Addr) *gate {
	return &gate{addr: addr, conns: make(chan net.Conn), done: make(chan struct{})}
}

// hand gives c to the server; false once the gate is closed.
func (g *gate) hand(c net.Conn) bool {
	select {
	case g.conns <- c:
		return true
	case <-g.done:
		return false
	}
}

func (g *gate) Accept() (net.Conn, error) {
	select {
	case c := <-g.conns:
		return c, nil
	case <-g.done:
		return nil, net.ErrClosed
	}
}

func (g *gate) Close() error {
	g.once.Do(func() { close(g.done) })
	return nil
}

func (g *gate) Addr() net.Addr { return g.addr }

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.addr.String() }

// URL is the smtp:// URL of the server.
func (s *Server) URL() string { return "smtp://" + s.Addr() }

// serve runs a fresh SMTP server behind a new gate.
func (s *Server) serve() {
	l := newGate(s.addr)
	srv := smtp.NewServer(s)
	srv.Domain = "catcher.test"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLSConfig = s.tls
	s.mu.Lock()
	s.srv, s.listener = srv, l
	s.mu.Unlock()
	go func() { _ = srv.Serve(l) }()
}

// Stop takes the server down: it closes every connection, and from then
// on each new one is reset (the address stays this server's).
func (s *Server) Stop() {
	s.mu.Lock()
	srv, l := s.srv, s.listener
	s.srv, s.listener = nil, nil
	s.mu.Unlock()
	if srv != nil {
		// Serve may not have registered the listener yet: close it here too.
		_ = l.Close()
		_ = srv.Close()
	}
}

// Start brings a stopped server back on the same address.
func (s *Server) Start() {
	s.t.Helper()
	s.serve()
}

// FailNext makes the next n messages fail with code at the given stage.
func (s *Server) FailNext(n int, stage string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < n; i++ {
		s.failures = append(s.failures, failure{stage: stage, code: code})
	}
}

// RefuseRcpt makes the server answer code to every RCPT TO addr from now
// on: a recipient whose mail this server will never take (code 5xx) or not
// for now (4xx), whatever the other messages do.
func (s *Server) RefuseRcpt(addr string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refused == nil {
		s.refused = map[string]int{}
	}
	s.refused[addr] = code
}

func (s *Server) SetDelay(mailDelay, dataDelay time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay, s.dataDelay = mailDelay, dataDelay
}

func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.accepted...)
}

// Wait waits until the server has accepted n messages and returns them:
// delivery is the outbox worker's, asynchronous. It fails t after 30 s.
func (s *Server) Wait(t testing.TB, n int) []Received {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := s.Messages()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d messages arrived, want %d", len(got), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *Server) SeenIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.seen...)
}

func (s *Server) RcptCount(addr string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rcpts[addr]
}

func (s *Server) Authenticated(user string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.auth[user]
}

func (s *Server) OverlapCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.overlaps)
}

// CountByID counts the accepted messages by Message-ID.
func (s *Server) CountByID() map[string]int {
	n := map[string]int{}
	for _, m := range s.Messages() {
		n[m.MessageID]++
	}
	return n
}

// NewSession implements smtp.Backend.
func (s *Server) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }

type session struct {
	s    *Server
	fail *failure
}

func (se *session) AuthMechanisms() []string { return []string{"PLAIN"} }

func (se *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if password != "secret" {
			return smtp.ErrAuthFailed
		}
		se.s.mu.Lock()
		se.s.auth[username] = true
		se.s.mu.Unlock()
		return nil
	}), nil
}

func (se *session) Mail(string, *smtp.MailOptions) error {
	se.s.mu.Lock()
	d := se.s.delay
	if len(se.s.failures) > 0 {
		f := se.s.failures[0]
		se.s.failures = se.s.failures[1:]
		se.fail = &f
	}
	se.s.mu.Unlock()
	time.Sleep(d)
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.s.mu.Lock()
	se.s.rcpts[to]++
	code := se.s.refused[to]
	se.s.mu.Unlock()
	if code != 0 {
		return answer(code)
	}
	if se.fail != nil && se.fail.stage == "rcpt" {
		return answer(se.fail.code)
	}
	return nil
}

func (se *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return &smtp.SMTPError{Code: 554, Message: "unparseable: " + err.Error()}
	}
	id := msg.Header.Get("Message-ID")
	s := se.s
	s.mu.Lock()
	s.seen = append(s.seen, id)
	s.inData[id]++
	if s.inData[id] > 1 {
		s.overlaps[id]++
	}
	d := s.dataDelay
	s.mu.Unlock()
	time.Sleep(d)
	s.mu.Lock()
	s.inData[id]--
	s.mu.Unlock()
	if se.fail != nil && se.fail.stage == "data" {
		return answer(se.fail.code)
	}
	rec, err := Parse(raw)
	if err != nil {
		s.t.Errorf("SMTP server: %v", err)
		return &smtp.SMTPError{Code: 554, Message: err.Error()}
	}
	s.mu.Lock()
	s.accepted = append(s.accepted, rec)
	s.mu.Unlock()
	return nil
}

func (se *session) Reset()        { se.fail = nil }
func (se *session) Logout() error { return nil }

func answer(code int) error {
	class := code / 100
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{class, 0, 0}, Message: "test server says no"}
}

// parse reads a MIME message the way a mail client would.
// Parse reads a raw message into its headers and MIME leaves.
func Parse(raw []byte) (Received, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Received{}, err
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return Received{}, err
	}
	rec := Received{Raw: raw, Header: msg.Header, MessageID: msg.Header.Get("Message-ID"), Subject: subject}
	rec.Parts, err = leaves(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), "", msg.Body)
	return rec, err
}

func leaves(contentType, encoding, disposition string, body io.Reader) ([]Part, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		var out []Part
		for {
			p, err := mr.NextPart() // decodes quoted-printable itself
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			if err != nil {
				return nil, err
			}
			sub, err := leaves(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p.Header.Get("Content-Disposition"), p)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
		}
	}
	if strings.EqualFold(encoding, "base64") {
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	pt := Part{ContentType: contentType, MediaType: mt, Params: params, Body: string(b)}
	if disposition != "" {
		if _, dp, err := mime.ParseMediaType(disposition); err == nil {
			pt.Filename = dp["filename"]
		}
	}
	return []Part{pt}, nil
}
