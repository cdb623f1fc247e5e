package performance

import (
	"context"
	"strings"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

func (m *Module) apiRoutes(r *web.Router) {
	r.Enum("performance_status", Statuses...)
	r.Enum("performance_targets_source", FromPerson, FromDefault, FromNone)
	r.Enum("stipend_reason", StipendReasons...)
	r.Enum("stipend_record_status", StipendRecordStatuses...)
	// The stipend, targets and import routes before /performance/:collaborator_id/:quarter.
	r.Get("/performance/stipends/:quarter.xlsx", web.Doc{Summary: "A quarter's stipend sheet as XLSX (every row: contract, quarterly stipend, the amount due and why; Vietnamese headers, amounts in VND as numbers, dates as dates, a total)", Query: []string{"area_code"}, Content: web.XLSX}, m.apiStipendsXLSX)
	r.Get("/performance/stipends/:quarter", web.Doc{Summary: "A quarter's stipend sheet for the people in scope (area_code: of one district unit): contract, quarterly stipend, the amount due and why (withheld without an approved record or while the contract is suspended or ended; prorated by the contract's days in the quarter)",
		Query: []string{"area_code", "limit", "offset"}, Response: web.List[Stipend]{}}, web.Paged(m.apiStipends))
	// The contract's names for the same sheet (DESIGN: GET
	// /api/v1/reports/stipends?quarter= and its .xlsx): the quarter is a
	// query parameter, and required.
	r.Get("/reports/stipends.xlsx", web.Doc{Summary: "A quarter's stipend sheet as XLSX, as /performance/stipends/{quarter}.xlsx (quarter required)", Query: []string{"quarter!", "area_code"}, Content: web.XLSX}, m.apiStipendsXLSX)
	r.Get("/reports/stipends", web.Doc{Summary: "A quarter's stipend sheet for the people in scope, as /performance/stipends/{quarter} (quarter required)",
		Query: []string{"quarter!", "area_code", "limit", "offset"}, Response: web.List[Stipend]{}}, web.Paged(m.apiStipends))
	r.Get("/performance/targets/:quarter", web.Doc{Summary: "A quarter's default targets per role and district (a team leader: their district's)", Response: Defaults{}}, m.apiDefaults)
	r.Put("/performance/targets/:quarter", web.Doc{Summary: "Replace a quarter's default targets per role and district (coordinator)", Request: []Default{}, Response: Defaults{}}, m.apiSetDefaults)
	r.Post("/performance/import", web.Doc{Summary: "Import a quarter's actuals (and, for coordinators, targets) from CSV or XLSX: all rows or none, problems per row and field",
		Query: []string{"quarter!"}, Upload: true, Response: ImportResult{}, Errors: []errs.Kind{errs.Unprocessable}}, m.apiImport)
	r.Get("/performance", web.Doc{Summary: "A quarter's (default: the current one) records of the people in the caller's scope, by attainment (those not yet written as their GET answers)",
		Query: []string{"quarter", "area_code", "status=performance_status", "limit", "offset"}, Response: web.List[Record]{}}, web.Paged(m.apiList))
	r.Get("/performance/:collaborator_id/:quarter", web.Doc{Summary: "A collaborator's quarter (not yet written: the targets that apply, zero actuals, draft)", Response: Record{}}, m.onRecord(m.svc.Get))
	r.Put("/performance/:collaborator_id/:quarter", web.Doc{Summary: "Change a quarter's actuals, or (coordinator) the person's own targets; refused once approved",
		Request: Change{}, Response: Record{}, Errors: []errs.Kind{errs.Conflict, errs.Forbidden}}, m.apiPut)
	r.Post("/performance/:collaborator_id/:quarter/submit", web.Doc{Summary: "Submit a draft for approval", Response: Record{}, Errors: []errs.Kind{errs.Conflict}}, m.onRecord(m.svc.Submit))
	r.Post("/performance/:collaborator_id/:quarter/approve", web.Doc{Summary: "Approve a submitted record (coordinator; never one's own)", Response: Record{}, Errors: []errs.Kind{errs.Conflict, errs.Forbidden}}, m.onRecord(m.svc.Approve))
}

// onRecord is the handler of a route on one collaborator's quarter: it
// answers the record that use (the service's Get, Submit or Approve)
// returns for the route's collaborator_id and quarter in the caller's scope.
func (m *Module) onRecord(use func(ctx context.Context, scope authz.Scope, id, quarter string) (Record, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := use(c.UserContext(), web.ScopeOf(c), c.Params("collaborator_id"), c.Params("quarter"))
		if err != nil {
			return err
		}
		return c.JSON(r)
	}
}

func (m *Module) apiPut(c *fiber.Ctx) error {
	var ch Change
	if err := web.DecodeJSON(c, &ch); err != nil {
		return err
	}
	r, err := m.svc.Put(c.UserContext(), web.ScopeOf(c), c.Params("collaborator_id"), c.Params("quarter"), ch)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (m *Module) apiList(c *fiber.Ctx) ([]Record, error) {
	f := Filter{AreaCode: areaQuery(c), Status: c.Query("status")}
	return m.svc.List(c.UserContext(), web.ScopeOf(c), c.Query("quarter"), f)
}

func (m *Module) apiDefaults(c *fiber.Ctx) error {
	d, err := m.svc.Defaults(c.UserContext(), web.ScopeOf(c), c.Params("quarter"))
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (m *Module) apiSetDefaults(c *fiber.Ctx) error {
	var items []Default
	if err := web.DecodeJSON(c, &items); err != nil {
		return err
	}
	d, err := m.svc.SetDefaults(c.UserContext(), c.Params("quarter"), items)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (m *Module) apiImport(c *fiber.Ctx) error {
	quarter := c.Query("quarter") // required: the router refuses a request without it
	if _, err := ParseQuarter("quarter", quarter); err != nil {
		return err
	}
	name, data, err := web.UploadedSheet(c, "file")
	if err != nil {
		return err
	}
	res, err := m.svc.Import(c.UserContext(), web.ScopeOf(c), quarter, name, data)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// stipendQuarter is the quarter a stipend route names: in its path
// (/performance/stipends/{quarter}) or its query
// (/reports/stipends?quarter=, which the router requires).
func stipendQuarter(c *fiber.Ctx) (clock.Quarter, error) {
	q := c.Params("quarter")
	if q == "" {
		q = c.Query("quarter")
	}
	return ParseQuarter("quarter", q)
}

func (m *Module) apiStipends(c *fiber.Ctx) ([]Stipend, error) {
	q, err := stipendQuarter(c)
	if err != nil {
		return nil, err
	}
	return m.svc.Stipends(c.UserContext(), web.ScopeOf(c), q.String(), areaQuery(c))
}

// areaQuery is the district unit a list asks for (area_code), "" for all.
func areaQuery(c *fiber.Ctx) string { return strings.ToUpper(strings.TrimSpace(c.Query("area_code"))) }

func (m *Module) apiStipendsXLSX(c *fiber.Ctx) error {
	q, err := stipendQuarter(c)
	if err != nil {
		return err
	}
	area := areaQuery(c)
	items, err := m.svc.Stipends(c.UserContext(), web.ScopeOf(c), q.String(), area)
	if err != nil {
		return err
	}
	b, err := StipendsXLSX(q.String(), items, m.Platform.Translator())
	if err != nil {
		return err
	}
	name := "phu-cap-" + q.String()
	if area != "" {
		name += "-" + area
	}
	return web.SendFile(c, web.XLSX, name+".xlsx", b)
}
