package app_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/web"
)

// send makes one request with c and reads the answer whole.
func send(t *testing.T, c *http.Client, method, u string, body string, header map[string]string) apptest.Response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := apptest.NewRequest(t, method, u, rd)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return apptest.Send(t, c, req)
}

var methodLabel = regexp.MustCompile(`method="([^"]*)"`)

// TestMetricsServedApartWithValidLabels: a keep-alive client's requests
// (fasthttp reuses their memory) are counted under clean labels, /metrics
// answers on its own address and not on the public one.
func TestMetricsServedApartWithValidLabels(t *testing.T) {
	t.Parallel()
	s, admin := apptest.StartAs(t, apptest.Admin, apptest.Options{NoDemo: true, Metrics: true})
	// One connection for every request.
	tr := &http.Transport{MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	auth := map[string]string{"Authorization": "Bearer " + admin, "Content-Type": "application/json", "Accept": "application/json"}
	for round := 0; round < 5; round++ {
		send(t, c, "GET", s.URL+"/api/v1/me", "", auth)
		send(t, c, "PATCH", s.URL+"/api/v1/users/nobody-here", `{"role":"coordinator"}`, auth)
		send(t, c, "PUT", s.URL+"/api/v1/attempts/nobody-here/answers", `{"answers":{}}`, auth)
		send(t, c, "POST", s.URL+"/api/v1/auth/login", `{"email":"x@example.vn","password":"not-it-at-all"}`, auth)
		send(t, c, "GET", s.URL+"/api/v1/nothing-here-"+strings.Repeat("x", round), "", auth)
	}
	m := send(t, http.DefaultClient, "GET", s.MetricsURL, "", nil)
	if m.Status != 200 {
		t.Fatalf("metrics: %d %s", m.Status, m.Body)
	}
	body := string(m.Body)
	valid := map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "OPTIONS": true, "OTHER": true}
	for _, l := range methodLabel.FindAllStringSubmatch(body, -1) {
		if !valid[l[1]] {
			t.Errorf("metrics carry the method label %q", l[1])
		}
	}
	for _, want := range []string{
		`academy_http_requests_total{method="GET",route="/api/v1/me",status="200"} 5`,
		`academy_http_requests_total{method="PATCH",route="/api/v1/users/:id",status="404"} 5`,
		`academy_http_requests_total{method="PUT",route="/api/v1/attempts/:id/answers",status=`,
		`academy_http_requests_total{method="POST",route="/api/v1/auth/login",status="401"} 5`,
		// Unknown paths share one series instead of one each.
		`academy_http_requests_total{method="GET",route="unmatched",status="404"} 5`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "nothing-here") {
		t.Error("an unmatched path became a label")
	}
	// The public address has no /metrics at all.
	if r := s.Do(t, "GET", "/metrics", "", nil); r.Status != 404 || strings.Contains(string(r.Body), "academy_http_requests_total") {
		t.Errorf("/metrics on the public address: %d", r.Status)
	}
	if r := s.Page(t, "/metrics", admin); r.Status != 404 {
		t.Errorf("/metrics on the public address, signed in: %d", r.Status)
	}
}

func TestCacheControlAndHSTS(t *testing.T) {
	t.Parallel()
	s, coord := apptest.StartAs(t, apptest.Coordinator)
	for what, r := range map[string]apptest.Response{
		"API answer":       s.Do(t, "GET", "/api/v1/collaborators", coord, nil),
		"API refusal":      s.Do(t, "GET", "/api/v1/collaborators", "", nil),
		"signed-in page":   s.Page(t, "/collaborators", coord),
		"sign-in answer":   s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": apptest.Leadership, "password": apptest.DemoPassword}),
		"signed-out login": s.Page(t, "/login", ""),
	} {
		if r.Status >= 500 {
			t.Errorf("%s: %d", what, r.Status)
		}
		if got := r.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control = %q, want no-store", what, got)
		}
		if got := r.Header.Get("Strict-Transport-Security"); got != "" {
			t.Errorf("%s: HSTS %q on an http base URL", what, got)
		}
	}
	if r := s.Page(t, "/static/app.css", ""); r.Status != 200 || !strings.HasPrefix(r.Header.Get("Cache-Control"), "public") {
		t.Errorf("static file: %d Cache-Control %q", r.Status, r.Header.Get("Cache-Control"))
	}

	tls := apptest.Start(t, apptest.Options{NoDemo: true, HTTPS: true})
	for _, path := range []string{"/healthz", "/login", "/api/v1/me"} {
		if got := tls.Page(t, path, "").Header.Get("Strict-Transport-Security"); got != "max-age=31536000" {
			t.Errorf("%s with an https base URL: Strict-Transport-Security = %q", path, got)
		}
	}
	// Behind https every cookie the service sets is Secure: the session
	// (signing in), the language and the CSRF cookie.
	login := tls.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": apptest.Admin, "password": apptest.AdminPass})
	lang := tls.Page(t, "/login?lang=en", "")
	cookies := append(login.Header.Values("Set-Cookie"), lang.Header.Values("Set-Cookie")...)
	if login.Status != 200 || len(cookies) < 3 {
		t.Fatalf("sign-in %d, cookies %q", login.Status, cookies)
	}
	for _, c := range cookies {
		if !strings.Contains(c, "; secure") && !strings.Contains(c, "; Secure") {
			t.Errorf("a cookie without Secure behind https: %q", c)
		}
	}
}

