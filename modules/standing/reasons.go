package standing

import (
	"fmt"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/humantext"
)

// Reason is one thing that makes a standing or refuses a renewal: a stable
// snake_case code, its parameters, and the sentence in Vietnamese and
// English.
type Reason struct {
	Code   string         `json:"code"`
	Params map[string]any `json:"params"`
	Text   Text           `json:"text"`
	// Level is the standing this reason alone leads to; good for a reason
	// that only explains a refused renewal.
	Level Standing `json:"-"`
}

// Text is a sentence in both languages.
type Text struct {
	VI string `json:"vi"`
	EN string `json:"en"`
}

// The reason codes. They are part of the API: never rename one.
const (
	reasonCertMissing       = "certificate_missing"
	reasonCertExpiring      = "certificate_expiring"
	reasonCertExpired       = "certificate_expired"
	reasonCertRevoked       = "certificate_revoked"
	reasonAttainmentLow     = "attainment_low"
	reasonReportMissing     = "report_missing"
	reasonUnrated           = "performance_unrated"
	reasonBelowRenewal      = "attainment_below_renewal"
	reasonContractMissing   = "contract_missing"
	reasonContractEnded     = "contract_ended"
	reasonContractEnding    = "contract_ending"
	reasonContractNotRenew  = "contract_not_renewed"
	reasonContractSuspended = "contract_suspended"
	reasonContractProbation = "contract_probation"
	reasonKPIWeak           = "kpi_weak"
)

func certMissing(course string, level Standing) Reason {
	return Reason{Code: reasonCertMissing, Level: level, Params: map[string]any{"course": course},
		Text: Text{VI: "Chưa có chứng nhận " + course, EN: "No " + course + " certificate"}}
}

// certExpiring: lastDay is the certificate's last valid day (its
// valid_until, as every other view shows it), days the days left to it.
func certExpiring(course string, lastDay time.Time, days int, level Standing) Reason {
	return Reason{Code: reasonCertExpiring, Level: level,
		Params: map[string]any{"course": course, "expires_on": isoDate(lastDay), "days": days},
		Text: Text{VI: fmt.Sprintf("Chứng nhận %s còn hiệu lực đến hết ngày %s (còn %d ngày)", course, viDate(lastDay), days),
			EN: fmt.Sprintf("%s valid until %s (%s left)", course, isoDate(lastDay), enDays(days))}}
}

func certExpired(course string, expired time.Time, level Standing) Reason {
	return Reason{Code: reasonCertExpired, Level: level,
		Params: map[string]any{"course": course, "expired_on": isoDate(expired)},
		Text: Text{VI: fmt.Sprintf("Chứng nhận %s đã hết hạn ngày %s", course, viDate(expired)),
			EN: fmt.Sprintf("%s expired %s", course, isoDate(expired))}}
}

func certRevoked(course string, level Standing) Reason {
	return Reason{Code: reasonCertRevoked, Level: level, Params: map[string]any{"course": course},
		Text: Text{VI: "Chứng nhận " + course + " đã bị thu hồi", EN: course + " certificate revoked"}}
}

func attainmentLow(q clock.Quarter, attainment, threshold float64, level Standing) Reason {
	return Reason{Code: reasonAttainmentLow, Level: level,
		Params: map[string]any{"quarter": q.String(), "attainment": attainment, "threshold": threshold},
		Text: Text{VI: fmt.Sprintf("%s đạt %s chỉ tiêu, dưới mức %s", viQuarter(q), percent(attainment), percent(threshold)),
			EN: fmt.Sprintf("%s attainment %s < %s", enQuarter(q), percent(attainment), percent(threshold))}}
}

func reportMissing(q clock.Quarter) Reason {
	return Reason{Code: reasonReportMissing, Level: Attention, Params: map[string]any{"quarter": q.String()},
		Text: Text{VI: viQuarter(q) + " chưa có báo cáo được duyệt", EN: enQuarter(q) + ": no approved report"}}
}

func unrated() Reason {
	return Reason{Code: reasonUnrated, Level: Good, Params: map[string]any{},
		Text: Text{VI: "Chưa có báo cáo quý nào được duyệt để xét gia hạn hợp đồng",
			EN: "No approved quarterly report yet to judge a renewal on"}}
}

