package standing

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/ctvacademy/academy/modules/platform/srcpos"
	"go.yaml.in/yaml/v3"
)

// File is where the standing rules live in the content file system.
const File = "standing.yaml"

// Config is content/standing.yaml: the thresholds and mappings that turn
// certificates, quarterly records and a contract into a standing.
type Config struct {
	Performance   Performance   `yaml:"performance"`
	Certification Certification `yaml:"certification"`
	Contract      ContractRules `yaml:"contract"`
	// ContractTermMonths is the term a renewed contract gets.
	ContractTermMonths int `yaml:"contract_term_months"`
	// Stipend is what a quarter's stipend sheet pays.
	Stipend StipendRules `yaml:"stipend"`

	root *yaml.Node // the parsed file, for the lines of fields
}

// Performance holds the rules for quarterly records.
type Performance struct {
	// Weights of each KPI in a quarter's attainment; they sum to 1.
	Weights map[KPI]float64 `yaml:"weights"`
	// A closed quarter's attainment below AttentionBelow is a reason for
	// attention, below AtRiskBelow one for at_risk.
	AttentionBelow float64 `yaml:"attention_below"`
	AtRiskBelow    float64 `yaml:"at_risk_below"`
	// RecentQuarters is how many closed quarters count (1 to 4).
	RecentQuarters int `yaml:"recent_quarters"`
	// RenewalMinAttainment is the mean attainment of the recent approved
	// quarters a renewal needs.
	RenewalMinAttainment float64 `yaml:"renewal_min_attainment"`
	// ReportDueDays after a quarter ends, a quarter with no approved
	// record is a reason and blocks a renewal; before, it is pending.
	ReportDueDays int `yaml:"report_due_days"`
	// A KPI whose mean actual/target over the recent approved quarters is
	// below WeakKPIBelow is weak, and Courses names what closes the gap.
	WeakKPIBelow float64          `yaml:"weak_kpi_below"`
	Courses      map[KPI][]string `yaml:"courses"`
}

// Certification holds the standing each certificate problem leads to.
type Certification struct {
	Expiring Standing `yaml:"expiring"`
	Expired  Standing `yaml:"expired"`
	Revoked  Standing `yaml:"revoked"`
	Missing  Standing `yaml:"missing"`
}

// ContractRules holds when a contract is a reason, and how serious.
type ContractRules struct {
	// EndingSoonDays: a contract ending within this many days is a reason
	// for attention.
	EndingSoonDays int      `yaml:"ending_soon_days"`
	Probation      Standing `yaml:"probation"`
	Suspended      Standing `yaml:"suspended"`
	// Ended is also the standing of a person with no contract.
	Ended Standing `yaml:"ended"`
}

// StipendRules are the rules of a quarter's stipend sheet: what each
// person is paid of their contract's quarterly_stipend.
type StipendRules struct {
	// PaidStatuses are the contract statuses that are paid; a contract in
	// any other status is paid nothing.
	PaidStatuses []string `yaml:"paid_statuses"`
	// RequiresApprovedReport: a quarter without an approved record pays
	// nothing (the quarterly report is what the stipend is paid on).
	RequiresApprovedReport bool `yaml:"requires_approved_report"`
	// ProrateByContractDays: a contract that starts or ends inside the
	// quarter is paid for the days of the quarter it covers.
	ProrateByContractDays bool `yaml:"prorate_by_contract_days"`
	// Reductions pay a share of the stipend when the approved attainment
	// is below a threshold; the lowest threshold the attainment is under
	// applies. None: an approved quarter is paid whole.
	Reductions []Reduction `yaml:"reductions"`
}

// Reduction pays Share of the stipend for an approved attainment below
// AttainmentBelow.
type Reduction struct {
	AttainmentBelow float64 `yaml:"attainment_below"`
	Share           float64 `yaml:"pay_share"`
}

// Reduced is the share of the stipend an approved attainment is paid
// under the reductions, and the reduction that applies (nil: paid whole).
func (r StipendRules) Reduced(attainment float64) (float64, *Reduction) {
	var out *Reduction
	for i, x := range r.Reductions {
		if attainment < x.AttainmentBelow && (out == nil || x.AttainmentBelow < out.AttainmentBelow) {
			out = &r.Reductions[i]
		}
	}
	if out == nil {
		return 1, nil
	}
	return out.Share, out
}

