package accounts_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/app/apptest"
)

// A signed-in user changes their own password on a page, without
// JavaScript: a wrong current password or two new ones that differ show
// the form again with what is wrong and change nothing; a right one
// changes it, keeps this session and ends the account's others.
func TestChangePasswordPage(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	ctv := s.Find(t, "ctv", "NT")
	other := s.LoginDemo(t, ctv.Email) // a session on another phone
	me := s.Forms(t, s.LoginDemo(t, ctv.Email))
	form := me.Get("/me/password")
	if form.Status != 200 || !strings.Contains(form.Body, "<h1>Đổi mật khẩu</h1>") || !strings.Contains(form.Body, `name="current_password"`) ||
		!strings.Contains(form.Body, `<a href="/me/password">Đổi mật khẩu</a>`) {
		t.Fatalf("the form: %d %s", form.Status, form.Body)
	}
	const next = "mat-khau-moi-2026"
	for name, c := range map[string]struct {
		form   url.Values
		status int
		says   string
		field  string // marked aria-invalid
	}{
		"a wrong current password": {url.Values{"current_password": {"not-my-password"}, "password": {next}, "password_confirm": {next}}, 422, "Mật khẩu hiện tại không đúng.", "current_password"},
		"two new ones that differ": {url.Values{"current_password": {apptest.DemoPassword}, "password": {next}, "password_confirm": {next + "x"}}, 400, "Hai mật khẩu không khớp nhau.", "password_confirm"},
		"a new one too short":      {url.Values{"current_password": {apptest.DemoPassword}, "password": {"ngan"}, "password_confirm": {"ngan"}}, 400, "Mật khẩu phải có ít nhất 10 ký tự", "password"},
	} {
		r := me.Post("/me/password", c.form)
		marked := regexp.MustCompile(`id="` + c.field + `"[^>]*aria-invalid="true" aria-describedby="setpw-error"`)
		if r.Status != c.status || !strings.Contains(r.Body, c.says) || !strings.Contains(r.Body, `name="current_password"`) || !marked.MatchString(r.Body) ||
			strings.Count(r.Body, `aria-invalid="true"`) != 1 {
			t.Errorf("%s: %d, want %d saying %q: %s", name, r.Status, c.status, c.says, r.Body)
		}
	}
	s.Login(t, ctv.Email, apptest.DemoPassword) // nothing changed yet
	r := me.Post("/me/password", url.Values{"current_password": {apptest.DemoPassword}, "password": {next}, "password_confirm": {next}})
	if r.Status != 200 || !strings.Contains(r.Body, `id="setpw-done"`) {
		t.Fatalf("the change: %d %s", r.Status, r.Body)
	}
	s.Login(t, ctv.Email, next)
	if got := me.Get("/me/password"); got.Status != 200 {
		t.Errorf("this session after the change: %d", got.Status)
	}
	if got := s.Do(t, "GET", "/api/v1/me", other, nil); got.Status != 401 {
		t.Errorf("the other session after the change: %d, want 401", got.Status)
	}
}
