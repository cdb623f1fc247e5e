package app_test

import (
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/ctvacademy/academy/policies"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// brokenMailTemplate is the mail templates with the Vietnamese invitation
// naming a field that does not exist, and the line it is on.
func brokenMailTemplate(t *testing.T) (fs.FS, int) {
	line := 0
	templates := apptest.MailTemplates(t, func(lang, text string) string {
		lines := strings.Split(text, "\n")
		for i, l := range lines {
			if lang == "vi" && line == 0 && strings.Contains(l, "{{.RSVPURL}}") {
				lines[i], line = "    Vui lòng xác nhận tại: {{ .Nope }}", i+1
			}
		}
		return strings.Join(lines, "\n")
	})
	return templates, line
}

// A mail template that cannot render stops start-up with its file and
// line, instead of the service answering 500 to every invitation.
func TestBrokenMailTemplateStopsStartUp(t *testing.T) {
	t.Parallel()
	templates, line := brokenMailTemplate(t)
	if _, err := apptest.TryStart(t, apptest.Options{NoDemo: true, MailTemplates: templates}); err == nil {
		t.Fatal("the service started with a broken mail template")
	} else if want := "content/mail/vi.yaml:" + strconv.Itoa(line) + ": "; !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "Nope") {
		t.Errorf("start-up error %q does not name %s…Nope", err, want)
	}
}

// TestEveryRouteHasAPolicy fails on any registered route that no policy
// line names: such a route would be unreachable, or worse, forgotten.
func TestEveryRouteHasAPolicy(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{NoDemo: true})
	enf, err := authz.New(policies.Model, s.App.Policy)
	if err != nil {
		t.Fatal(err)
	}
	routes := s.Routes()
	for _, r := range routes {
		if !enf.Covered(r.Path, r.Method) {
			t.Errorf("%s %s has no policy line and is not declared public", r.Method, r.Path)
		}
	}
	if len(routes) < 20 {
		t.Fatalf("only %d routes registered", len(routes))
	}
}

// TestPolicyLinesNameRealRoutes keeps the policy free of stale lines.
func TestPolicyLinesNameRealRoutes(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{NoDemo: true})
	routes := map[string]bool{}
	for _, r := range s.Routes() {
		routes[r.Method+" "+r.Path] = true
	}
	for _, line := range strings.Split(s.App.Policy, "\n") {
		f := strings.Split(line, ",")
		if len(f) != 5 || strings.TrimSpace(f[0]) != "p" {
			continue
		}
		key := strings.TrimSpace(f[3]) + " " + strings.TrimSpace(f[2])
		if !routes[key] {
			t.Errorf("policy line %q names no registered route", line)
		}
	}
}

func TestOpenAPIListsEveryAPIRoute(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{NoDemo: true})
	r := s.Do(t, "GET", "/api/openapi.json", "", nil)
	if r.Status != 200 {
		t.Fatalf("openapi: %d", r.Status)
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	r.JSON(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi version %q", doc.OpenAPI)
	}
	n := 0
	for _, rt := range s.Routes() {
		if !strings.HasPrefix(rt.Path, "/api/v1/") {
			continue
		}
		n++
		if _, ok := doc.Paths[web.OpenAPIPath(rt.Path)][strings.ToLower(rt.Method)]; !ok {
			t.Errorf("%s %s is missing from /api/openapi.json", rt.Method, rt.Path)
		}
	}
	if n < 10 {
		t.Fatalf("only %d API routes", n)
	}
}

func TestPlatformEndpointsAndHeaders(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{NoDemo: true})
	if r := s.Do(t, "GET", "/healthz", "", nil); r.Status != 200 {
		t.Errorf("healthz %d", r.Status)
	}
	r := s.Do(t, "GET", "/readyz", "", nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), "reachable") {
		t.Errorf("readyz %d %s", r.Status, r.Body)
	}
	// Metrics are served on ACADEMY_METRICS_ADDR only (TestMetrics...).
	if r := s.Do(t, "GET", "/metrics", "", nil); r.Status != 404 {
		t.Errorf("/metrics on the public address: %d, want 404", r.Status)
	}
	r = s.Do(t, "GET", "/login", "", nil)
	for h, want := range map[string]string{
		"Content-Security-Policy": "frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
	} {
		if !strings.Contains(r.Header.Get(h), want) {
			t.Errorf("%s = %q, want %q", h, r.Header.Get(h), want)
		}
	}
	if r.Header.Get("X-Request-Id") == "" {
		t.Error("no request id")
	}
	r = s.Do(t, "GET", "/api/v1/nothing-here", "", nil)
	if r.Status != 404 || r.Problem(t).Status != 404 {
		t.Errorf("unknown API route: %d %s", r.Status, r.Body)
	}
}

var tagRe = regexp.MustCompile(`<[^>]+>`)

