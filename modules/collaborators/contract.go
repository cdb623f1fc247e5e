package collaborators

import (
	"fmt"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/platform/humantext"
	"golang.org/x/text/cases"
)

// ContractNumberKey is the form in which two contract numbers are compared
// for uniqueness: trimmed, every run of spaces (no-break ones included) one
// space, and Unicode case-folded ("HĐ-2026/NT 01" and " hđ-2026/nt  01 "
// are one number). The number itself is stored as typed.
func ContractNumberKey(number string) string {
	return cases.Fold().String(strings.Join(strings.Fields(humantext.Line(number)), " "))
}

// MaxContractHistory is how many previous versions of a contract a record
// keeps (the oldest go first): enough for a decade of yearly renewals and
// the status changes between them, bounded so that the document stays small.
const MaxContractHistory = 24

// ContractTerm is a version of a contract as it stood before a change
// (a renewal, a status change, a correction), and the day the change was
// made (ReplacedOn, in Vietnam). The version was the record until the
// day before ReplacedOn; its days before ReplacedOn, and those of its
// term no later version covers, stay governed by it.
type ContractTerm struct {
	Number           string `json:"number" bson:"number"`
	StartsOn         string `json:"starts_on" bson:"starts_on" api:"format=date"`
	EndsOn           string `json:"ends_on" bson:"ends_on" api:"format=date"`
	Status           string `json:"status" bson:"status" api:"enum=contract_status"`
	QuarterlyStipend int64  `json:"quarterly_stipend" bson:"quarterly_stipend"` // VND
	NotRenewed       bool   `json:"not_renewed,omitempty" bson:"not_renewed,omitempty"`
	ReplacedOn       string `json:"replaced_on" bson:"replaced_on" api:"format=date"`
}

// termOf is a contract's version (without ReplacedOn).
func termOf(c Contract) ContractTerm {
	return ContractTerm{Number: c.Number, StartsOn: c.StartsOn, EndsOn: c.EndsOn, Status: c.Status,
		QuarterlyStipend: c.QuarterlyStipend, NotRenewed: c.NotRenewed}
}

// ContractHistory is history after prev was replaced by next on the day
// on (YYYY-MM-DD): prev appended when any of its fields changed, the
// oldest versions dropped beyond MaxContractHistory.
func ContractHistory(history []ContractTerm, prev, next Contract, on string) []ContractTerm {
	if termOf(prev) == termOf(next) || prev.Number == "" && prev.StartsOn == "" && prev.EndsOn == "" {
		return history
	}
	t := termOf(prev)
	t.ReplacedOn = on
	out := append(append([]ContractTerm{}, history...), t)
	if len(out) > MaxContractHistory {
		out = out[len(out)-MaxContractHistory:]
	}
	return out
}

// ContractVersion is one version of a collaborator's contract and the day
// it became the record (From; "" for the oldest one kept).
type ContractVersion struct {
	ContractTerm
	From string
}

// ContractVersions are every version of the collaborator's contract, the
// oldest first and the current one last. A record without history has
// one version, in force since always.
func (c Collaborator) ContractVersions() []ContractVersion {
	out := make([]ContractVersion, 0, len(c.ContractHistory)+1)
	from := ""
	for _, h := range c.ContractHistory {
		v := h
		v.ReplacedOn = ""
		out = append(out, ContractVersion{ContractTerm: v, From: from})
		from = h.ReplacedOn
	}
	return append(out, ContractVersion{ContractTerm: termOf(c.Contract), From: from})
}

// InForce is the version of the contract that governs day d (YYYY-MM-DD),
// false when no version's term covers it. Of the versions whose term
// covers d, it is the newest that had become the record by d: a change
// made today (a suspension, a new stipend, a renewal) does not reach back
// to days already worked, and a renewal's new term governs the days after
// the old one ends. When every version covering d was recorded after d (a
// start moved earlier), the oldest of them governs.
//
// An end is the exception that reaches back: a version that ends the
// contract before d governs d (no contract) once it is the record, and
// also when it was recorded later in d's quarter (a CTV who left in
// November, recorded in December, is not paid for the weeks between);
// a quarter that had closed before it was recorded keeps its days.
func InForce(vs []ContractVersion, d string) (ContractTerm, bool) {
	var oldest *ContractVersion // the oldest version recorded after d that covers d
versions:
	for i := len(vs) - 1; i >= 0; i-- {
		v := &vs[i]
		switch {
		case v.StartsOn == "" || v.EndsOn == "" || v.StartsOn > d:
		case v.EndsOn >= d && v.From <= d:
			return v.ContractTerm, true
		case v.EndsOn >= d:
			oldest = v
		case v.From <= d || quarterStart(v.From) <= d:
			// This version ends the contract before d: only a newer
			// version covering d (oldest) gives one.
			break versions
		}
	}
	if oldest == nil {
		return ContractTerm{}, false
	}
	return oldest.ContractTerm, true
}

// quarterStart is the first day of the calendar quarter of d (YYYY-MM-DD);
// "" for "" (the oldest version, on record since always).
func quarterStart(d string) string {
	if len(d) < 7 {
		return ""
	}
	m := (int(d[5]-'0')*10+int(d[6]-'0')-1)/3*3 + 1
	return fmt.Sprintf("%s-%02d-01", d[:4], m)
}

// ServiceStart is the first day of the collaborator's continuous service:
// the earliest start of the contract versions whose terms chain into the
// current one (each ending no earlier than the day before the next
// starts). It is the current term's start when there is no history.
func ServiceStart(c Collaborator) string {
	start := c.Contract.StartsOn
	for changed := true; changed; {
		changed = false
		for _, h := range c.ContractHistory {
			if h.StartsOn != "" && h.StartsOn < start && h.EndsOn >= dayBefore(start) {
				start, changed = h.StartsOn, true
			}
		}
	}
	return start
}

// dayBefore is the day before d (YYYY-MM-DD); d itself when not a date.
func dayBefore(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.AddDate(0, 0, -1).Format(time.DateOnly)
}
