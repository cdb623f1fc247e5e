package accounts_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/accounts"
	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/mail/mailtest"
)

var linkRe = regexp.MustCompile(`http://[^\s"<>]+/(activate|reset)/[A-Za-z0-9_-]{43}`)

func textOf(t *testing.T, r mailtest.Received) string {
	t.Helper()
	for _, p := range r.Parts {
		if p.MediaType == "text/plain" {
			return p.Body
		}
	}
	t.Fatalf("no text part in %q", r.Subject)
	return ""
}

// linkIn returns the path of the set-password link of a mail.
func linkIn(t *testing.T, r mailtest.Received) string {
	t.Helper()
	m := linkRe.FindString(textOf(t, r))
	if m == "" {
		t.Fatalf("no set-password link in %q: %s", r.Subject, textOf(t, r))
	}
	u, err := url.Parse(m)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

func newPerson(code, email string) map[string]any {
	return map[string]any{
		"code": code, "full_name": "Trần Thị Ánh Tuyết", "email": email, "phone": "0912345678", "role": "ctv",
		"area_code": "NT", "commune": "Xã Long Tân", "position": "Công chức Kinh tế",
		"contract": map[string]any{"number": "99/2026/HĐ-TTKC", "starts_on": "2026-01-01", "ends_on": "2027-12-31", "status": "active", "quarterly_stipend": 1500000},
	}
}

type created struct {
	Items []collaborators.Collaborator `json:"items"`
}

func create(t *testing.T, s *apptest.Server, tok, code, email string) collaborators.Collaborator {
	t.Helper()
	r := s.Do(t, "POST", "/api/v1/collaborators", tok, newPerson(code, email))
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var c collaborators.Collaborator
	r.JSON(t, &c)
	if c.ID == "" {
		var cs created
		r.JSON(t, &cs)
		if len(cs.Items) == 1 {
			c = cs.Items[0]
		}
	}
	if c.ID == "" {
		t.Fatalf("create answered %s", r.Body)
	}
	return c
}

func setPassword(t *testing.T, s *apptest.Server, path, pw string) apptest.Shown {
	t.Helper()
	f := s.Forms(t, "")
	if got := f.Get(path); got.Status != 200 || !strings.Contains(got.Body, `name="password_confirm"`) {
		t.Fatalf("GET %s: %d %s", path, got.Status, got.Body)
	}
	return f.Post(path, url.Values{"password": {pw}, "password_confirm": {pw}})
}

func TestActivationMailSetPasswordSignIn(t *testing.T) {
	t.Parallel()
	srv, s, coord := startWithMail(t)
	c := create(t, s, coord, "NT-91", "tuyet.tran@example.vn")

	msgs := srv.Wait(t, 1)
	if len(msgs) != 1 || msgs[0].Subject != "Kích hoạt tài khoản Học viện CTV Khuyến công" {
		t.Fatalf("mails: %d, subject %q", len(msgs), msgs[0].Subject)
	}
	body := textOf(t, msgs[0])
	for _, want := range []string{"Kính gửi Trần Thị Ánh Tuyết", "hết hạn sau 72 giờ", "tuyet.tran@example.vn"} {
		if !strings.Contains(body, want) {
			t.Errorf("mail lacks %q:\n%s", want, body)
		}
	}
	if to := msgs[0].Header.Get("To"); !strings.Contains(to, "tuyet.tran@example.vn") {
		t.Errorf("mail to %q", to)
	}
	path := linkIn(t, msgs[0])
	if !strings.HasPrefix(path, "/activate/") {
		t.Fatalf("link %s", path)
	}
	// Before activation the account cannot sign in.
	if r := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": c.Email, "password": "mật-khẩu-mới-1"}); r.Status != 401 {
		t.Fatalf("login before activation: %d", r.Status)
	}
	// A password that breaks the rules leaves the link usable.
	f := s.Forms(t, "")
	f.Get(path)
	if got := f.Post(path, url.Values{"password": {"short"}, "password_confirm": {"short"}}); got.Status != 400 || !strings.Contains(got.Body, "ít nhất 10 ký tự") {
		t.Fatalf("short password: %d %s", got.Status, got.Body)
	}
	if got := setPassword(t, s, path, "mật-khẩu-mới-1"); got.Status != 200 || !strings.Contains(got.Body, `id="setpw-done"`) {
		t.Fatalf("set password: %d %s", got.Status, got.Body)
	}
	r := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": c.Email, "password": "mật-khẩu-mới-1"})
	if r.Status != 200 {
		t.Fatalf("login after activation: %d %s", r.Status, r.Body)
	}
	var lr accounts.LoginResponse
	r.JSON(t, &lr)
	if lr.User.Role != "ctv" || lr.User.CollaboratorID != c.ID {
		t.Errorf("account %+v", lr.User)
	}
	// The link works once.
	f2 := s.Forms(t, "")
	if got := f2.Get(path); got.Status != 404 || !strings.Contains(got.Body, `id="setpw-unknown"`) {
		t.Fatalf("used link GET: %d %s", got.Status, got.Body)
	}
	f2.Get("/forgot") // a page with a form, for the CSRF token
	if got := f2.Post(path, url.Values{"password": {"another-pass-2"}, "password_confirm": {"another-pass-2"}}); got.Status != 404 {
		t.Fatalf("used link POST: %d", got.Status)
	}
	if r := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": c.Email, "password": "another-pass-2"}); r.Status != 401 {
		t.Fatalf("a used link changed the password: %d", r.Status)
	}
}

