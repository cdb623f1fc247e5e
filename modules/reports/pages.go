package reports

import (
	"embed"
	"net/url"
	"strconv"

	"github.com/ctvacademy/academy/modules/platform/humantext"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

//go:embed views/*.html
var views embed.FS

func (m *Module) pageRoutes(r *web.Router) {
	r.Get("/reports/competency", web.Doc{}, m.competencyPage)
	r.Get("/reports/coverage", web.Doc{}, m.coveragePage)
	r.Get("/reports/quarters", web.Doc{}, m.quartersPage)
	r.Get("/reports/contracts", web.Doc{}, m.contractsPage)
	r.Get("/reports/courses", web.Doc{}, m.coursesPage)
}

// PageCell is a cell as the page shows it: its status (the class that
// colours it), a symbol and words, so that it reads without colour.
type PageCell struct {
	Status, Symbol, Until string // Until: the last valid day, dd/mm/yyyy
}

type pageRow struct {
	Row
	Pct   string // the last attainment, "75%"
	Cells []PageCell
}

type pageData struct {
	Nav               web.SectionNav // the links between the reports
	Filters           web.Filters
	Matrix            Matrix
	Rows              []pageRow
	Legend            []PageCell
	Total, Offset     int
	Pager             web.Pager
	CSV, XLSX         string
	TotalsCSV         string    // the totals per course and district
	People, Districts web.Table // the matrix and its totals by district
}

// pageSize is how many people a page of the matrix shows.
const pageSize = 100

// competencyPage is the competency matrix as a page: the filters (a plain
// GET form), the totals per course and district, a page of rows, the
// downloads. The table scrolls sideways on a narrow screen; colour,
// symbol and words each tell a cell's status.
func (m *Module) competencyPage(c *fiber.Ctx) error {
	f, err := ParseFilter(c.Query("area_code"), c.Query("role"), c.Query("course"), c.Query("standing"))
	if err != nil {
		return err
	}
	_, offset, err := web.Page(c)
	if err != nil {
		return err
	}
	ctx, scope := c.UserContext(), web.ScopeOf(c)
	in, err := m.inputs(ctx, scope, Need{}, f.Area)
	if err != nil {
		return err
	}
	all, err := m.Competency(ctx, scope, Filter{})
	if err != nil {
		return err
	}
	mx := all
	if f != (Filter{}) {
		if mx, err = m.Competency(ctx, scope, f); err != nil {
			return err
		}
	}
	d := pageData{Nav: reportsNav.At("/reports/competency"), Matrix: mx, Offset: offset, Pager: web.Pager{NoPrint: true},
		People: web.Table{ID: "matrix", Class: "matrix", Region: true, Caption: &web.Option{Key: "report.matrix"},
			Columns: courseColumns(web.Columns("report.person", "collaborators.area", "report.standing", "report.attainment"), mx.Courses)},
		Districts: web.Table{ID: "districts", Class: "matrix", Region: true, Heading: &web.Option{Key: "report.by_district"},
			Columns: courseColumns(web.Columns("collaborators.area", "report.people"), mx.Courses)}}
	var areas []web.Option
	var courses []string
	for _, dist := range all.Districts {
		areas = append(areas, areaOption(dist.Area, dist.AreaName))
	}
	for _, course := range in.Courses {
		courses = append(courses, course.Code)
	}
	d.Filters = web.Filters{Action: "/reports/competency", NoPrint: true, SubmitKey: "collaborators.filter", Selects: []web.Select{
		{Name: "role", LabelKey: "collaborators.role", AllKey: "report.all_roles", Value: f.Role, Options: web.Choices(Roles, "role.")},
		{Name: "course", LabelKey: "cert.course", AllKey: "cert.all_courses", Value: f.Course, Options: web.Choices(courses, "")},
		{Name: "standing", LabelKey: "report.standing", AllKey: "report.all_standings", Value: string(f.Standing), Options: web.Choices(Standings, "report.standing.")}}}
	if scope.Kind == "all" { // the caller sees more than one district
		d.Filters.Selects = append([]web.Select{web.AreaSelect(f.Area, areas)}, d.Filters.Selects...)
	}
	for _, st := range append(CellStatuses, CellNotRequired) {
		d.Legend = append(d.Legend, PageCell{Status: st, Symbol: cellSymbol[st]})
	}
	page := web.Slice(mx.Rows, pageSize, offset)
	d.Total = page.Total
	for _, r := range page.Items {
		pr := pageRow{Row: r}
		if r.LastAttainment != nil {
			pr.Pct = humantext.Percent(r.LastAttainment.Value)
		}
		for _, cell := range r.Cells {
			pc := PageCell{Status: cell.Status, Symbol: cellSymbol[cell.Status]}
			if !cell.ValidUntil.IsZero() && cell.Status != CellRevoked {
				pc.Until = cell.ValidUntil.Format("02/01/2006")
			}
			pr.Cells = append(pr.Cells, pc)
		}
		d.Rows = append(d.Rows, pr)
	}
	q := url.Values{}
	for k, v := range map[string]string{"area_code": f.Area, "role": f.Role, "course": f.Course, "standing": string(f.Standing)} {
		if v != "" {
			q.Set(k, v)
		}
	}
	link := func(path string, off int) string {
		qq := url.Values{}
		for k, v := range q {
			qq[k] = v
		}
		if off >= 0 {
			qq.Set("offset", itoa(off))
		}
		if len(qq) == 0 {
			return path
		}
		return path + "?" + qq.Encode()
	}
	if offset > 0 {
		d.Pager.Prev = link("/reports/competency", max(0, offset-pageSize))
	}
	if offset+pageSize < d.Total {
		d.Pager.Next = link("/reports/competency", offset+pageSize)
	}
	d.CSV, d.XLSX = link("/api/v1/reports/competency.csv", -1), link("/api/v1/reports/competency.xlsx", -1)
	d.TotalsCSV = link("/api/v1/reports/competency-totals.csv", -1)
	return m.Platform.Render(c, fiber.StatusOK, "competency", d)
}

func itoa(n int) string { return strconv.Itoa(n) }
