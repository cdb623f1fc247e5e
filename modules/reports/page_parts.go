package reports

import (
	"strconv"

	"github.com/ctvacademy/academy/modules/platform/web"
)

// The shared parts (platform/web views/parts.tmpl) of the report pages:
// their filter form and the start of their tables.

// courseColumns are cols followed by a column labelled by each name as it is.
func courseColumns(cols []web.Column, names []string) []web.Column {
	for _, n := range names {
		cols = append(cols, web.Column{Option: web.Option{Label: n}})
	}
	return cols
}

// areaOption is a district unit as a choice of the filter: its code is
// the value, its name with the code the label ("Thành phố Biên Hòa
// (BH)"; the code alone when the registry has no name for it).
func areaOption(code, name string) web.Option {
	label := code
	if name != "" && name != code {
		label = name + " (" + code + ")"
	}
	return web.Option{Value: code, Label: label}
}

// Filters is the page's form: the district for who sees more than one, the
// choice of days; no select at all when there is nothing to choose.
func (rp reportPage) Filters() web.Filters {
	f := web.Filters{Action: rp.Action, NoPrint: true, SubmitKey: "report.show"}
	if rp.ShowAreas {
		f.Selects = append(f.Selects, web.AreaSelect(rp.Area, rp.Areas))
	}
	if ch := rp.Choice; ch.Name != "" {
		days := web.Select{Name: ch.Name, LabelKey: ch.LabelKey, Value: strconv.Itoa(ch.Value)}
		for _, n := range ch.Days {
			days.Options = append(days.Options, web.Option{Value: strconv.Itoa(n), Key: "report.days", Args: []any{n}})
		}
		f.Selects = append(f.Selects, days)
	}
	return f
}

// ExpiringTable heads the coverage page's certificates ending within days.
func (reportPage) ExpiringTable(days int) web.Table {
	return web.Table{ID: "expiring", Class: "matrix", Region: true, Heading: &web.Option{Key: "report.expiring.title", Args: []any{days}},
		Columns: web.Columns("report.person", "collaborators.area", "cert.course", "report.expiring.valid_until", "report.expiring.left", "report.expiring.next")}
}

// QuartersTable heads the quarters page's records and distribution by band.
func (reportPage) QuartersTable(bands []string) web.Table {
	return web.Table{ID: "quarters", Class: "matrix", Region: true, Heading: &web.Option{Key: "report.quarters.table"},
		Columns: courseColumns(web.Columns("report.axis.quarter", "report.quarters.records", "report.quarters.approved", "report.quarters.mean"), bands)}
}

// KPITable heads the quarters page's KPI totals against their targets.
func (reportPage) KPITable(kpis []string) web.Table {
	t := web.Table{ID: "kpis", Class: "matrix", Region: true, Heading: &web.Option{Key: "report.quarters.kpis"}, Columns: web.Columns("report.axis.quarter")}
	for _, k := range kpis {
		t.Columns = append(t.Columns, web.Column{Option: web.Option{Label: k}, Note: "report.quarters.actual_target"})
	}
	return t
}

// ContractsTable heads the contracts ending within days.
func (reportPage) ContractsTable(days int) web.Table {
	return web.Table{ID: "contracts", Class: "matrix", Region: true, Caption: &web.Option{Key: "report.contracts.caption", Args: []any{days}},
		Columns: web.Columns("report.person", "collaborators.area", "report.contracts.number", "report.contracts.ends", "report.expiring.left", "report.standing", "report.contracts.renewal")}
}
