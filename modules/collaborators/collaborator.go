// Package collaborators is the registry of the network: the district units
// and the collaborators with their contracts. Lists are filtered by the
// caller's row scope; every change is audited; nothing is deleted, records
// are archived.
package collaborators

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/humantext"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Area is a district-level unit of the network.
type Area struct {
	Code string `json:"code" bson:"_id"`
	Name string `json:"name" bson:"name"`
}

// Contract statuses.
const (
	ContractActive    = "active"
	ContractProbation = "probation"
	ContractSuspended = "suspended"
	ContractEnded     = "ended"
)

// ContractStatuses lists the contract statuses.
var ContractStatuses = []string{ContractActive, ContractProbation, ContractSuspended, ContractEnded}

// Roles lists the roles a collaborator of the network has.
var Roles = []string{authz.RoleTeamLeader, authz.RoleCTV}

// Contract is a collaborator's contract with the Center.
type Contract struct {
	Number           string `json:"number" bson:"number" api:"required"`
	StartsOn         string `json:"starts_on" bson:"starts_on" api:"required,format=date"` // YYYY-MM-DD
	EndsOn           string `json:"ends_on" bson:"ends_on" api:"required,format=date"`     // YYYY-MM-DD
	Status           string `json:"status" bson:"status" api:"required,enum=contract_status"`
	QuarterlyStipend int64  `json:"quarterly_stipend" bson:"quarterly_stipend"` // VND
	// NotRenewed records a review's "end": the contract runs to EndsOn and
	// is not renewed. A renewal clears it.
	NotRenewed bool `json:"not_renewed,omitempty" bson:"not_renewed,omitempty"`
}

// Collaborator is a team leader or CTV of the network.
type Collaborator struct {
	ID       string   `json:"id" bson:"_id"`
	Code     string   `json:"code" bson:"code"`
	FullName string   `json:"full_name" bson:"full_name"`
	Email    string   `json:"email" bson:"email"`
	Phone    string   `json:"phone" bson:"phone"`
	Role     string   `json:"role" bson:"role" api:"enum=collaborator_role"`
	AreaCode string   `json:"area_code" bson:"area_code"`
	Commune  string   `json:"commune" bson:"commune"`
	Position string   `json:"position" bson:"position"`
	Contract Contract `json:"contract" bson:"contract"`
	// ContractHistory are the previous versions of the contract, oldest
	// first (at most MaxContractHistory): what a past quarter is paid on.
	ContractHistory []ContractTerm `json:"contract_history,omitempty" bson:"contract_history,omitempty"`
	// Archived records leave lists but stay for what points at them.
	Archived bool `json:"archived" bson:"archived"`
}

// Input is a new collaborator (POST and each import row).
type Input struct {
	Code     string   `json:"code" api:"required"`
	FullName string   `json:"full_name" api:"required"`
	Email    string   `json:"email" api:"required"`
	Phone    string   `json:"phone" api:"required"`
	Role     string   `json:"role" api:"required,enum=collaborator_role"`
	AreaCode string   `json:"area_code" api:"required"`
	Commune  string   `json:"commune" api:"required"`
	Position string   `json:"position"`
	Contract Contract `json:"contract" api:"required"`
}

// ContractPatch changes some contract fields.
type ContractPatch struct {
	Number           *string `json:"number"`
	StartsOn         *string `json:"starts_on" api:"format=date"`
	EndsOn           *string `json:"ends_on" api:"format=date"`
	Status           *string `json:"status" api:"enum=contract_status"`
	QuarterlyStipend *int64  `json:"quarterly_stipend"`
	// NotRenewed marks (or unmarks) a contract that runs to its end and is
	// not renewed; moving ends_on later clears it unless given. It is the
	// contract review's decision ("end", with its reason, by a
	// coordinator), written through the registry in the process: not a
	// field of the API's PATCH, where it would skip the review's reason
	// and its who-decides rule.
	NotRenewed *bool `json:"-"`
}

// Patch changes some fields of a collaborator (PATCH).
type Patch struct {
	Code     *string        `json:"code"`
	FullName *string        `json:"full_name"`
	Email    *string        `json:"email"`
	Phone    *string        `json:"phone"`
	Role     *string        `json:"role" api:"enum=collaborator_role"`
	AreaCode *string        `json:"area_code"`
	Commune  *string        `json:"commune"`
	Position *string        `json:"position"`
	Contract *ContractPatch `json:"contract"`
	Archived *bool          `json:"archived"`
	// OverrideReason lets a coordinator move contract.ends_on later for
	// someone the renewal rule refuses (audited with the reason).
	OverrideReason *string `json:"override_reason"`
}