func TestImportGivesEveryRowAnAccountAndMail(t *testing.T) {
	t.Parallel()
	srv, s, coord := startWithMail(t)
	file := "STT,Mã CTV,Họ và tên,Email,Số điện thoại,Vai trò,Mã đơn vị,Xã/Phường,Chức vụ,Số hợp đồng,Ngày bắt đầu,Ngày kết thúc,Trạng thái HĐ,Thù lao quý\n" +
		"1,CM-71,Phạm Thị Lan,lan.pham@example.vn,0911000001,CTV,CM,Xã Xuân Đông,Công chức,201/2026,01/01/2026,31/12/2027,Đang hiệu lực,1.500.000\n" +
		"2,CM-72,Võ Văn Tâm,tam.vo@example.vn,0911000002,Tổ trưởng,CM,Xã Xuân Tây,Công chức,202/2026,01/01/2026,31/12/2027,Đang hiệu lực,1.500.000\n" +
		"3,CM-73,Lý Thị Mai,mai.ly@example.vn,0911000003,CTV,CM,Xã Sông Ray,Công chức,203/2026,01/01/2026,31/12/2027,Đang hiệu lực,1.500.000\n"
	if r := s.Upload(t, "/api/v1/collaborators/import", coord, "ctv.csv", []byte(file)); r.Status != 201 {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	msgs := srv.Wait(t, 3)
	to := map[string]bool{}
	for _, m := range msgs {
		to[m.Header.Get("To")] = true
		linkIn(t, m)
	}
	if len(msgs) != 3 || len(to) != 3 {
		t.Fatalf("%d mails to %v", len(msgs), to)
	}
	roles := map[string]string{}
	for _, c := range s.Collaborators(t) {
		if strings.HasPrefix(c.Code, "CM-7") {
			u, err := s.App.Accounts.Me(context.Background(), principalOf(accounts.AccountIDOf(c.ID)))
			if err != nil {
				t.Fatalf("no account for %s: %v", c.Code, err)
			}
			if u.CollaboratorID != c.ID || u.Email != c.Email {
				t.Errorf("account %+v for %+v", u, c)
			}
			roles[c.Code] = u.Role
		}
	}
	if roles["CM-71"] != "ctv" || roles["CM-72"] != "team_leader" || roles["CM-73"] != "ctv" {
		t.Errorf("roles %v", roles)
	}
}

func TestResendExpiryAndScope(t *testing.T) {
	t.Parallel()
	srv := mailtest.New(t)
	clk := clock.NewManual(time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC))
	s := apptest.Start(t, apptest.Options{SMTPURL: srv.URL(), Clock: clk})
	coord := s.LoginDemo(t, apptest.Coordinator)
	c := create(t, s, coord, "NT-92", "hoa.le@example.vn")
	first := linkIn(t, srv.Wait(t, 1)[0])

	leaderNT := s.LoginDemo(t, s.Find(t, "team_leader", "NT").Email)
	leaderLT := s.LoginDemo(t, s.Find(t, "team_leader", "LT").Email)
	ctv := s.LoginDemo(t, s.Find(t, "ctv", "NT").Email)
	resend := "/api/v1/collaborators/" + c.ID + "/activation"
	if r := s.Do(t, "POST", resend, ctv, nil); r.Status != 403 {
		t.Errorf("a CTV re-sent another's activation: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "POST", resend, leaderLT, nil); r.Status != 404 {
		t.Errorf("a team leader of another district re-sent: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "POST", resend, leaderNT, nil); r.Status != 202 {
		t.Fatalf("the district's team leader re-sent: %d %s", r.Status, r.Body)
	}
	msgs := srv.Wait(t, 2)
	if len(msgs) != 2 {
		t.Fatalf("%d mails", len(msgs))
	}
	second := linkIn(t, msgs[1])
	if second == first {
		t.Fatal("the re-sent mail has the same link")
	}
	if got := s.Forms(t, "").Get(first); got.Status != 404 {
		t.Errorf("the replaced link still opens: %d", got.Status)
	}
	if r := s.Do(t, "POST", resend, coord, nil); r.Status != 202 {
		t.Fatalf("the coordinator re-sent: %d %s", r.Status, r.Body)
	}
	third := linkIn(t, srv.Wait(t, 3)[2])
	clk.Advance(accounts.LinkTTL + time.Minute)
	f := s.Forms(t, "")
	if got := f.Get(third); got.Status != 410 || !strings.Contains(got.Body, `id="setpw-expired"`) || !strings.Contains(got.Body, "đã hết hạn") {
		t.Fatalf("expired link: %d %s", got.Status, got.Body)
	}
	f.Get("/forgot")
	if got := f.Post(third, url.Values{"password": {"late-password-1"}, "password_confirm": {"late-password-1"}}); got.Status != 410 {
		t.Fatalf("expired link POST: %d", got.Status)
	}
	if r := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": c.Email, "password": "late-password-1"}); r.Status != 401 {
		t.Fatalf("an expired link set the password: %d", r.Status)
	}
	// The expiry job deletes the links LinkKeep after they expire.
	clk.Advance(accounts.LinkKeep)
	if n, err := s.App.Accounts.ExpireLinks(context.Background()); err != nil || n != 1 {
		t.Errorf("ExpireLinks = %d, %v; want the one link left", n, err)
	}
}

func TestForgotPassword(t *testing.T) {
	t.Parallel()
	srv := mailtest.New(t)
	s := apptest.Start(t, apptest.Options{SMTPURL: srv.URL()})
	ctv := s.Find(t, "ctv", "NT")
	old := s.LoginDemo(t, ctv.Email)

	f := s.Forms(t, "")
	if got := f.Get("/forgot"); got.Status != 200 || !strings.Contains(got.Body, "Quên mật khẩu") {
		t.Fatalf("GET /forgot: %d %s", got.Status, got.Body)
	}
	unknown := f.Post("/forgot", url.Values{"email": {"nobody@example.vn"}})
	f.Get("/forgot")
	known := f.Post("/forgot", url.Values{"email": {ctv.Email}})
	if unknown.Status != 200 || known.Status != 200 || !strings.Contains(known.Body, `id="forgot-sent"`) {
		t.Fatalf("forgot: %d / %d", unknown.Status, known.Status)
	}
	if sentPart(unknown.Body) != sentPart(known.Body) {
		t.Errorf("the answers differ for an unknown and a known address")
	}
	msgs := srv.Wait(t, 1)
	if len(msgs) != 1 || !strings.Contains(msgs[0].Header.Get("To"), ctv.Email) || msgs[0].Subject != "Đặt lại mật khẩu Học viện CTV Khuyến công" {
		t.Fatalf("mails: %d %q", len(msgs), msgs[0].Subject)
	}
	path := linkIn(t, msgs[0])
	if !strings.HasPrefix(path, "/reset/") {
		t.Fatalf("link %s", path)
	}
	if got := setPassword(t, s, path, "một-mật-khẩu-mới"); got.Status != 200 {
		t.Fatalf("reset: %d %s", got.Status, got.Body)
	}
	if r := s.Do(t, "GET", "/api/v1/me", old, nil); r.Status != 401 {
		t.Errorf("the account's other session survived the reset: %d", r.Status)
	}
	if r := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": ctv.Email, "password": "một-mật-khẩu-mới"}); r.Status != 200 {
		t.Errorf("login with the new password: %d", r.Status)
	}
	// The API answers the same way, and the address is throttled whether
	// or not it has an account.
	for i := 1; i <= accounts.ResetFreePerEmail; i++ {
		// 202 and nothing else, as the document says (no body).
		if r := s.Do(t, "POST", "/api/v1/auth/password-reset", "", map[string]string{"email": "ghost@example.vn"}); r.Status != 202 || len(r.Body) != 0 {
			t.Fatalf("reset %d: %d %q, want 202 with no body", i, r.Status, r.Body)
		}
	}
	r := s.Do(t, "POST", "/api/v1/auth/password-reset", "", map[string]string{"email": "ghost@example.vn"})
	if r.Status != 429 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("past the limit: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "POST", "/api/v1/auth/password-reset", "", map[string]any{"email": "x@example.vn", "extra": 1}); r.Status != 400 || !r.Problem(t).HasField("extra") {
		t.Errorf("unknown field: %d %s", r.Status, r.Body)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d mails; the unknown addresses got some", n)
	}
}

