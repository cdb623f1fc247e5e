package performance

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/i18n"
	"github.com/ctvacademy/academy/modules/standing"
	"github.com/xuri/excelize/v2"
)

// Why a stipend is what it is (Stipend.Reason).
const (
	StipendPaid          = "paid"               // the whole quarterly stipend
	StipendProrated      = "prorated"           // the contract covers part of the quarter
	StipendNoReport      = "no_approved_report" // withheld: no approved record for the quarter
	StipendSuspended     = "contract_suspended" // withheld while the contract is suspended
	StipendEnded         = "contract_ended"     // the contract is ended
	StipendOutside       = "outside_contract"   // the contract does not cover the quarter
	StipendNoContractSum = "no_stipend"         // the contract sets no stipend
	StipendReduced       = "reduced_attainment" // a share: the approved attainment is below a threshold
	StipendUnpaidStatus  = "contract_not_paid"  // the contract's status is not paid (another than suspended or ended)
)

// StipendReasons lists every reason.
var StipendReasons = []string{StipendPaid, StipendProrated, StipendNoReport, StipendSuspended, StipendEnded, StipendOutside, StipendNoContractSum, StipendReduced, StipendUnpaidStatus}

// Stipend is one person's line of a quarter's stipend sheet.
//
// The rules are content/standing.yaml's stipend section, in order: a
// contract that does not cover a day of the quarter pays nothing, nor
// does one whose status is not among paid_statuses (today: active and
// probation), nor, with requires_approved_report, a quarter without an
// approved record (the quarterly report is what the stipend is paid on);
// otherwise the contract's quarterly_stipend is paid, with
// prorate_by_contract_days prorated by the days of the quarter the
// contract covers (rounded to the dong) when it starts or ends inside it,
// and times the share of a reduction whose attainment threshold the
// approved attainment is under. Each day is paid on the contract version
// in force that day (stipendOf), so renewals and status changes made
// later leave a closed quarter's sheet as it was.
type Stipend struct {
	CollaboratorID   string  `json:"collaborator_id"`
	Code             string  `json:"code"`
	FullName         string  `json:"full_name"`
	AreaCode         string  `json:"area_code"`
	Role             string  `json:"role" api:"enum=collaborator_role"`
	ContractNumber   string  `json:"contract_number"`
	ContractStatus   string  `json:"contract_status" api:"enum=contract_status"`
	StartsOn         string  `json:"starts_on" api:"format=date"`
	EndsOn           string  `json:"ends_on" api:"format=date"`
	QuarterlyStipend int64   `json:"quarterly_stipend"` // VND
	ContractDays     int     `json:"contract_days"`     // days of the quarter the contract covers
	PaidDays         int     `json:"paid_days"`         // of them, days in a paid status (paid for)
	QuarterDays      int     `json:"quarter_days"`
	RecordStatus     string  `json:"record_status" api:"enum=stipend_record_status"` // "none": no record written
	Attainment       float64 `json:"attainment"`
	Due              int64   `json:"due"` // VND
	Reason           string  `json:"reason" api:"enum=stipend_reason"`
}

// Stipends returns a quarter's stipend sheet for the people in scope (and
// in the district unit area, when not ""), in the order of the quarter's
// list (attainment, then name). Errors: errs.Invalid naming quarter, or
// area_code for an unknown district unit.
func (s *Service) Stipends(ctx context.Context, scope authz.Scope, quarter, area string) ([]Stipend, error) {
	q, err := ParseQuarter("quarter", quarter)
	if err != nil {
		return nil, err
	}
	recs, err := s.List(ctx, scope, q.String(), Filter{AreaCode: area})
	if err != nil {
		return nil, err
	}
	people, err := s.d.People.List(ctx, scope, collaborators.Filter{AreaCode: area})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]collaborators.Collaborator, len(people))
	for _, p := range people {
		byID[p.ID] = p
	}
	out := make([]Stipend, 0, len(recs))
	for _, r := range recs {
		p, ok := byID[r.CollaboratorID]
		if !ok {
			continue
		}
		out = append(out, stipendOf(*s.d.Stipend, p, r, q))
	}
	return out, nil
}