func truncate(b []byte) string {
	s := tagRe.ReplaceAllString(string(b), " ")
	if len(s) > 200 {
		return s[:200]
	}
	return s
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func TestPagesSignInWithCSRFAndLanguage(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	client := apptest.Browser(t)
	get := func(path string) (int, string, http.Header) {
		t.Helper()
		r := apptest.Send(t, client, apptest.NewRequest(t, "GET", s.URL+path, nil))
		return r.Status, string(r.Body), r.Header
	}
	post := func(form url.Values) apptest.Response {
		t.Helper()
		req := apptest.NewRequest(t, "POST", s.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return apptest.Send(t, client, req)
	}
	status, _, h := get("/collaborators?area_code=NT")
	if status != 303 || !strings.HasPrefix(h.Get("Location"), "/login?next=") {
		t.Fatalf("anonymous list: %d %s", status, h.Get("Location"))
	}
	status, body, _ := get("/login?next=/collaborators%3Farea_code%3DNT")
	if status != 200 || !strings.Contains(body, "Đăng nhập") || !strings.Contains(body, `lang="vi"`) {
		t.Fatalf("login page: %d", status)
	}
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("login form has no CSRF token")
	}
	form := url.Values{"email": {apptest.Coordinator}, "password": {apptest.DemoPassword}, "next": {"/collaborators?area_code=NT"}}
	// Without the token the form is refused.
	if r := post(form); r.Status != 403 {
		t.Fatalf("login without CSRF token: %d", r.Status)
	}
	// A wrong password shows the form again with a Vietnamese message.
	bad := url.Values{"email": {apptest.Coordinator}, "password": {"wrong-password"}, "_csrf": {m[1]}}
	if r := post(bad); r.Status != 401 || !strings.Contains(string(r.Body), "Email hoặc mật khẩu không đúng") {
		t.Fatalf("wrong password page: %d", r.Status)
	}
	form.Set("_csrf", m[1])
	if r := post(form); r.Status != 303 || r.Header.Get("Location") != "/collaborators?area_code=NT" {
		t.Fatalf("login: %d → %s", r.Status, r.Header.Get("Location"))
	}
	status, body, _ = get("/collaborators?area_code=NT")
	if status != 200 || !strings.Contains(body, "Huyện Nhơn Trạch") || !strings.Contains(body, "Mạng lưới cộng tác viên") {
		t.Fatalf("list page: %d", status)
	}
	if strings.Contains(body, "Biên Hòa</div>") {
		t.Error("the district filter shows people of another district")
	}
	status, body, _ = get("/collaborators?q=nguyen&lang=en")
	if status != 200 || !strings.Contains(body, "Collaborator network") || !strings.Contains(body, "Nguyễn") {
		t.Fatalf("English list: %d", status)
	}
	// The choice is remembered.
	_, body, _ = get("/collaborators")
	if !strings.Contains(body, `lang="en"`) {
		t.Error("language choice not remembered")
	}
	// An external next is not followed. (The form of a page read while
	// signed in: the token of the signed-out page no longer validates.)
	_, body, _ = get("/login")
	if m = csrfRe.FindStringSubmatch(body); m == nil {
		t.Fatal("login form has no CSRF token")
	}
	r := post(url.Values{"email": {apptest.Coordinator}, "password": {apptest.DemoPassword}, "next": {"//evil.example"}, "_csrf": {m[1]}})
	if loc := r.Header.Get("Location"); loc != "/" {
		t.Errorf("open redirect to %q", loc)
	}
}

func TestErrorsAsPages(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	ctv := s.Find(t, "ctv", "TB")
	tok := s.LoginDemo(t, ctv.Email)
	other := s.Find(t, "ctv", "CM")
	r := s.Page(t, "/collaborators/"+other.ID, tok)
	if r.Status != 404 || !strings.Contains(string(r.Body), "Không tìm thấy trang") || !strings.Contains(r.Header.Get("Content-Type"), "text/html") {
		t.Errorf("out-of-scope page: %d %s", r.Status, truncate(r.Body))
	}
	if strings.Contains(string(r.Body), other.FullName) {
		t.Error("the 404 page reveals the person")
	}
	// The page says what to do in its language; the service's own words
	// are the details, in the page's language too, open on an English page
	// (TestErrorPageDetailsFollowTheLanguage).
	body := string(r.Body)
	if !strings.Contains(body, "Trang hoặc mục anh/chị tìm không có") || !strings.Contains(body, "<details>\n    <summary>Chi tiết</summary>") {
		t.Errorf("404 page in Vietnamese: %s", truncate(r.Body))
	}
	r = s.Page(t, "/sessions/new?lang=en", tok)
	if body := string(r.Body); r.Status != 403 || !strings.Contains(body, "Your account may not see or do this") || !strings.Contains(body, "<details open>") {
		t.Errorf("403 page in English: %d %s", r.Status, truncate(r.Body))
	}
	// A refused filter is said once, beside its field (helper-66 read
	// "invalid input: area_code: … area_code : …").
	r = s.Page(t, "/courses/KC-101/results?area_code=ZZ", s.LoginDemo(t, apptest.Coordinator))
	if body := string(r.Body); r.Status != 400 || strings.Count(body, "đơn vị cấp huyện anh/chị được xem") != 1 || !strings.Contains(body, "<b>area_code</b>") {
		t.Errorf("a refused filter's page: %d %s", r.Status, truncate(r.Body))
	}
	// A form sent without its cookie (a phone that dropped it): the page
	// says the form expired and leads back to it.
	req := apptest.NewRequest(t, "POST", s.URL+"/login", strings.NewReader("_csrf=x&email=a%40b.vn&password=p"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html")
	r = apptest.Send(t, apptest.Browser(t), req)
	if body := string(r.Body); r.Status != 403 || !strings.Contains(body, "<h1>Biểu mẫu đã hết hạn</h1>") || !strings.Contains(body, `<a href="/login">Mở lại biểu mẫu</a>`) {
		t.Errorf("expired form: %d %s", r.Status, truncate(r.Body))
	}
}
