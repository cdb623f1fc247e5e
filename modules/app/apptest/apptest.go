// Package apptest starts the whole service for tests: on a database of the
// test's own (storetest), with the demo network loaded, on a loopback port,
// with cheap password hashing. Call storetest.Main from the package's TestMain.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/app"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/mail"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/ctvacademy/academy/modules/quizzes"
)

// DemoPassword is the password of every demo account in tests.
const DemoPassword = "demo-password-1"

// Staff accounts of the demo network.
const (
	Coordinator = "dieuphoi@example.vn"
	Leadership  = "lanhdao@example.vn"
	Admin       = "admin@example.vn"
	AdminPass   = "admin-password-1"
)

// CheapHashing is the password hashing of tests: argon2id at its cheapest.
func CheapHashing() *argon2id.Params {
	return &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
}

// MailTemplates is the product's mail templates (content/mail) with edit
// applied to each file's text; an edit that returns "" leaves the file out.
func MailTemplates(t testing.TB, edit func(lang, text string) string) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	for _, lang := range []string{"vi", "en"} {
		b, err := content.FS.ReadFile("mail/" + lang + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		if text := edit(lang, string(b)); text != "" {
			out["mail/"+lang+".yaml"] = &fstest.MapFile{Data: []byte(text)}
		}
	}
	return out
}

// Server is a running service.
type Server struct {
	App *app.App
	URL string
	// MetricsURL is the metrics listener's /metrics, with Options.Metrics.
	MetricsURL string

	t    testing.TB
	cfg  app.Config
	opts app.Options
	ln   net.Listener
	mln  net.Listener
	stop func()

	api        apiCheck // the OpenAPI document the answers are checked against
	noAPICheck bool
}

// Options change how the server starts.
type Options struct {
	Clock  clock.Clock
	NoDemo bool
	Logger *slog.Logger
	Events quizzes.Events
	// Courses is the course catalog's files (app.Options.Courses); nil:
	// the product's content.
	Courses fs.FS
	// SMTPURL sends mail to an SMTP server (mailtest) instead of .eml files.
	SMTPURL string
	// Mail tunes the mail worker (app.Options.Mail), e.g. short backoffs.
	Mail mail.WorkerOptions
	// TrustedProxies is ACADEMY_TRUSTED_PROXIES.
	TrustedProxies []netip.Prefix
	// Metrics serves /metrics on a loopback port of its own (MetricsURL),
	// as ACADEMY_METRICS_ADDR does.
	Metrics bool
	// HTTPS gives the service an https base URL, as behind a TLS proxy
	// (Secure cookies, HSTS); it still answers plain HTTP on URL.
	HTTPS bool
	// MailTemplates replaces the mail templates (app.Options.MailTemplates).
	MailTemplates fs.FS
	// NoOpenAPICheck stops checking Do's API answers against the served
	// OpenAPI document (see openapi.go).
	NoOpenAPICheck bool
	// ScreenRefresh is app.Options.ScreenRefresh: how often the check-in
	// screen reloads itself (0: every scheduling.ScreenRefresh).
	ScreenRefresh time.Duration
}

