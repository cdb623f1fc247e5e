package reports

import (
	"slices"
	"strings"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/standing"
)

// ContractDays is how far ahead the contracts report looks by default.
const ContractDays = 90

// Ending is a contract that ends soon: whose, its number and last day,
// the days left until it (0: today), and whether standing allows its
// renewal today (Person.RenewalEligible).
type Ending struct {
	Named
	Number          string            `json:"contract_number"`
	EndsOn          clock.Day         `json:"ends_on"`
	Days            int               `json:"days"`
	Standing        standing.Standing `json:"standing,omitempty" api:"enum=report_standing"`
	RenewalEligible bool              `json:"renewal_eligible"`
}

// Contracts are the contracts of the people of area (all when empty)
// that end within days from today (today included), not already ended,
// soonest first.
func (x *Index) Contracts(area string, days int) []Ending {
	out := []Ending{}
	for i := range x.in.People {
		p := &x.in.People[i]
		if (area != "" && p.Area != area) || p.ContractEnd.IsZero() || p.ContractStatus == standing.ContractEnded {
			continue
		}
		left := daysFrom(x.today, p.ContractEnd)
		if left < 0 || left > days {
			continue
		}
		out = append(out, Ending{Named: x.named(p), Number: p.ContractNumber,
			EndsOn: clock.DayOf(p.ContractEnd), Days: left, Standing: p.Standing, RenewalEligible: p.RenewalEligible})
	}
	slices.SortFunc(out, func(a, b Ending) int {
		if a.Days != b.Days {
			return a.Days - b.Days
		}
		return strings.Compare(a.Code, b.Code)
	})
	return out
}
