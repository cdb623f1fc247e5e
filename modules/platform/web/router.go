package web

import (
	"strings"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/gofiber/fiber/v2"
)

// Doc describes a route for the OpenAPI document.
type Doc struct {
	Summary  string
	Request  any      // a value of the request body type, or nil
	Response any      // a value of the success body type, or nil
	Query    []string // query parameters the route reads
	Status   int      // success status, 200 when zero
	Upload   bool     // the body is multipart/form-data with a file
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
	rt.r.Add(method, path, rt.p.guard, checkParams, rejectOperatorForms, h)
	if rt.prefix == "/api/v1" {
		rt.p.Docs.Add(method, rt.prefix+path, doc)
	}
}

// rejectOperatorForms refuses a posted form whose field names look like
// Mongo operators or nested keys (`area_code[$ne]=x`), as the query's are
// refused: no form has such a field, and a handler reading area_code would
// otherwise go on without it (a session form made a network-wide session).
func rejectOperatorForms(c *fiber.Ctx) error {
	if !strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEApplicationForm) {
		return c.Next()
	}
	var bad string
	c.Request().PostArgs().VisitAll(func(k, _ []byte) {
		if bad == "" && strings.ContainsAny(string(k), "$[]") {
			bad = string(k)
		}
	})
	if bad != "" {
		return errs.Field(bad, "unsupported form field: operators and nested keys are not accepted")
	}
	return c.Next()
}
