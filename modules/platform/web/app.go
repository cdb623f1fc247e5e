// Package web is the HTTP platform every module's routes run on: the Fiber
// app, the one error path (problem+json for API clients, an HTML page for
// browsers), request ids, access logs, metrics, security headers, strict JSON
// decoding, CSRF for forms, authentication and the authorization guard.
package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html/template"
	"log/slog"
	"net/netip"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/i18n"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/prometheus/client_golang/prometheus"
)

// Body limits: a JSON body may be 1 MiB, an upload 10 MiB.
const (
	JSONLimit   = 1 << 20
	UploadLimit = 10 << 20
)

// Authenticator turns a session token into the principal it belongs to.
type Authenticator interface {
	// Authenticate returns the signed-in principal for token, or an
	// errs.Unauthorized error when the token is unknown or expired.
	Authenticate(ctx context.Context, token string) (authz.Principal, error)
}

// Options configure the platform.
type Options struct {
	Logger        *slog.Logger
	Enforcer      *authz.Enforcer
	Authenticator Authenticator
	Translator    *i18n.Translator
	Registry      *prometheus.Registry
	SecureCookies bool // the base URL is https: Secure cookies and HSTS
	// TrustedProxies are the proxies whose X-Forwarded-For names the
	// client (ACADEMY_TRUSTED_PROXIES); none by default.
	TrustedProxies []netip.Prefix
	// CSRFKey signs the CSRF tokens; every process of one service must
	// share it. A random key when empty (one process only).
	CSRFKey []byte
	// Ready reports whether the store is reachable, for /readyz.
	Ready func(ctx context.Context) error
	// BaseURL is the service's public address (ACADEMY_BASE_URL): the
	// server the OpenAPI document names.
	BaseURL string
}

// Platform is the app with the pieces modules register routes through.
type Platform struct {
	App  *fiber.App
	API  *Router // /api/v1
	Web  *Router // HTML pages and public endpoints
	Docs *OpenAPI

	opts    Options
	metrics *httpMetrics
	views   *Views
	words   *problemWords
	csrfKey []byte

	mu           sync.RWMutex
	scriptHashes []string
}

// SessionCookie is the name of the cookie that carries the session token.
const SessionCookie = "academy_session"

type localKey int

const (
	principalLocal localKey = iota
	scopeLocal
	langLocal
	csrfLocal
	requestIDLocal
	clientLocal     // the client's address (ClientOf)
	routeLocal      // the registered path of the route that ran (the metrics label)
	cookieAuthLocal // the principal was signed in by the session cookie, not a bearer token
)

// New builds the Fiber app with the platform's middleware and endpoints.
func New(opts Options) (*Platform, error) {
	p := &Platform{opts: opts, Docs: NewOpenAPI(), csrfKey: opts.CSRFKey}
	if len(p.csrfKey) == 0 {
		p.csrfKey = make([]byte, 32)
		_, _ = rand.Read(p.csrfKey)
	}
	views, err := newViews(opts.Translator)
	if err != nil {
		return nil, err
	}
	p.views = views
	p.words = newProblemWords(opts.Translator)
	p.App = fiber.New(fiber.Config{
		AppName:               "CTV Academy",
		BodyLimit:             UploadLimit,
		ErrorHandler:          p.serverError,
		DisableStartupMessage: true,
		ReadTimeout:           60 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		// Path parameters arrive percent-decoded (params.go).
		UnescapePath: true,
	})
	p.metrics = newHTTPMetrics(opts.Registry)
	p.App.Use(p.outer)
	p.App.Use(compress.New(compress.Config{Level: compress.LevelDefault}))
	p.App.Use(p.securityHeaders)
	p.App.Use(p.authenticate)
	p.App.Use(p.language)
	p.App.Use(rejectOperatorQueries)
	p.App.Use(refuseInvalidUTF8)
	p.App.Use(p.csrf)

	if opts.BaseURL != "" {
		p.Docs.Server(opts.BaseURL)
	}
	p.Docs.Enum("role", authz.Roles...)
	p.Docs.Enum("language", i18n.Languages...)
	p.API = &Router{r: p.App.Group("/api/v1"), prefix: "/api/v1", p: p}
	p.Web = &Router{r: p.App, prefix: "", p: p}
	p.platformRoutes()
	return p, nil
}