var codeRe = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{1,23}$`)

// emailRe is an address every mail server takes: dot-separated atoms
// (no empty one: `an..b@` or `.a@` are refused by mailers, and were
// accepted here) at a domain of letters, digits and inner dashes.
var emailRe = regexp.MustCompile(`^[a-z0-9_%+\-]+(\.[a-z0-9_%+\-]+)*@([a-z0-9]([a-z0-9\-]*[a-z0-9])?\.)+[a-z]{2,}$`)

// NormalizePhone strips separators, turns +84 into 0 and puts back the 0
// a spreadsheet drops from a number typed as one (912345678); the result
// must be a Vietnamese number of 10 digits starting with 0.
func NormalizePhone(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	switch {
	case strings.HasPrefix(s, "+84"):
		s = "0" + s[3:]
	case strings.HasPrefix(s, "84") && len(s) == 11:
		s = "0" + s[2:]
	case len(s) == 9 && s[0] >= '1' && s[0] <= '9':
		// A spreadsheet cell typed as a number drops the leading 0.
		s = "0" + s
	}
	if len(s) != 10 || s[0] != '0' {
		return s, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return s, false
		}
	}
	return s, true
}

// ParseVND reads an amount of whole đồng as people write it: digits, or
// digits grouped by thousands with one kind of separator ("1.500.000",
// "1,500,000", "1 500 000"), with or without "đ", "₫" or "VND". A fraction
// ("1500000.5", "1.500.000,5") is refused, not read as ten times more.
func ParseVND(s string) (int64, bool) {
	amount := strings.TrimSpace(s)
	for _, unit := range []string{"VND", "vnd", "đ", "₫"} {
		amount = strings.TrimSpace(strings.TrimSuffix(amount, unit))
	}
	if !wholeVND.MatchString(amount) {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.NewReplacer(".", "", ",", "", " ", "").Replace(amount), 10, 64)
	return n, err == nil
}

var wholeVND = regexp.MustCompile(`^(\d+|\d{1,3}(\.\d{3})+|\d{1,3}(,\d{3})+|\d{1,3}( \d{3})+)$`)

// ValidDate reports whether s is a calendar date written YYYY-MM-DD, from
// 2000 to 2099: a contract of year 0001 or 9999 is a typing error.
func ValidDate(s string) bool {
	t, err := time.Parse("2006-01-02", s)
	return err == nil && t.Year() >= 2000 && t.Year() <= 2099
}

func validStatus(s string) bool {
	for _, x := range ContractStatuses {
		if x == s {
			return true
		}
	}
	return false
}

// Normalize trims and canonicalizes an input in place (email lowercased,
// phone digits, code upper case; names and places in NFC without invisible
// characters).
func (in *Input) Normalize() {
	in.Code = strings.ToUpper(strings.TrimSpace(in.Code))
	in.FullName = humantext.Name(in.FullName)
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	if p, ok := NormalizePhone(in.Phone); ok {
		in.Phone = p
	} else {
		in.Phone = strings.TrimSpace(in.Phone)
	}
	in.Role = strings.TrimSpace(in.Role)
	in.AreaCode = strings.ToUpper(strings.TrimSpace(in.AreaCode))
	in.Commune = humantext.Line(in.Commune)
	in.Position = humantext.Line(in.Position)
	in.Contract.Number = humantext.Line(in.Contract.Number)
	in.Contract.StartsOn = strings.TrimSpace(in.Contract.StartsOn)
	in.Contract.EndsOn = strings.TrimSpace(in.Contract.EndsOn)
	in.Contract.Status = strings.TrimSpace(in.Contract.Status)
}

// Validate checks every field of a normalized input against the rules and
// the known areas; it returns all problems, each naming its field.
func (in Input) Validate(areaExists func(string) bool) []errs.FieldError {
	var fe []errs.FieldError
	add := func(field, format string, args ...any) {
		fe = append(fe, errs.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if !codeRe.MatchString(in.Code) {
		add("code", "is required: 2–24 letters, digits or dashes")
	}
	if in.FullName == "" || len([]rune(in.FullName)) > 100 {
		add("full_name", "is required, at most 100 characters")
	}
	if !emailRe.MatchString(in.Email) || len(in.Email) > 254 {
		add("email", "is not a valid email address")
	}
	if _, ok := NormalizePhone(in.Phone); !ok {
		add("phone", "must be a Vietnamese phone number of 10 digits starting with 0")
	}
	if !slices.Contains(Roles, in.Role) {
		add("role", "must be ctv or team_leader")
	}
	if in.AreaCode == "" || !areaExists(in.AreaCode) {
		add("area_code", "is not a known district unit")
	}
	if in.Commune == "" || len([]rune(in.Commune)) > 100 {
		add("commune", "is required, at most 100 characters")
	}
	if len([]rune(in.Position)) > 100 {
		add("position", "must have at most 100 characters")
	}
	for _, f := range []struct{ name, value string }{{"full_name", in.FullName}, {"commune", in.Commune},
		{"position", in.Position}, {"contract.number", in.Contract.Number}} {
		if humantext.Control(f.value, false) {
			add(f.name, humantext.ControlMessage)
		}
	}
	fe = append(fe, in.Contract.validate()...)
	return fe
}

func (c Contract) validate() []errs.FieldError {
	var fe []errs.FieldError
	if c.Number == "" || len(c.Number) > 50 {
		fe = append(fe, errs.FieldError{Field: "contract.number", Message: "is required, at most 50 characters"})
	}
	startOK, endOK := ValidDate(c.StartsOn), ValidDate(c.EndsOn)
	if !startOK {
		fe = append(fe, errs.FieldError{Field: "contract.starts_on", Message: "must be a date written YYYY-MM-DD, from 2000 to 2099"})
	}
	if !endOK {
		fe = append(fe, errs.FieldError{Field: "contract.ends_on", Message: "must be a date written YYYY-MM-DD, from 2000 to 2099"})
	}
	if startOK && endOK && c.EndsOn <= c.StartsOn {
		fe = append(fe, errs.FieldError{Field: "contract.ends_on", Message: "must be after contract.starts_on"})
	}
	if !validStatus(c.Status) {
		fe = append(fe, errs.FieldError{Field: "contract.status", Message: "must be active, probation, suspended or ended"})
	}
	if c.QuarterlyStipend < 0 || c.QuarterlyStipend > 1_000_000_000 {
		fe = append(fe, errs.FieldError{Field: "contract.quarterly_stipend", Message: "must be an amount of VND from 0 to 1,000,000,000"})
	}
	return fe
}

// toInput returns the editable fields of a collaborator.
func (c Collaborator) toInput() Input {
	return Input{Code: c.Code, FullName: c.FullName, Email: c.Email, Phone: c.Phone, Role: c.Role,
		AreaCode: c.AreaCode, Commune: c.Commune, Position: c.Position, Contract: c.Contract}
}

// StaffOnlyFields are the fields only a coordinator or admin may change.
// The legal name is among them: it is written on contracts and
// certificates, and it reaches every roster and export. A collaborator or
// their team leader may keep the phone, commune and position current.
var StaffOnlyFields = []string{"code", "full_name", "email", "role", "area_code", "contract", "archived"}

// staffOnlySet lists the staff-only fields a patch sets, in the order of
// StaffOnlyFields.
func (p Patch) staffOnlySet() []string {
	set := map[string]bool{"code": p.Code != nil, "full_name": p.FullName != nil, "email": p.Email != nil, "role": p.Role != nil,
		"area_code": p.AreaCode != nil, "contract": p.Contract != nil, "archived": p.Archived != nil}
	var out []string
	for _, f := range StaffOnlyFields {
		if set[f] {
			out = append(out, f)
		}
	}
	return out
}

// Apply returns c with the patch applied and the list of changed fields.
// canManage says whether the caller may change staff-only fields; a patch
// touching one without it is errs.Forbidden naming every such field. The
// result is validated like a new record.
func Apply(c Collaborator, p Patch, canManage bool, areaExists func(string) bool) (Collaborator, map[string]any, error) {
	if refused := p.staffOnlySet(); !canManage && len(refused) > 0 {
		fe := make([]errs.FieldError, len(refused))
		for i, f := range refused {
			fe[i] = errs.FieldError{Field: f, Message: "only a coordinator or admin may change it"}
		}
		return c, nil, errs.Fields(errs.Forbidden, "only a coordinator or admin may change "+strings.Join(refused, ", "), fe)
	}
	in := c.toInput()
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&in.Code, p.Code)
	set(&in.FullName, p.FullName)
	set(&in.Email, p.Email)
	set(&in.Phone, p.Phone)
	set(&in.Role, p.Role)
	set(&in.AreaCode, p.AreaCode)
	set(&in.Commune, p.Commune)
	set(&in.Position, p.Position)
	if cp := p.Contract; cp != nil {
		set(&in.Contract.Number, cp.Number)
		set(&in.Contract.StartsOn, cp.StartsOn)
		if cp.EndsOn != nil && strings.TrimSpace(*cp.EndsOn) > in.Contract.EndsOn {
			// A renewal: the new term runs, and a contract that had
			// ended (its term over) runs again unless a status is given.
			in.Contract.NotRenewed = false
			if in.Contract.Status == ContractEnded {
				in.Contract.Status = ContractActive
			}
		}
		set(&in.Contract.EndsOn, cp.EndsOn)
		if cp.NotRenewed != nil {
			in.Contract.NotRenewed = *cp.NotRenewed
		}
		set(&in.Contract.Status, cp.Status)
		if cp.QuarterlyStipend != nil {
			in.Contract.QuarterlyStipend = *cp.QuarterlyStipend
		}
	}
	in.Normalize()
	if fe := in.Validate(areaExists); len(fe) > 0 {
		return c, nil, errs.Fields(errs.Invalid, "invalid collaborator", fe)
	}
	next := Collaborator{ID: c.ID, Code: in.Code, FullName: in.FullName, Email: in.Email, Phone: in.Phone, Role: in.Role,
		AreaCode: in.AreaCode, Commune: in.Commune, Position: in.Position, Contract: in.Contract, ContractHistory: c.ContractHistory, Archived: c.Archived}
	if p.Archived != nil {
		next.Archived = *p.Archived
	}
	return next, diff(c, next), nil
}

// diff lists the fields that changed, with old and new values. Contract
// fields nest under "contract" (stored keys may not contain dots).
func diff(a, b Collaborator) map[string]any {
	ch := map[string]any{}
	contract := map[string]any{}
	cmp := func(name string, x, y any) {
		if x == y {
			return
		}
		if sub, ok := strings.CutPrefix(name, "contract."); ok {
			contract[sub] = map[string]any{"from": x, "to": y}
			ch["contract"] = contract
			return
		}
		ch[name] = map[string]any{"from": x, "to": y}
	}
	cmp("code", a.Code, b.Code)
	cmp("full_name", a.FullName, b.FullName)
	cmp("email", a.Email, b.Email)
	cmp("phone", a.Phone, b.Phone)
	cmp("role", a.Role, b.Role)
	cmp("area_code", a.AreaCode, b.AreaCode)
	cmp("commune", a.Commune, b.Commune)
	cmp("position", a.Position, b.Position)
	cmp("contract.number", a.Contract.Number, b.Contract.Number)
	cmp("contract.starts_on", a.Contract.StartsOn, b.Contract.StartsOn)
	cmp("contract.ends_on", a.Contract.EndsOn, b.Contract.EndsOn)
	cmp("contract.status", a.Contract.Status, b.Contract.Status)
	cmp("contract.quarterly_stipend", a.Contract.QuarterlyStipend, b.Contract.QuarterlyStipend)
	cmp("contract.not_renewed", a.Contract.NotRenewed, b.Contract.NotRenewed)
	cmp("archived", a.Archived, b.Archived)
	return ch
}

// Fold lowercases s and strips Vietnamese diacritics (đ → d), so that
// "nguyen" finds "Nguyễn".
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	out = strings.NewReplacer("đ", "d", "Đ", "d").Replace(out)
	return strings.ToLower(out)
}

// Filter selects collaborators in a list.
type Filter struct {
	AreaCode        string
	Role            string
	Query           string // accent-insensitive, over name, code, email, phone, commune
	ContractStatus  string
	IncludeArchived bool
}

// Matches reports whether c passes the filter.
func (f Filter) Matches(c Collaborator) bool {
	if c.Archived && !f.IncludeArchived {
		return false
	}
	if f.AreaCode != "" && c.AreaCode != f.AreaCode {
		return false
	}
	if f.Role != "" && c.Role != f.Role {
		return false
	}
	if f.ContractStatus != "" && c.Contract.Status != f.ContractStatus {
		return false
	}
	if strings.TrimSpace(f.Query) == "" {
		return true // no query: nothing to fold (Fold builds a transformer each call)
	}
	if q := Fold(strings.TrimSpace(f.Query)); q != "" {
		hay := Fold(strings.Join([]string{c.FullName, c.Code, c.Email, c.Phone, c.Commune}, " "))
		for _, w := range strings.Fields(q) {
			if !strings.Contains(hay, w) {
				return false
			}
		}
	}
	return true
}