// contractStatuses are the statuses a contract may have.
var contractStatuses = []string{ContractActive, ContractProbation, ContractSuspended, ContractEnded}

// Problem is one thing wrong with standing.yaml: the field (a dotted path,
// like "performance.weights") at a line of File (0: the whole file).
type Problem struct {
	Line    int
	Field   string
	Message string
}

// String writes the problem as "standing.yaml:line: field: message".
func (p Problem) String() string {
	s := File
	if p.Line > 0 {
		s += fmt.Sprintf(":%d", p.Line)
	}
	if p.Field != "" {
		s += ": " + p.Field
	}
	return s + ": " + p.Message
}

// Problems is a list of problems; as an error it lists them one a line.
type Problems []Problem

func (ps Problems) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the standing rules have %d problem(s):", len(ps))
	for _, p := range ps {
		b.WriteString("\ncontent/" + p.String())
	}
	return b.String()
}

// Load reads and validates the standing rules at file in fsys (File in
// content.FS). A file that cannot be read, parsed or that breaks a rule
// is a Problems error naming each field and line. Course codes are not
// checked here: see CheckCourses, which a caller may run on the Config
// returned with an error too.
func Load(fsys fs.FS, file string) (Config, error) {
	var c Config
	b, err := fs.ReadFile(fsys, file)
	if err != nil {
		return c, Problems{{Message: "cannot read: " + err.Error()}}
	}
	c.root, err = srcpos.Strict(b, &c)
	if e := (*srcpos.Error)(nil); errors.As(err, &e) {
		return c, Problems{{Line: e.Line, Message: e.Msg}}
	}
	if ps := c.validate(); len(ps) > 0 {
		return c, ps
	}
	return c, nil
}