// sentPart is the page's answer paragraph.
func sentPart(body string) string {
	i := strings.Index(body, `id="forgot-sent"`)
	if i < 0 {
		return ""
	}
	return body[i : i+strings.Index(body[i:], "</p>")]
}

func TestRepairJobMakesMissingAccount(t *testing.T) {
	t.Parallel()
	srv, s, coord := startWithMail(t)
	// A crash between the registry write and the account: the inline path
	// does not run.
	s.App.Collaborators.OnCreate(nil)
	c := create(t, s, coord, "NT-93", "binh.vo@example.vn")
	ctx := context.Background()
	if _, err := s.App.Accounts.Me(ctx, principalOf(accounts.AccountIDOf(c.ID))); err == nil {
		t.Fatal("an account exists without the inline path")
	}
	n, err := s.App.Accounts.Repair(ctx)
	if err != nil || n != 1 {
		t.Fatalf("Repair = %d, %v; want 1", n, err)
	}
	path := linkIn(t, srv.Wait(t, 1)[0])
	if n, err := s.App.Accounts.Repair(ctx); err != nil || n != 0 {
		t.Fatalf("Repair again = %d, %v; want 0", n, err)
	}
	if got := setPassword(t, s, path, "repaired-pass-1"); got.Status != 200 {
		t.Fatalf("set password: %d %s", got.Status, got.Body)
	}
	if r := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": c.Email, "password": "repaired-pass-1"}); r.Status != 200 {
		t.Errorf("login: %d", r.Status)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d mails, want 1", n)
	}
}

