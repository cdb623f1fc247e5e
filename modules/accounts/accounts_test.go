package accounts_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/ctvacademy/academy/modules/accounts"
	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/audit"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/storetest"
)

func TestLockFor(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]time.Duration{0: 0, 5: 0, 6: time.Second, 7: 2 * time.Second, 10: 16 * time.Second, 40: accounts.MaxLock} {
		if got := accounts.LockFor(n); got != want {
			t.Errorf("LockFor(%d) = %v, want %v", n, got, want)
		}
	}
}

func TestLoginMeLogout(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	ctv := s.Find(t, "ctv", "VC")
	r := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": strings.ToUpper(ctv.Email), "password": apptest.DemoPassword})
	if r.Status != 200 {
		t.Fatalf("login: %d %s", r.Status, r.Body)
	}
	var lr accounts.LoginResponse
	r.JSON(t, &lr)
	if lr.Token == "" || lr.User.Email != ctv.Email || lr.User.Role != "ctv" || lr.User.CollaboratorID != ctv.ID {
		t.Fatalf("login answer %+v", lr)
	}
	cookie := r.Header.Get("Set-Cookie")
	for _, want := range []string{"academy_session=" + lr.Token, "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("cookie %q lacks %q", cookie, want)
		}
	}
	if strings.Contains(cookie, "Secure") {
		t.Errorf("cookie is Secure on an http base URL: %q", cookie)
	}
	// The token works as a bearer token and as the cookie.
	var me accounts.UserView
	s.Do(t, "GET", "/api/v1/me", lr.Token, nil).JSON(t, &me)
	if me.ID != lr.User.ID {
		t.Errorf("me = %+v", me)
	}
	req, _ := http.NewRequest("GET", s.URL+"/api/v1/me", nil)
	req.AddCookie(&http.Cookie{Name: "academy_session", Value: lr.Token})
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("cookie auth: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	// The stored session is keyed by the token's hash, not the token.
	n, err := s.App.DB.Collection("auth_sessions").CountDocuments(context.Background(), map[string]any{"_id": lr.Token})
	if err != nil || n != 0 {
		t.Errorf("a session is stored under the raw token (%d, %v)", n, err)
	}
	sum := sha256.Sum256([]byte(lr.Token))
	if n, err := s.App.DB.Collection("auth_sessions").CountDocuments(context.Background(), map[string]any{"_id": hex.EncodeToString(sum[:])}); err != nil || n != 1 {
		t.Errorf("no session stored under the token's hash (%d, %v)", n, err)
	}
	if r := s.Do(t, "POST", "/api/v1/auth/logout", lr.Token, nil); r.Status != 204 {
		t.Fatalf("logout: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "GET", "/api/v1/me", lr.Token, nil); r.Status != 401 {
		t.Errorf("token works after logout: %d", r.Status)
	}
	if r := s.Do(t, "GET", "/api/v1/me", "forged-token-forged-token-forged", nil); r.Status != 401 || r.Problem(t).Status != 401 {
		t.Errorf("forged token: %d", r.Status)
	}
}

func TestUnknownEmailAndWrongPasswordLookAlike(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	wrong := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": apptest.Coordinator, "password": "not-the-password"})
	unknown := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": "nobody@example.vn", "password": "not-the-password"})
	if wrong.Status != 401 || unknown.Status != 401 {
		t.Fatalf("statuses %d %d", wrong.Status, unknown.Status)
	}
	pw, pu := wrong.Problem(t), unknown.Problem(t)
	if pw.Detail != pu.Detail || pw.Title != pu.Title {
		t.Errorf("answers differ: %+v vs %+v", pw, pu)
	}
	if r := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": "not an email", "password": "x"}); r.Status != 400 || !r.Problem(t).HasField("email") {
		t.Errorf("bad email: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]any{"email": apptest.Coordinator, "password": "x", "remember": true}); r.Status != 400 || !r.Problem(t).HasField("remember") {
		t.Errorf("unknown field: %d %s", r.Status, r.Body)
	}
}

func TestLoginThrottleBacksOff(t *testing.T) {
	t.Parallel()
	clk := clock.NewManual(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC))
	s := apptest.Start(t, apptest.Options{Clock: clk})
	for _, email := range []string{apptest.Coordinator, "ghost@example.vn"} {
		bad := map[string]string{"email": email, "password": "wrong-password"}
		for i := 1; i <= accounts.FreeFailures; i++ {
			if r := s.Do(t, "POST", "/api/v1/auth/login", "", bad); r.Status != 401 {
				t.Fatalf("%s failure %d: %d", email, i, r.Status)
			}
		}
		r := s.Do(t, "POST", "/api/v1/auth/login", "", bad)
		if r.Status != 429 {
			t.Fatalf("%s: failure %d answered %d, want 429", email, accounts.FreeFailures+1, r.Status)
		}
		if ra, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || ra < 1 {
			t.Errorf("Retry-After = %q", r.Header.Get("Retry-After"))
		}
	}
	// While locked, even the right password is refused; after the wait it works.
	good := map[string]string{"email": apptest.Coordinator, "password": apptest.DemoPassword}
	if r := s.Do(t, "POST", "/api/v1/auth/login", "", good); r.Status != 429 {
		t.Fatalf("right password while locked: %d", r.Status)
	}
	clk.Advance(2 * time.Second)
	if r := s.Do(t, "POST", "/api/v1/auth/login", "", good); r.Status != 200 {
		t.Fatalf("after the lock: %d %s", r.Status, r.Body)
	}
	// Success clears the count: the next failure is an ordinary 401.
	if r := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": apptest.Coordinator, "password": "wrong-password"}); r.Status != 401 {
		t.Errorf("after success: %d", r.Status)
	}
}

