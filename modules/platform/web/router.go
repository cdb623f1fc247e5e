package web

import (
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
	rt.r.Add(method, path, rt.p.guard, checkParams, h)
	if rt.prefix == "/api/v1" {
		rt.p.Docs.Add(method, rt.prefix+path, doc)
	}
}