// outer is the first middleware: request id, panic recovery, the one error
// path, the access log and the request metrics.
func (p *Platform) outer(c *fiber.Ctx) (err error) {
	start := time.Now()
	// Anything kept past the handler (the context's request id, the
	// client) is copied: Fiber's strings point into memory the next request
	// on the connection overwrites.
	id := c.Get(fiber.HeaderXRequestID)
	if validRequestID(id) {
		id = strings.Clone(id)
	} else {
		id = newID()
	}
	client := clientAddr(c, p.opts.TrustedProxies).String()
	c.Locals(clientLocal, client)
	c.Locals(requestIDLocal, id)
	c.Set(fiber.HeaderXRequestID, id)
	c.SetUserContext(authz.WithRequestID(c.UserContext(), id))
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
			}
		}()
		err = c.Next()
	}()
	if err != nil {
		if herr := p.handleError(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	route, ok := c.Locals(routeLocal).(string)
	if !ok {
		route = unmatchedRoute
	}
	p.metrics.observe(methodLabel(c.Method()), route, status, time.Since(start))
	if c.Path() != "/healthz" {
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		p.opts.Logger.LogAttrs(c.UserContext(), level, "http",
			slog.String("request_id", id),
			slog.String("method", c.Method()),
			slog.String("path", c.Path()),
			slog.String("route", route),
			slog.String("client", client),
			slog.Int("status", status),
			slog.Duration("duration", time.Since(start)),
			slog.String("user", PrincipalOf(c).UserID),
		)
	}
	return nil
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func newID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// RequestID returns the id of the request being served.
func RequestID(c *fiber.Ctx) string {
	id, _ := c.Locals(requestIDLocal).(string)
	return id
}

// csp is the Content-Security-Policy: everything from this site only, plus
// the inline scripts registered with InlineScript, by their hashes.
func (p *Platform) csp() string {
	p.mu.RLock()
	defer p.mu.RUnlock()
	script := "'self'"
	for _, h := range p.scriptHashes {
		script += " '" + h + "'"
	}
	return "default-src 'self'; script-src " + script + "; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
}

// InlineScript allows js to run inline in a page (the CSP lists its
// hash) and returns it for a <script> element. Inline, a page's script
// costs no extra request on a weak connection.
func (p *Platform) InlineScript(js string) template.JS {
	sum := sha256.Sum256([]byte(js))
	h := "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, x := range p.scriptHashes {
		if x == h {
			return template.JS(js)
		}
	}
	p.scriptHashes = append(p.scriptHashes, h)
	return template.JS(js)
}

// authenticate resolves the session token (bearer header or cookie) into the
// request's principal. A missing or unknown token leaves it anonymous; the
// guard of each route decides whether that is enough.
func (p *Platform) authenticate(c *fiber.Ctx) error {
	token := ""
	if h := c.Get(fiber.HeaderAuthorization); strings.HasPrefix(h, "Bearer ") {
		token = strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	} else {
		token = c.Cookies(SessionCookie)
		c.Locals(cookieAuthLocal, token != "")
	}
	if token != "" && p.opts.Authenticator != nil {
		pr, err := p.opts.Authenticator.Authenticate(c.UserContext(), token)
		switch {
		case err == nil:
			c.Locals(principalLocal, pr)
			c.SetUserContext(authz.WithPrincipal(c.UserContext(), pr))
		case errs.Is(err, errs.Unauthorized):
		default:
			return err
		}
	}
	return c.Next()
}

// PrincipalOf returns who is calling; the zero value when nobody signed in.
func PrincipalOf(c *fiber.Ctx) authz.Principal {
	pr, _ := c.Locals(principalLocal).(authz.Principal)
	return pr
}

// ScopeOf returns the row scope the route's policy granted the caller.
func ScopeOf(c *fiber.Ctx) authz.Scope {
	s, ok := c.Locals(scopeLocal).(authz.Scope)
	if !ok {
		// No guard ran: reach nothing.
		return authz.Scope{Kind: authz.ScopeOwn}
	}
	return s
}

// guard enforces the route's policy and records the granted scope.
func (p *Platform) guard(c *fiber.Ctx) error {
	pr := PrincipalOf(c)
	method := methodLabel(c.Method())
	if method == fiber.MethodHead {
		method = fiber.MethodGet
	}
	// The registered path, not the request's: a constant string.
	route := c.Route().Path
	c.Locals(routeLocal, route)
	ok, kind := p.opts.Enforcer.Decide(pr.Role, route, method)
	if !ok {
		if !pr.Authenticated() {
			return errs.E(errs.Unauthorized, "sign in first")
		}
		return errs.E(errs.Forbidden, "your role may not do this")
	}
	c.Locals(scopeLocal, authz.ScopeFor(kind, pr))
	return c.Next()
}

// rejectOperatorQueries refuses query keys that look like Mongo operators or
// nested objects (`area_code[$ne]=x`): every query parameter is a plain string.
func rejectOperatorQueries(c *fiber.Ctx) error {
	if bad := operatorArg(c.Context().QueryArgs()); bad != "" {
		return errs.Field(bad, "unsupported query parameter: operators and nested keys are not accepted")
	}
	return c.Next()
}

// T translates key into the request's language (Lang), for the words a
// handler puts into a page's data rather than its template.
func (p *Platform) T(c *fiber.Ctx, key string, args ...any) string {
	return p.opts.Translator.T(Lang(c), key, args...)
}

// SecureCookies reports whether the service's cookies are Secure (its
// base URL is https).
func (p *Platform) SecureCookies() bool { return p.opts.SecureCookies }

// Translator is the platform's translations, for words in a language the
// request did not choose (a workbook in Vietnamese).
func (p *Platform) Translator() *i18n.Translator { return p.opts.Translator }

// Lang returns the language the page should be shown in.
func Lang(c *fiber.Ctx) string {
	l, _ := c.Locals(langLocal).(string)
	if l == "" {
		return i18n.Default
	}
	return l
}

// language picks the page language: ?lang= (remembered in a cookie), then
// the cookie, then the user's preference, then Vietnamese.
func (p *Platform) language(c *fiber.Ctx) error {
	lang := ""
	if q := c.Query(LangParam); i18n.Supported(q) {
		lang = strings.Clone(q)
		c.Cookie(&fiber.Cookie{Name: "lang", Value: q, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: "Lax", Secure: p.opts.SecureCookies})
	} else if ck := c.Cookies("lang"); i18n.Supported(ck) {
		lang = strings.Clone(ck)
	} else if pl := PrincipalOf(c).Language; i18n.Supported(pl) {
		lang = pl
	} else {
		lang = i18n.Default
	}
	c.Locals(langLocal, lang)
	return c.Next()
}

// Page parses limit and offset: limit defaults to DefaultLimit, at most
// MaxLimit (the OpenAPI document says the same from these constants).
func Page(c *fiber.Ctx) (limit, offset int, err error) {
	limit, offset = DefaultLimit, 0
	if s := c.Query("limit"); s != "" {
		n, convErr := strconv.Atoi(s)
		if convErr != nil || n < 1 || n > MaxLimit {
			return 0, 0, errs.Field("limit", "must be a whole number from 1 to 1000")
		}
		limit = n
	}
	if s := c.Query("offset"); s != "" {
		n, convErr := strconv.Atoi(s)
		if convErr != nil || n < 0 {
			return 0, 0, errs.Field("offset", "must be a whole number ≥ 0")
		}
		offset = n
	}
	return limit, offset, nil
}

// List is the shape of every list answer.
type List[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

// Slice cuts a page out of all items.
func Slice[T any](all []T, limit, offset int) List[T] {
	total := len(all)
	if offset > total {
		offset = total
	}
	end := offset + limit
	if end > total {
		end = total
	}
	items := all[offset:end]
	if items == nil {
		items = []T{}
	}
	return List[T]{Items: items, Total: total}
}

// Paged is a list route's handler: limit and offset are checked first (a
// bad value is a 400 naming it, before anything is read), then list reads
// the items in the caller's scope and the page of them is the answer.
func Paged[T any](list func(c *fiber.Ctx) ([]T, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		limit, offset, err := Page(c)
		if err != nil {
			return err
		}
		items, err := list(c)
		if err != nil {
			return err
		}
		return c.JSON(Slice(items, limit, offset))
	}
}
