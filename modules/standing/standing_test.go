package standing_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/standing"
)

// rules are the thresholds of these tests, written here so that the
// shipped content/standing.yaml can change without changing them.
func rules() standing.Config {
	return standing.Config{
		Performance: standing.Performance{
			Weights:        map[standing.KPI]float64{"profiles": 0.3, "surveys": 0.3, "referrals": 0.15, "report_on_time": 0.25},
			AttentionBelow: 0.6, AtRiskBelow: 0.4, RecentQuarters: 2, RenewalMinAttainment: 0.6,
			ReportDueDays: 30, WeakKPIBelow: 0.6,
			Courses: map[standing.KPI][]string{"profiles": {"KC-105"}, "surveys": {"KC-103"},
				"referrals": {"KC-104", "KC-101"}, "report_on_time": {"KC-105", "KC-102"}},
		},
		Certification: standing.Certification{Expiring: standing.Attention, Expired: standing.AtRisk,
			Revoked: standing.AtRisk, Missing: standing.Attention},
		Contract:           standing.ContractRules{EndingSoonDays: 30, Probation: standing.Attention, Suspended: standing.AtRisk, Ended: standing.AtRisk},
		ContractTermMonths: 12,
	}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, clock.VN) }

func q(s string) clock.Quarter {
	x, err := clock.ParseQuarter(s)
	if err != nil {
		panic(err)
	}
	return x
}

var (
	targets = standing.KPIs{"profiles": 12, "surveys": 6, "referrals": 1, "report_on_time": 1}
	met     = standing.KPIs{"profiles": 12, "surveys": 6, "referrals": 1, "report_on_time": 1}
)

// approved is an approved record of quarter with the given attainment and
// every KPI met (so that no KPI is weak unless a case says so).
func approved(quarter string, attainment float64) standing.QuarterRecord {
	return standing.QuarterRecord{Quarter: q(quarter), Status: standing.RecordApproved, Targets: targets, Actual: met, Attainment: attainment}
}

// good is a collaborator in good standing on 9 September 2026 (2026-Q3):
// both required certificates valid, 2026-Q1 and 2026-Q2 approved above
// the threshold, an active contract until the end of 2027.
func good() standing.Inputs {
	return standing.Inputs{
		Person: standing.Person{ID: "c1", Role: "ctv", Area: "LT"},
		Required: []standing.CourseCert{
			{Course: "KC-101", Status: standing.CertValid, ExpiresAt: day(2027, 6, 30)},
			{Course: "KC-103", Status: standing.CertValid, ExpiresAt: day(2027, 8, 31)},
		},
		Quarters: []standing.QuarterRecord{approved("2025-Q4", 0.2), approved("2026-Q1", 0.7), approved("2026-Q2", 0.8),
			{Quarter: q("2026-Q3"), Status: standing.RecordDraft, Targets: targets, Attainment: 0.1}},
		Contract: standing.Contract{Number: "HĐ-2025/017", Start: day(2025, 1, 1), End: day(2027, 12, 31),
			Status: standing.ContractActive, Stipend: 1_500_000},
		NextSessions: map[string]standing.Session{
			"KC-101": {ID: "s101", StartsAt: day(2026, 9, 20).Add(8 * time.Hour)},
			"KC-104": {ID: "s104", StartsAt: day(2026, 10, 2).Add(8 * time.Hour)},
		},
		Config: rules(),
		Now:    day(2026, 9, 9).Add(10 * time.Hour),
	}
}

