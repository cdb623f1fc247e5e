package reports

import (
	"net/url"
	"slices"
	"strconv"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/ctvacademy/academy/modules/standing"
	"github.com/gofiber/fiber/v2"
)

// reportPage is what the coverage, quarters and contracts pages share
// (one template, views/report.html): which report (Kind), its title, the
// links between the reports, the district filter (for those who see more
// than one) with the districts to pick from, a choice of days, and the
// downloads keeping the filters.
type reportPage struct {
	Kind, TitleKey, NoteKey string
	Action                  string // the page's path
	Nav                     web.SectionNav
	Area                    string
	Areas                   []web.Option // the district filter's choices, by code
	ShowAreas               bool
	Choice                  choice
	CSV, XLSX               string
	At                      string // the report's moment, dd/mm/yyyy hh:mm in Vietnam
}

// reportsNav links the leadership reports to each other, on each of them.
var reportsNav = web.SectionNav{LabelKey: "report.nav", Links: []web.NavLink{{Path: "/reports/competency", Key: "report.title"},
	{Path: "/reports/coverage", Key: "report.coverage.title"}, {Path: "/reports/quarters", Key: "report.quarters.title"},
	{Path: "/reports/courses", Key: "report.courses.title"}, {Path: "/reports/contracts", Key: "report.contracts.title"}}}

// choice is a select of a number of days (its query parameter Name).
type choice struct {
	Name, LabelKey string
	Days           []int
	Value          int
}

// pageOf reads the area filter and the inputs need asks for; the
// districts to pick from are those of the people in scope. The downloads
// keep the area and the choice.
func (m *Module) pageOf(c *fiber.Ctx, kind string, need Need, ch choice) (reportPage, *Index, error) {
	in, err := m.inputs(c.UserContext(), web.ScopeOf(c), need, c.Query("area_code"))
	if err != nil {
		return reportPage{}, nil, err
	}
	rp := reportPage{Kind: kind, TitleKey: "report." + kind + ".title", Action: "/reports/" + kind, Nav: reportsNav.At("/reports/" + kind), Choice: ch,
		Area: area(c.Query("area_code")), ShowAreas: web.ScopeOf(c).Kind == "all", At: in.Now.In(clock.VN).Format("02/01/2006 15:04")}
	x := Build(in)
	var codes []string
	for _, p := range in.People {
		if !slices.Contains(codes, p.Area) {
			codes = append(codes, p.Area)
		}
	}
	slices.Sort(codes)
	for _, code := range codes {
		rp.Areas = append(rp.Areas, areaOption(code, x.AreaName(code)))
	}
	q := url.Values{}
	if ch.Name != "" && c.Query(ch.Name) != "" && kind != "coverage" {
		q.Set(ch.Name, strconv.Itoa(ch.Value))
	}
	if rp.Area != "" {
		q.Set("area_code", rp.Area)
	}
	rp.CSV, rp.XLSX = "/api/v1/reports/"+kind+".csv", "/api/v1/reports/"+kind+".xlsx"
	if len(q) > 0 {
		rp.CSV += "?" + q.Encode()
		rp.XLSX += "?" + q.Encode()
	}
	return rp, x, nil
}

// pct writes a rate (a count over a count, shown beside them) as a whole
// percentage, rounded to the nearest; an attainment, which standing
// compares with thresholds, is humantext.Percent.
func pct(v float64) string { return strconv.FormatFloat(v*100, 'f', 0, 64) + "%" }

// noData is how a page writes a rate with nothing to divide.
const noData = "–"

// pctOr is pct of a rate that may be missing: noData when it is.
func pctOr(v *float64) string {
	if v == nil {
		return noData
	}
	return pct(*v)
}

// coverageRow is a district on the coverage page: its share over every
// required certificate, and its courses.
type coverageRow struct {
	DistrictCoverage
	Required, Certified int
	Share               string
	Shares              []string // per course, as Courses
}

type expiringRow struct {
	Expiring
	Area, AreaName, Until, Next, NextID string
}