func principalOf(userID string) authz.Principal { return authz.Principal{UserID: userID} }

// A team leader re-sends the activation mail from the person's page: the
// button posts a plain form, the page then says it was sent, and the mail
// carries a new link. The person themself sees no such button.
func TestResendFromThePersonsPage(t *testing.T) {
	t.Parallel()
	srv, s, coord := startWithMail(t)
	c := create(t, s, coord, "NT-93", "minh.tran@example.vn")
	first := linkIn(t, srv.Wait(t, 1)[0])

	leader := s.Forms(t, s.LoginDemo(t, s.Find(t, "team_leader", "NT").Email))
	page := leader.Get("/collaborators/" + c.ID)
	action := `action="/collaborators/` + c.ID + `/activation"`
	if page.Status != 200 || !strings.Contains(page.Body, action) || !strings.Contains(page.Body, "Gửi lại thư kích hoạt") {
		t.Fatalf("the person's page has no re-send button: %d %s", page.Status, page.Body)
	}
	sent := leader.Post("/collaborators/"+c.ID+"/activation", nil)
	if sent.Status != 303 || sent.Location != "/collaborators/"+c.ID+"?activation=sent" {
		t.Fatalf("re-send: %d → %q %s", sent.Status, sent.Location, sent.Body)
	}
	if back := leader.Get(sent.Location); !strings.Contains(back.Body, "Đã gửi thư kích hoạt mới đến minh.tran@example.vn.") {
		t.Errorf("the page does not say the mail was sent: %s", back.Body)
	}
	msgs := srv.Wait(t, 2)
	if second := linkIn(t, msgs[1]); second == first || !strings.Contains(msgs[1].Header.Get("To"), "minh.tran@example.vn") {
		t.Errorf("re-sent mail to %q with link %s (first %s)", msgs[1].Header.Get("To"), second, first)
	}

	ctv := s.Find(t, "ctv", "NT")
	own := s.Forms(t, s.LoginDemo(t, ctv.Email)).Get("/collaborators/" + ctv.ID)
	if own.Status != 200 || strings.Contains(own.Body, "/activation") {
		t.Errorf("a CTV's own page: %d, re-send button shown: %v", own.Status, strings.Contains(own.Body, "/activation"))
	}
}

// startWithMail starts the app sending its mail to a test SMTP server and
// signs the demo coordinator in.
func startWithMail(t *testing.T) (*mailtest.Server, *apptest.Server, string) {
	t.Helper()
	srv := mailtest.New(t)
	s := apptest.Start(t, apptest.Options{SMTPURL: srv.URL()})
	return srv, s, s.LoginDemo(t, apptest.Coordinator)
}

// A reset request answers no sooner for an address without an account than
// for one with an account: both take ResetFloor at least, which covers the
// link and the mail an account's request writes. (A lower bound: a sleep
// never ends early, so this cannot fail for a slow machine.)
func TestResetAnswersNoSoonerForAnUnknownAddress(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	ctv := s.Find(t, "ctv", "NT")
	for _, email := range []string{"nobody@example.vn", ctv.Email} {
		start := time.Now()
		r := s.Do(t, "POST", "/api/v1/auth/password-reset", "", map[string]string{"email": email})
		if took := time.Since(start); r.Status != 202 || took < accounts.ResetFloor {
			t.Errorf("reset for %s: %d after %v, want 202 after %v at least", email, r.Status, took, accounts.ResetFloor)
		}
	}
	f := s.Forms(t, "")
	f.Get("/forgot")
	start := time.Now()
	if got := f.Post("/forgot", url.Values{"email": {"nobody@example.vn"}}); got.Status != 200 || time.Since(start) < accounts.ResetFloor {
		t.Errorf("the forgotten-password form for an unknown address: %d after %v", got.Status, time.Since(start))
	}
}
