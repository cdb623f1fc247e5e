package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/performance"
	"github.com/ctvacademy/academy/modules/platform/clock"
)

// contractTestDay is the tester's day: the demo loaded on 4 December 2026.
var contractTestDay = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)

// byCode finds a demo collaborator by code.
func byCode(t *testing.T, s *apptest.Server, code string) collaborators.Collaborator {
	t.Helper()
	for _, c := range s.Collaborators(t) {
		if c.Code == code {
			return c
		}
	}
	t.Fatalf("no collaborator %s", code)
	return collaborators.Collaborator{}
}

// stipendSheet is a quarter's sheet by collaborator, and its total due.
func stipendSheet(t *testing.T, s *apptest.Server, token, q string) (map[string]performance.Stipend, int64) {
	t.Helper()
	var sh struct {
		Items []performance.Stipend `json:"items"`
	}
	getJSON(t, s, "/api/v1/performance/stipends/"+q+"?limit=1000", token, &sh)
	out := map[string]performance.Stipend{}
	var total int64
	for _, it := range sh.Items {
		out[it.CollaboratorID] = it
		total += it.Due
	}
	return out, total
}

// contractStandingOf is a person's standing as the API answers it.
type contractStanding struct {
	Standing        string `json:"standing"`
	RenewalEligible bool   `json:"renewal_eligible"`
	Reasons         []struct {
		Code   string         `json:"code"`
		Params map[string]any `json:"params"`
		Text   struct {
			EN string `json:"en"`
		} `json:"text"`
	} `json:"reasons"`
	Contract struct {
		Status     string `json:"status"`
		EndsOn     string `json:"ends_on"`
		NotRenewed bool   `json:"not_renewed"`
	} `json:"contract"`
}

func contractStandingOf(t *testing.T, s *apptest.Server, token, id string) contractStanding {
	t.Helper()
	var a contractStanding
	getJSON(t, s, "/api/v1/collaborators/"+id+"/standing", token, &a)
	return a
}

func (a contractStanding) has(code string) bool {
	for _, r := range a.Reasons {
		if r.Code == code {
			return true
		}
	}
	return false
}

// decide posts the review's decisions of quarter.
func decide(t *testing.T, s *apptest.Server, token, quarter string, items ...map[string]any) {
	t.Helper()
	if r := s.Do(t, "POST", "/api/v1/contracts/review/"+quarter+"/decisions", token, items); r.Status != 200 {
		t.Fatalf("decisions of %s: %d %s", quarter, r.Status, r.Body)
	}
}

// TestContractChangesKeepClosedQuartersAndHistory reproduces the tester's
// day: renewing LK-03 (eligible) and TN-04 (an override) in the 2026-Q4
// review and suspending NT-02 leave the closed quarters' stipend sheets
// as they were, to the dong and reason; in the current quarter the two
// renewed people are covered all 92 days (old term, then the renewal
// from the next day) and NT-02 is paid up to the day before the
// suspension. The previous terms are kept on the record (contract_history).
// Standing keeps the performance history: TN-04 (at risk on its 2026-Q2
// attainment) stays at risk for it and in the leadership's at_risk
// matrix; LK-03 stays renewal-eligible.
func TestContractChangesKeepClosedQuartersAndHistory(t *testing.T) {
	t.Parallel()
	s, coord := startReconciled(t, clock.NewManual(contractTestDay))
	lead := s.LoginDemo(t, apptest.Leadership)
	lk, tn, nt := byCode(t, s, "LK-03"), byCode(t, s, "TN-04"), byCode(t, s, "NT-02")

	closed := []string{"2026-Q1", "2026-Q2", "2026-Q3"}
	before := map[string]map[string]performance.Stipend{}
	totals := map[string]int64{}
	for _, q := range closed {
		before[q], totals[q] = stipendSheet(t, s, coord, q)
	}
	if totals["2026-Q2"] == 0 {
		t.Fatalf("the 2026-Q2 sheet pays nobody")
	}
	tnBefore, lkBefore := contractStandingOf(t, s, coord, tn.ID), contractStandingOf(t, s, coord, lk.ID)
	if tnBefore.Standing != "at_risk" || !tnBefore.has("attainment_low") || !lkBefore.RenewalEligible {
		t.Fatalf("the demo changed: TN-04 %+v, LK-03 eligible %v", tnBefore, lkBefore.RenewalEligible)
	}

	decide(t, s, coord, "2026-Q4",
		map[string]any{"collaborator_id": lk.ID, "decision": "renew"},
		map[string]any{"collaborator_id": tn.ID, "decision": "renew", "reason": "Trung tâm gia hạn để kèm cặp"})
	if r := s.Do(t, "PATCH", "/api/v1/collaborators/"+nt.ID, coord, map[string]any{"contract": map[string]any{"status": "suspended"}}); r.Status != 200 {
		t.Fatalf("suspending NT-02: %d %s", r.Status, r.Body)
	}

	for _, q := range closed {
		after, total := stipendSheet(t, s, coord, q)
		if total != totals[q] {
			t.Errorf("%s: the sheet's total went from %d to %d", q, totals[q], total)
		}
		for id, b := range before[q] {
			a := after[id]
			if a.Due != b.Due || a.Reason != b.Reason || a.ContractDays != b.ContractDays || a.ContractNumber != b.ContractNumber || a.ContractStatus != b.ContractStatus {
				t.Errorf("%s %s: %+v, was %+v", q, b.Code, a, b)
			}
		}
	}
	cur, _ := stipendSheet(t, s, coord, "2026-Q4")
	for _, p := range []collaborators.Collaborator{lk, tn} {
		if got := cur[p.ID]; got.ContractDays != 92 || got.PaidDays != 92 || got.QuarterDays != 92 {
			t.Errorf("2026-Q4 %s after the renewal: %d of %d days covered, want 92", p.Code, got.ContractDays, got.QuarterDays)
		}
	}
	// NT-02: covered all the quarter, paid 1 October to 3 December (active).
	if got := cur[nt.ID]; got.ContractDays != 92 || got.PaidDays != 64 || got.ContractStatus != "suspended" {
		t.Errorf("2026-Q4 NT-02 after the suspension: %+v, want 92 days covered, 64 paid and the suspension shown", got)
	}

	// The previous terms are on the record.
	var rec struct {
		Contract        collaborators.Contract `json:"contract"`
		ContractHistory []struct {
			Number string `json:"number"`
			EndsOn string `json:"ends_on"`
		} `json:"contract_history"`
	}
	getJSON(t, s, "/api/v1/collaborators/"+lk.ID, coord, &rec)
	if len(rec.ContractHistory) != 1 || rec.ContractHistory[0].EndsOn != lk.Contract.EndsOn || rec.ContractHistory[0].Number != lk.Contract.Number ||
		rec.Contract.StartsOn != "2026-12-16" {
		t.Errorf("LK-03 after the renewal: %+v, history %+v", rec.Contract, rec.ContractHistory)
	}

	// Standing keeps the quarters worked under the previous term.
	tnAfter, lkAfter := contractStandingOf(t, s, coord, tn.ID), contractStandingOf(t, s, coord, lk.ID)
	if tnAfter.Standing != "at_risk" || !tnAfter.has("attainment_low") || tnAfter.has("performance_unrated") {
		t.Errorf("TN-04 after the renewal: %+v", tnAfter)
	}
	if !lkAfter.RenewalEligible || lkAfter.has("performance_unrated") {
		t.Errorf("LK-03 after the renewal: eligible %v, %+v", lkAfter.RenewalEligible, lkAfter.Reasons)
	}
	if r := s.Do(t, "GET", "/api/v1/reports/competency?standing=at_risk", lead, nil); r.Status != 200 || !strings.Contains(string(r.Body), tn.ID) {
		t.Errorf("TN-04 left the leadership's at_risk matrix: %d", r.Status)
	}
}