func day(s string) (time.Time, bool) {
	t, err := time.Parse("2006-01-02", s)
	return t, err == nil
}

// stipendOf applies the rules (Stipend) to a person and their record.
//
// Each day of the quarter is paid on the version of the contract in force
// that day (collaborators.InForce): the terms renewed into one another
// cover the union of their days, and a change made later (a renewal, a
// suspension, a new stipend) does not reach back to days already worked,
// so a closed quarter's sheet stays what it was. ContractDays counts the
// days some version covers, PaidDays those whose version's status is
// paid; the due is the sum of the paid days' daily stipends (prorated),
// or with no proration the stipend of the last paid version. The contract
// shown is the one in force on the quarter's last covered day (its start
// the first covered day's version's), or the record's when, recorded by
// the quarter's end, it ends the contract within the quarter.
func stipendOf(rules standing.StipendRules, p collaborators.Collaborator, r Record, q clock.Quarter) Stipend {
	first := time.Date(q.Year, time.Month(3*(q.Q-1)+1), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 3, -1)
	qdays := int(last.Sub(first).Hours()/24) + 1
	versions := p.ContractVersions()
	paid := func(status string) bool { return status == "" || slices.Contains(rules.PaidStatuses, status) }
	var firstT, lastT, lastPaid collaborators.ContractTerm
	covered, paidDays := 0, 0
	var sum int64 // the paid days' quarterly stipends, summed
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		t, ok := collaborators.InForce(versions, d.Format(time.DateOnly))
		if !ok {
			continue
		}
		if covered == 0 {
			firstT = t
		}
		covered++
		lastT = t
		if paid(t.Status) {
			paidDays++
			sum += t.QuarterlyStipend
			lastPaid = t
		}
	}
	shown := lastT
	// A contract the record ended within the quarter shows as ended.
	for i := len(versions) - 1; i >= 0; i-- {
		if v := versions[i]; v.From <= last.Format(time.DateOnly) {
			if covered > 0 && v.EndsOn >= firstT.StartsOn && v.EndsOn < last.Format(time.DateOnly) {
				shown = v.ContractTerm
			}
			break
		}
	}
	if covered == 0 { // the current contract, which covers none of it
		shown = versions[len(versions)-1].ContractTerm
		firstT = shown
	}
	out := Stipend{CollaboratorID: p.ID, Code: p.Code, FullName: p.FullName, AreaCode: p.AreaCode, Role: p.Role,
		ContractNumber: shown.Number, ContractStatus: shown.Status, StartsOn: firstT.StartsOn, EndsOn: shown.EndsOn,
		QuarterlyStipend: shown.QuarterlyStipend, ContractDays: covered, PaidDays: paidDays, QuarterDays: qdays,
		RecordStatus: r.Status, Attainment: r.Attainment}
	if !r.Stored {
		out.RecordStatus = NoRecord
	}
	base := float64(lastPaid.QuarterlyStipend)
	if rules.ProrateByContractDays {
		base = float64(sum) / float64(qdays)
	}
	switch {
	case covered == 0:
		out.Reason = StipendOutside
		return out
	case paidDays == 0:
		// (No contract at all, no status: the stipend it sets, none, says it.)
		out.Reason = map[string]string{collaborators.ContractEnded: StipendEnded, collaborators.ContractSuspended: StipendSuspended}[shown.Status]
		if out.Reason == "" {
			out.Reason = StipendUnpaidStatus
		}
		return out
	case rules.RequiresApprovedReport && r.Status != Approved:
		out.Reason = StipendNoReport
		return out
	case sum <= 0 || lastPaid.QuarterlyStipend <= 0 && !rules.ProrateByContractDays:
		out.Reason = StipendNoContractSum
		return out
	}
	share := 1.0
	out.Reason = StipendPaid
	if rules.ProrateByContractDays && paidDays < qdays {
		out.Reason = StipendProrated
	}
	if r.Status == Approved {
		if cut, why := rules.Reduced(r.Attainment); why != nil {
			out.Reason, share = StipendReduced, cut
		}
	}
	out.Due = int64(math.Round(base * share))
	return out
}

