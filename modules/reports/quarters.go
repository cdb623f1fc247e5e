package reports

import (
	"slices"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/standing"
)

// Bands are the attainment distribution's bands: [0, 20%), [20%, 40%),
// [40%, 60%), [60%, 80%) and [80%, 100%].
var Bands = [5]float64{0, 0.2, 0.4, 0.6, 0.8}

// KPITotal is one KPI's sum of targets and of actuals, and their ratio
// (nil, null in JSON, when nothing was targeted: no approved record, or
// approved records without a target for the KPI).
type KPITotal struct {
	KPI    standing.KPI `json:"kpi"`
	Target float64      `json:"target"`
	Actual float64      `json:"actual"`
	Share  *float64     `json:"share"`
}

// Quarter is one quarter of the network: how many records were kept and
// approved, the approved records' attainment (mean and count per band)
// and the KPI totals of the approved records against their targets. Only
// approved records count: the figures a coordinator has checked;
// Records−Approved shows what is still to check. A quarter without an
// approved record has no MeanAttainment (nil, null in JSON): "no data",
// not 0%.
type Quarter struct {
	Q              clock.Quarter `json:"-"`
	Quarter        string        `json:"quarter"` // 2026-Q1
	Records        int           `json:"records"`
	Approved       int           `json:"approved"`
	MeanAttainment *float64      `json:"mean_attainment"` // nil without an approved record
	Distribution   [5]int        `json:"distribution"`    // per Bands
	KPIs           []KPITotal    `json:"kpis"`            // in standing.KPIList's order
}

// Quarters is every quarter that has a record, oldest first, over the
// records kept in area (all when empty).
func (x *Index) Quarters(area string) []Quarter {
	by := map[clock.Quarter]*Quarter{}
	sums := map[clock.Quarter]float64{}
	for i := range x.in.Records {
		r := &x.in.Records[i]
		if area != "" && r.Area != area {
			continue
		}
		q := by[r.Quarter]
		if q == nil {
			q = &Quarter{Q: r.Quarter, Quarter: r.Quarter.String(), KPIs: make([]KPITotal, len(standing.KPIList))}
			for k, kpi := range standing.KPIList {
				q.KPIs[k].KPI = kpi
			}
			by[r.Quarter] = q
		}
		q.Records++
		if r.Status != standing.RecordApproved {
			continue
		}
		q.Approved++
		sums[r.Quarter] += r.Attainment
		band := 0
		for b, low := range Bands {
			if r.Attainment >= low {
				band = b
			}
		}
		q.Distribution[band]++
		for k, kpi := range standing.KPIList {
			q.KPIs[k].Target += r.Targets[kpi]
			q.KPIs[k].Actual += r.Actuals[kpi]
		}
	}
	out := make([]Quarter, 0, len(by))
	for key, q := range by {
		if q.Approved > 0 {
			q.MeanAttainment = ptr(sums[key] / float64(q.Approved))
		}
		for k := range q.KPIs {
			if t := q.KPIs[k].Target; t > 0 {
				q.KPIs[k].Share = ptr(q.KPIs[k].Actual / t)
			}
		}
		out = append(out, *q)
	}
	slices.SortFunc(out, func(a, b Quarter) int {
		if before(a.Q, b.Q) {
			return -1
		}
		if before(b.Q, a.Q) {
			return 1
		}
		return 0
	})
	return out
}
