package web

import (
	"context"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/gofiber/fiber/v2"
)

// platformRoutes registers health, readiness, the OpenAPI document and
// static files. Metrics are not among them: see MetricsHandler.
func (p *Platform) platformRoutes() {
	p.Web.Get("/healthz", Doc{}, func(c *fiber.Ctx) error {
		return c.JSON(fiber.Map{"status": "ok"})
	})
	p.Web.Get("/readyz", Doc{}, func(c *fiber.Ctx) error {
		if p.opts.Ready != nil {
			ctx, cancel := context.WithTimeout(c.UserContext(), 3*time.Second)
			defer cancel()
			if err := p.opts.Ready(ctx); err != nil {
				return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "store": "unreachable"})
			}
		}
		return c.JSON(fiber.Map{"status": "ready", "store": "reachable"})
	})
	p.App.Get("/api/openapi.json", p.guard, func(c *fiber.Ctx) error {
		return c.JSON(p.Docs.Document())
	})
	p.Web.Get("/static/:file", Doc{}, func(c *fiber.Ctx) error {
		name := c.Params("file")
		b, err := staticFiles.ReadFile("static/" + name)
		if err != nil {
			return errs.E(errs.NotFound, "no such file")
		}
		switch {
		case len(name) > 4 && name[len(name)-4:] == ".css":
			c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
		case len(name) > 3 && name[len(name)-3:] == ".js":
			c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
		}
		c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
		return c.Send(b)
	})
}
