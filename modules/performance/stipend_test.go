package performance_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/performance"
	"github.com/ctvacademy/academy/modules/standing"
)

// TestStipendsFollowTheYAML: the sheet is computed from standing.yaml's
// stipend section. With suspended contracts paid, no approved report
// required, no proration, and two reductions (below 50% half, below 30%
// nothing), the same kind of quarter as TestStipends pays otherwise; a
// status left out of paid_statuses pays nothing.
func TestStipendsFollowTheYAML(t *testing.T) {
	t.Parallel()
	b, err := content.FS.ReadFile(standing.File)
	if err != nil {
		t.Fatal(err)
	}
	yaml := string(b)
	for old, new := range map[string]string{
		"paid_statuses: [active, probation]": "paid_statuses: [active, suspended]",
		"requires_approved_report: true":     "requires_approved_report: false",
		"prorate_by_contract_days: true":     "prorate_by_contract_days: false",
		"reductions: []":                     "reductions:\n    - {attainment_below: 0.5, pay_share: 0.5}\n    - {attainment_below: 0.3, pay_share: 0}",
	} {
		if !strings.Contains(yaml, "\n  "+old) {
			t.Fatalf("standing.yaml has no line %q", old)
		}
		yaml = strings.Replace(yaml, "\n  "+old, "\n  "+new, 1)
	}
	w := newWorldOn(t, fstest.MapFS{standing.File: {Data: []byte(yaml)}})
	w.sheetContracts(t, map[string]func(*collaborators.Collaborator) error{
		w.cco.ID: func(c *collaborators.Collaborator) error {
			c.Contract.QuarterlyStipend, c.Contract.Status = 1_000_000, "probation"
			return nil
		},
	})
	// c1: 8 of 10 profiles, no report on time: attainment 0.3×0.8/0.55 ≈
	// 44% (half). c2: 2 of 10: ≈ 11% (nothing). o1: submitted only. tl:
	// suspended, everything done.
	change := func(a performance.Actuals) performance.Change {
		return performance.Change{Targets: &performance.Targets{Profiles: 10}, Actuals: &a}
	}
	w.review(t, "2026-Q1", map[string]performance.Change{
		w.ctv.ID: change(performance.Actuals{Profiles: 8}), w.ctv2.ID: change(performance.Actuals{Profiles: 2}),
		w.other.ID: change(performance.Actuals{Profiles: 12, ReportOnTime: true}), w.leader.ID: change(performance.Actuals{Profiles: 12, ReportOnTime: true}),
	}, w.other.ID)
	_, by := w.sheet(t, "2026-Q1")
	for id, wt := range map[string]struct {
		due    int64
		reason string
	}{
		w.ctv.ID: {1_500_000, "reduced_attainment"}, w.ctv2.ID: {0, "reduced_attainment"}, w.other.ID: {2_000_000, "paid"},
		w.leader.ID: {4_000_000, "paid"}, w.cco.ID: {0, "contract_not_paid"},
	} {
		if s := by[id]; s.Due != wt.due || s.Reason != wt.reason {
			t.Errorf("%s: due %d (%s) at attainment %.3f, want %d (%s)", id, s.Due, s.Reason, s.Attainment, wt.due, wt.reason)
		}
	}
	if s := by[w.ctv2.ID]; s.ContractDays != 45 {
		t.Errorf("c2's contract days: %+v", s)
	}
}
