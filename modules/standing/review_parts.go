package standing

import "github.com/ctvacademy/academy/modules/platform/web"

// quarterSelect is the review pages' choice of a quarter among qs.
func quarterSelect(q string, qs []string) web.Select {
	return web.Select{Name: "quarter", LabelKey: "review.quarter", Value: q, Options: web.Choices(qs, "")}
}

// Filters is the review page's form: the quarter.
func (d reviewPageData) Filters() web.Filters {
	return web.Filters{Action: "/contracts/review", NoPrint: true, SubmitKey: "review.show", Selects: []web.Select{quarterSelect(d.Quarter, d.Quarters)}}
}

// Pager is the review page's links to the previous and the next page.
func (d reviewPageData) Pager() web.Pager {
	return web.Pager{Prev: d.Prev, Next: d.Next, NoPrint: true}
}

// Filters is the recognition page's form: the district for staff, the quarter.
func (d recognitionPageData) Filters() web.Filters {
	f := web.Filters{Action: "/recognition", NoPrint: true, SubmitKey: "review.show"}
	if d.Staff {
		area := web.AreaSelect(d.Area, nil)
		for _, a := range d.Areas {
			area.Options = append(area.Options, web.Option{Value: a.AreaCode, Label: a.AreaName})
		}
		f.Selects = append(f.Selects, area)
	}
	f.Selects = append(f.Selects, quarterSelect(d.Quarter, d.Quarters))
	return f
}
