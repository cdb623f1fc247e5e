package home

import (
	"embed"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/module"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

//go:embed views/*.html
var views embed.FS

//go:embed policy.csv
var policy string

// Module is the home page's HTTP side.
type Module struct {
	module.Base
	svc *Service
}

// NewModule returns the module.
func NewModule(svc *Service) *Module { return &Module{Base: module.Named("home", policy), svc: svc} }

// Register adds the home page's template and GET /.
func (m *Module) Register(p *web.Platform) error {
	return module.Mount(p, views, nil, func(r *web.Router) { r.Get("/", web.Doc{}, m.home) })
}

// pageInvitation is an invitation on the page, its times in Vietnam's.
type pageInvitation struct {
	Invitation
	Date, Start, End string
}

// pageCourse is a required course on the page.
type pageCourse struct {
	CourseStatus
	PassedOn, CertifiedUntil, RetakeAt string
}

func dateOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(clock.VN).Format("02/01/2006")
}

// home sends each user where their work is: a collaborator (CTV or team
// leader) to their home, leadership to the competency matrix (the
// network's state at a glance), other staff to the registry (the matrix
// is in their menu), the signed-out to sign in.
func (m *Module) home(c *fiber.Ctx) error {
	p := web.PrincipalOf(c)
	switch {
	case !p.Authenticated():
		return c.Redirect("/login", fiber.StatusSeeOther)
	case p.Role == authz.RoleLeadership:
		return c.Redirect("/reports/competency", fiber.StatusSeeOther)
	case p.CollaboratorID == "" || (p.Role != authz.RoleCTV && p.Role != authz.RoleTeamLeader):
		return c.Redirect("/collaborators", fiber.StatusSeeOther)
	}
	h, err := m.svc.For(c.UserContext(), p.CollaboratorID, p.Role, web.Lang(c))
	if err != nil {
		return err
	}
	d := struct {
		Invitations []pageInvitation
		Courses     []pageCourse
		Next        *pageCourse
	}{}
	for _, x := range h.Invitations {
		d.Invitations = append(d.Invitations, pageInvitation{Invitation: x, Date: dateOf(x.StartsAt),
			Start: x.StartsAt.In(clock.VN).Format("15:04"), End: x.EndsAt.In(clock.VN).Format("15:04")})
	}
	for _, x := range h.Courses {
		pc := pageCourse{CourseStatus: x, PassedOn: dateOf(x.PassedOn), CertifiedUntil: dateOf(x.CertifiedUntil)}
		if !x.RetakeAt.IsZero() {
			pc.RetakeAt = x.RetakeAt.In(clock.VN).Format("15:04 02/01/2006")
		}
		d.Courses = append(d.Courses, pc)
	}
	for i := range d.Courses {
		if h.Next != nil && h.Next.Code == d.Courses[i].Code {
			d.Next = &d.Courses[i]
		}
	}
	return m.Platform.Render(c, fiber.StatusOK, "home", d)
}
