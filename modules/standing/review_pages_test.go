package standing_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/web/webtest"
	"github.com/ctvacademy/academy/modules/standing"
)

// pageCallers are the signed-in callers of the page tests, by token.
var pageCallers = map[string]authz.Principal{
	"coord":  {UserID: "u-coord", Role: authz.RoleCoordinator, SessionID: "s-coord"},
	"lead":   {UserID: "u-lead", Role: authz.RoleLeadership, SessionID: "s-lead"},
	"tl-nt":  {UserID: "u-tl", Role: authz.RoleTeamLeader, CollaboratorID: "tl", AreaCode: "NT", SessionID: "s-tl"},
	"ctv-lt": {UserID: "u-ctv", Role: authz.RoleCTV, CollaboratorID: "gone", AreaCode: "LT", SessionID: "s-ctv"},
}

type pageTokens struct{}

func (pageTokens) Authenticate(_ context.Context, token string) (authz.Principal, error) {
	if p, ok := pageCallers[token]; ok {
		return p, nil
	}
	return authz.Principal{}, errs.E(errs.Unauthorized, "unknown token")
}

// pageServer serves the standing module's routes on the real store with
// the fake source of newService (good and bad in NT, gone in LT; every
// contract ends 2026-12-31; the clock in 2026-Q4).
func pageServer(t *testing.T) (string, *fakeSource) {
	t.Helper()
	svc, f := newService(t)
	return webtest.Serve(t, standing.NewModule(svc), pageTokens{}), f
}

// reader is a browser without script signed in with a token: it keeps its
// cookies, follows no redirect and posts with the last page's CSRF token.
type reader struct {
	t           *testing.T
	base, token string
	c           *http.Client
	csrf        string
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func newReader(t *testing.T, base, token string) *reader {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &reader{t: t, base: base, token: token, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do answers the status, the redirect's target and the page.
func (r *reader) do(method, path string, form url.Values) (int, string, string) {
	r.t.Helper()
	req, err := http.NewRequest(method, r.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		r.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := r.c.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		r.t.Fatal(err)
	}
	if m := csrfInput.FindSubmatch(b); m != nil {
		r.csrf = string(m[1])
	}
	return res.StatusCode, res.Header.Get("Location"), string(b)
}

func (r *reader) get(path string) (int, string) {
	r.t.Helper()
	status, _, body := r.do("GET", path, nil)
	return status, body
}

func (r *reader) post(path string, form url.Values) (int, string, string) {
	r.t.Helper()
	form.Set("_csrf", r.csrf)
	return r.do("POST", path, form)
}

// The review page splits the quarter's contracts into eligible and not,
// and "renew everyone eligible" renews the eligible ones, not the other,
// in one action; posted again it renews nobody.
func TestReviewPageRenewsEveryEligible(t *testing.T) {
	t.Parallel()
	base, f := pageServer(t)
	coord := newReader(t, base, "coord")
	status, page := coord.get("/contracts/review")
	for _, want := range []string{`<h2 id="eligible-title">Đủ điều kiện gia hạn (2)</h2>`, `<h2 id="ineligible-title">Chưa đủ điều kiện gia hạn (1)</h2>`,
		`data-id="good" data-eligible="true"`, `data-id="gone" data-eligible="true"`, `data-id="bad" data-eligible="false"`,
		`<li data-code="certificate_missing">Chưa có chứng nhận KC-101</li>`,
		"2 hợp đồng đủ điều kiện đang chờ quyết định", `<button type="submit" id="renew-all">Gia hạn tất cả người đủ điều kiện</button>`} {
		if status != 200 || !strings.Contains(page, want) {
			t.Fatalf("the review page lacks %s: %d %s", want, status, page)
		}
	}
	status, loc, body := coord.post("/contracts/review/2026-Q4/decisions", url.Values{"action": {"renew_eligible"}})
	if status != 303 || loc != "/contracts/review?quarter=2026-Q4&renewed=2" {
		t.Fatalf("renew every eligible: %d → %q %s", status, loc, body)
	}
	for id, want := range map[string]string{"good": "2027-12-31", "gone": "2027-12-31", "bad": "2026-12-31"} {
		if got := f.people[id].Contract.EndsOn; got != want {
			t.Errorf("%s's contract ends %s, want %s", id, got, want)
		}
	}
	_, page = coord.get(loc)
	if !strings.Contains(page, `id="done">Đã gia hạn 2 hợp đồng.</p>`) || strings.Contains(page, `id="renew-all"`) ||
		strings.Count(page, `<p class="decision" data-decision="renew"><strong>Đã gia hạn đến hết ngày 31/12/2027</strong>`) != 2 {
		t.Errorf("after renewing, the page: %s", page)
	}
	if _, loc, _ := coord.post("/contracts/review/2026-Q4/decisions", url.Values{"action": {"renew_eligible"}}); loc != "/contracts/review?quarter=2026-Q4&renewed=0" {
		t.Errorf("renewing again: → %q", loc)
	}
	if _, page := coord.get("/contracts/review?quarter=2026-Q4&renewed=0&lang=en"); !strings.Contains(page, "No eligible contract is waiting for a decision.") {
		t.Errorf("nobody left, in English: %s", page)
	}
}

// The recognition page lists each district's top performers in good
// standing (bad, without a certificate, is not among them); staff choose
// the district, a team leader sees their own without the choice.
func TestRecognitionPage(t *testing.T) {
	t.Parallel()
	base, _ := pageServer(t)
	status, page := newReader(t, base, "lead").get("/recognition")
	for _, want := range []string{"<h1>Biểu dương 2026-Q3</h1>", `<option value="LT">Long Thành</option>`,
		`<section class="district" data-area="NT">`, `<h2 id="area-NT">Nhơn Trạch</h2>`,
		`<tr data-id="good"><td>1</td><th scope="row">An<br>`, `<td>90%</td>`, `<tr data-id="gone"><td>1</td><th scope="row">Chi<br>`, `<td>70%</td>`} {
		if status != 200 || !strings.Contains(page, want) {
			t.Fatalf("the recognition page lacks %s: %d %s", want, status, page)
		}
	}
	if strings.Contains(page, `data-id="bad"`) {
		t.Error("someone not in good standing is recognised")
	}
	if _, page := newReader(t, base, "lead").get("/recognition?area_code=LT&quarter=2026-Q3"); strings.Contains(page, `data-area="NT"`) ||
		!strings.Contains(page, `data-area="LT"`) || !strings.Contains(page, `<option value="LT" selected>`) {
		t.Errorf("filtered to LT: %s", page)
	}
	for token, area := range map[string]string{"tl-nt": "NT", "ctv-lt": "LT"} {
		status, page := newReader(t, base, token).get("/recognition?area_code=NT")
		if status != 200 || strings.Contains(page, `id="area_code"`) || !strings.Contains(page, `data-area="`+area+`"`) ||
			strings.Count(page, `<section class="district"`) != 1 {
			t.Errorf("%s's recognition page: %d %s", token, status, page)
		}
	}
	if status, page := newReader(t, base, "lead").get("/recognition?quarter=2026-Q2&lang=en"); status != 200 ||
		!strings.Contains(page, "<h1>Recognition 2026-Q2</h1>") || !strings.Contains(page, `<th scope="col">Attainment</th>`) {
		t.Errorf("in English: %d %s", status, page)
	}
}
