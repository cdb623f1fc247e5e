package web

import (
	"log/slog"
	"net/http"

	"github.com/gofiber/fiber/v2"
)

// hstsMaxAge is a year: browsers that saw the service over https once keep
// to https. Subdomains are left alone: they may be other services of the
// Center that this one does not speak for.
const hstsMaxAge = "max-age=31536000"

// securityHeaders sets the headers every answer carries, before the route
// runs (so refusals and error pages carry them too).
func (p *Platform) securityHeaders(c *fiber.Ctx) error {
	p.setSecurityHeaders(c)
	return c.Next()
}

// setSecurityHeaders writes the security headers on c's response.
// Cache-Control is no-store on everything: API answers and pages carry
// personal data (names, results, the session's token at sign-in), and no
// shared or browser cache may keep them. The handlers whose answers are
// public and stable (static files) replace it.
func (p *Platform) setSecurityHeaders(c *fiber.Ctx) {
	c.Set("Content-Security-Policy", p.csp())
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Set(fiber.HeaderCacheControl, "no-store")
	if p.opts.SecureCookies {
		c.Set(fiber.HeaderStrictTransportSecurity, hstsMaxAge)
	}
}

// serverError is Fiber's ErrorHandler. Errors of the handlers reach the
// error path through outer; what comes here is what fasthttp refuses before
// any middleware runs — request header fields too large (431), a body over
// the limit (413), a malformed body (400) — so this adds what the middleware
// would have: a request id and the security headers. The request is not
// known here (fasthttp has reset it: the path reads "/", no Accept), so the
// answer is a problem document whatever the client: API clients, who send
// such requests, read it, and a browser shows it as text.
func (p *Platform) serverError(c *fiber.Ctx, err error) error {
	id := RequestID(c)
	if id == "" {
		id = newID()
		c.Locals(requestIDLocal, id)
		c.Set(fiber.HeaderXRequestID, id)
	}
	p.setSecurityHeaders(c)
	status, detail, fields, _ := classify(err)
	if status >= 500 {
		p.opts.Logger.Error("internal error before routing", slog.String("request_id", id), slog.Any("error", err))
		detail = "internal error"
	}
	body, mErr := jsonMarshal(Problem{Type: "about:blank", Title: http.StatusText(status), Status: status,
		Detail: detail, RequestID: id, Errors: fields})
	if mErr != nil {
		return mErr
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, "application/problem+json")
	return c.Send(body)
}
