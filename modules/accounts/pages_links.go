package accounts

import (
	"errors"
	"net/url"
	"strings"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

func (m *Module) linkRoutes(r *web.Router) {
	r.Get("/forgot", web.Doc{}, m.forgotPage)
	r.Post("/forgot", web.Doc{}, m.forgotSubmit)
	for _, path := range []string{"/activate/:token", "/reset/:token"} {
		r.Get(path, web.Doc{}, m.linkPage)
		r.Post(path, web.Doc{}, m.linkSubmit)
	}
	r.Post("/collaborators/:id/activation", web.Doc{}, m.resendSubmit)
}

// resendSubmit is the re-send button of a collaborator's page: a new
// set-password link by mail, then back to the page, which says it was sent.
func (m *Module) resendSubmit(c *fiber.Ctx) error {
	id := c.Params("id")
	if err := m.svc.ResendActivation(c.UserContext(), web.ScopeOf(c), id); err != nil {
		return err
	}
	return c.Redirect("/collaborators/"+url.PathEscape(id)+"?activation=sent", fiber.StatusSeeOther)
}

type forgotForm struct {
	Email string
	Sent  bool
	Error string
}

func (m *Module) forgotPage(c *fiber.Ctx) error {
	return m.Platform.Render(c, fiber.StatusOK, "forgot", forgotForm{})
}

func (m *Module) forgotSubmit(c *fiber.Ctx) error {
	email := strings.Clone(c.FormValue("email"))
	err := m.svc.RequestReset(c.UserContext(), web.ClientOf(c), email)
	if err == nil {
		return m.Platform.Render(c, fiber.StatusOK, "forgot", forgotForm{Sent: true})
	}
	switch errs.KindOf(err) {
	case errs.Invalid:
		return m.Platform.Render(c, fiber.StatusBadRequest, "forgot", forgotForm{Email: email, Error: m.Platform.T(c, "forgot.invalid")})
	case errs.TooManyRequests:
		var e *errs.Error
		if errors.As(err, &e) {
			c.Set(fiber.HeaderRetryAfter, retryAfter(e))
		}
		return m.Platform.Render(c, fiber.StatusTooManyRequests, "forgot", forgotForm{Email: email, Error: m.Platform.T(c, "forgot.throttled")})
	}
	return err
}

type linkForm struct {
	Action   string
	Reset    bool
	Change   bool   // the signed-in user's own change (/me/password): asks the current password
	State    string // valid, unknown, expired, done
	Error    string
	Field    string // the input Error is about (marked aria-invalid), if one
	MinChars int
}

// passwordPage is the signed-in user's own password change: the current
// password, the new one twice.
func (m *Module) passwordPage(c *fiber.Ctx) error {
	return m.Platform.Render(c, fiber.StatusOK, "setpassword", linkForm{Action: "/me/password", Change: true, State: "valid", MinChars: MinPasswordLength})
}

// passwordSubmit changes the password as POST /api/v1/me/password does
// (the user's other sessions end), or shows the form again with what is
// wrong.
func (m *Module) passwordSubmit(c *fiber.Ctx) error {
	f := linkForm{Action: "/me/password", Change: true, State: "valid", MinChars: MinPasswordLength}
	pw := c.FormValue("password")
	if pw != c.FormValue("password_confirm") {
		f.Error, f.Field = m.Platform.T(c, "setpw.mismatch"), "password_confirm"
		return m.Platform.Render(c, fiber.StatusBadRequest, "setpassword", f)
	}
	err := m.svc.ChangePassword(c.UserContext(), web.PrincipalOf(c), c.FormValue("current_password"), pw)
	if err == nil {
		f.State = "changed"
		return m.Platform.Render(c, fiber.StatusOK, "setpassword", f)
	}
	switch errs.KindOf(err) {
	case errs.Unprocessable:
		f.Error, f.Field = m.Platform.T(c, "setpw.current_wrong"), "current_password"
		return m.Platform.Render(c, fiber.StatusUnprocessableEntity, "setpassword", f)
	case errs.Invalid:
		f.Error, f.Field = m.Platform.T(c, "setpw.rules"), "password"
		return m.Platform.Render(c, fiber.StatusBadRequest, "setpassword", f)
	}
	return err
}

func (m *Module) linkForm(c *fiber.Ctx) linkForm {
	return linkForm{Action: c.Path(), Reset: strings.HasPrefix(c.Path(), "/reset/"), MinChars: MinPasswordLength}
}

func (m *Module) linkPage(c *fiber.Ctx) error {
	f := m.linkForm(c)
	st, _, err := m.svc.CheckLink(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	return m.renderLink(c, f, st)
}

func (m *Module) renderLink(c *fiber.Ctx, f linkForm, st LinkState) error {
	switch st {
	case LinkExpired:
		f.State = "expired"
		return m.Platform.Render(c, fiber.StatusGone, "setpassword", f)
	case LinkUnknown:
		f.State = "unknown"
		return m.Platform.Render(c, fiber.StatusNotFound, "setpassword", f)
	}
	f.State = "valid"
	return m.Platform.Render(c, fiber.StatusOK, "setpassword", f)
}

func (m *Module) linkSubmit(c *fiber.Ctx) error {
	f := m.linkForm(c)
	pw := c.FormValue("password")
	if pw != c.FormValue("password_confirm") {
		st, _, err := m.svc.CheckLink(c.UserContext(), c.Params("token"))
		if err != nil || st != LinkValid {
			return errors.Join(err, m.renderLink(c, f, st))
		}
		f.State, f.Error = "valid", m.Platform.T(c, "setpw.mismatch")
		return m.Platform.Render(c, fiber.StatusBadRequest, "setpassword", f)
	}
	_, err := m.svc.UseLink(c.UserContext(), c.Params("token"), pw)
	if err == nil {
		f.State = "done"
		return m.Platform.Render(c, fiber.StatusOK, "setpassword", f)
	}
	switch errs.KindOf(err) {
	case errs.Invalid:
		st, _, cerr := m.svc.CheckLink(c.UserContext(), c.Params("token"))
		if cerr != nil || st != LinkValid {
			return errors.Join(cerr, m.renderLink(c, f, st))
		}
		f.State, f.Error = "valid", m.Platform.T(c, "setpw.rules")
		return m.Platform.Render(c, fiber.StatusBadRequest, "setpassword", f)
	case errs.Gone:
		return m.renderLink(c, f, LinkExpired)
	case errs.NotFound:
		return m.renderLink(c, f, LinkUnknown)
	}
	return err
}
