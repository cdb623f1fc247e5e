package web

import (
	"strings"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/i18n"
	"github.com/gofiber/fiber/v2"
)

// Doc describes a route for the OpenAPI document (openapi.go tells how
// the document is derived from it, the route's policy and its types).
type Doc struct {
	Summary  string
	Request  any // a value of the request body type, or nil
	Response any // a value of the success body type, or nil
	// Query lists the query parameters the route reads; "name=<enum>"
	// takes its values from an enumeration registered with Enum,
	// "name=boolean" is true or false, "name!" (before any "=") is
	// required: documented so, and refused (400 naming it) without it
	// before the handler runs, and "name[]" (before any "!" or "=") may
	// be given more than once (an array). limit and offset are Page's.
	// On /api/v1 the list is the whole of what the route accepts
	// (checkQuery): any other parameter, or one of these given twice
	// unless repeatable, is refused with a 400 naming it; lang, which the
	// platform reads on every request, is accepted everywhere.
	Query  []string
	Status int // success status, 200 when zero
	// AlsoStatus is another success status with the same body (200 when
	// an existing record is answered instead of a new one).
	AlsoStatus int
	Upload     bool // the body is multipart/form-data with a file
	// BodyOptional says the handler goes on without a body.
	BodyOptional bool
	// Content is the media type of a success body that is a file rather
	// than JSON (an export: text/csv, XLSX).
	Content string
	// Errors lists the error kinds the handler answers beyond those the
	// route's policy, body and path parameters give (see openapi.go):
	// errs.Conflict, errs.Unprocessable, errs.Forbidden for a rule of
	// its own…
	Errors []errs.Kind
}

// queryParam reads an entry of Doc.Query: "name", "name=<kind>",
// "name!" (required) or "name!=<kind>", any of them with "[]" after the
// name when it may be given more than once ("name[]!=<kind>").
func queryParam(q string) (name, kind string, required, repeatable bool) {
	name, kind, _ = strings.Cut(q, "=")
	name, required = strings.CutSuffix(name, "!")
	name, repeatable = strings.CutSuffix(name, "[]")
	return name, kind, required, repeatable
}

// LangParam is the query parameter the platform reads on every request
// (the language of the answer's words, language in app.go): every API
// route accepts it, the OpenAPI document lists it on each, and on the API
// a value that names no language is refused (a page ignores it).
const LangParam = "lang"

// checkQuery refuses, on an /api/v1 route, a query parameter the route's
// Doc.Query does not declare ("unknown query parameter", naming it and
// what the route reads) and a declared one given twice unless it is
// repeatable ("appears twice"): a filter misspelled or sent twice would
// otherwise be ignored, and the client would take the whole unfiltered
// list for its answer. An empty key (a stray "&") is no parameter. A lang
// that names no language is refused too: the API says so rather than
// answer in another language than asked.
func checkQuery(doc Doc) fiber.Handler {
	repeatable := map[string]bool{LangParam: false}
	names := []string{}
	for _, q := range doc.Query {
		name, _, _, many := queryParam(q)
		repeatable[name] = many
		names = append(names, name)
	}
	names = append(names, LangParam)
	reads := strings.Join(names, ", ")
	return func(c *fiber.Ctx) error {
		args := c.Context().QueryArgs()
		if args.Len() == 0 {
			return c.Next()
		}
		var bad error
		seen := map[string]bool{}
		args.VisitAll(func(k, v []byte) {
			name := string(k)
			if bad != nil || name == "" {
				return
			}
			many, ok := repeatable[name]
			switch {
			case !ok:
				bad = errs.Field(name, "unknown query parameter: this route reads %s", reads)
			case seen[name] && !many:
				bad = errs.Field(name, "appears twice: give it once")
			case name == LangParam && len(v) > 0 && !i18n.Supported(string(v)):
				bad = errs.Field(name, "must be %s", strings.Join(i18n.Languages, " or "))
			}
			seen[name] = true
		})
		if bad != nil {
			return bad
		}
		return c.Next()
	}
}

// requiredQuery is the query parameters doc marks required.
func (doc Doc) requiredQuery() []string {
	var names []string
	for _, q := range doc.Query {
		if name, _, required, _ := queryParam(q); required {
			names = append(names, name)
		}
	}
	return names
}