// Start runs the service for the test and stops it at cleanup.
func Start(t testing.TB, opts ...Options) *Server {
	t.Helper()
	s, err := TryStart(t, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TryStart is Start for a service that may refuse to start: its error.
func TryStart(t testing.TB, opts ...Options) (*Server, error) {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.Logger == nil {
		// Warnings and errors of the service show in the test's log.
		o.Logger = Logger(t, slog.LevelWarn)
	}
	db := storetest.New(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	base := url
	if o.HTTPS {
		base = "https://" + ln.Addr().String()
	}
	s := &Server{URL: url, t: t, ln: ln, noAPICheck: o.NoOpenAPICheck,
		cfg: app.Config{HTTPAddr: ln.Addr().String(), BaseURL: base, DataDir: t.TempDir(), MongoDB: db.Name(),
			MailFrom: "academy@example.vn", SMTPURL: o.SMTPURL, AdminEmail: Admin, AdminPassword: AdminPass, Demo: !o.NoDemo, DemoPassword: DemoPassword,
			TrustedProxies: o.TrustedProxies},
		opts: app.Options{Logger: o.Logger, DB: db, Clock: o.Clock, Events: o.Events, Mail: o.Mail,
			Argon2: CheapHashing(), IndexIDs: storetest.IndexIDs, ScreenRefresh: o.ScreenRefresh},
	}
	s.opts.Courses, s.opts.MailTemplates = o.Courses, o.MailTemplates
	if o.Metrics {
		if s.mln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		s.cfg.MetricsAddr = s.mln.Addr().String()
		s.MetricsURL = "http://" + s.cfg.MetricsAddr + "/metrics"
	}
	if err := s.run(); err != nil {
		_ = s.ln.Close()
		if s.mln != nil {
			_ = s.mln.Close()
		}
		return nil, err
	}
	t.Cleanup(func() { s.stop() })
	return s, nil
}

// StartAs runs the service for the test and signs in a demo account:
// the server and the account's bearer token.
func StartAs(t testing.TB, email string, opts ...Options) (*Server, string) {
	t.Helper()
	s := Start(t, opts...)
	return s, s.LoginDemo(t, email)
}

// run builds the service on the server's database and serves on its listener.
func (s *Server) run() error {
	ctx := context.Background()
	a, err := app.New(ctx, s.cfg, s.opts)
	if err != nil {
		return err
	}
	if err := a.Setup(ctx); err != nil {
		_ = a.Close(ctx)
		return err
	}
	s.App = a
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	ln := s.ln
	go func() { done <- a.Serve(sctx, ln) }()
	mdone := make(chan error, 1)
	if s.mln != nil {
		go func() { mdone <- a.ServeMetrics(sctx, s.mln) }()
	} else {
		mdone <- nil
	}
	s.stop = func() {
		// The tests' clients share http.DefaultTransport, which may hold a
		// connection it dialed for a request another connection served:
		// the server never read a request on it, so its shutdown does not
		// count it idle and waits for it until its 20 s drain runs out.
		// Closed first, it holds nothing up.
		if tr, ok := http.DefaultTransport.(*http.Transport); ok {
			tr.CloseIdleConnections()
		}
		cancel()
		for _, ch := range []chan error{done, mdone} {
			select {
			case <-ch:
			case <-time.After(30 * time.Second): // longer than the server's own 20 s drain
				buf := make([]byte, 1<<20)
				s.t.Errorf("server did not stop; goroutines:\n%s", buf[:runtime.Stack(buf, true)])
			}
		}
	}
	return nil
}

// Restart stops the service and starts a new one on the same database and
// address, as a process restart would: nothing kept in memory survives.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.stop()
	ln, err := net.Listen("tcp", s.cfg.HTTPAddr)
	if err != nil {
		t.Fatalf("listen again on %s: %v", s.cfg.HTTPAddr, err)
	}
	s.ln = ln
	if s.mln != nil {
		if s.mln, err = net.Listen("tcp", s.cfg.MetricsAddr); err != nil {
			t.Fatalf("listen again on %s: %v", s.cfg.MetricsAddr, err)
		}
	}
	if err := s.run(); err != nil {
		t.Fatal(err)
	}
}

// Response is an answer read whole.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test when it is not JSON.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("body is not JSON (%v): %s", err, r.Body)
	}
}

// Problem decodes a problem+json answer.
func (r Response) Problem(t testing.TB) Problem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("Content-Type = %q, want application/problem+json; body %s", ct, r.Body)
	}
	var p Problem
	r.JSON(t, &p)
	return p
}

// Problem is the decoded problem document.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

// HasField reports whether the problem names field.
func (p Problem) HasField(field string) bool {
	for _, e := range p.Errors {
		if e.Field == field {
			return true
		}
	}
	return false
}

// Do sends a request with an optional bearer token and body. A body of
// type []byte or string is sent as is with contentType; anything else as JSON.
func (s *Server) Do(t testing.TB, method, path, token string, body any, contentType ...string) Response {
	t.Helper()
	var raw []byte
	ct := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		raw, ct = b, "application/json"
	case string:
		raw, ct = []byte(b), "application/json"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		raw, ct = j, "application/json"
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(raw)
	}
	if len(contentType) > 0 {
		ct = contentType[0]
	}
	req := NewRequest(t, method, s.URL+path, rd)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Accept", "application/json")
	r := Send(t, nil, req)
	s.checkAPI(t, req, raw, r)
	return r
}

