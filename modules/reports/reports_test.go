package reports

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/certification"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/standing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// lastDay is the ExpiresAt of a cycle whose last valid day is y-m-d.
func lastDay(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d+1, 0, 0, 0, 0, clock.VN)
}

// day is midnight of y-m-d in Vietnam (a contract's last day).
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, clock.VN) }

func cert(person, course string, expires time.Time, revoked bool) certification.Certificate {
	c := certification.Certificate{ID: person + "/" + course, Collaborator: person, Course: course,
		Cycles: []certification.Cycle{{N: 1, IssuedAt: expires.AddDate(-2, 0, 0), ExpiresAt: expires}}}
	if revoked {
		c.Revoked = &certification.Revocation{At: time.Date(2026, 2, 1, 9, 0, 0, 0, clock.VN), By: "u-coord", Reason: "gian lận"}
	}
	return c
}

func kpis(p, s, r, on float64) standing.KPIs {
	return standing.KPIs{standing.Profiles: p, standing.Surveys: s, standing.Referrals: r, standing.ReportOnTime: on}
}

// fixture is the small fixed data set of the golden files, at 15 June
// 2026 10:00 in Vietnam.
func fixture() Inputs {
	rule := certification.Rule{ValidityMonths: 24, RenewalWindowDays: 60}
	q1, q4 := clock.Quarter{Year: 2026, Q: 1}, clock.Quarter{Year: 2025, Q: 4}
	target := kpis(12, 6, 1, 1)
	return Inputs{
		Now: time.Date(2026, 6, 15, 10, 0, 0, 0, clock.VN),
		// The registry's names; HP-LC has none (shown by its code).
		Areas: map[string]string{"HN-BD": "Quận Ba Đình", "HN-CG": "Quận Cầu Giấy"},
		People: []Person{
			{ID: "p1", Code: "CTV-001", Name: "Nguyễn Thị Lan", Role: "ctv", Area: "HN-BD", Standing: standing.Attention,
				ContractNumber: "HD-001", ContractStatus: "active", ContractEnd: day(2026, 6, 30)}, // 15 days
			{ID: "p2", Code: "CTV-002", Name: "Trần Văn Đức", Role: "ctv", Area: "HN-BD", Standing: standing.AtRisk,
				ContractNumber: "HD-002", ContractStatus: "active", ContractEnd: day(2026, 9, 30)}, // 107 days
			{ID: "p3", Code: "TL-001", Name: "Lê Minh Hải", Role: "team_leader", Area: "HN-CG", Standing: standing.Good, RenewalEligible: true,
				ContractNumber: "HD-003", ContractStatus: "active", ContractEnd: day(2026, 6, 15)}, // ends today
			{ID: "p4", Code: "CTV-003", Name: "Phạm Thu Hà", Role: "ctv", Area: "HP-LC", Standing: standing.Attention,
				ContractNumber: "HD-004", ContractStatus: "ended", ContractEnd: day(2026, 7, 1)}, // ended early
		},
		Sessions: []Session{
			{ID: "s-old", Course: "KC-102", Area: "HN-BD", StartsAt: time.Date(2026, 6, 1, 8, 0, 0, 0, clock.VN)}, // past
			{ID: "s-cg", Course: "KC-102", Area: "HN-CG", StartsAt: time.Date(2026, 6, 20, 8, 0, 0, 0, clock.VN)}, // another district
			{ID: "s-all", Course: "KC-102", StartsAt: time.Date(2026, 7, 2, 8, 0, 0, 0, clock.VN)},                // the network's
			{ID: "s-bd", Course: "KC-102", Area: "HN-BD", StartsAt: time.Date(2026, 7, 9, 8, 0, 0, 0, clock.VN)},  // later
			{ID: "s-103", Course: "KC-103", Area: "HN-BD", StartsAt: time.Date(2026, 6, 25, 8, 0, 0, 0, clock.VN)},
		},
		Courses: []Course{{"KC-101", rule}, {"KC-102", rule}, {"KC-103", rule}, {"KC-104", rule}, {"KC-105", rule}},
		Required: map[string][]string{
			"ctv":         {"KC-101", "KC-102", "KC-103"},
			"team_leader": {"KC-101", "KC-102", "KC-104"},
		},
		Certificates: []certification.Certificate{
			cert("p1", "KC-101", lastDay(2027, 1, 10), false), // valid
			cert("p1", "KC-102", lastDay(2026, 7, 20), false), // expiring, 35 days
			cert("p2", "KC-101", lastDay(2026, 3, 1), false),  // expired
			cert("p2", "KC-102", lastDay(2027, 3, 1), true),   // revoked
			cert("p2", "KC-103", lastDay(2026, 7, 1), false),  // expiring, 16 days
			cert("p3", "KC-101", lastDay(2027, 5, 1), true),   // revoked, then earned again:
			cert("p3", "KC-101", lastDay(2028, 4, 30), false), // valid (the best counts)
			cert("p3", "KC-102", lastDay(2026, 9, 10), false), // valid, 87 days
			cert("p3", "KC-103", lastDay(2027, 9, 10), false), // not required of a team leader
			cert("p3", "KC-104", lastDay(2026, 6, 15), false), // expiring, ends tonight
			cert("p9", "KC-101", lastDay(2027, 1, 1), false),  // nobody in the list
			cert("p1", "KC-999", lastDay(2027, 1, 1), false),  // no such course
		},
		Records: []Record{
			{Person: "p1", Area: "HN-BD", Quarter: q1, Status: standing.RecordApproved, Targets: target, Actuals: kpis(10, 6, 0, 1), Attainment: 0.75},
			{Person: "p1", Area: "HN-BD", Quarter: q4, Status: standing.RecordApproved, Targets: target, Actuals: kpis(6, 3, 0, 1), Attainment: 0.5},
			{Person: "p2", Area: "HN-BD", Quarter: q1, Status: standing.RecordSubmitted, Targets: target, Actuals: kpis(2, 1, 0, 0), Attainment: 0.3},
			{Person: "p2", Area: "HN-BD", Quarter: q4, Status: standing.RecordApproved, Targets: target, Actuals: kpis(12, 6, 1, 1), Attainment: 1},
			{Person: "p3", Area: "HN-CG", Quarter: q1, Status: standing.RecordApproved, Targets: target, Actuals: kpis(12, 6, 1, 1), Attainment: 0.95},
			{Person: "p3", Area: "HN-CG", Quarter: q4, Status: standing.RecordDraft, Targets: target, Actuals: kpis(3, 0, 0, 0), Attainment: 0.2},
			{Person: "p4", Area: "HP-LC", Quarter: q4, Status: standing.RecordApproved, Targets: target, Actuals: kpis(1, 1, 0, 0), Attainment: 0.15},
		},
		// Two sessions of KC-101 held in 2026-Q1, one of KC-102 in Q2 and
		// one to come (not counted); a person outside the list and a
		// course outside the catalog are left out.
		Marks: []Mark{
			{"p1", "s-a", "KC-101", at(2026, 2, 10), MarkPresent}, {"p2", "s-a", "KC-101", at(2026, 2, 10), MarkLate},
			{"p3", "s-a", "KC-101", at(2026, 2, 10), MarkExcused}, {"p4", "s-a", "KC-101", at(2026, 2, 10), MarkAbsent},
			{"p1", "s-b", "KC-101", at(2026, 3, 5), ""}, {"p2", "s-b", "KC-101", at(2026, 3, 5), MarkAbsent},
			{"p1", "s-c", "KC-102", at(2026, 5, 20), MarkPresent}, {"p2", "s-c", "KC-102", at(2026, 5, 20), MarkPresent},
			{"p3", "s-c", "KC-102", at(2026, 5, 20), MarkPresent}, {"p9", "s-c", "KC-102", at(2026, 5, 20), MarkPresent},
			{"p1", "s-d", "KC-102", at(2026, 6, 20), ""}, {"p1", "s-x", "KC-999", at(2026, 5, 2), MarkPresent},
		},
		Attempts: []Graded{
			{"p1", "KC-101", at(2026, 3, 1), false}, {"p1", "KC-101", at(2026, 3, 8), true}, {"p2", "KC-101", at(2026, 2, 20), true},
			{"p4", "KC-101", at(2026, 3, 10), false}, {"p1", "KC-102", at(2026, 5, 25), true}, {"p3", "KC-102", at(2026, 5, 25), true},
			{"p3", "KC-102", at(2026, 5, 26), true}, {"p9", "KC-102", at(2026, 5, 26), true},
		},
	}
}