// TestHeaderTooLargeCarriesSecurityHeaders: fasthttp refuses an oversize
// header block before any middleware runs; the answer still carries the
// security headers.
func TestHeaderTooLargeCarriesSecurityHeaders(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{NoDemo: true})
	for _, accept := range []string{"text/html", "application/json"} {
		conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		req := "GET /login HTTP/1.1\r\nHost: x\r\nAccept: " + accept + "\r\nX-Padding: " + strings.Repeat("a", 16<<10) + "\r\n\r\n"
		if _, err := conn.Write([]byte(req)); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		conn.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Fatalf("Accept %s: %d %s, want 431", accept, resp.StatusCode, body)
		}
		for h, want := range map[string]string{
			"Content-Security-Policy": "frame-ancestors 'none'",
			"X-Content-Type-Options":  "nosniff",
			"X-Frame-Options":         "DENY",
			"Referrer-Policy":         "same-origin",
			"Cache-Control":           "no-store",
		} {
			if !strings.Contains(resp.Header.Get(h), want) {
				t.Errorf("Accept %s: 431 has %s = %q, want %q", accept, h, resp.Header.Get(h), want)
			}
		}
		if resp.Header.Get("X-Request-Id") == "" {
			t.Errorf("Accept %s: 431 has no request id", accept)
		}
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") || !strings.Contains(string(body), `"status":431`) {
			t.Errorf("Accept %s: 431 answers %q: %s", accept, resp.Header.Get("Content-Type"), body)
		}
	}
}

// TestMalformedBodyBeforeRoutingIsAProblem: fasthttp reads a multipart
// body before routing and refuses a broken one; the API client gets a
// problem document with the security headers, not an HTML page.
func TestMalformedBodyBeforeRoutingIsAProblem(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{NoDemo: true})
	r := s.Do(t, "POST", "/api/v1/auth/login", "", "--x--garbage", "multipart/form-data; boundary=x")
	if r.Status != 400 || r.Problem(t).Status != 400 {
		t.Fatalf("broken multipart: %d %s", r.Status, r.Body)
	}
	if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("broken multipart answer lacks the security headers: %v", r.Header)
	}
}

// browserWith returns a cookie-keeping client carrying the session token.
func browserWith(t *testing.T, s *apptest.Server, token string) *http.Client {
	t.Helper()
	c := apptest.Browser(t)
	setSession(t, s, c, token)
	return c
}

func setSession(t *testing.T, s *apptest.Server, c *http.Client, token string) {
	t.Helper()
	u, _ := url.Parse(s.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: web.SessionCookie, Value: token, Path: "/"}})
}

// formToken reads a page with c and returns its form's CSRF token.
func formToken(t *testing.T, s *apptest.Server, c *http.Client, path string) string {
	t.Helper()
	r := send(t, c, "GET", s.URL+path, "", map[string]string{"Accept": "text/html"})
	m := csrfRe.FindSubmatch(r.Body)
	if r.Status != 200 || m == nil {
		t.Fatalf("%s: %d, no CSRF token", path, r.Status)
	}
	return string(m[1])
}