// TestEndDecisionWaitsForTheContractsEnd: deciding "end" for a contract
// that runs to 2027-06-30 records that it will not be renewed; until that
// day the person is under contract: standing says it ends on that day
// (not "ended"), the contracts report lists them, the stipend sheets of
// the closed quarters are unchanged and the current quarter is paid in
// full days. After that day the contract has ended.
func TestEndDecisionWaitsForTheContractsEnd(t *testing.T) {
	t.Parallel()
	clk := clock.NewManual(contractTestDay)
	s, coord := startReconciled(t, clk)
	lk := byCode(t, s, "LK-01")
	if lk.Contract.EndsOn != "2027-06-30" {
		t.Fatalf("the demo changed: %+v", lk.Contract)
	}
	q2, _ := stipendSheet(t, s, coord, "2026-Q2")
	q3, _ := stipendSheet(t, s, coord, "2026-Q3")

	decide(t, s, coord, "2027-Q2", map[string]any{"collaborator_id": lk.ID, "decision": "end", "reason": "Chuyển công tác"})

	a := contractStandingOf(t, s, coord, lk.ID)
	if a.has("contract_ended") || a.Contract.Status != lk.Contract.Status || !a.Contract.NotRenewed || !a.has("contract_not_renewed") {
		t.Errorf("standing after the end decision: %+v", a)
	}
	var ending struct {
		Items []struct {
			ID string `json:"collaborator_id"`
		} `json:"items"`
	}
	getJSON(t, s, "/api/v1/reports/contracts?days=366", coord, &ending)
	found := false
	for _, it := range ending.Items {
		found = found || it.ID == lk.ID
	}
	if !found {
		t.Errorf("the contracts report dropped LK-01 after the end decision")
	}
	for q, b := range map[string]map[string]performance.Stipend{"2026-Q2": q2, "2026-Q3": q3} {
		after, _ := stipendSheet(t, s, coord, q)
		if g, w := after[lk.ID], b[lk.ID]; g.Due != w.Due || g.Reason != w.Reason {
			t.Errorf("%s LK-01: %+v, was %+v", q, g, w)
		}
	}
	if cur, _ := stipendSheet(t, s, coord, "2026-Q4"); cur[lk.ID].ContractDays != 92 {
		t.Errorf("2026-Q4 LK-01: %+v, want 92 days", cur[lk.ID])
	}

	// The day after the end: ended.
	clk.Set(time.Date(2027, 7, 1, 3, 0, 0, 0, time.UTC))
	coord = s.LoginDemo(t, apptest.Coordinator) // the session of December has expired
	if a := contractStandingOf(t, s, coord, lk.ID); !a.has("contract_ended") {
		t.Errorf("standing after 2027-06-30: %+v", a)
	}
}