func TestParallelFailuresAreAllCounted(t *testing.T) {
	t.Parallel()
	s := startStill(t, apptest.Options{})
	var wg sync.WaitGroup
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": apptest.Leadership, "password": "wrong-password"})
		}()
	}
	wg.Wait()
	if r := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": apptest.Leadership, "password": apptest.DemoPassword}); r.Status != 429 {
		t.Errorf("after 12 parallel failures the account is not locked: %d", r.Status)
	}
}

func TestSessionExpires(t *testing.T) {
	t.Parallel()
	clk := clock.NewManual(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC))
	s := apptest.Start(t, apptest.Options{Clock: clk})
	tok := s.LoginDemo(t, apptest.Coordinator)
	clk.Advance(accounts.SessionTTL - time.Minute)
	if r := s.Do(t, "GET", "/api/v1/me", tok, nil); r.Status != 200 {
		t.Fatalf("before expiry: %d", r.Status)
	}
	clk.Advance(2 * time.Minute)
	if r := s.Do(t, "GET", "/api/v1/me", tok, nil); r.Status != 401 {
		t.Fatalf("after expiry: %d", r.Status)
	}
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	leader := s.Find(t, "team_leader", "DQ")
	phone := s.LoginDemo(t, leader.Email)
	laptop := s.LoginDemo(t, leader.Email)
	r := s.Do(t, "POST", "/api/v1/me/password", laptop, map[string]string{"current_password": "wrong-one-here", "new_password": "a-new-password-1"})
	if r.Status != 422 || !r.Problem(t).HasField("current_password") {
		t.Fatalf("wrong current password: %d %s", r.Status, r.Body)
	}
	r = s.Do(t, "POST", "/api/v1/me/password", laptop, map[string]string{"current_password": apptest.DemoPassword, "new_password": "short"})
	if r.Status != 400 || !r.Problem(t).HasField("new_password") {
		t.Fatalf("short password: %d %s", r.Status, r.Body)
	}
	r = s.Do(t, "POST", "/api/v1/me/password", laptop, map[string]string{"current_password": apptest.DemoPassword, "new_password": "a-new-password-1"})
	if r.Status != 204 {
		t.Fatalf("change: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "GET", "/api/v1/me", phone, nil); r.Status != 401 {
		t.Errorf("the other session survived the password change: %d", r.Status)
	}
	if r := s.Do(t, "GET", "/api/v1/me", laptop, nil); r.Status != 200 {
		t.Errorf("the changing session ended: %d", r.Status)
	}
	s.Login(t, leader.Email, "a-new-password-1")
	if r := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": leader.Email, "password": apptest.DemoPassword}); r.Status != 401 {
		t.Errorf("old password still works: %d", r.Status)
	}
}

