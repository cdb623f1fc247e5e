package courses

import (
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

// CertificationInfo is how a course's certificate is earned and how long it lasts.
type CertificationInfo struct {
	ValidityMonths     int  `json:"validity_months"`
	RenewalWindowDays  int  `json:"renewal_window_days"`
	RequiresAttendance bool `json:"requires_attendance"`
}

// Summary is a course as the catalog lists it. It carries the quiz's rules
// but never its questions or answers.
type Summary struct {
	Code                string            `json:"code"`
	Title               Text              `json:"title"`
	Summary             Text              `json:"summary"`
	RequiredFor         []string          `json:"required_for"`
	Certification       CertificationInfo `json:"certification"`
	QuestionsPerAttempt int               `json:"questions_per_attempt"`
	TimeLimitMinutes    int               `json:"time_limit_minutes"`
	PassMark            float64           `json:"pass_mark"`
	MaxAttempts         int               `json:"max_attempts"`
}

// Detail is one course with its lesson (Markdown source, both languages).
// Like Summary, it never carries questions or answers.
type Detail struct {
	Summary
	Lesson Text `json:"lesson"`
}

// toSummary is the catalog view of a course: its quiz reduced to its rules.
func toSummary(c Course) Summary {
	roles := c.RequiredFor
	if roles == nil {
		roles = []string{}
	}
	return Summary{
		Code: c.Code, Title: c.Title, Summary: c.Summary, RequiredFor: roles,
		Certification: CertificationInfo{
			ValidityMonths:     c.Certification.ValidityMonths,
			RenewalWindowDays:  c.Certification.RenewalWindowDays,
			RequiresAttendance: c.Certification.RequiresAttendance,
		},
		QuestionsPerAttempt: c.Quiz.QuestionsPerAttempt,
		TimeLimitMinutes:    c.Quiz.TimeLimitMinutes,
		PassMark:            c.Quiz.PassMark,
		MaxAttempts:         c.Quiz.MaxAttempts,
	}
}

// toDetail is a course with its lesson, still without its questions.
func toDetail(c Course) Detail {
	s := toSummary(c)
	return Detail{Summary: s, Lesson: c.Lesson}
}

func (m *Module) apiRoutes(r *web.Router) {
	r.Get("/courses", web.Doc{Summary: "The course catalog (no questions or answers)", Response: web.List[Summary]{},
		Query: []string{"limit", "offset"}}, web.Paged(m.apiList))
	r.Get("/courses/:code", web.Doc{Summary: "One course with its lesson in Markdown (no questions or answers)", Response: Detail{}}, m.apiGet)
}

func (m *Module) apiList(*fiber.Ctx) ([]Summary, error) {
	all := m.cat.Courses()
	items := make([]Summary, 0, len(all))
	for _, x := range all {
		items = append(items, toSummary(x))
	}
	return items, nil
}

// course finds the course named by the route's :code.
func (m *Module) course(c *fiber.Ctx) (Course, error) {
	x, ok := m.cat.Course(c.Params("code"))
	if !ok {
		return Course{}, errs.E(errs.NotFound, "no such course")
	}
	return x, nil
}

func (m *Module) apiGet(c *fiber.Ctx) error {
	x, err := m.course(c)
	if err != nil {
		return err
	}
	return c.JSON(toDetail(x))
}