// requireQuery refuses, after the guard, a request without (or with an
// empty) one of names: the route's document says they are required, and
// its handler may count on them.
func requireQuery(names []string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		for _, name := range names {
			if c.Query(name) == "" {
				return errs.Field(name, "is required")
			}
		}
		return c.Next()
	}
}

// Router registers routes with the authorization guard in front of every
// handler and, under /api/v1, an entry in the OpenAPI document.
type Router struct {
	r      fiber.Router
	prefix string
	p      *Platform
}

// Get registers a GET route.
func (rt *Router) Get(path string, doc Doc, h fiber.Handler) {
	rt.add(fiber.MethodGet, path, doc, h)
}

// Post registers a POST route.
func (rt *Router) Post(path string, doc Doc, h fiber.Handler) {
	rt.add(fiber.MethodPost, path, doc, h)
}

// Put registers a PUT route.
func (rt *Router) Put(path string, doc Doc, h fiber.Handler) {
	rt.add(fiber.MethodPut, path, doc, h)
}

// Patch registers a PATCH route.
func (rt *Router) Patch(path string, doc Doc, h fiber.Handler) {
	rt.add(fiber.MethodPatch, path, doc, h)
}

// Delete registers a DELETE route.
func (rt *Router) Delete(path string, doc Doc, h fiber.Handler) {
	rt.add(fiber.MethodDelete, path, doc, h)
}

func (rt *Router) add(method, path string, doc Doc, h fiber.Handler) {
	handlers := []fiber.Handler{rt.p.guard, checkParams, rejectOperatorForms}
	if rt.prefix == "/api/v1" {
		handlers = append(handlers, checkQuery(doc))
	}
	if names := doc.requiredQuery(); len(names) > 0 {
		handlers = append(handlers, requireQuery(names))
	}
	rt.r.Add(method, path, append(handlers, h)...)
	if rt.prefix == "/api/v1" {
		public, kinds := rt.p.answers(method, rt.prefix+path, doc)
		rt.p.Docs.Add(method, rt.prefix+path, doc, public, kinds...)
	}
}

// Enum registers the values of an enumeration for the OpenAPI document
// (OpenAPI.Enum): pass the list the validation checks against.
func (rt *Router) Enum(name string, values ...string) { rt.p.Docs.Enum(name, values...) }

// answers derives the error kinds a route can answer from what runs in
// front of its handler: the guard (401 when nobody unsigned may call it,
// 403 when some signed-in role may not), the path parameters (404 for an
// unknown id), the body (400, 413, 415) and the check of cookie-signed
// calls that change something (415). public reports whether anyone may
// call it unsigned.
func (p *Platform) answers(method, route string, doc Doc) (public bool, kinds []errs.Kind) {
	public, _ = p.opts.Enforcer.Decide(authz.RoleAnonymous, route, method)
	if !public {
		kinds = append(kinds, errs.Unauthorized)
	}
	for _, role := range authz.Roles {
		if ok, _ := p.opts.Enforcer.Decide(role, route, method); !ok {
			kinds = append(kinds, errs.Forbidden)
			break
		}
	}
	if strings.Contains(route, "/:") {
		kinds = append(kinds, errs.NotFound)
	}
	if doc.Request != nil || doc.Upload {
		kinds = append(kinds, errs.TooLarge, errs.UnsupportedMedia)
	}
	if !safeMethod(method) {
		kinds = append(kinds, errs.UnsupportedMedia)
	}
	return public, kinds
}

// rejectOperatorForms refuses a posted form whose field names look like
// Mongo operators or nested keys (`area_code[$ne]=x`), as the query's are
// refused: no form has such a field, and a handler reading area_code would
// otherwise go on without it (a session form made a network-wide session).
func rejectOperatorForms(c *fiber.Ctx) error {
	if !strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEApplicationForm) {
		return c.Next()
	}
	if bad := operatorArg(c.Request().PostArgs()); bad != "" {
		return errs.Field(bad, "unsupported form field: operators and nested keys are not accepted")
	}
	return c.Next()
}
