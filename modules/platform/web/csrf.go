package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"strings"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/gofiber/fiber/v2"
)

const csrfCookie = "academy_csrf"

// csrf protects every HTML form with a stateless double-submit token: a
// random value in a SameSite cookie that each form echoes in `_csrf`. It is
// stateless so that several processes accept each other's forms (Fiber's
// csrf middleware keeps tokens in process memory). The JSON API is not
// form-postable cross-site: it takes only application/json bodies and bearer
// tokens or a SameSite=Lax cookie.
func (p *Platform) csrf(c *fiber.Ctx) error {
	if strings.HasPrefix(c.Path(), "/api/") {
		return c.Next()
	}
	token := c.Cookies(csrfCookie)
	if len(token) != 43 {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		token = base64.RawURLEncoding.EncodeToString(b)
		c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: token, Path: "/", HTTPOnly: true, SameSite: "Lax", Secure: p.opts.SecureCookies})
	}
	c.Locals(csrfLocal, token)
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	sent := c.FormValue("_csrf")
	if sent == "" {
		sent = c.Get("X-CSRF-Token")
	}
	if subtle.ConstantTimeCompare([]byte(sent), []byte(token)) != 1 || c.Cookies(csrfCookie) == "" {
		return errs.E(errs.Forbidden, "the form has expired; reload the page and try again")
	}
	return c.Next()
}

// CSRFToken returns the token forms must echo in their `_csrf` field.
func CSRFToken(c *fiber.Ctx) string {
	t, _ := c.Locals(csrfLocal).(string)
	return t
}