// validate checks every value against its rule.
func (c Config) validate() Problems {
	var out Problems
	add := func(field, format string, args ...any) {
		out = append(out, Problem{Line: c.line(field), Field: field, Message: fmt.Sprintf(format, args...)})
	}
	p := c.Performance
	sum := 0.0
	for k, w := range p.Weights {
		if !known(k) {
			add("performance.weights."+string(k), "is not a KPI: the KPIs are %s", kpiNames())
		}
		if w < 0 || w > 1 {
			add("performance.weights."+string(k), "must be from 0 to 1")
		}
		sum += w
	}
	if math.Abs(sum-1) > 1e-6 {
		add("performance.weights", "must sum to 1 (they sum to %g)", math.Round(sum*1e6)/1e6)
	}
	for _, f := range []struct {
		field string
		v     float64
	}{
		{"performance.attention_below", p.AttentionBelow},
		{"performance.at_risk_below", p.AtRiskBelow},
		{"performance.renewal_min_attainment", p.RenewalMinAttainment},
		{"performance.weak_kpi_below", p.WeakKPIBelow},
	} {
		if f.v < 0 || f.v > 1 {
			add(f.field, "must be from 0 to 1 (an attainment: 0.6 is 60%%)")
		}
	}
	if p.AtRiskBelow > p.AttentionBelow {
		add("performance.at_risk_below", "must not be above performance.attention_below")
	}
	for _, f := range []struct {
		field     string
		v, lo, hi int
	}{
		{"performance.recent_quarters", p.RecentQuarters, 1, 4},
		{"performance.report_due_days", p.ReportDueDays, 0, 92},
		{"contract.ending_soon_days", c.Contract.EndingSoonDays, 0, 366},
		{"contract_term_months", c.ContractTermMonths, 1, 60},
	} {
		if f.v < f.lo || f.v > f.hi {
			add(f.field, "must be a whole number from %d to %d", f.lo, f.hi)
		}
	}
	for k := range p.Courses {
		if !known(k) {
			add("performance.courses."+string(k), "is not a KPI: the KPIs are %s", kpiNames())
		}
	}
	for _, f := range []struct {
		field string
		v     Standing
	}{
		{"certification.expiring", c.Certification.Expiring},
		{"certification.expired", c.Certification.Expired},
		{"certification.revoked", c.Certification.Revoked},
		{"certification.missing", c.Certification.Missing},
		{"contract.probation", c.Contract.Probation},
		{"contract.suspended", c.Contract.Suspended},
		{"contract.ended", c.Contract.Ended},
	} {
		if f.v != Good && f.v != Attention && f.v != AtRisk {
			add(f.field, "must be good, attention or at_risk")
		}
	}
	out = append(out, c.validateStipend()...)
	// The weights and courses are maps: list their problems in file order.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

// validateStipend checks the stipend section: present, known contract
// statuses listed once, thresholds and shares from 0 to 1, each threshold
// once.
func (c Config) validateStipend() Problems {
	var out Problems
	if c.root != nil && c.line("stipend") == 0 {
		return Problems{{Field: "stipend", Message: "is missing: the stipend sheet's rules (paid_statuses, requires_approved_report, prorate_by_contract_days, reductions)"}}
	}
	st := c.Stipend
	seen := map[string]bool{}
	for i, s := range st.PaidStatuses {
		field := fmt.Sprintf("stipend.paid_statuses[%d]", i)
		switch {
		case !slices.Contains(contractStatuses, s):
			out = append(out, Problem{Line: c.itemLine("stipend.paid_statuses", i), Field: field,
				Message: fmt.Sprintf("%q is not a contract status: the statuses are %s", s, strings.Join(contractStatuses, ", "))})
		case seen[s]:
			out = append(out, Problem{Line: c.itemLine("stipend.paid_statuses", i), Field: field, Message: fmt.Sprintf("%q is listed twice", s)})
		}
		seen[s] = true
	}
	below := map[float64]bool{}
	for i, r := range st.Reductions {
		field, line := fmt.Sprintf("stipend.reductions[%d]", i), c.itemLine("stipend.reductions", i)
		if r.AttainmentBelow <= 0 || r.AttainmentBelow > 1 {
			out = append(out, Problem{Line: line, Field: field + ".attainment_below", Message: "must be above 0 and at most 1 (an attainment: 0.4 is 40%)"})
		}
		if r.Share < 0 || r.Share >= 1 {
			out = append(out, Problem{Line: line, Field: field + ".pay_share", Message: "must be from 0 to below 1 (the share of the stipend paid: 0.5 is half)"})
		}
		if below[r.AttainmentBelow] {
			out = append(out, Problem{Line: line, Field: field + ".attainment_below", Message: "this threshold is listed twice"})
		}
		below[r.AttainmentBelow] = true
	}
	return out
}

// itemLine is the line of the i-th item of a list field, or the field's
// own line when the item is not found.
func (c Config) itemLine(field string, i int) int {
	if c.root == nil || len(c.root.Content) == 0 {
		return 0
	}
	n := c.root.Content[0]
	for _, key := range strings.Split(field, ".") {
		if n, _ = child(n, key); n == nil {
			return c.line(field)
		}
	}
	if n.Kind == yaml.SequenceNode && i < len(n.Content) {
		return n.Content[i].Line
	}
	return c.line(field)
}

// CheckCourses reports every course of performance.courses that is not in
// the catalog (known tells whether a course code is).
func (c Config) CheckCourses(known func(code string) bool) Problems {
	var out Problems
	for _, k := range KPIList {
		for i, code := range c.Performance.Courses[k] {
			if !known(code) {
				field := fmt.Sprintf("performance.courses.%s[%d]", k, i)
				out = append(out, Problem{Line: c.line("performance.courses." + string(k)), Field: field,
					Message: fmt.Sprintf("%q is not a course under content/courses", code)})
			}
		}
	}
	return out
}

// line is the line of a field ("performance.weights.profiles"), or of the
// nearest enclosing one that is in the file; 0 when not read from a file.
func (c Config) line(field string) int {
	if c.root == nil || len(c.root.Content) == 0 {
		return 0
	}
	n, line := c.root.Content[0], 0
	for _, key := range strings.Split(field, ".") {
		next, keyLine := child(n, key)
		if next == nil {
			break
		}
		n, line = next, keyLine
	}
	return line
}

// child returns the value of key in a mapping node and the key's line.
func child(m *yaml.Node, key string) (*yaml.Node, int) {
	if m.Kind != yaml.MappingNode {
		return nil, 0
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1], m.Content[i].Line
		}
	}
	return nil, 0
}

func known(k KPI) bool { return slices.Contains(KPIList, k) }

func kpiNames() string {
	names := make([]string, len(KPIList))
	for i, k := range KPIList {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}
