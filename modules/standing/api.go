package standing

import (
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

// apiRoutes registers the standing, contract review and recognition
// routes; their OpenAPI entries come from the docs here.
func (m *Module) apiRoutes(r *web.Router) {
	r.Enum("standing", string(Good), string(Attention), string(AtRisk))
	r.Enum("review_decision", DecisionRenew, DecisionEnd)
	r.Enum("standing_certificate_status", CertValid, CertExpiring, CertExpired, CertRevoked, CertMissing)
	r.Enum("recommendation_action", Actions...)
	r.Get("/collaborators/:id/standing", web.Doc{Summary: "A collaborator's standing (good, attention, at_risk) with its reasons, renewal eligibility, the certificates of the courses required for their role, the last four quarters, the contract, the recommended courses with their next session and their rank in their district (a CTV: their own; a team leader: their district)",
		Response: View{}}, m.apiStanding)
	r.Get("/contracts/review", web.Doc{Summary: "The contracts ending in a quarter (default: the current one) inside the caller's scope, with standing, renewal eligibility, reasons and the decision taken",
		Query: []string{"quarter", "limit", "offset"}, Response: web.List[ReviewItem]{}}, web.Paged(m.apiReview))
	r.Post("/contracts/review/:quarter/decisions", web.Doc{Summary: "Decide contracts of a quarter's review, all or none (coordinator): renew (the next term of contract_term_months; an ineligible renewal needs a reason, audited as an override) or end (with a reason); a decision already taken is answered as it is",
		Request: []DecisionInput{}, Response: DecideResult{}, Errors: []errs.Kind{errs.Unprocessable}}, m.apiDecide)
	r.Get("/recognition", web.Doc{Summary: "Recognition: per district in scope (or area_code), the top performers of a quarter (default: the last closed one) by approved attainment among those in good standing",
		Query: []string{"quarter", "area_code", "limit", "offset"}, Response: web.List[Ranked]{}}, web.Paged(m.apiRecognition))
}

func (m *Module) apiStanding(c *fiber.Ctx) error {
	v, err := m.svc.Of(c.UserContext(), web.ScopeOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (m *Module) quarter(c *fiber.Ctx, closed bool) string {
	if q := c.Query("quarter"); q != "" {
		return q
	}
	q := clock.QuarterOf(m.svc.clock.Now())
	if closed {
		q = q.Prev()
	}
	return q.String()
}

func (m *Module) apiReview(c *fiber.Ctx) ([]ReviewItem, error) {
	return m.svc.Review(c.UserContext(), web.ScopeOf(c), m.quarter(c, false))
}

func (m *Module) apiDecide(c *fiber.Ctx) error {
	if _, err := clock.ParseQuarter(c.Params("quarter")); err != nil {
		return errs.Field("quarter", "must be a quarter like 2026-Q4")
	}
	var items []DecisionInput
	if err := web.DecodeJSON(c, &items); err != nil {
		return err
	}
	res, err := m.svc.Decide(c.UserContext(), web.PrincipalOf(c), c.Params("quarter"), items)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (m *Module) apiRecognition(c *fiber.Ctx) ([]Ranked, error) {
	return m.svc.Recognize(c.UserContext(), web.ScopeOf(c), m.quarter(c, true), c.Query("area_code"))
}