// at is 8:00 of y-m-d in Vietnam (a session's start, an attempt's submission).
func at(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 8, 0, 0, 0, clock.VN) }

// golden compares v, as indented JSON, with testdata/name (rewritten
// with -update).
func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; got:\n%s", name, got)
	}
}

func TestMatrixGolden(t *testing.T) {
	t.Parallel()
	x := Build(fixture())
	for _, tc := range []struct {
		name string
		f    Filter
	}{
		{"matrix_all.json", Filter{}},
		{"matrix_area_HN-BD.json", Filter{Area: "HN-BD"}},
		{"matrix_role_team_leader.json", Filter{Role: "team_leader"}},
		{"matrix_course_KC-103.json", Filter{Course: "KC-103"}},
		{"matrix_standing_attention.json", Filter{Standing: standing.Attention}},
		{"matrix_course_unknown.json", Filter{Course: "KC-999"}},
	} {
		t.Run(tc.name, func(t *testing.T) { golden(t, tc.name, x.Matrix(tc.f)) })
	}
}

// TestReportsGolden compares the coverage, contracts and quarters reports
// with their golden files, a subtest a file.
func TestReportsGolden(t *testing.T) {
	t.Parallel()
	x := Build(fixture())
	for _, tc := range []struct {
		name   string
		report func() any
	}{
		{"coverage_all.json", func() any { return x.Coverage("") }},
		{"coverage_HN-BD.json", func() any { return x.Coverage("HN-BD") }},
		{"contracts_90.json", func() any { return x.Contracts("", 90) }},
		{"contracts_HN-BD_120.json", func() any { return x.Contracts("HN-BD", 120) }},
		{"quarters_all.json", func() any { return x.Quarters("") }},
		{"quarters_HN-BD.json", func() any { return x.Quarters("HN-BD") }},
	} {
		t.Run(tc.name, func(t *testing.T) { golden(t, tc.name, tc.report()) })
	}
}

