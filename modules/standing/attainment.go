package standing

// KPI names one measure of a collaborator's quarterly work.
type KPI string

// The KPIs the Center measures each quarter (DESIGN.md, "The core rule").
const (
	Profiles     KPI = "profiles"       // establishment profiles collected
	Surveys      KPI = "surveys"        // needs surveyed
	Referrals    KPI = "referrals"      // establishments referred into programmes
	ReportOnTime KPI = "report_on_time" // 1 when the quarter's report was filed on time, else 0
)

// KPIList is every KPI, in the order pages and reasons list them.
var KPIList = []KPI{Profiles, Surveys, Referrals, ReportOnTime}

// KPIs holds one number per KPI: a quarter's targets or its actuals.
type KPIs map[KPI]float64

// Attainment scores actuals against targets from 0 to 1: the weighted mean
// of each KPI's actual/target, each capped at 1 (doing more of one measure
// does not make up for another). A KPI with no target (absent or 0) or no
// weight is not counted, and the weights of those that are counted are
// renormalised to sum to 1. With nothing counted the attainment is 0. For
// report_on_time the target is 1 when a report was due.
func Attainment(targets, actuals KPIs, weights map[KPI]float64) float64 {
	var sum, total float64
	for _, k := range KPIList {
		w, target := weights[k], targets[k]
		if w <= 0 || target <= 0 {
			continue
		}
		sum += w * ratio(actuals[k], target)
		total += w
	}
	if total == 0 {
		return 0
	}
	return sum / total
}

// ratio is actual/target within 0 to 1.
func ratio(actual, target float64) float64 {
	return min(max(actual/target, 0), 1)
}