func postLogout(t *testing.T, s *apptest.Server, c *http.Client, token string) int {
	t.Helper()
	r := send(t, c, "POST", s.URL+"/logout", url.Values{"_csrf": {token}}.Encode(),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"})
	return r.Status
}

func TestCSRFTokenIsBoundToTheSession(t *testing.T) {
	t.Parallel()
	s, alice := apptest.StartAs(t, apptest.Coordinator)
	bob := s.LoginDemo(t, apptest.Leadership)

	// A token minted for Alice's session, sent with Bob's session cookie
	// and the same CSRF cookie, does not validate.
	c := browserWith(t, s, alice)
	aliceToken := formToken(t, s, c, "/collaborators")
	setSession(t, s, c, bob)
	if st := postLogout(t, s, c, aliceToken); st != 403 {
		t.Fatalf("Alice's token with Bob's session: %d, want 403", st)
	}
	if r := s.Do(t, "GET", "/api/v1/me", bob, nil); r.Status != 200 {
		t.Fatalf("Bob was signed out by a refused form: %d", r.Status)
	}

	// A pair an attacker holds (their CSRF cookie and its signed-out token)
	// planted beside Alice's session does not validate either.
	attacker := apptest.Browser(t)
	attackerToken := formToken(t, s, attacker, "/login")
	u, _ := url.Parse(s.URL)
	victim := browserWith(t, s, alice)
	victim.Jar.SetCookies(u, attacker.Jar.Cookies(u))
	if st := postLogout(t, s, victim, attackerToken); st != 403 {
		t.Fatalf("a planted CSRF cookie and its token: %d, want 403", st)
	}
	if r := s.Do(t, "GET", "/api/v1/me", alice, nil); r.Status != 200 {
		t.Fatalf("Alice was signed out by a forged form: %d", r.Status)
	}

	// The token of a page shown to the session works.
	if st := postLogout(t, s, victim, formToken(t, s, victim, "/collaborators")); st != 303 {
		t.Fatalf("Alice's own form: %d, want 303", st)
	}
	if r := s.Do(t, "GET", "/api/v1/me", alice, nil); r.Status != 401 {
		t.Errorf("Alice is still signed in after signing out: %d", r.Status)
	}
}

// TestCookieAPICallsMustBeJSON: a body-less API POST signed in by the
// session cookie must be JSON or carry the page's CSRF token (415
// otherwise, changing nothing); bearer-token calls are unaffected.
func TestCookieAPICallsMustBeJSON(t *testing.T) {
	t.Parallel()
	s, tok := apptest.StartAs(t, apptest.Admin, apptest.Options{NoDemo: true})
	c := browserWith(t, s, tok)
	logout := func(header map[string]string, body string) apptest.Response {
		t.Helper()
		h := map[string]string{"Accept": "application/json"}
		for k, v := range header {
			h[k] = v
		}
		return send(t, c, "POST", s.URL+"/api/v1/auth/logout", body, h)
	}
	for what, tc := range map[string]struct {
		header map[string]string
		body   string
	}{
		"no content type":    {nil, ""},
		"text/plain":         {map[string]string{"Content-Type": "text/plain"}, "x"},
		"a form":             {map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "a=b"},
		"multipart":          {map[string]string{"Content-Type": "multipart/form-data; boundary=x"}, "--x--"},
		"a forged CSRF head": {map[string]string{"Content-Type": "text/plain", web.CSRFHeader: "forged"}, ""},
	} {
		r := logout(tc.header, tc.body)
		if r.Status != http.StatusUnsupportedMediaType || !r.Problem(t).HasField("Content-Type") {
			t.Errorf("%s: %d %s, want 415 naming Content-Type", what, r.Status, r.Body)
		}
	}
	if r := s.Do(t, "GET", "/api/v1/me", tok, nil); r.Status != 200 {
		t.Fatalf("a refused call signed the session out: %d", r.Status)
	}
	// The page's token in the header is enough.
	if r := logout(map[string]string{web.CSRFHeader: formToken(t, s, c, "/collaborators")}, ""); r.Status != 204 {
		t.Errorf("cookie call with the page's CSRF token: %d %s", r.Status, r.Body)
	}
	// JSON is enough.
	setSession(t, s, c, s.LoginDemo(t, apptest.Admin))
	if r := logout(map[string]string{"Content-Type": "application/json"}, ""); r.Status != 204 {
		t.Errorf("cookie call as JSON: %d %s", r.Status, r.Body)
	}
	// A bearer token needs neither.
	bearer := s.LoginDemo(t, apptest.Admin)
	r := send(t, http.DefaultClient, "POST", s.URL+"/api/v1/auth/logout", "", map[string]string{"Authorization": "Bearer " + bearer, "Content-Type": "text/plain"})
	if r.Status != 204 {
		t.Errorf("bearer call with text/plain: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "GET", "/api/v1/me", bearer, nil); r.Status != 401 {
		t.Errorf("bearer logout did not sign out: %d", r.Status)
	}
}