func TestCompute(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		edit     func(in *standing.Inputs)
		standing standing.Standing
		reasons  []string // codes, in order
		en, vi   []string // the reasons' texts, when the case checks them
		eligible bool
		courses  []string // recommended, in order
	}{
		{name: "good: every certificate valid, recent quarters above the threshold, contract far from its end",
			edit: func(in *standing.Inputs) {}, standing: standing.Good, eligible: true},
		{name: "no certificate required for the role",
			edit: func(in *standing.Inputs) { in.Required = nil }, standing: standing.Good, eligible: true},

		// Certificates.
		{name: "an expiring certificate: attention, still eligible, its course recommended with its next session",
			edit:     func(in *standing.Inputs) { in.Required[0] = cert("KC-101", standing.CertExpiring, day(2026, 9, 30)) },
			standing: standing.Attention, reasons: []string{"certificate_expiring"},
			// ExpiresAt is the first day not covered: valid through the 29th,
			// as the certificate's valid_until says.
			en:       []string{"KC-101 valid until 2026-09-29 (20 days left)"},
			vi:       []string{"Chứng nhận KC-101 còn hiệu lực đến hết ngày 29/09/2026 (còn 20 ngày)"},
			eligible: true, courses: []string{"KC-101"}},
		{name: "an expired certificate: at risk, not eligible",
			edit:     func(in *standing.Inputs) { in.Required[0] = cert("KC-101", standing.CertExpired, day(2026, 8, 31)) },
			standing: standing.AtRisk, reasons: []string{"certificate_expired"},
			en: []string{"KC-101 expired 2026-08-31"}, vi: []string{"Chứng nhận KC-101 đã hết hạn ngày 31/08/2026"},
			courses: []string{"KC-101"}},
		{name: "a certificate still marked valid after its expiry is expired",
			edit:     func(in *standing.Inputs) { in.Required[1] = cert("KC-103", standing.CertValid, day(2026, 9, 9)) },
			standing: standing.AtRisk, reasons: []string{"certificate_expired"}, en: []string{"KC-103 expired 2026-09-09"},
			courses: []string{"KC-103"}},
		{name: "a revoked certificate: at risk, not eligible",
			edit:     func(in *standing.Inputs) { in.Required[1] = cert("KC-103", standing.CertRevoked, day(2027, 8, 31)) },
			standing: standing.AtRisk, reasons: []string{"certificate_revoked"},
			en: []string{"KC-103 certificate revoked"}, vi: []string{"Chứng nhận KC-103 đã bị thu hồi"}, courses: []string{"KC-103"}},
		{name: "a missing certificate: attention (by the rules), not eligible",
			edit:     func(in *standing.Inputs) { in.Required[1] = cert("KC-103", standing.CertMissing, time.Time{}) },
			standing: standing.Attention, reasons: []string{"certificate_missing"},
			en: []string{"No KC-103 certificate"}, vi: []string{"Chưa có chứng nhận KC-103"}, courses: []string{"KC-103"}},

		// Performance.
		{name: "a quarter below attention: attention; the mean of the two still allows a renewal",
			edit: func(in *standing.Inputs) {
				in.Quarters[1], in.Quarters[2] = approved("2026-Q1", 0.8), approved("2026-Q2", 0.42)
			}, standing: standing.Attention, reasons: []string{"attainment_low"},
			en: []string{"Q2 2026 attainment 42% < 60%"}, vi: []string{"Quý 2/2026 đạt 42% chỉ tiêu, dưới mức 60%"}, eligible: true},
		{name: "a quarter below at risk, and the mean below the renewal threshold",
			edit:     func(in *standing.Inputs) { in.Quarters[2] = approved("2026-Q2", 0.3) },
			standing: standing.AtRisk, reasons: []string{"attainment_low", "attainment_below_renewal"},
			en: []string{"Q2 2026 attainment 30% < 40%", "Recent attainment 50% < 60% needed for a renewal"},
			vi: []string{"Quý 2/2026 đạt 30% chỉ tiêu, dưới mức 40%", "Mức đạt chỉ tiêu các quý gần đây 50%, dưới mức 60% cần để gia hạn hợp đồng"}},
		{name: "both quarters exactly at the thresholds: good and eligible",
			edit: func(in *standing.Inputs) {
				in.Quarters[1], in.Quarters[2] = approved("2026-Q1", 0.6), approved("2026-Q2", 0.6)
			}, standing: standing.Good, eligible: true},
		{name: "exactly at the at-risk threshold is attention, not at risk",
			edit:     func(in *standing.Inputs) { in.Quarters[2] = approved("2026-Q2", 0.4) },
			standing: standing.Attention, reasons: []string{"attainment_low", "attainment_below_renewal"}, en: []string{"Q2 2026 attainment 40% < 60%", "Recent attainment 55% < 60% needed for a renewal"}},
		{name: "just under: 59.9% reads 59%, and a mean a hair under the renewal threshold refuses it",
			edit: func(in *standing.Inputs) {
				in.Quarters[1], in.Quarters[2] = approved("2026-Q1", 0.6), approved("2026-Q2", 0.599)
			}, standing: standing.Attention, reasons: []string{"attainment_low", "attainment_below_renewal"},
			en: []string{"Q2 2026 attainment 59% < 60%", "Recent attainment 59% < 60% needed for a renewal"}},
		{name: "only the recent quarters count: a bad quarter a year ago and the draft of the current one do not",
			edit: func(in *standing.Inputs) {
				in.Quarters = append(in.Quarters, approved("2025-Q3", 0.1))
			}, standing: standing.Good, eligible: true},
		{name: "a quarter past its report date with no record: attention, not eligible",
			edit:     func(in *standing.Inputs) { in.Quarters = in.Quarters[:2] },
			standing: standing.Attention, reasons: []string{"report_missing"},
			en: []string{"Q2 2026: no approved report"}, vi: []string{"Quý 2/2026 chưa có báo cáo được duyệt"}},
		{name: "a submitted record is not an approved one",
			edit:     func(in *standing.Inputs) { in.Quarters[2].Status = standing.RecordSubmitted },
			standing: standing.Attention, reasons: []string{"report_missing"}},
		{name: "on the report date the missing report counts",
			edit: func(in *standing.Inputs) {
				in.Quarters, in.Now = in.Quarters[:2], day(2026, 7, 31)
			}, standing: standing.Attention, reasons: []string{"report_missing"}},
		{name: "the day before the report date it is pending, and the quarter before decides",
			edit: func(in *standing.Inputs) {
				in.Quarters, in.Now = in.Quarters[:2], day(2026, 7, 31).Add(-time.Second)
			}, standing: standing.Good, eligible: true},
		{name: "a new collaborator with nothing approved yet: good, but no renewal without a record",
			edit: func(in *standing.Inputs) {
				in.Contract.Start, in.Quarters, in.Now = day(2026, 5, 1), nil, day(2026, 7, 10)
			}, standing: standing.Good, reasons: []string{"performance_unrated"},
			en: []string{"No approved quarterly report yet to judge a renewal on"}},
		{name: "quarters before the contract started do not count",
			edit: func(in *standing.Inputs) {
				in.Contract.Start, in.Quarters = day(2026, 4, 1), in.Quarters[2:]
			}, standing: standing.Good, eligible: true},
		{name: "two missing reports and nothing approved",
			edit:     func(in *standing.Inputs) { in.Quarters = nil },
			standing: standing.Attention, reasons: []string{"report_missing", "report_missing"},
			en: []string{"Q2 2026: no approved report", "Q1 2026: no approved report"}},

		// Contract.
		{name: "a contract marked ended",
			edit:     func(in *standing.Inputs) { in.Contract.Status = standing.ContractEnded },
			standing: standing.AtRisk, reasons: []string{"contract_ended"}, eligible: true},
		{name: "a suspended contract",
			edit:     func(in *standing.Inputs) { in.Contract.Status = standing.ContractSuspended },
			standing: standing.AtRisk, reasons: []string{"contract_suspended"}, eligible: true,
			en: []string{"Contract HĐ-2025/017 suspended"}, vi: []string{"Hợp đồng HĐ-2025/017 đang tạm ngưng"}},
		{name: "a contract on probation that also ends soon",
			edit: func(in *standing.Inputs) {
				in.Contract.Status, in.Contract.End = standing.ContractProbation, day(2026, 9, 10)
			}, standing: standing.Attention, reasons: []string{"contract_probation", "contract_ending"}, eligible: true,
			en: []string{"Contract HĐ-2025/017 on probation", "Contract HĐ-2025/017 ends in 1 day (2026-09-10)"},
			vi: []string{"Hợp đồng HĐ-2025/017 đang trong thời gian thử việc", "Hợp đồng HĐ-2025/017 kết thúc sau 1 ngày (10/09/2026)"}},
		{name: "no contract",
			edit:     func(in *standing.Inputs) { in.Contract = standing.Contract{} },
			standing: standing.AtRisk, reasons: []string{"contract_missing"}, eligible: true,
			en: []string{"No contract"}, vi: []string{"Chưa có hợp đồng cộng tác viên"}},

		// Recommendations.
		{name: "weak KPIs recommend their courses, weakest first, each course once",
			edit: func(in *standing.Inputs) {
				weak := standing.KPIs{"profiles": 12, "surveys": 3, "referrals": 0.2, "report_on_time": 1}
				in.Quarters[1].Actual, in.Quarters[2].Actual = weak, standing.KPIs{"profiles": 12, "surveys": 3, "report_on_time": 1}
			}, standing: standing.Good, eligible: true,
			courses: []string{"KC-104", "KC-101", "KC-103"}},
		{name: "a KPI with no target is never weak",
			edit: func(in *standing.Inputs) {
				for _, i := range []int{1, 2} {
					in.Quarters[i].Targets = standing.KPIs{"profiles": 12, "surveys": 6, "report_on_time": 1}
					in.Quarters[i].Actual = standing.KPIs{"profiles": 12, "surveys": 6, "report_on_time": 1}
				}
			}, standing: standing.Good, eligible: true},
		{name: "certificates first, at risk before attention, then the weak KPIs' courses not already listed",
			edit: func(in *standing.Inputs) {
				in.Required = []standing.CourseCert{
					cert("KC-103", standing.CertMissing, time.Time{}),
					cert("KC-105", standing.CertExpiring, day(2026, 10, 15)),
					cert("KC-101", standing.CertExpired, day(2026, 6, 30)),
				}
				weak := standing.KPIs{"profiles": 12, "surveys": 1, "referrals": 0, "report_on_time": 1}
				in.Quarters[1].Actual, in.Quarters[2].Actual = weak, weak
			}, standing: standing.AtRisk, reasons: []string{"certificate_missing", "certificate_expiring", "certificate_expired"},
			courses: []string{"KC-101", "KC-103", "KC-105", "KC-104"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := good()
			tc.edit(&in)
			got := standing.Compute(in)
			var codes, en, vi, courses []string
			for _, r := range got.Reasons {
				codes, en, vi = append(codes, r.Code), append(en, r.Text.EN), append(vi, r.Text.VI)
			}
			for _, r := range got.RecommendedCourses {
				courses = append(courses, r.Course)
			}
			if got.Standing != tc.standing || !slices.Equal(codes, tc.reasons) || got.RenewalEligible != tc.eligible ||
				!slices.Equal(courses, tc.courses) {
				t.Errorf("got %s %v eligible %v courses %v; want %s %v eligible %v courses %v",
					got.Standing, codes, got.RenewalEligible, courses, tc.standing, tc.reasons, tc.eligible, tc.courses)
			}
			if tc.en != nil && !slices.Equal(en, tc.en) {
				t.Errorf("English %q, want %q", en, tc.en)
			}
			if tc.vi != nil && !slices.Equal(vi, tc.vi) {
				t.Errorf("Vietnamese %q, want %q", vi, tc.vi)
			}
		})
	}
}