// coveragePage is district coverage: a chart of each district's share of
// certificates held, the table of every district and course, and the
// certificates ending within the chosen horizon (30, 60 or 90 days) with
// the next session that would renew each.
func (m *Module) coveragePage(c *fiber.Ctx) error {
	horizon, err := ParseWithin(c.Query("within"))
	if err != nil {
		return err
	}
	rp, x, err := m.pageOf(c, "coverage", Need{Sessions: true}, choice{Name: "within", LabelKey: "report.expiring.horizon", Days: Horizons[:], Value: horizon})
	if err != nil {
		return err
	}
	d := struct {
		reportPage
		Within   int
		Horizons []int
		Chart    Chart
		Rows     []coverageRow
		Expiring []expiringRow
		// The downloads of the expiring certificates, keeping the
		// district and the horizon.
		ExpiringCSV, ExpiringXLSX string
	}{reportPage: rp, Within: horizon, Horizons: Horizons[:], Chart: Chart{ID: "coverage-chart", Max: 1, AxisPercent: true},
		ExpiringCSV: "/api/v1/reports/expiring.csv", ExpiringXLSX: "/api/v1/reports/expiring.xlsx"}
	q := url.Values{}
	if rp.Area != "" {
		q.Set("area_code", rp.Area)
	}
	if c.Query("within") != "" {
		q.Set("within", strconv.Itoa(horizon))
	}
	if len(q) > 0 {
		d.ExpiringCSV += "?" + q.Encode()
		d.ExpiringXLSX += "?" + q.Encode()
	}
	for _, dc := range x.Coverage(rp.Area) {
		row := coverageRow{DistrictCoverage: dc}
		for _, cc := range dc.Courses {
			row.Required += cc.Required
			row.Certified += cc.Certified
			row.Shares = append(row.Shares, pct(cc.Share))
		}
		share := 0.0
		if row.Required > 0 {
			share = float64(row.Certified) / float64(row.Required)
		}
		row.Share = pct(share)
		// The bar is labelled by the code (a name does not fit under it);
		// the table below names each district.
		d.Chart.Bars = append(d.Chart.Bars, Bar{Label: dc.Area, Value: share, Text: row.Share})
		d.Rows = append(d.Rows, row)
		for _, e := range dc.Expiring {
			if e.Days > horizon {
				continue
			}
			er := expiringRow{Expiring: e, Area: dc.Area, AreaName: dc.AreaName, Until: e.ValidUntil.In(clock.VN).Format("02/01/2006")}
			if e.NextSession != nil {
				er.Next, er.NextID = e.NextSession.StartsAt.In(clock.VN).Format("02/01/2006"), e.NextSession.ID
			}
			d.Expiring = append(d.Expiring, er)
		}
	}
	return m.Platform.Render(c, fiber.StatusOK, "report", d)
}

// quarterRow is a quarter on the quarters page.
type quarterRow struct {
	Quarter
	Mean   string
	Shares []string // per KPI, as KPIs
}

// quartersPage is the network by quarter: a chart of the mean attainment
// per quarter, one of the latest quarter's attainment distribution, and
// the tables of records, distribution and KPI totals against targets.
func (m *Module) quartersPage(c *fiber.Ctx) error {
	rp, x, err := m.pageOf(c, "quarters", Need{Records: true}, choice{})
	if err != nil {
		return err
	}
	rp.NoteKey = "report.quarters.approved_only"
	d := struct {
		reportPage
		Rows        []quarterRow
		Bands       []string
		KPIs        []string
		Trend, Dist Chart
		Latest      string
	}{reportPage: rp, Trend: Chart{ID: "trend-chart", Max: 1, AxisPercent: true}, Dist: Chart{ID: "distribution-chart"}}
	// The bands and KPIs in the page's language (the exports keep
	// bandNames and kpiNames, in Vietnamese).
	for b := range Bands {
		d.Bands = append(d.Bands, m.Platform.T(c, "report.band."+strconv.Itoa(b)))
	}
	for _, k := range standing.KPIList {
		d.KPIs = append(d.KPIs, m.Platform.T(c, "perf."+string(k)))
	}
	qs := x.Quarters(rp.Area)
	for _, q := range qs {
		row := quarterRow{Quarter: q, Mean: pctOr(q.MeanAttainment)}
		for _, k := range q.KPIs {
			row.Shares = append(row.Shares, pctOr(k.Share))
		}
		d.Rows = append(d.Rows, row)
		// A quarter without an approved record has no bar: "–" and words
		// saying so where its bar would stand, not a bar at 0%.
		d.Trend.Bars = append(d.Trend.Bars, rateBar(q.Quarter, q.MeanAttainment, row.Mean, m.Platform.T(c, "report.quarters.no_approved")))
	}
	// The distribution of the latest quarter with an approved record.
	for i := len(qs) - 1; i >= 0; i-- {
		if qs[i].Approved == 0 {
			continue
		}
		d.Latest = qs[i].Quarter
		for b, n := range qs[i].Distribution {
			d.Dist.Bars = append(d.Dist.Bars, Bar{Label: d.Bands[b], Value: float64(n), Text: strconv.Itoa(n)})
		}
		break
	}
	return m.Platform.Render(c, fiber.StatusOK, "report", d)
}

type endingRow struct {
	Ending
	Ends string
}

// contractsPage is the contracts ending within the chosen days (30, 60,
// 90 or 180), soonest first, with the person's standing and whether the
// contract may be renewed.
func (m *Module) contractsPage(c *fiber.Ctx) error {
	days, err := ParseDays(c.Query("days"))
	if err != nil {
		return err
	}
	ch := choice{Name: "days", LabelKey: "report.contracts.within", Days: []int{30, 60, 90, 180}, Value: days}
	if !slices.Contains(ch.Days, days) {
		ch.Days = append(ch.Days, days)
		slices.Sort(ch.Days)
	}
	rp, x, err := m.pageOf(c, "contracts", Need{Records: true}, ch)
	if err != nil {
		return err
	}
	d := struct {
		reportPage
		Days int
		Rows []endingRow
	}{reportPage: rp, Days: days}
	for _, e := range x.Contracts(rp.Area, days) {
		d.Rows = append(d.Rows, endingRow{Ending: e, Ends: e.EndsOn.Format("02/01/2006")})
	}
	return m.Platform.Render(c, fiber.StatusOK, "report", d)
}
