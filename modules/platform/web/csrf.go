package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"mime"
	"strings"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/gofiber/fiber/v2"
)

const (
	csrfCookie = "academy_csrf"
	// CSRFHeader carries the CSRF token on requests sent by a page's script.
	CSRFHeader = "X-CSRF-Token"
)

// csrf protects every HTML form with a signed double-submit token bound to
// the session: a random value in a SameSite cookie, and in each form
// (`_csrf`) the HMAC of that value and the session the page was shown to,
// under a key every process shares. A token taken from one session's page
// does not validate for another session's cookie (nor for the signed-out
// visitor), and one planted cookie is not enough to forge a token. It is
// stateless so that several processes accept each other's forms.
//
// Under /api/ it guards the other door: a call authenticated by the session
// cookie that changes something must say it is JSON (which a page of
// another site cannot send without the browser asking first) or carry the
// token in X-CSRF-Token; bearer-token calls are not sent by browsers on
// their own and pass.
func (p *Platform) csrf(c *fiber.Ctx) error {
	if strings.HasPrefix(c.Path(), "/api/") {
		return p.apiCookieCalls(c)
	}
	seed := c.Cookies(csrfCookie)
	sent := len(seed) == 43
	if !sent {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		seed = base64.RawURLEncoding.EncodeToString(b)
		c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: seed, Path: "/", HTTPOnly: true, SameSite: "Lax", Secure: p.opts.SecureCookies})
	}
	token := p.csrfToken(seed, PrincipalOf(c).SessionID)
	c.Locals(csrfLocal, token)
	if safeMethod(c.Method()) {
		return c.Next()
	}
	given := c.FormValue("_csrf")
	if given == "" {
		given = c.Get(CSRFHeader)
	}
	if !sent || !hmac.Equal([]byte(given), []byte(token)) {
		return errFormExpired
	}
	return c.Next()
}

// errFormExpired refuses a form whose token does not match its cookie (a
// page kept open past a sign-out, a phone that dropped its cookies): the
// page says so and leads back to the form.
var errFormExpired = errs.E(errs.Forbidden, "the form has expired; reload the page and try again")

// apiCookieCalls refuses, with 415, a cookie-authenticated API call that
// changes something and is neither JSON nor sent with the page's CSRF
// token: a body-less POST with any content type was accepted before.
func (p *Platform) apiCookieCalls(c *fiber.Ctx) error {
	if safeMethod(c.Method()) || !byCookie(c) {
		return c.Next()
	}
	if mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType)); err == nil && mt == fiber.MIMEApplicationJSON {
		return c.Next()
	}
	if given := c.Get(CSRFHeader); given != "" {
		if seed := c.Cookies(csrfCookie); len(seed) == 43 &&
			hmac.Equal([]byte(given), []byte(p.csrfToken(seed, PrincipalOf(c).SessionID))) {
			return c.Next()
		}
	}
	return &errs.Error{Kind: errs.UnsupportedMedia,
		Message: "a call signed in by the session cookie must send Content-Type: application/json (or the page's X-CSRF-Token)",
		Fields:  []errs.FieldError{{Field: "Content-Type", Message: "must be application/json"}}}
}

func safeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

// csrfToken is the token of the cookie value seed for the session whose
// id (the hash of its token; empty when signed out) is session.
func (p *Platform) csrfToken(seed, session string) string {
	mac := hmac.New(sha256.New, p.csrfKey)
	mac.Write([]byte("csrf\x00"))
	mac.Write([]byte(seed))
	mac.Write([]byte{0})
	mac.Write([]byte(session))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// CSRFToken returns the token forms must echo in their `_csrf` field.
func CSRFToken(c *fiber.Ctx) string {
	t, _ := c.Locals(csrfLocal).(string)
	return t
}

// byCookie reports whether the caller is signed in by the session cookie
// (a browser, which sends it on its own) rather than a bearer token.
func byCookie(c *fiber.Ctx) bool {
	v, _ := c.Locals(cookieAuthLocal).(bool)
	return v && PrincipalOf(c).Authenticated()
}
