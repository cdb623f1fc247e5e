package certification

import (
	"context"
	_ "embed"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/module"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

//go:embed policy.csv
var policy string

// Module serves the certificates' API and runs the daily jobs.
type Module struct {
	module.Base
	s     *Service
	areas AreaNames
}

// NewModule returns the module.
func NewModule(s *Service) *Module { return &Module{Base: module.Named("certification", policy), s: s} }

// Jobs: the daily reconcile (hourly ticks, the work once per Vietnam day).
func (m *Module) Jobs() []module.Job {
	return []module.Job{
		{Name: "certification.reconcile", Every: time.Hour, Run: m.s.Nightly},
		{Name: "certification.remind", Every: time.Hour, Run: m.s.Remind},
	}
}

// Register adds the module's templates and routes.
func (m *Module) Register(p *web.Platform) error {
	return module.Mount(p, views, m.apiRoutes, m.pageRoutes)
}

func (m *Module) apiRoutes(api *web.Router) {
	api.Enum("certificate_status", string(StatusValid), string(StatusExpiring), string(StatusExpired), string(StatusRevoked))
	api.Get("/certifications", web.Doc{Summary: "Certificates in the caller's scope (coordinators and leadership: all; team leaders: their district; CTVs: their own), status at now, newest first",
		Response: web.List[View]{}, Query: []string{"collaborator_id", "status=certificate_status", "area_code", "course", "limit", "offset"}}, m.list)
	api.Get("/me/certifications", web.Doc{Summary: "The caller's own certificates", Response: web.List[View]{},
		Query: []string{"status=certificate_status", "limit", "offset"}}, m.mine)
	api.Post("/certifications/:id/revoke", web.Doc{Summary: "Revoke a certificate for good, with a reason (audited)",
		Request: RevokeInput{}, Response: View{}, Errors: []errs.Kind{errs.Conflict}}, m.revoke)
}

// RevokeInput is the revocation's body.
type RevokeInput struct {
	Reason string `json:"reason" api:"required"`
}

// listQuery reads a certificate list's page and status filter.
func listQuery(c *fiber.Ctx) (limit, offset int, st Status, err error) {
	if limit, offset, err = web.Page(c); err != nil {
		return 0, 0, "", err
	}
	st, err = ParseStatus(c.Query("status"))
	return limit, offset, st, err
}

// areaFilter is the request's area_code, refused (400 naming it) when the
// registry has no such district unit (known once WithAreas named them).
func (m *Module) areaFilter(c *fiber.Ctx) (string, error) {
	a := strings.ToUpper(strings.TrimSpace(c.Query("area_code")))
	if a == "" || m.areas == nil {
		return a, nil
	}
	names, err := m.areas(c.UserContext())
	if err != nil {
		return "", err
	}
	if _, ok := names[a]; !ok {
		return "", errs.Field("area_code", "is not a known district unit")
	}
	return a, nil
}

func (m *Module) list(c *fiber.Ctx) error {
	limit, offset, st, err := listQuery(c)
	if err != nil {
		return err
	}
	area, err := m.areaFilter(c)
	if err != nil {
		return err
	}
	vs, err := m.s.List(c.UserContext(), web.ScopeOf(c), Filter{CollaboratorID: c.Query("collaborator_id"), Status: st,
		AreaCode: area, Course: c.Query("course")})
	if err != nil {
		return err
	}
	return c.JSON(web.Slice(vs, limit, offset))
}

func (m *Module) mine(c *fiber.Ctx) error {
	limit, offset, st, err := listQuery(c)
	if err != nil {
		return err
	}
	p := web.PrincipalOf(c)
	if p.CollaboratorID == "" {
		return c.JSON(web.Slice([]View{}, limit, offset))
	}
	vs, err := m.s.List(c.UserContext(), web.ScopeOf(c), Filter{CollaboratorID: p.CollaboratorID, Status: st})
	if err != nil {
		return err
	}
	return c.JSON(web.Slice(vs, limit, offset))
}

func (m *Module) revoke(c *fiber.Ctx) error {
	var in RevokeInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	v, err := m.s.Revoke(c.UserContext(), web.PrincipalOf(c), c.Params("id"), in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// QuizPassed marks and reconciles the person who passed (quizzes.Events):
// the pass is in the attempts book before it is announced.
func (s *Service) QuizPassed(ctx context.Context, collaboratorID string) error {
	return s.Changed(ctx, collaboratorID)
}
