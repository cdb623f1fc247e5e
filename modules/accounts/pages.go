package accounts

import (
	"embed"
	"errors"
	"net/url"
	"strings"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

//go:embed views/*.html
var views embed.FS

func (m *Module) pageRoutes(r *web.Router) {
	r.Get("/login", web.Doc{}, m.loginPage)
	r.Post("/login", web.Doc{}, m.loginSubmit)
	r.Post("/logout", web.Doc{}, m.logoutSubmit)
	r.Get("/me/password", web.Doc{}, m.passwordPage)
	r.Post("/me/password", web.Doc{}, m.passwordSubmit)
}

type loginForm struct {
	Email string
	Next  string
	Error string
}

// safeNext keeps redirects on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

func (m *Module) loginPage(c *fiber.Ctx) error {
	return m.Platform.Render(c, fiber.StatusOK, "login", loginForm{Next: safeNext(c.Query("next"))})
}

func (m *Module) loginSubmit(c *fiber.Ctx) error {
	email := strings.Clone(c.FormValue("email"))
	next := safeNext(c.FormValue("next"))
	token, _, err := m.svc.LoginFrom(c.UserContext(), web.ClientOf(c), email, c.FormValue("password"))
	if err != nil {
		form := loginForm{Email: email, Next: next}
		status := errs.Status(errs.KindOf(err))
		switch errs.KindOf(err) {
		case errs.Unauthorized:
			form.Error = m.Platform.T(c, "login.wrong")
		case errs.TooManyRequests:
			var e *errs.Error
			if errors.As(err, &e) {
				c.Set(fiber.HeaderRetryAfter, retryAfter(e))
			}
			form.Error = m.Platform.T(c, "login.locked")
		case errs.Invalid:
			form.Error = m.Platform.T(c, "login.invalid")
		case errs.Forbidden:
			form.Error = m.Platform.T(c, "login.archived")
		default:
			return err
		}
		return m.Platform.Render(c, status, "login", form)
	}
	m.setCookie(c, token)
	return c.Redirect(next, fiber.StatusSeeOther)
}

func (m *Module) logoutSubmit(c *fiber.Ctx) error {
	if err := m.svc.Logout(c.UserContext(), requestToken(c)); err != nil {
		return err
	}
	m.clearCookie(c)
	return c.Redirect("/login", fiber.StatusSeeOther)
}
