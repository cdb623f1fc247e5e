package collaborators

import (
	"strings"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

// ImportResult answers a successful import.
type ImportResult struct {
	Imported int            `json:"imported"`
	Items    []Collaborator `json:"items"`
}

func (m *Module) apiRoutes(r *web.Router) {
	r.Enum("collaborator_role", Roles...)
	r.Enum("contract_status", ContractStatuses...)
	r.Get("/areas", web.Doc{Summary: "District units", Response: web.List[Area]{}}, m.apiAreas)
	r.Get("/collaborators", web.Doc{Summary: "List collaborators in the caller's scope", Response: web.List[Collaborator]{},
		Query: []string{"area_code", "role=collaborator_role", "q", "contract_status=contract_status", "include_archived=boolean", "limit", "offset"}}, web.Paged(m.apiList))
	r.Post("/collaborators", web.Doc{Summary: "Register a collaborator", Request: Input{}, Response: Collaborator{}, Status: 201, Errors: []errs.Kind{errs.Conflict}}, m.apiCreate)
	r.Post("/collaborators/import", web.Doc{Summary: "Import collaborators from CSV or XLSX (all or nothing)", Upload: true, Response: ImportResult{}, Status: 201, Errors: []errs.Kind{errs.Conflict}}, m.apiImport)
	r.Get("/collaborators/:id", web.Doc{Summary: "One collaborator", Response: Collaborator{}}, m.apiGet)
	r.Patch("/collaborators/:id", web.Doc{Summary: "Change a collaborator (a collaborator or team leader: phone, commune, position; name, code, email, role, area, contract, archive: coordinator/admin only); moving contract.ends_on later is a renewal, refused (422, the reasons on contract.ends_on) unless the person is eligible or override_reason is given (audited)", Request: Patch{}, Response: Collaborator{}, Errors: []errs.Kind{errs.Conflict, errs.Unprocessable}}, m.apiPatch)
}

func (m *Module) apiAreas(c *fiber.Ctx) error {
	areas, err := m.svc.Areas(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(web.List[Area]{Items: areas, Total: len(areas)})
}

func filterOf(c *fiber.Ctx) (Filter, error) {
	f := Filter{
		AreaCode:       strings.ToUpper(strings.TrimSpace(c.Query("area_code"))),
		Role:           c.Query("role"),
		Query:          strings.Clone(c.Query("q")),
		ContractStatus: c.Query("contract_status"),
	}
	switch c.Query("include_archived") {
	case "", "false":
	case "true":
		f.IncludeArchived = true
	default:
		return f, errs.Field("include_archived", "must be true or false")
	}
	if len(f.Query) > 100 {
		return f, errs.Field("q", "must have at most 100 characters")
	}
	return f, nil
}

func (m *Module) apiList(c *fiber.Ctx) ([]Collaborator, error) {
	f, err := filterOf(c)
	if err != nil {
		return nil, err
	}
	return m.svc.List(c.UserContext(), web.ScopeOf(c), f)
}

func (m *Module) apiGet(c *fiber.Ctx) error {
	col, err := m.svc.Get(c.UserContext(), web.ScopeOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(col)
}

func (m *Module) apiCreate(c *fiber.Ctx) error {
	var in Input
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	created, err := m.svc.Create(c.UserContext(), []Input{in}, func(int) string { return "" })
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(created[0])
}

// canManage says whether the caller may change staff-only fields.
func canManage(p authz.Principal) bool {
	return p.Role == authz.RoleCoordinator || p.Role == authz.RoleAdmin
}

func (m *Module) apiPatch(c *fiber.Ctx) error {
	var p Patch
	if err := web.DecodeJSON(c, &p); err != nil {
		return err
	}
	col, err := m.svc.Update(c.UserContext(), web.ScopeOf(c), canManage(web.PrincipalOf(c)), c.Params("id"), p)
	if err != nil {
		return err
	}
	return c.JSON(col)
}

func (m *Module) apiImport(c *fiber.Ctx) error {
	name, data, err := web.UploadedSheet(c, "file")
	if err != nil {
		return err
	}
	rows, err := ParseImport(name, data)
	if err != nil {
		return err
	}
	created, err := m.svc.Import(c.UserContext(), rows)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(ImportResult{Imported: len(created), Items: created})
}
