package reports

import (
	"net/url"
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

// A rate with nothing to divide (no session held, no attempt graded) is
// "–", not "0%": a quarter without a class is not a quarter nobody came to.
func courseRowOf(r CourseQuarter) courseRow {
	return courseRow{CourseQuarter: r, Rate: pctOr(r.AttendanceRate), Pass: pctOr(r.PassRate)}
}

// courseGroup is one course's table on the page.
type courseGroup struct {
	Table web.Table
	Rows  []courseRow
}

// courseTable is the head of a table of the courses page: a row per
// quarter, its rates with their counts.
func courseTable(id string, caption web.Option) web.Table {
	cols := web.Columns("report.axis.quarter", "report.courses.sessions", "report.courses.attendance_rate", "report.courses.excused",
		"report.courses.absent", "report.courses.unmarked", "report.courses.pass_rate", "report.courses.passed_people")
	cols[2].Note, cols[6].Note = "report.courses.attended_expected", "report.courses.passed_attempts"
	return web.Table{ID: id, Class: "matrix", Region: true, Caption: &caption, Columns: cols}
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
	codes := make([]string, len(x.in.Courses))
	for i, cc := range x.in.Courses {
		codes[i] = cc.Code
	}
	filters := rp.Filters()
	filters.Selects = append(filters.Selects, web.Select{Name: "course", LabelKey: "cert.course", AllKey: "report.courses.all",
		Value: course, Options: web.Choices(codes, "")})
	totals := web.Option{Key: "report.courses.totals"}
	if course != "" {
		totals = web.Option{Key: "report.courses.totals_of", Args: []any{course}}
	}
	d := struct {
		reportPage
		Filters          web.Filters // the report's, and the course
		ChartQuarters    int
		Attendance, Pass Chart
		Totals           courseGroup
		Groups           []courseGroup
	}{reportPage: rp, Filters: filters, ChartQuarters: chartQuarters, Totals: courseGroup{Table: courseTable("course-totals", totals)},
		Attendance: Chart{ID: "attendance-chart", Max: 1, AxisPercent: true}, Pass: Chart{ID: "pass-chart", Max: 1, AxisPercent: true}}
	rows, sums := x.CourseRates(rp.Area, course)
	for i, t := range sums {
		row := courseRowOf(t)
		d.Totals.Rows = append(d.Totals.Rows, row)
		if i >= len(sums)-chartQuarters {
			d.Attendance.Bars = append(d.Attendance.Bars, rateBar(t.Quarter, t.AttendanceRate, row.Rate, m.Platform.T(c, "report.courses.no_class")))
			d.Pass.Bars = append(d.Pass.Bars, rateBar(t.Quarter, t.PassRate, row.Pass, m.Platform.T(c, "report.courses.no_attempt")))
		}
	}
	for _, r := range rows {
		if n := len(d.Groups); n == 0 || d.Groups[n-1].Rows[0].Course != r.Course {
			d.Groups = append(d.Groups, courseGroup{Table: courseTable("course-"+r.Course, web.Option{Key: "report.courses.course", Args: []any{r.Course}})})
		}
		g := &d.Groups[len(d.Groups)-1]
		g.Rows = append(g.Rows, courseRowOf(r))
	}
	return m.Platform.Render(c, fiber.StatusOK, "course_rates", d)
}

// withQuery is link with one more query parameter.
func withQuery(link, key, value string) string {
	sep := "?"
	if strings.Contains(link, "?") {
		sep = "&"
	}
	return link + sep + url.Values{key: {value}}.Encode()
}
