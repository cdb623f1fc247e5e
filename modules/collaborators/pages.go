package collaborators

import (
	"embed"
	"net/url"
	"strconv"

	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

//go:embed views/*.html views/parts.tmpl
var embedded embed.FS

// views are the pages, each followed by the form parts of
// views/parts.tmpl that the new and edit pages share.
var views = web.WithParts(embedded, "views/parts.tmpl")

// pageSize is how many people one list page shows.
const pageSize = 50

func (m *Module) pageRoutes(r *web.Router) {
	r.Get("/collaborators", web.Doc{}, m.listPage)
	// The forms' fixed paths come before /collaborators/:id, which would
	// take them for ids.
	r.Get("/collaborators/new", web.Doc{}, m.newPage)
	r.Post("/collaborators/new", web.Doc{}, m.createPost)
	r.Get("/collaborators/import", web.Doc{}, m.importPage)
	r.Get("/collaborators/import/template.csv", web.Doc{}, m.importTemplateCSV)
	r.Get("/collaborators/import/template.xlsx", web.Doc{}, m.importTemplateXLSX)
	r.Post("/collaborators/import", web.Doc{}, m.importPost)
	r.Get("/collaborators/:id", web.Doc{}, m.detailPage)
	r.Get("/collaborators/:id/edit", web.Doc{}, m.editPage)
	r.Post("/collaborators/:id/edit", web.Doc{}, m.editPost)
}

type listPageData struct {
	Filters  web.Filters
	AreaName map[string]string
	Items    []Collaborator
	Total    int
	Offset   int
	Pager    web.Pager
	// CanManage shows the links to the new-collaborator and import forms.
	CanManage bool
}

// listFilters is the list page's form: a search box, the district and the role.
func listFilters(f Filter, areas []Area) web.Filters {
	opts := make([]web.Option, len(areas))
	for i, a := range areas {
		opts[i] = web.Option{Value: a.Code, Label: a.Name}
	}
	return web.Filters{Action: "/collaborators", SubmitKey: "collaborators.filter",
		Search: &web.Search{Name: "q", LabelKey: "collaborators.search", HintKey: "collaborators.search_hint", Value: f.Query},
		Selects: []web.Select{
			web.AreaSelect(f.AreaCode, opts),
			{Name: "role", LabelKey: "collaborators.role", AllKey: "collaborators.all_roles", Value: f.Role,
				Options: web.Choices([]string{"team_leader", "ctv"}, "role.")}}}
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
	d := listPageData{Filters: listFilters(f, areas), AreaName: areaNames(areas), Items: page.Items, Total: page.Total, Offset: offset,
		CanManage: canManagePage(c)}
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
		d.Pager.Prev = link(max(0, offset-pageSize))
	}
	if offset+pageSize < page.Total {
		d.Pager.Next = link(offset + pageSize)
	}
	return m.Platform.Render(c, fiber.StatusOK, "collaborators", d)
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
	return m.Platform.Render(c, fiber.StatusOK, "collaborator", map[string]any{
		"C": col, "AreaName": areaNames(areas)[col.AreaCode], "Resent": c.Query("activation") == "sent", "Standing": standing,
		"Saved": savedNotice(c.Query("saved")), "CanManage": canManagePage(c),
	})
}

// savedNotice is the translation key of what a registry form just did
// (the ?saved= its redirect carries), "" for none.
func savedNotice(saved string) string {
	switch saved {
	case "created", "updated", "unchanged", "archived", "unarchived":
		return "registry_form.saved." + saved
	}
	return ""
}