func belowRenewal(mean, threshold float64) Reason {
	return Reason{Code: reasonBelowRenewal, Level: Good,
		Params: map[string]any{"attainment": mean, "threshold": threshold},
		Text: Text{VI: fmt.Sprintf("Mức đạt chỉ tiêu các quý gần đây %s, dưới mức %s cần để gia hạn hợp đồng", percent(mean), percent(threshold)),
			EN: fmt.Sprintf("Recent attainment %s < %s needed for a renewal", percent(mean), percent(threshold))}}
}

func noContract(level Standing) Reason {
	return Reason{Code: reasonContractMissing, Level: level, Params: map[string]any{},
		Text: Text{VI: "Chưa có hợp đồng cộng tác viên", EN: "No contract"}}
}

func contractEnded(number string, end time.Time, level Standing) Reason {
	return Reason{Code: reasonContractEnded, Level: level,
		Params: map[string]any{"contract": number, "ends_on": isoDate(end)},
		Text: Text{VI: fmt.Sprintf("Hợp đồng %s đã kết thúc ngày %s", number, viDate(end)),
			EN: fmt.Sprintf("Contract %s ended %s", number, isoDate(end))}}
}

func contractEnding(number string, end time.Time, days int) Reason {
	vi := fmt.Sprintf("Hợp đồng %s kết thúc sau %d ngày (%s)", number, days, viDate(end))
	en := fmt.Sprintf("Contract %s ends in %s (%s)", number, enDays(days), isoDate(end))
	if days == 0 {
		vi = fmt.Sprintf("Hợp đồng %s kết thúc hôm nay (%s)", number, viDate(end))
		en = fmt.Sprintf("Contract %s ends today (%s)", number, isoDate(end))
	}
	return Reason{Code: reasonContractEnding, Level: Attention,
		Params: map[string]any{"contract": number, "ends_on": isoDate(end), "days": days}, Text: Text{VI: vi, EN: en}}
}

// contractNotRenewed: the review decided to end the contract at its end,
// which has not come yet.
func contractNotRenewed(number string, end time.Time, days int) Reason {
	return Reason{Code: reasonContractNotRenew, Level: Attention,
		Params: map[string]any{"contract": number, "ends_on": isoDate(end), "days": days},
		Text: Text{VI: fmt.Sprintf("Hợp đồng %s không gia hạn, kết thúc ngày %s", number, viDate(end)),
			EN: fmt.Sprintf("Contract %s will not be renewed; it ends on %s", number, isoDate(end))}}
}

func contractStatus(code, number string, level Standing) Reason {
	text := Text{VI: "Hợp đồng " + number + " đang tạm ngưng", EN: "Contract " + number + " suspended"}
	if code == reasonContractProbation {
		text = Text{VI: "Hợp đồng " + number + " đang trong thời gian thử việc", EN: "Contract " + number + " on probation"}
	}
	return Reason{Code: code, Level: level, Params: map[string]any{"contract": number}, Text: text}
}

func kpiWeak(k KPI, r, threshold float64) Reason {
	name := kpiText(k)
	return Reason{Code: reasonKPIWeak, Level: Good,
		Params: map[string]any{"kpi": string(k), "attainment": r, "threshold": threshold},
		Text: Text{VI: fmt.Sprintf("%s: đạt %s chỉ tiêu các quý gần đây, dưới mức %s", name.VI, percent(r), percent(threshold)),
			EN: fmt.Sprintf("%s: %s of target in recent quarters < %s", name.EN, percent(r), percent(threshold))}}
}

// kpiText names a KPI in both languages.
func kpiText(k KPI) Text {
	switch k {
	case Profiles:
		return Text{VI: "Thu thập hồ sơ cơ sở", EN: "Establishment profiles"}
	case Surveys:
		return Text{VI: "Khảo sát nhu cầu", EN: "Needs surveys"}
	case Referrals:
		return Text{VI: "Giới thiệu vào chương trình", EN: "Referrals into programmes"}
	}
	return Text{VI: "Báo cáo đúng hạn", EN: "Reports on time"}
}

// percent writes a 0–1 share as a whole percentage, rounded down so that
// a value below a threshold never reads as equal to it (59.9% is "59%").
func percent(x float64) string { return humantext.Percent(x) }

func isoDate(t time.Time) string { return t.In(clock.VN).Format("2006-01-02") }
func viDate(t time.Time) string  { return t.In(clock.VN).Format("02/01/2006") }

func viQuarter(q clock.Quarter) string { return fmt.Sprintf("Quý %d/%d", q.Q, q.Year) }
func enQuarter(q clock.Quarter) string { return fmt.Sprintf("Q%d %d", q.Q, q.Year) }

func enDays(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}