// StipendsXLSX is the sheet as a workbook: Vietnamese headers, the header
// row and the code/name columns frozen, amounts as numbers (VND), dates
// as dates, a total row. The sheet's name and each role, contract status,
// record status and reason are tr's Vietnamese, as the stipends page
// shows them.
func StipendsXLSX(quarter string, items []Stipend, tr *i18n.Translator) ([]byte, error) {
	text := func(key string) string { return tr.T(i18n.Default, key) }
	f := excelize.NewFile()
	defer f.Close()
	sheet := fmt.Sprintf(text("perf.stipends_sheet"), quarter)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	str := func(s string) *string { return &s }
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	money, err := f.NewStyle(&excelize.Style{CustomNumFmt: str(`#,##0 "₫"`)})
	if err != nil {
		return nil, err
	}
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: str("dd/mm/yyyy")})
	if err != nil {
		return nil, err
	}
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 9})
	if err != nil {
		return nil, err
	}
	headers := []string{"Mã CTV", "Họ và tên", "Đơn vị", "Vai trò", "Số hợp đồng", "Trạng thái hợp đồng", "Ngày bắt đầu", "Ngày kết thúc",
		"Phụ cấp quý (VND)", "Số ngày HĐ trong quý", "Số ngày của quý", "Báo cáo quý", "Mức hoàn thành", "Phụ cấp được chi (VND)", "Lý do"}
	for i, h := range headers {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(sheet, cell, h); err != nil {
			return nil, err
		}
	}
	if err := f.SetCellStyle(sheet, "A1", "O1", head); err != nil {
		return nil, err
	}
	var total int64
	for i, s := range items {
		row := i + 2
		set := func(col int, v any) error {
			cell, _ := excelize.CoordinatesToCellName(col, row)
			return f.SetCellValue(sheet, cell, v)
		}
		vals := []any{s.Code, s.FullName, s.AreaCode, text("role." + s.Role), s.ContractNumber, text("contract.status." + s.ContractStatus), nil, nil,
			s.QuarterlyStipend, s.ContractDays, s.QuarterDays, text("perf.status." + s.RecordStatus), s.Attainment, s.Due, text("perf.reason." + s.Reason)}
		if t, ok := day(s.StartsOn); ok {
			vals[6] = t
		}
		if t, ok := day(s.EndsOn); ok {
			vals[7] = t
		}
		for c, v := range vals {
			if v == nil {
				continue
			}
			if err := set(c+1, v); err != nil {
				return nil, err
			}
		}
		total += s.Due
	}
	n := len(items) + 1
	if n > 1 {
		for _, st := range []struct {
			from, to string
			style    int
		}{{"G", "H", date}, {"I", "I", money}, {"M", "M", pct}, {"N", "N", money}} {
			if err := f.SetCellStyle(sheet, fmt.Sprintf("%s2", st.from), fmt.Sprintf("%s%d", st.to, n), st.style); err != nil {
				return nil, err
			}
		}
	}
	if err := f.SetCellStr(sheet, fmt.Sprintf("A%d", n+1), "Tổng cộng"); err != nil {
		return nil, err
	}
	if err := f.SetCellValue(sheet, fmt.Sprintf("N%d", n+1), total); err != nil {
		return nil, err
	}
	if err := f.SetCellStyle(sheet, fmt.Sprintf("N%d", n+1), fmt.Sprintf("N%d", n+1), money); err != nil {
		return nil, err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: 2, YSplit: 1, TopLeftCell: "C2", ActivePane: "bottomRight"}); err != nil {
		return nil, err
	}
	for _, w := range []struct {
		from, to string
		width    float64
	}{{"A", "A", 12}, {"B", "B", 28}, {"C", "D", 12}, {"E", "F", 16}, {"G", "H", 13}, {"I", "I", 16}, {"J", "M", 12}, {"N", "N", 18}, {"O", "O", 40}} {
		if err := f.SetColWidth(sheet, w.from, w.to, w.width); err != nil {
			return nil, err
		}
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
