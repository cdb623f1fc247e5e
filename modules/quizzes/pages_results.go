package quizzes

import (
	"strings"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

// The staff's results pages: a course's results per person, per district
// unit, and which questions most people miss. They stand on the same
// policies as GET /api/v1/courses/{code}/results and item-analysis.
func (m *Module) resultsPageRoutes(r *web.Router) {
	r.Get("/courses/:code/results", web.Doc{}, m.resultsPage)
	r.Get("/courses/:code/item-analysis", web.Doc{}, m.itemsPage)
}

// resultRow is one person on the results page.
type resultRow struct {
	Name, Code, AreaName string
	Used, Max, Graded    int
	Best                 int // percent
	PassedOn             string
	Open                 bool
}

// areaChoice is a district unit in the page's select.
type areaChoice struct {
	Code, Name string
	Selected   bool
}

// pickedArea reads the area_code filter: empty, or a unit of areas.
// Returns errs.Invalid naming area_code for any other value.
func pickedArea(c *fiber.Ctx, areas []Area) (string, []areaChoice, error) {
	code := strings.TrimSpace(c.Query("area_code"))
	choices := make([]areaChoice, len(areas))
	found := code == ""
	for i, a := range areas {
		choices[i] = areaChoice{Code: a.Code, Name: a.Name, Selected: a.Code == code}
		found = found || a.Code == code
	}
	if !found {
		return "", nil, errs.Field("area_code", "is not a district unit you may see")
	}
	return strings.Clone(code), choices, nil
}

// resultsView is what the results and the item analysis pages show (one
// template): a course, the filter of district units, and its rows.
type resultsView struct {
	Course   pageRules
	Areas    []areaChoice
	Area     string
	AllAreas bool // the select offers "every unit"
	Items    bool // the item analysis page
	// The results page.
	People     []resultRow
	Passed     int
	NotStarted int
	// The item analysis page.
	Questions []itemRow
	Any       bool
}

// filtered reads a results page's course and its area_code filter inside
// the caller's scope.
func (m *Module) filtered(c *fiber.Ctx) (resultsView, authz.Scope, error) {
	course, err := m.svc.Course(c.Params("code"))
	if err != nil {
		return resultsView{}, authz.Scope{}, err
	}
	scope := web.ScopeOf(c)
	areas, err := m.svc.ResultAreas(c.UserContext(), scope)
	if err != nil {
		return resultsView{}, scope, err
	}
	area, choices, err := pickedArea(c, areas)
	return resultsView{Course: rulesOf(course, web.Lang(c)), Areas: choices, Area: area, AllAreas: scope.Kind == authz.ScopeAll}, scope, err
}

// resultsPage lists a course's results per person in the caller's scope,
// narrowed to one district unit by the area_code select.
func (m *Module) resultsPage(c *fiber.Ctx) error {
	v, scope, err := m.filtered(c)
	if err != nil {
		return err
	}
	res, err := m.svc.ResultsByPerson(c.UserContext(), scope, v.Course.Code, v.Area)
	if err != nil {
		return err
	}
	v.People, v.Passed, v.NotStarted = make([]resultRow, len(res.People)), res.Passed, res.NotStarted
	for i, r := range res.People {
		v.People[i] = resultRow{Name: r.Person.Name, Code: r.Person.Code, AreaName: r.Person.AreaName, Used: r.Used,
			Max: v.Course.MaxAttempts, Graded: r.Graded, Best: percent(r.BestScore), Open: r.Open}
		if !r.PassedAt.IsZero() {
			v.People[i].PassedOn = r.PassedAt.In(clock.VN).Format("02/01/2006")
		}
	}
	return m.Platform.Render(c, fiber.StatusOK, "quiz_results", v)
}

// itemRow is one question on the item analysis page.
type itemRow struct {
	N           int
	ID, Text    string
	Asked       int
	Missed      int
	MissPercent int
	NeverAsked  bool
}

// itemsPage lists a course's questions, those most people miss first,
// with their text in the page's language (Vietnamese by default).
func (m *Module) itemsPage(c *fiber.Ctx) error {
	v, scope, err := m.filtered(c)
	if err != nil {
		return err
	}
	if v.Area != "" && v.AllAreas {
		// One unit's attempts: the staff scope narrowed to it.
		scope = authz.Scope{Kind: authz.ScopeArea, AreaCode: v.Area}
	}
	items, err := m.svc.ItemAnalysis(c.UserContext(), scope, v.Course.Code)
	if err != nil {
		return err
	}
	ByMissRate(items)
	lang := web.Lang(c)
	v.Items, v.Questions = true, make([]itemRow, len(items))
	for i, it := range items {
		v.Questions[i] = itemRow{N: i + 1, ID: it.QuestionID, Text: it.Text.In(lang), Asked: it.Asked, Missed: it.Asked - it.Correct,
			MissPercent: percent(it.MissRate()), NeverAsked: it.Asked == 0}
		v.Any = v.Any || it.Asked > 0
	}
	return m.Platform.Render(c, fiber.StatusOK, "quiz_results", v)
}