// A contract's end is a reason from ending_soon_days before it (30 here),
// and ended from the day after it; the standing is computed on 9
// September 2026.
func TestContractEnd(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		end      time.Time
		standing standing.Standing
		en, vi   string // the one reason; none when en is empty
	}{
		{day(2026, 10, 10), standing.Good, "", ""},
		{day(2026, 10, 9), standing.Attention, "Contract HĐ-2025/017 ends in 30 days (2026-10-09)", "Hợp đồng HĐ-2025/017 kết thúc sau 30 ngày (09/10/2026)"},
		{day(2026, 9, 30), standing.Attention, "Contract HĐ-2025/017 ends in 21 days (2026-09-30)", "Hợp đồng HĐ-2025/017 kết thúc sau 21 ngày (30/09/2026)"},
		{day(2026, 9, 10), standing.Attention, "Contract HĐ-2025/017 ends in 1 day (2026-09-10)", "Hợp đồng HĐ-2025/017 kết thúc sau 1 ngày (10/09/2026)"},
		{day(2026, 9, 9), standing.Attention, "Contract HĐ-2025/017 ends today (2026-09-09)", "Hợp đồng HĐ-2025/017 kết thúc hôm nay (09/09/2026)"},
		{day(2026, 9, 8), standing.AtRisk, "Contract HĐ-2025/017 ended 2026-09-08", "Hợp đồng HĐ-2025/017 đã kết thúc ngày 08/09/2026"},
	} {
		in := good()
		in.Contract.End = tc.end
		got := standing.Compute(in)
		var want []standing.Text
		if tc.en != "" {
			want = []standing.Text{{VI: tc.vi, EN: tc.en}}
		}
		var texts []standing.Text
		for _, r := range got.Reasons {
			texts = append(texts, r.Text)
		}
		if got.Standing != tc.standing || !slices.Equal(texts, want) || !got.RenewalEligible {
			t.Errorf("ends %s: %s %v eligible %v; want %s %v, eligible", tc.end.Format("2006-01-02"), got.Standing, texts, got.RenewalEligible, tc.standing, want)
		}
	}
}

