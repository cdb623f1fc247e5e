// Package webtest serves one module for a test: on a platform of its own
// with the module's policy beside the platform's, the product's
// translations and a test's authenticator, on a loopback port.
package webtest

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"

	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/i18n"
	"github.com/ctvacademy/academy/modules/platform/module"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/ctvacademy/academy/policies"
	"github.com/prometheus/client_golang/prometheus"
)

// Serve runs m until the test ends and returns its base URL
// (http://127.0.0.1:port). tune, when given, changes the platform's
// options before it is built (e.g. trusted proxies).
func Serve(t testing.TB, m module.Module, auth web.Authenticator, tune ...func(*web.Options)) string {
	t.Helper()
	tr, err := i18n.LoadDir(content.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	enf, err := authz.New(policies.Model, policies.Join([2]string{"policies/platform.csv", policies.Platform}, [2]string{m.Name(), m.Policy()}))
	if err != nil {
		t.Fatal(err)
	}
	opts := web.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Enforcer: enf, Authenticator: auth,
		Translator: tr, Registry: prometheus.NewRegistry()}
	for _, f := range tune {
		f(&opts)
	}
	p, err := web.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := module.Register(m, p); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.App.Listener(ln) }()
	t.Cleanup(func() { _ = p.App.Shutdown() })
	return "http://" + ln.Addr().String()
}

// Get sends a GET of url with the bearer token (none when empty) and the
// headers h (name, value, ...), and reads the answer whole.
func Get(t testing.TB, url, token string, h ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	SetHeaders(req, token, h...)
	return Send(t, nil, req)
}

// SetHeaders sets on req the bearer token (none when empty) and then the
// headers h (name, value, ...).
func SetHeaders(req *http.Request, token string, h ...string) {
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(h); i += 2 {
		req.Header.Set(h[i], h[i+1])
	}
}

// Send sends req with c (nil: http.DefaultClient) and reads the answer
// whole, failing the test when there is none.
func Send(t testing.TB, c *http.Client, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	if c == nil {
		c = http.DefaultClient
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}
