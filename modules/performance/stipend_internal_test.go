package performance

import (
	"testing"

	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/standing"
)

// TestStipendOfPaysTheVersionInForce: each day of a quarter is paid on
// the contract version in force that day; changes made later leave a
// closed quarter as it was.
func TestStipendOfPaysTheVersionInForce(t *testing.T) {
	t.Parallel()
	rules := standing.StipendRules{PaidStatuses: []string{"active", "probation"}, RequiresApprovedReport: true, ProrateByContractDays: true}
	c := func(number, from, to, status string, sum int64) collaborators.Contract {
		return collaborators.Contract{Number: number, StartsOn: from, EndsOn: to, Status: status, QuarterlyStipend: sum}
	}
	h := func(k collaborators.Contract, on string) collaborators.ContractTerm {
		return collaborators.ContractTerm{Number: k.Number, StartsOn: k.StartsOn, EndsOn: k.EndsOn, Status: k.Status, QuarterlyStipend: k.QuarterlyStipend, ReplacedOn: on}
	}
	old := c("A", "2024-12-16", "2026-12-15", "active", 1_800_000)
	renewed := c("A-R1", "2026-12-16", "2027-12-15", "active", 1_800_000)
	suspended := c("A", "2024-12-16", "2026-12-15", "suspended", 1_800_000)
	raised := c("A", "2024-12-16", "2026-12-15", "active", 2_760_000)
	endedEarly := c("A", "2024-12-16", "2026-11-15", "ended", 1_800_000)
	approved := Record{Status: Approved, Stored: true, Attainment: 0.8}
	for _, tc := range []struct {
		name          string
		p             collaborators.Collaborator
		quarter       string
		days, paid    int
		due           int64
		reason        string
		number, state string
	}{
		{"no history, whole quarter", collaborators.Collaborator{Contract: old}, "2026-Q2", 91, 91, 1_800_000, StipendPaid, "A", "active"},
		{"no history, ends inside", collaborators.Collaborator{Contract: old}, "2026-Q4", 76, 76, 1_486_957, StipendProrated, "A", "active"},
		{"renewed today: closed quarter unchanged", collaborators.Collaborator{Contract: renewed, ContractHistory: []collaborators.ContractTerm{h(old, "2026-12-04")}},
			"2026-Q2", 91, 91, 1_800_000, StipendPaid, "A", "active"},
		{"renewed today: current quarter covered by both terms", collaborators.Collaborator{Contract: renewed, ContractHistory: []collaborators.ContractTerm{h(old, "2026-12-04")}},
			"2026-Q4", 92, 92, 1_800_000, StipendPaid, "A-R1", "active"},
		{"suspended today: closed quarter unchanged", collaborators.Collaborator{Contract: suspended, ContractHistory: []collaborators.ContractTerm{h(old, "2026-12-04")}},
			"2026-Q3", 92, 92, 1_800_000, StipendPaid, "A", "active"},
		{"suspended today: paid to yesterday", collaborators.Collaborator{Contract: suspended, ContractHistory: []collaborators.ContractTerm{h(old, "2026-12-04")}},
			"2026-Q4", 76, 64, 1_252_174, StipendProrated, "A", "suspended"},
		{"suspended since always", collaborators.Collaborator{Contract: suspended}, "2026-Q3", 92, 0, 0, StipendSuspended, "A", "suspended"},
		{"stipend raised from 1 November", collaborators.Collaborator{Contract: raised, ContractHistory: []collaborators.ContractTerm{h(old, "2026-11-01")}},
			"2026-Q4", 76, 76, 1_800_000*31/92 + 2_760_000*45/92 + 1, StipendProrated, "A", "active"},
		{"ended early, recorded weeks later: paid to its end, shown ended", collaborators.Collaborator{Contract: endedEarly, ContractHistory: []collaborators.ContractTerm{h(old, "2026-12-04")}},
			"2026-Q4", 46, 46, 900_000, StipendProrated, "A", "ended"},
		{"outside every term", collaborators.Collaborator{Contract: renewed, ContractHistory: []collaborators.ContractTerm{h(old, "2026-12-04")}},
			"2024-Q3", 0, 0, 0, StipendOutside, "A-R1", "active"},
	} {
		q, err := clock.ParseQuarter(tc.quarter)
		if err != nil {
			t.Fatal(err)
		}
		got := stipendOf(rules, tc.p, approved, q)
		if got.ContractDays != tc.days || got.PaidDays != tc.paid || got.Due != tc.due || got.Reason != tc.reason ||
			got.ContractNumber != tc.number || got.ContractStatus != tc.state {
			t.Errorf("%s: %d days, %d paid, due %d (%s), contract %s %s; want %d, %d, %d (%s), %s %s", tc.name,
				got.ContractDays, got.PaidDays, got.Due, got.Reason, got.ContractNumber, got.ContractStatus,
				tc.days, tc.paid, tc.due, tc.reason, tc.number, tc.state)
		}
	}
}