func cert(course, status string, expires time.Time) standing.CourseCert {
	return standing.CourseCert{Course: course, Status: status, ExpiresAt: expires}
}

// A recommendation carries the next session of its course, when there is
// one, and says why in both languages.
func TestRecommendationsCarryTheirSessionAndWhy(t *testing.T) {
	t.Parallel()
	in := good()
	in.Required[0] = cert("KC-101", standing.CertExpiring, day(2026, 9, 30))
	in.Quarters[2].Actual = standing.KPIs{"profiles": 12, "surveys": 2, "referrals": 0, "report_on_time": 1}
	in.Quarters[1].Actual = in.Quarters[2].Actual
	got := standing.Compute(in).RecommendedCourses
	if len(got) != 3 || got[0].Course != "KC-101" || got[1].Course != "KC-104" || got[2].Course != "KC-103" {
		t.Fatalf("recommended %+v", got)
	}
	if s := got[0].NextSession; s == nil || s.ID != "s101" {
		t.Errorf("KC-101's next session %+v, want s101", s)
	}
	if s := got[1].NextSession; s == nil || s.ID != "s104" {
		t.Errorf("KC-104's next session %+v, want s104", s)
	}
	if got[2].NextSession != nil {
		t.Errorf("KC-103 has no session scheduled, got %+v", got[2].NextSession)
	}
	why := got[1].Why
	if why.Code != "kpi_weak" || why.Params["kpi"] != "referrals" ||
		why.Text.EN != "Referrals into programmes: 0% of target in recent quarters < 60%" ||
		why.Text.VI != "Giới thiệu vào chương trình: đạt 0% chỉ tiêu các quý gần đây, dưới mức 60%" {
		t.Errorf("why KC-104: %+v", why)
	}
	if got[0].Why.Code != "certificate_expiring" {
		t.Errorf("why KC-101: %+v", got[0].Why)
	}
}

