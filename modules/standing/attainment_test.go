package standing_test

import (
	"math"
	"testing"

	"github.com/ctvacademy/academy/modules/standing"
)

func TestAttainment(t *testing.T) {
	t.Parallel()
	weights := map[standing.KPI]float64{"profiles": 0.3, "surveys": 0.3, "referrals": 0.15, "report_on_time": 0.25}
	full := standing.KPIs{"profiles": 12, "surveys": 6, "referrals": 1, "report_on_time": 1}
	for _, tc := range []struct {
		name             string
		targets, actuals standing.KPIs
		weights          map[standing.KPI]float64
		want             float64
	}{
		{"every target met", full, full, weights, 1},
		{"nothing done", full, standing.KPIs{}, weights, 0},
		{"half of each", full, standing.KPIs{"profiles": 6, "surveys": 3, "referrals": 0.5, "report_on_time": 0.5}, weights, 0.5},
		{"more than a target counts as the target", full, standing.KPIs{"profiles": 48, "surveys": 0, "referrals": 0, "report_on_time": 0}, weights, 0.3},
		{"only the report on time", full, standing.KPIs{"report_on_time": 1}, weights, 0.25},
		{"a negative actual counts as none", full, standing.KPIs{"profiles": -5, "surveys": 6, "referrals": 1, "report_on_time": 1}, weights, 0.7},
		// No referral target: the other three share its weight.
		{"a missing target is not counted", standing.KPIs{"profiles": 12, "surveys": 6, "report_on_time": 1},
			standing.KPIs{"profiles": 12, "surveys": 0, "referrals": 9, "report_on_time": 1}, weights, 0.55 / 0.85},
		{"a target of 0 is not counted", standing.KPIs{"profiles": 12, "surveys": 6, "referrals": 0, "report_on_time": 1},
			standing.KPIs{"profiles": 6, "surveys": 6, "report_on_time": 1}, weights, (0.15 + 0.3 + 0.25) / 0.85},
		{"a KPI without weight is not counted", full, standing.KPIs{"profiles": 12, "surveys": 6},
			map[standing.KPI]float64{"profiles": 0.5, "surveys": 0.5}, 1},
		{"no targets at all", standing.KPIs{}, full, weights, 0},
		{"no weights at all", full, full, nil, 0},
	} {
		if got := standing.Attainment(tc.targets, tc.actuals, tc.weights); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%s: Attainment = %v, want %v", tc.name, got, tc.want)
		}
	}
}