func TestAdminManagesAccountsAndRoleChangeEndsSessions(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	admin := s.LoginDemo(t, apptest.Admin)
	r := s.Do(t, "POST", "/api/v1/users", admin, map[string]string{"email": "truongphong@example.vn", "password": "staff-password-1", "role": "coordinator"})
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var u accounts.UserView
	r.JSON(t, &u)
	if r := s.Do(t, "POST", "/api/v1/users", admin, map[string]string{"email": "TruongPhong@example.vn", "password": "staff-password-1", "role": "coordinator"}); r.Status != 409 || !r.Problem(t).HasField("email") {
		t.Errorf("duplicate email: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "POST", "/api/v1/users", admin, map[string]string{"email": "x@example.vn", "password": "staff-password-1", "role": "ctv"}); r.Status != 400 || !r.Problem(t).HasField("collaborator_id") {
		t.Errorf("ctv without collaborator: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "POST", "/api/v1/users", admin, map[string]string{"email": "y@example.vn", "password": "staff-password-1", "role": "ctv", "collaborator_id": "nope"}); r.Status != 400 || !r.Problem(t).HasField("collaborator_id") {
		t.Errorf("unknown collaborator: %d %s", r.Status, r.Body)
	}
	tok := s.Login(t, "truongphong@example.vn", "staff-password-1")
	if r := s.Do(t, "GET", "/api/v1/collaborators", tok, nil); r.Status != 200 {
		t.Fatalf("new coordinator lists: %d", r.Status)
	}
	r = s.Do(t, "PATCH", "/api/v1/users/"+u.ID, admin, map[string]string{"role": "leadership"})
	if r.Status != 200 {
		t.Fatalf("role change: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "GET", "/api/v1/me", tok, nil); r.Status != 401 {
		t.Errorf("session survived the role change: %d", r.Status)
	}
	tok = s.Login(t, "truongphong@example.vn", "staff-password-1")
	if r := s.Do(t, "POST", "/api/v1/collaborators", tok, map[string]any{}); r.Status != 403 {
		t.Errorf("leadership may not write: %d", r.Status)
	}
	if r := s.Do(t, "PATCH", "/api/v1/users/"+u.ID, admin, map[string]string{"role": "ctv"}); r.Status != 422 {
		t.Errorf("ctv role for a staff account: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "PATCH", "/api/v1/users/"+u.ID, admin, map[string]string{"role": "king"}); r.Status != 400 || !r.Problem(t).HasField("role") {
		t.Errorf("unknown role: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "PATCH", "/api/v1/users/nope", admin, map[string]string{"role": "coordinator"}); r.Status != 404 {
		t.Errorf("unknown user: %d", r.Status)
	}
	var users struct {
		Total int `json:"total"`
	}
	s.Do(t, "GET", "/api/v1/users", admin, nil).JSON(t, &users)
	if users.Total != 65+2+1+1 {
		t.Errorf("users = %d, want 69", users.Total)
	}
}

// Each process trusts a session it has read for SessionCacheTTL. Signing
// out ends the session at once in the process that did it; another process
// (several processes share a MongoDB) stops honouring it within the TTL.
func TestSignOutReachesOtherProcessesWithinTheCacheTTL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	clk := clock.NewManual(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC))
	newService := func() *accounts.Service {
		s, err := accounts.NewService(accounts.Deps{Store: accounts.NewStore(db), Audit: audit.New(db, clk.Now), Clock: clk,
			Params: &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	one, two := newService(), newService()
	if _, err := one.CreateUser(ctx, accounts.NewUser{Email: "a@example.vn", Password: "a-long-password", Role: "coordinator"}); err != nil {
		t.Fatal(err)
	}
	tok, _, err := one.Login(ctx, "a@example.vn", "a-long-password")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*accounts.Service{one, two} {
		if _, err := s.Authenticate(ctx, tok); err != nil {
			t.Fatalf("before sign-out: %v", err)
		}
	}
	if err := one.Logout(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := one.Authenticate(ctx, tok); !errs.Is(err, errs.Unauthorized) {
		t.Errorf("same process after sign-out: %v", err)
	}
	clk.Advance(accounts.SessionCacheTTL)
	if _, err := two.Authenticate(ctx, tok); !errs.Is(err, errs.Unauthorized) {
		t.Errorf("other process %s after sign-out: %v", accounts.SessionCacheTTL, err)
	}
}

// Archiving a collaborator (they left the network) ends their account's
// sessions and refuses their sign-in, with a message that says why.
func TestArchivedCollaboratorCannotSignIn(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	coord := s.LoginDemo(t, apptest.Coordinator)
	ctv := s.Find(t, "ctv", "NT")
	tok := s.LoginDemo(t, ctv.Email)
	if r := s.Do(t, "GET", "/api/v1/me", tok, nil); r.Status != 200 {
		t.Fatalf("before: %d", r.Status)
	}
	if r := s.Do(t, "PATCH", "/api/v1/collaborators/"+ctv.ID, coord, map[string]any{"archived": true}); r.Status != 200 {
		t.Fatalf("archive: %d %s", r.Status, r.Body)
	}
	// No wait: the change drops this process's copy of the registry.
	if r := s.Do(t, "GET", "/api/v1/me", tok, nil); r.Status != 401 {
		t.Errorf("session of an archived collaborator: %d", r.Status)
	}
	r := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": ctv.Email, "password": apptest.DemoPassword})
	if r.Status != 403 || !strings.Contains(string(r.Body), "archived") {
		t.Errorf("sign-in of an archived collaborator: %d %s", r.Status, r.Body)
	}
	browser := s.Forms(t, "")
	browser.Get("/login")
	page := browser.Post("/login", url.Values{"email": {ctv.Email}, "password": {apptest.DemoPassword}})
	if page.Status != 403 || !strings.Contains(page.Body, "lưu trữ") {
		t.Errorf("sign-in page: %d %s", page.Status, page.Body)
	}
	// Restored, they sign in again.
	if r := s.Do(t, "PATCH", "/api/v1/collaborators/"+ctv.ID, coord, map[string]any{"archived": false}); r.Status != 200 {
		t.Fatalf("restore: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": ctv.Email, "password": apptest.DemoPassword}); r.Status != 200 {
		t.Errorf("sign-in after restoring: %d %s", r.Status, r.Body)
	}
}

func TestMain(m *testing.M) { storetest.Main(m) }
