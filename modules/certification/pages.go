package certification

import (
	"context"
	"embed"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

//go:embed views/*.html
var views embed.FS

// pageSize is how many certificates a page shows.
const pageSize = 50

// AreaNames names the district units for the page's filter.
type AreaNames func(ctx context.Context) (map[string]string, error)

// WithAreas names the district units on the certificates page (without
// it the page shows their codes).
func (m *Module) WithAreas(fn AreaNames) *Module {
	m.areas = fn
	return m
}

func (m *Module) pageRoutes(r *web.Router) {
	r.Get("/certifications", web.Doc{}, m.listPage)
	r.Get("/certifications/:id/revoke", web.Doc{}, m.revokePage)
	r.Post("/certifications/:id/revoke", web.Doc{}, m.revokeSubmit)
}

type listPageData struct {
	Filters          web.Filters
	Items            []View
	Total, Offset    int
	Pager            web.Pager
	Staff, CanRevoke bool
	Revoked          string // the id of a certificate just revoked
	AreaName         map[string]string
}

// listPage is the certificates page: a CTV's own, a team leader's district,
// everyone's for the Center, with the PDF and the verification link of
// each; coordinators revoke from it.
func (m *Module) listPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	st, err := ParseStatus(c.Query("status"))
	if err != nil {
		return err
	}
	area, err := m.areaFilter(c)
	if err != nil {
		return err
	}
	scope, p := web.ScopeOf(c), web.PrincipalOf(c)
	f := Filter{Status: st, AreaCode: area, Course: c.Query("course")}
	all, err := m.s.List(ctx, scope, Filter{})
	if err != nil {
		return err
	}
	names := map[string]string{}
	if m.areas != nil {
		if names, err = m.areas(ctx); err != nil {
			return err
		}
	}
	d := listPageData{Staff: scope.Kind != authz.ScopeOwn, CanRevoke: p.Role == authz.RoleCoordinator,
		Revoked: c.Query("revoked"), AreaName: names}
	var areas, courses []web.Option
	seenArea, seenCourse := map[string]bool{}, map[string]bool{}
	for _, v := range all {
		if !seenArea[v.AreaCode] {
			seenArea[v.AreaCode] = true
			label := names[v.AreaCode]
			if label == "" {
				label = v.AreaCode
			}
			areas = append(areas, web.Option{Value: v.AreaCode, Label: label})
		}
		if !seenCourse[v.CourseCode] {
			seenCourse[v.CourseCode] = true
			courses = append(courses, web.Option{Value: v.CourseCode, Label: v.CourseCode + " · " + v.TitleIn(web.Lang(c))})
		}
	}
	sort.Slice(areas, func(i, j int) bool { return areas[i].Label < areas[j].Label })
	sort.Slice(courses, func(i, j int) bool { return courses[i].Value < courses[j].Value })
	d.Filters = web.Filters{Action: "/certifications", SubmitKey: "collaborators.filter", Selects: []web.Select{
		{Name: "course", LabelKey: "cert.course", AllKey: "cert.all_courses", Value: f.Course, Options: courses},
		{Name: "status", LabelKey: "cert.status", AllKey: "cert.all_statuses", Value: string(f.Status),
			Options: web.Choices([]Status{StatusValid, StatusExpiring, StatusExpired, StatusRevoked}, "cert.status.")}}}
	if d.Staff {
		area := web.AreaSelect(f.AreaCode, areas)
		d.Filters.Selects = append([]web.Select{area}, d.Filters.Selects...)
	}
	items := all
	if f != (Filter{}) {
		if items, err = m.s.List(ctx, scope, f); err != nil {
			return err
		}
	}
	offset, _ := strconv.Atoi(c.Query("offset"))
	page := web.Slice(items, pageSize, max(offset, 0))
	d.Items, d.Total, d.Offset = page.Items, page.Total, max(offset, 0)
	link := func(off int) string {
		q := url.Values{}
		for k, v := range map[string]string{"status": string(f.Status), "area_code": f.AreaCode, "course": f.Course} {
			if v != "" {
				q.Set(k, v)
			}
		}
		q.Set("offset", strconv.Itoa(off))
		return "/certifications?" + q.Encode()
	}
	if d.Offset > 0 {
		d.Pager.Prev = link(max(0, d.Offset-pageSize))
	}
	if d.Offset+pageSize < d.Total {
		d.Pager.Next = link(d.Offset + pageSize)
	}
	return m.Platform.Render(c, fiber.StatusOK, "certifications", d)
}

type revokePageData struct {
	C      View
	Reason string
	Error  bool // the reason was missing or too long
	Max    int
}

func (m *Module) revokePage(c *fiber.Ctx) error {
	v, err := m.s.Certificate(c.UserContext(), web.ScopeOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	return m.Platform.Render(c, fiber.StatusOK, "certification_revoke", revokePageData{C: v, Max: MaxReason})
}

// revokeSubmit revokes with the reason typed; a missing or too long reason
// shows the form again with the message.
func (m *Module) revokeSubmit(c *fiber.Ctx) error {
	ctx, id := c.UserContext(), c.Params("id")
	reason := strings.Clone(c.FormValue("reason"))
	_, err := m.s.Revoke(ctx, web.PrincipalOf(c), id, reason)
	if err == nil {
		return c.Redirect("/certifications?revoked="+url.QueryEscape(id), fiber.StatusSeeOther)
	}
	kind := errs.KindOf(err)
	if kind != errs.Invalid && kind != errs.Conflict {
		return err
	}
	v, verr := m.s.Certificate(ctx, web.ScopeOf(c), id)
	if verr != nil {
		return verr
	}
	if kind == errs.Conflict && v.RevokedAt == nil {
		return err
	}
	// A reason missing or too long, or a certificate revoked already (the
	// page says when, not that someone else changed something).
	return m.Platform.Render(c, errs.Status(kind), "certification_revoke", revokePageData{C: v, Reason: reason,
		Error: kind == errs.Invalid, Max: MaxReason})
}
