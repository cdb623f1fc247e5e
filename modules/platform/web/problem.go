package web

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/gofiber/fiber/v2"
)

// Problem is an RFC 9457 problem document, with the fields at fault.
type Problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail,omitempty"`
	Instance  string            `json:"instance,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
	Errors    []errs.FieldError `json:"errors,omitempty"`
}

// classify turns any error (ours, Fiber's, a panic) into a status and a
// client-safe problem.
func classify(err error) (int, string, []errs.FieldError, *errs.Error) {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		detail := fe.Message
		switch fe.Code {
		case fiber.StatusRequestEntityTooLarge:
			detail = "the request body is too large"
		case fiber.StatusBadRequest:
			// fasthttp's own words about a request it could not read (a
			// multipart body that is none: "multipart: NextPart: EOF").
			detail = "the request could not be read: its body does not match its Content-Type"
		}
		return fe.Code, detail, nil, nil
	}
	var e *errs.Error
	if errors.As(err, &e) && e.Kind != errs.Internal {
		return errs.Status(e.Kind), e.Message, e.Fields, e
	}
	return http.StatusInternalServerError, "internal error", nil, nil
}

// handleError is the one error path: it logs internal errors with the
// request id and answers problem+json to API clients, an HTML page to
// browsers (or a redirect to sign in).
func (p *Platform) handleError(c *fiber.Ctx, err error) error {
	status, detail, fields, e := classify(err)
	if status >= 500 {
		p.opts.Logger.ErrorContext(c.UserContext(), "internal error",
			slog.String("request_id", RequestID(c)), slog.String("path", c.Path()), slog.Any("error", err))
	}
	if e != nil && e.RetryAfter > 0 {
		secs := int(e.RetryAfter.Seconds() + 0.999)
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
	}
	if wantsHTML(c) {
		if status == http.StatusUnauthorized && (c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead) {
			return c.Redirect("/login?next="+url.QueryEscape(string(c.Request().RequestURI())), fiber.StatusSeeOther)
		}
		return p.renderError(c, status, detail, fields, errors.Is(err, errFormExpired))
	}
	prob := Problem{
		Type:      "about:blank",
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    detail,
		Instance:  c.Path(),
		RequestID: RequestID(c),
		Errors:    fields,
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, "application/problem+json")
	body, mErr := jsonMarshal(prob)
	if mErr != nil {
		return mErr
	}
	return c.Send(body)
}

// wantsHTML reports whether the client is a browser asking for a page
// rather than an API client.
func wantsHTML(c *fiber.Ctx) bool {
	path := c.Path()
	if strings.HasPrefix(path, "/api/") || path == "/metrics" || path == "/healthz" || path == "/readyz" {
		return false
	}
	accept := c.Get(fiber.HeaderAccept)
	if strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html") {
		return false
	}
	return true
}

// renderError is the error page: a title and what to do in the page's
// language (error.<status>, error.<status>.hint), then what the service
// said under "details", open on an English page. The service's words are
// the API's, in English: another language's page says them through the
// catalog's problem.* entries, or says that they have no translation
// (problemWords), never in English. An expired form has a page of its own, leading back to it.
func (p *Platform) renderError(c *fiber.Ctx, status int, detail string, fields []errs.FieldError, formExpired bool) error {
	lang := Lang(c)
	key := "error." + strconv.Itoa(status)
	if formExpired {
		key = "error.form_expired"
	}
	title := p.opts.Translator.T(lang, key)
	if title == key {
		title = http.StatusText(status)
	}
	hint := p.opts.Translator.T(lang, key+".hint")
	if hint == key+".hint" {
		hint = ""
	}
	if status >= 500 {
		detail = ""
	}
	if len(fields) == 1 && strings.HasSuffix(detail, fields[0].Field+": "+fields[0].Message) {
		detail = "" // the one field's problem, listed below, says it
	}
	d := map[string]any{"Status": status, "Title": title, "Hint": hint,
		"Detail": p.words.detail(lang, detail), "Fields": p.words.fields(lang, fields)}
	if formExpired {
		d["Back"] = formPage(c)
	}
	return p.Render(c, status, "error", d)
}

// formPage is where a refused form came from: the Referer when it is a
// page of this site, else the path it was sent to (a GET of which shows
// the form, as /login does).
func formPage(c *fiber.Ctx) string {
	if ref, err := url.Parse(c.Get(fiber.HeaderReferer)); err == nil && ref.Host == string(c.Request().Host()) &&
		strings.HasPrefix(ref.Path, "/") && !strings.HasPrefix(ref.Path, "//") {
		return ref.RequestURI()
	}
	return c.Path()
}