// NewRequest is http.NewRequest, failing the test on a malformed URL.
func NewRequest(t testing.TB, method, url string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// Send sends req with c (nil: http.DefaultClient) and reads the answer
// whole, failing the test when there is none.
func Send(t testing.TB, c *http.Client, req *http.Request) Response {
	t.Helper()
	r, err := fetch(c, req)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// fetch is Send for code that cannot fail a test.
func fetch(c *http.Client, req *http.Request) (Response, error) {
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return Response{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: body}, err
}

// Login signs in through the API and returns the bearer token.
func (s *Server) Login(t testing.TB, email, password string) string {
	t.Helper()
	r := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": password})
	if r.Status != http.StatusOK {
		t.Fatalf("login %s: %d %s", email, r.Status, r.Body)
	}
	var out struct {
		Token string `json:"token"`
	}
	r.JSON(t, &out)
	return out.Token
}

// LoginDemo signs in a demo account.
func (s *Server) LoginDemo(t testing.TB, email string) string {
	t.Helper()
	if email == Admin {
		return s.Login(t, email, AdminPass)
	}
	return s.Login(t, email, DemoPassword)
}

// Collaborators returns every collaborator of the registry.
func (s *Server) Collaborators(t testing.TB) []collaborators.Collaborator {
	t.Helper()
	all, err := s.App.Collaborators.List(context.Background(), authz.All, collaborators.Filter{IncludeArchived: true})
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// Find returns the first collaborator with the given role in the area.
func (s *Server) Find(t testing.TB, role, area string) collaborators.Collaborator {
	t.Helper()
	return s.FindAll(t, role, area, 1)[0]
}

// FindAll returns the active collaborators with the given role in the
// area, failing the test when there are fewer than least.
func (s *Server) FindAll(t testing.TB, role, area string, least int) []collaborators.Collaborator {
	t.Helper()
	var out []collaborators.Collaborator
	for _, c := range s.Collaborators(t) {
		if c.Role == role && c.AreaCode == area && !c.Archived {
			out = append(out, c)
		}
	}
	if len(out) < least {
		t.Fatalf("%d %s in %s, want at least %d", len(out), role, area, least)
	}
	return out
}

// Browser returns an HTTP client that keeps cookies and does not follow
// redirects, for page tests.
func Browser(t testing.TB) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Logger writes records at level and above into the test's log.
func Logger(t testing.TB, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: level}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Page fetches an HTML page as a browser would: Accept text/html, the
// session in its cookie (when token is set), redirects not followed.
func (s *Server) Page(t testing.TB, path, token string) Response {
	t.Helper()
	req := NewRequest(t, "GET", s.URL+path, nil)
	req.Header.Set("Accept", "text/html")
	if token != "" {
		req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: token})
	}
	return Send(t, Browser(t), req)
}

// Upload posts data as the multipart file field "file" named name.
func (s *Server) Upload(t testing.TB, path, token, name string, data []byte) Response {
	t.Helper()
	body, ct := Multipart(t, "file", name, data, nil)
	return s.Do(t, "POST", path, token, body, ct)
}

// Multipart is a multipart form of the text fields and one file field
// named filename holding data: its body and its Content-Type.
func Multipart(t testing.TB, field, filename string, data []byte, fields map[string]string) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := w.CreateFormFile(field, filename)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), w.FormDataContentType()
}

// Route is one registered route.
type Route struct{ Method, Path string }

// Routes lists the registered routes, without the HEAD twins of GET routes.
func (s *Server) Routes() []Route {
	var out []Route
	for _, r := range s.App.Platform.App.GetRoutes(true) {
		switch r.Method {
		case "HEAD", "CONNECT", "OPTIONS", "TRACE":
			continue
		}
		out = append(out, Route{Method: r.Method, Path: r.Path})
	}
	return out
}

// Await polls count every 10 ms until it is zero, failing the test when it
// errs or is still above zero after within; what names the count in the
// failure ("messages still live").
func Await(t testing.TB, within time.Duration, what string, count func() (int, error)) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		n, err := count()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %d %s", within, n, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
