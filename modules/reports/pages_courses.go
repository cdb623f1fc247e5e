package reports

import (
	"net/url"
	"slices"
	"strings"

	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

// chartQuarters is how many quarters, the latest, the courses page's
// charts draw (so that each bar stays readable at 360 px); its tables list
// every quarter.
const chartQuarters = 8

// courseRow is a course and quarter (or a quarter over the courses) on
// the courses page: each rate as a percentage with the counts it divides.
type courseRow struct {
	CourseQuarter
	Rate, Pass string // "75%"
}

func courseRowOf(r CourseQuarter) courseRow {
	return courseRow{CourseQuarter: r, Rate: pct(r.AttendanceRate), Pass: pct(r.PassRate)}
}

// courseGroup is one course's table on the page.
type courseGroup struct {
	Course string
	Rows   []courseRow
}

// coursesPage is the attendance rate and the quiz pass rate per course and
// quarter: charts of both per quarter over the courses shown (the latest
// chartQuarters), the table of those quarters beside them, and a table
// per course; filters by district (for those who see more than one) and
// by course, plain GET; the downloads keep both.
func (m *Module) coursesPage(c *fiber.Ctx) error {
	rp, x, err := m.pageOf(c, "courses", Need{Ledgers: true}, choice{})
	if err != nil {
		return err
	}
	course := strings.ToUpper(strings.TrimSpace(c.Query("course")))
	if err := knownCourse(x.in, course); err != nil {
		return err
	}
	rp.NoteKey = "report.courses.counts"
	if course != "" {
		rp.CSV, rp.XLSX = withQuery(rp.CSV, "course", course), withQuery(rp.XLSX, "course", course)
	}
	d := struct {
		reportPage
		Course           string
		ChartQuarters    int
		Courses          []string
		Areas            []string
		ShowAreas        bool
		Attendance, Pass Chart
		Totals           []courseRow
		Groups           []courseGroup
	}{reportPage: rp, Course: course, ChartQuarters: chartQuarters, ShowAreas: web.ScopeOf(c).Kind == "all",
		Attendance: Chart{ID: "attendance-chart", Max: 1, AxisPercent: true}, Pass: Chart{ID: "pass-chart", Max: 1, AxisPercent: true}}
	for _, cc := range x.in.Courses {
		d.Courses = append(d.Courses, cc.Code)
	}
	for _, p := range x.in.People {
		if !slices.Contains(d.Areas, p.Area) {
			d.Areas = append(d.Areas, p.Area)
		}
	}
	slices.Sort(d.Areas)
	rows, totals := x.CourseRates(rp.Area, course)
	for i, t := range totals {
		row := courseRowOf(t)
		d.Totals = append(d.Totals, row)
		if i >= len(totals)-chartQuarters {
			d.Attendance.Bars = append(d.Attendance.Bars, Bar{Label: t.Quarter, Value: t.AttendanceRate, Text: row.Rate})
			d.Pass.Bars = append(d.Pass.Bars, Bar{Label: t.Quarter, Value: t.PassRate, Text: row.Pass})
		}
	}
	for _, r := range rows {
		if n := len(d.Groups); n == 0 || d.Groups[n-1].Course != r.Course {
			d.Groups = append(d.Groups, courseGroup{Course: r.Course})
		}
		g := &d.Groups[len(d.Groups)-1]
		g.Rows = append(g.Rows, courseRowOf(r))
	}
	return m.platform.Render(c, fiber.StatusOK, "course_rates", d)
}

// withQuery is link with one more query parameter.
func withQuery(link, key, value string) string {
	sep := "?"
	if strings.Contains(link, "?") {
		sep = "&"
	}
	return link + sep + url.Values{key: {value}}.Encode()
}