// TestContractsAndSessions states the contracts report and the coverage's
// next sessions one by one.
func TestContractsAndSessions(t *testing.T) {
	t.Parallel()
	x := Build(fixture())
	// p3's ends today (0 days), p1's in 15; p2's is 107 days away; p4's
	// contract is ended already.
	got := x.Contracts("", 90)
	if len(got) != 2 || got[0].ID != "p3" || got[0].Days != 0 || !got[0].RenewalEligible || got[0].Number != "HD-003" ||
		got[1].ID != "p1" || got[1].Days != 15 || got[1].RenewalEligible || got[1].Standing != standing.Attention {
		t.Errorf("contracts within 90 days: %+v", got)
	}
	if got := x.Contracts("HN-BD", 107); len(got) != 2 || got[1].ID != "p2" || got[1].Days != 107 {
		t.Errorf("HN-BD within 107 days: %+v", got)
	}
	if got := x.Contracts("HN-CG", 0); len(got) != 1 || got[0].ID != "p3" {
		t.Errorf("HN-CG today: %+v", got)
	}
	// Expiring certificates and the session that would renew each: the
	// first from today open to the person's district (their own or the
	// network's), not a past one nor another district's.
	next := map[string]string{}
	for _, d := range x.Coverage("") {
		for _, e := range d.Expiring {
			id := ""
			if e.NextSession != nil {
				id = e.NextSession.ID
			}
			next[e.ID+"/"+e.Course] = id
		}
	}
	want := map[string]string{"p1/KC-102": "s-all", "p2/KC-103": "s-103", "p3/KC-102": "s-cg", "p3/KC-104": ""}
	for k, w := range want {
		if next[k] != w {
			t.Errorf("%s's next session %q, want %q", k, next[k], w)
		}
	}
	if len(next) != len(want) {
		t.Errorf("expiring %v, want %v", next, want)
	}
}

// TestMatrixCells states the fixture's cells one by one, so the golden
// files are checked against the rules and not only against themselves.
func TestMatrixCells(t *testing.T) {
	t.Parallel()
	m := Build(fixture()).Matrix(Filter{})
	if want := []string{"KC-101", "KC-102", "KC-103", "KC-104"}; !equal(m.Courses, want) {
		t.Fatalf("columns %v, want %v (KC-105 is required of nobody)", m.Courses, want)
	}
	want := map[string][4]string{
		"p1": {CellValid, CellExpiring, CellMissing, CellNotRequired},
		"p2": {CellExpired, CellRevoked, CellExpiring, CellNotRequired},
		"p3": {CellValid, CellValid, CellNotRequired, CellExpiring},
		"p4": {CellMissing, CellMissing, CellMissing, CellNotRequired},
	}
	for _, row := range m.Rows {
		for j, cell := range row.Cells {
			if w := want[row.ID][j]; cell.Status != w {
				t.Errorf("%s at %s: %s, want %s", row.ID, m.Courses[j], cell.Status, w)
			}
		}
	}
	if got := m.Rows[2].Cells[0].ValidUntil.Format(time.DateOnly); got != "2028-04-30" {
		t.Errorf("p3's KC-101 valid until %s, want the later certificate's 2028-04-30", got)
	}
	if la := m.Rows[0].LastAttainment; la == nil || la.Quarter != "2026-Q1" || la.Value != 0.75 {
		t.Errorf("p1's last attainment %+v, want 2026-Q1 0.75", la)
	}
	if la := m.Rows[1].LastAttainment; la == nil || la.Quarter != "2025-Q4" {
		t.Errorf("p2's last attainment %+v, want 2025-Q4 (2026-Q1 is only submitted)", la)
	}
	if want := (Counts{Valid: 2, Expired: 1, Missing: 1}); m.Totals[0] != want {
		t.Errorf("KC-101 totals %+v, want %+v", m.Totals[0], want)
	}
	cov := Build(fixture()).Coverage("HN-CG")
	if len(cov) != 1 || len(cov[0].Expiring) != 2 || cov[0].Expiring[0].Days != 0 || cov[0].Expiring[1].Days != 87 {
		t.Errorf("HN-CG expiring %+v, want KC-104 today and KC-102 in 87 days", cov)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
