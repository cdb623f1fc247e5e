package standing_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/standing"
)

// shipped is content/standing.yaml as the product ships it.
func shipped(t *testing.T) string {
	t.Helper()
	b, err := content.FS.ReadFile(standing.File)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestShippedRulesLoad(t *testing.T) {
	t.Parallel()
	c, err := standing.Load(content.FS, standing.File)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, w := range c.Performance.Weights {
		sum += w
	}
	if len(c.Performance.Weights) != len(standing.KPIList) || sum < 0.999 || sum > 1.001 {
		t.Errorf("weights %v: want every KPI, summing to 1", c.Performance.Weights)
	}
	if c.ContractTermMonths != 12 || c.Performance.RecentQuarters < 1 || c.Contract.EndingSoonDays < 1 {
		t.Errorf("rules %+v", c)
	}
	for _, k := range standing.KPIList {
		if len(c.Performance.Courses[k]) == 0 {
			t.Errorf("no course closes a weak %s", k)
		}
	}
}

// Each case changes the first line containing old into new; Load (or
// CheckCourses) must name the field at the line of the edit (line -1:
// the line of the key named by atKey; 0: the whole file).
func TestBrokenRulesNameTheFieldAndLine(t *testing.T) {
	t.Parallel()
	known := func(code string) bool { return strings.HasPrefix(code, "KC-10") }
	for _, tc := range []struct {
		name, old, new string
		field, message string
		atKey          string // the problem is at this key's line, not the edited one
		wholeFile      bool
	}{
		{name: "weights not summing to 1", old: "referrals: 0.15", new: "    referrals: 0.10",
			field: "performance.weights", message: "must sum to 1 (they sum to 0.95)", atKey: "  weights:"},
		{name: "a weight above 1", old: "surveys: 0.30", new: "    surveys: 1.30",
			field: "performance.weights.surveys", message: "from 0 to 1"},
		{name: "an unknown KPI in the weights", old: "referrals: 0.15", new: "    visits: 0.15",
			field: "performance.weights.visits", message: "is not a KPI: the KPIs are profiles, surveys, referrals, report_on_time"},
		{name: "a threshold written as a percentage", old: "attention_below:", new: "  attention_below: 60",
			field: "performance.attention_below", message: "from 0 to 1"},
		{name: "a negative threshold", old: "weak_kpi_below:", new: "  weak_kpi_below: -0.1",
			field: "performance.weak_kpi_below", message: "from 0 to 1"},
		{name: "the renewal threshold above 1", old: "renewal_min_attainment:", new: "  renewal_min_attainment: 1.5",
			field: "performance.renewal_min_attainment", message: "from 0 to 1"},
		{name: "at risk above attention", old: "at_risk_below:", new: "  at_risk_below: 0.7",
			field: "performance.at_risk_below", message: "must not be above performance.attention_below"},
		{name: "too many recent quarters", old: "recent_quarters:", new: "  recent_quarters: 6",
			field: "performance.recent_quarters", message: "from 1 to 4"},
		{name: "no recent quarter", old: "recent_quarters:", new: "  recent_quarters: 0",
			field: "performance.recent_quarters", message: "from 1 to 4"},
		{name: "a negative report delay", old: "report_due_days:", new: "  report_due_days: -1",
			field: "performance.report_due_days", message: "from 0 to 92"},
		{name: "an unknown KPI in the courses", old: "surveys: [KC-103]", new: "    survey: [KC-103]",
			field: "performance.courses.survey", message: "is not a KPI"},
		{name: "an unknown standing", old: "expired: at_risk", new: "  expired: red",
			field: "certification.expired", message: "must be good, attention or at_risk"},
		{name: "a contract rule's standing left out", old: "probation: attention", new: "",
			field: "contract.probation", message: "must be good, attention or at_risk", atKey: "contract:"},
		{name: "a negative ending-soon window", old: "ending_soon_days:", new: "  ending_soon_days: -3",
			field: "contract.ending_soon_days", message: "from 0 to 366"},
		{name: "the contract term left out", old: "contract_term_months:", new: "",
			field: "contract_term_months", message: "from 1 to 60", wholeFile: true},
		{name: "an unknown course for a weak KPI", old: "referrals: [KC-104, KC-101]", new: "    referrals: [KC-104, KC-901]",
			field: "performance.courses.referrals[1]", message: `"KC-901" is not a course under content/courses`},
		{name: "an unknown contract status paid", old: "paid_statuses: [active, probation]", new: "  paid_statuses: [active, trial]",
			field: "stipend.paid_statuses[1]", message: `"trial" is not a contract status`},
		{name: "a contract status paid twice", old: "paid_statuses: [active, probation]", new: "  paid_statuses: [active, active]",
			field: "stipend.paid_statuses[1]", message: "listed twice"},
		{name: "a reduction threshold as a percentage", old: "reductions: []", new: "  reductions:\n    - {attainment_below: 40, pay_share: 0.5}",
			field: "stipend.reductions[0].attainment_below", message: "at most 1", atKey: "    - {attainment_below: 40"},
		{name: "a reduction paying the whole stipend", old: "reductions: []", new: "  reductions:\n    - {attainment_below: 0.4, pay_share: 1}",
			field: "stipend.reductions[0].pay_share", message: "below 1", atKey: "    - {attainment_below: 0.4"},
		{name: "a reduction threshold twice", old: "reductions: []", new: "  reductions:\n    - {attainment_below: 0.4, pay_share: 0.5}\n    - {attainment_below: 0.4, pay_share: 0}",
			field: "stipend.reductions[1].attainment_below", message: "listed twice", atKey: "    - {attainment_below: 0.4, pay_share: 0}"},
		{name: "a stipend rule mistyped", old: "requires_approved_report:", new: "  requires_approved_reports: true",
			message: "field requires_approved_reports not found"},
		{name: "an unknown field", old: "ending_soon_days:", new: "  ending_soon: 30",
			message: "field ending_soon not found"},
		{name: "invalid YAML", old: "surveys: 0.30", new: "    surveys: [0.30",
			message: "invalid YAML"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			lines := strings.Split(shipped(t), "\n")
			want := -1
			for i, l := range lines {
				if want < 0 && strings.Contains(l, tc.old) {
					want, lines[i] = i+1, tc.new
				}
			}
			if want < 0 {
				t.Fatalf("no line contains %q", tc.old)
			}
			lines = strings.Split(strings.Join(lines, "\n"), "\n") // an edit of several lines
			for i, l := range lines {
				if tc.atKey != "" && strings.HasPrefix(l, tc.atKey) {
					want = i + 1
				}
			}
			if tc.wholeFile {
				want = 0
			}
			fsys := fstest.MapFS{standing.File: {Data: []byte(strings.Join(lines, "\n"))}}
			c, err := standing.Load(fsys, standing.File)
			var ps standing.Problems
			if err != nil && !errors.As(err, &ps) {
				t.Fatalf("Load: %v is not Problems", err)
			}
			if err == nil {
				ps = c.CheckCourses(known)
			}
			for _, p := range ps {
				if p.Field == tc.field && p.Line == want && strings.Contains(p.Message, tc.message) {
					return
				}
			}
			t.Errorf("want %s:%d: %s: …%s…; got %v", standing.File, want, tc.field, tc.message, ps)
		})
	}
}

// TestStipendSectionRequired: without the stipend section nobody would be
// paid; Load says the section is missing.
func TestStipendSectionRequired(t *testing.T) {
	t.Parallel()
	y := shipped(t)
	i := strings.Index(y, "\nstipend:")
	if i < 0 {
		t.Fatal("standing.yaml has no stipend section")
	}
	_, err := standing.Load(fstest.MapFS{standing.File: {Data: []byte(y[:i+1])}}, standing.File)
	var ps standing.Problems
	if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Field != "stipend" || !strings.Contains(ps[0].Message, "is missing") {
		t.Fatalf("Load without the stipend section: %v", err)
	}
	c, err := standing.Load(content.FS, standing.File)
	if err != nil {
		t.Fatal(err)
	}
	st := c.Stipend
	if strings.Join(st.PaidStatuses, ",") != "active,probation" || !st.RequiresApprovedReport || !st.ProrateByContractDays || len(st.Reductions) != 0 {
		t.Fatalf("the shipped stipend rules: %+v", st)
	}
}
