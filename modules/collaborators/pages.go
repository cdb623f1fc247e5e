package collaborators

import (
	"embed"
	"net/url"
	"strconv"

	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

//go:embed views/*.html
var views embed.FS

// pageSize is how many people one list page shows.
const pageSize = 50

func (m *Module) pageRoutes(r *web.Router) {
	r.Get("/collaborators", web.Doc{}, m.listPage)
	r.Get("/collaborators/:id", web.Doc{}, m.detailPage)
}

type listPageData struct {
	Areas    []Area
	AreaName map[string]string
	Filter   Filter
	Items    []Collaborator
	Total    int
	Offset   int
	Prev     string
	Next     string
}

func (m *Module) listPage(c *fiber.Ctx) error {
	f, err := filterOf(c)
	if err != nil {
		return err
	}
	offset, _ := strconv.Atoi(c.Query("offset"))
	if offset < 0 {
		offset = 0
	}
	items, err := m.svc.List(c.UserContext(), web.ScopeOf(c), f)
	if err != nil {
		return err
	}
	areas, err := m.svc.Areas(c.UserContext())
	if err != nil {
		return err
	}
	page := web.Slice(items, pageSize, offset)
	d := listPageData{Areas: areas, AreaName: areaNames(areas), Filter: f, Items: page.Items, Total: page.Total, Offset: offset}
	link := func(off int) string {
		q := url.Values{}
		if f.AreaCode != "" {
			q.Set("area_code", f.AreaCode)
		}
		if f.Role != "" {
			q.Set("role", f.Role)
		}
		if f.Query != "" {
			q.Set("q", f.Query)
		}
		q.Set("offset", strconv.Itoa(off))
		return "/collaborators?" + q.Encode()
	}
	if offset > 0 {
		d.Prev = link(max(0, offset-pageSize))
	}
	if offset+pageSize < page.Total {
		d.Next = link(offset + pageSize)
	}
	return m.platform.Render(c, fiber.StatusOK, "collaborators", d)
}

func areaNames(areas []Area) map[string]string {
	out := make(map[string]string, len(areas))
	for _, a := range areas {
		out[a.Code] = a.Name
	}
	return out
}

func (m *Module) detailPage(c *fiber.Ctx) error {
	col, err := m.svc.Get(c.UserContext(), web.ScopeOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	areas, err := m.svc.Areas(c.UserContext())
	if err != nil {
		return err
	}
	standing, err := m.svc.StandingOf(c.UserContext(), web.ScopeOf(c), col.ID, web.Lang(c))
	if err != nil {
		return err
	}
	return m.platform.Render(c, fiber.StatusOK, "collaborator", map[string]any{
		"C": col, "AreaName": areaNames(areas)[col.AreaCode], "Resent": c.Query("activation") == "sent", "Standing": standing,
	})
}