// A reason is {code, params, text:{vi,en}} in JSON, its params plain values.
func TestReasonJSON(t *testing.T) {
	t.Parallel()
	in := good()
	in.Quarters[2] = approved("2026-Q2", 0.42)
	b, err := json.Marshal(standing.Compute(in).Reasons[0])
	if err != nil {
		t.Fatal(err)
	}
	var got, want any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal([]byte(`{"code":"attainment_low","params":{"attainment":0.42,"quarter":"2026-Q2","threshold":0.6},
		"text":{"vi":"Quý 2/2026 đạt 42% chỉ tiêu, dưới mức 60%","en":"Q2 2026 attainment 42% < 60%"}}`), &want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("JSON %s\nwant %v", b, want)
	}
}

// TestContinuousServiceAndNotRenewed: a renewed term (a later Start)
// still counts the quarters of the service it continues; a contract the
// review decided to end says when it ends, until it has, then ended.
func TestContinuousServiceAndNotRenewed(t *testing.T) {
	t.Parallel()
	codes := func(r standing.Result) []string {
		var out []string
		for _, x := range r.Reasons {
			out = append(out, x.Code)
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		edit     func(*standing.Inputs)
		standing standing.Standing
		eligible bool
		codes    []string
	}{
		{"renewed yesterday, no service start: the history is lost", func(in *standing.Inputs) {
			in.Contract.Start = day(2026, 9, 8)
		}, standing.Good, false, []string{"performance_unrated"}},
		{"renewed yesterday, service since 2025", func(in *standing.Inputs) {
			in.Contract.Start, in.Contract.ServiceStart = day(2026, 9, 8), day(2025, 1, 1)
		}, standing.Good, true, nil},
		{"renewed, weak Q2 still counts", func(in *standing.Inputs) {
			in.Contract.Start, in.Contract.ServiceStart = day(2026, 9, 8), day(2025, 1, 1)
			in.Quarters[2] = approved("2026-Q2", 0.23)
		}, standing.AtRisk, false, []string{"attainment_low", "attainment_below_renewal"}},
		{"service start after start is ignored", func(in *standing.Inputs) {
			in.Contract.ServiceStart = day(2026, 9, 1)
		}, standing.Good, true, nil},
		{"not renewed, ends next year", func(in *standing.Inputs) {
			in.Contract.NotRenewed = true
		}, standing.Attention, true, []string{"contract_not_renewed"}},
		{"not renewed, ended yesterday", func(in *standing.Inputs) {
			in.Contract.NotRenewed, in.Contract.End = true, day(2026, 9, 8)
		}, standing.AtRisk, true, []string{"contract_ended"}},
	} {
		in := good()
		tc.edit(&in)
		got := standing.Compute(in)
		if got.Standing != tc.standing || got.RenewalEligible != tc.eligible || !slices.Equal(codes(got), tc.codes) {
			t.Errorf("%s: %s eligible %v %v; want %s %v %v", tc.name, got.Standing, got.RenewalEligible, codes(got), tc.standing, tc.eligible, tc.codes)
		}
	}
}

// TestEndTerm: an end decided before the last day keeps the contract
// running, marked not renewed; after it, the contract is ended.
func TestEndTerm(t *testing.T) {
	t.Parallel()
	c := standing.ContractView{Number: "A", StartsOn: "2025-07-01", EndsOn: "2027-06-30", Status: "active"}
	for _, tc := range []struct {
		now    time.Time
		status string
	}{
		{day(2026, 12, 4), "active"}, {day(2027, 6, 30).Add(20 * time.Hour), "active"}, {day(2027, 7, 1), "ended"},
	} {
		got := standing.EndTerm(c, tc.now)
		if got.Status != tc.status || !got.NotRenewed || got.EndsOn != c.EndsOn {
			t.Errorf("end decided %s: %+v, want %s and not renewed", tc.now, got, tc.status)
		}
	}
}

// A course recommended for a weak KPI whose certificate the person holds
// valid (required or not) is to review, not a quiz to spend an attempt on;
// a course whose certificate is missing, expired, expiring or past its
// day, or recommended for the certificate itself, is a quiz.
func TestRecommendationsSayWhatToDo(t *testing.T) {
	t.Parallel()
	in := good()
	in.Required[0] = cert("KC-101", standing.CertExpiring, day(2026, 9, 30))
	in.Held = []standing.CourseCert{
		cert("KC-101", standing.CertExpiring, day(2026, 9, 30)),
		cert("KC-102", standing.CertExpired, day(2026, 6, 30)),
		cert("KC-103", standing.CertValid, day(2027, 8, 31)),
		cert("KC-105", standing.CertValid, day(2027, 3, 31)),
	}
	in.Quarters[2].Actual = standing.KPIs{"profiles": 12, "surveys": 2, "referrals": 1, "report_on_time": 0}
	in.Quarters[1].Actual = in.Quarters[2].Actual
	want := map[string]string{"KC-101": standing.ActionQuiz, "KC-105": standing.ActionReview,
		"KC-102": standing.ActionQuiz, "KC-103": standing.ActionReview}
	check := func(name string, in standing.Inputs, want map[string]string) {
		t.Helper()
		got := map[string]string{}
		for _, r := range standing.Compute(in).RecommendedCourses {
			got[r.Course] = r.Action
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: actions %v, want %v", name, got, want)
		}
	}
	check("valid, expired and expiring", in, want)
	// KC-105's certificate still marked valid once its day has passed is
	// no longer held: take the quiz.
	in.Held[3].ExpiresAt = day(2026, 9, 1)
	want["KC-105"] = standing.ActionQuiz
	check("valid but past its day", in, want)
	// Not held at all: the quiz.
	in.Held = in.Held[:3]
	check("KC-105 not held, KC-103 required and valid", in, want)
}
