package collaborators

import (
	"errors"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/humantext"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

// The registry's forms for coordinators and admins: a new collaborator,
// an import from a CSV or XLSX file, and a person's edit page (fields,
// contract, archive). Plain forms (no script) on the same service methods
// as POST /api/v1/collaborators, POST …/import and PATCH …/{id}. A post
// that succeeds redirects to a page that says what it did; one with
// problems comes back with each problem beside its field (a translation
// key per field) and nothing stored.

// registryForm is a collaborator as the new and edit forms type it.
type registryForm struct {
	Code, FullName, Email, Phone, Role, AreaCode, Commune, Position string
	Number, StartsOn, EndsOn, Status, Stipend                       string
	OverrideReason                                                  string
}

// formNames maps the service's field names to the form's.
var formNames = map[string]string{
	"contract.number": "contract_number", "contract.starts_on": "starts_on", "contract.ends_on": "ends_on",
	"contract.status": "status", "contract.quarterly_stipend": "quarterly_stipend",
}

func formName(field string) string {
	if f, ok := formNames[field]; ok {
		return f
	}
	return field
}

func readRegistryForm(c *fiber.Ctx) registryForm {
	v := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	return registryForm{Code: v("code"), FullName: v("full_name"), Email: v("email"), Phone: v("phone"), Role: v("role"),
		AreaCode: v("area_code"), Commune: v("commune"), Position: v("position"), Number: v("contract_number"),
		StartsOn: v("starts_on"), EndsOn: v("ends_on"), Status: v("status"), Stipend: v("quarterly_stipend"),
		OverrideReason: v("override_reason")}
}

// formOf is a stored collaborator as the edit form shows it.
func formOf(c Collaborator) registryForm {
	return registryForm{Code: c.Code, FullName: c.FullName, Email: c.Email, Phone: c.Phone, Role: c.Role, AreaCode: c.AreaCode,
		Commune: c.Commune, Position: c.Position, Number: c.Contract.Number, StartsOn: c.Contract.StartsOn,
		EndsOn: c.Contract.EndsOn, Status: c.Contract.Status, Stipend: strconv.FormatInt(c.Contract.QuarterlyStipend, 10)}
}

// formDate reads a date as typed: the date input's yyyy-mm-dd, or
// dd/mm/yyyy where the browser shows a text box. Anything else is passed
// on for the service to refuse beside its field.
func formDate(s string) string {
	if d, ok := parseDate(s); ok {
		return d
	}
	return s
}

// stipend reads an amount of VND written with or without separators.
func (f registryForm) stipend() (int64, bool) {
	if strings.TrimSpace(f.Stipend) == "" {
		return 0, true
	}
	return ParseVND(f.Stipend)
}

// input is the form as a new collaborator, with the problems of the
// fields it could not read (form field → translation key).
func (f registryForm) input() (Input, map[string]string) {
	bad := map[string]string{}
	n, ok := f.stipend()
	if !ok {
		bad["quarterly_stipend"] = "registry_form.err.quarterly_stipend"
	}
	return Input{Code: f.Code, FullName: f.FullName, Email: f.Email, Phone: f.Phone, Role: f.Role, AreaCode: f.AreaCode,
		Commune: f.Commune, Position: f.Position, Contract: Contract{Number: f.Number, StartsOn: formDate(f.StartsOn),
			EndsOn: formDate(f.EndsOn), Status: f.Status, QuarterlyStipend: n}}, bad
}

// patchOf is what the edit form changes of c: only the fields whose
// value differs, so that a renewal of an ended contract that leaves the
// status as it was makes it active, as the API does.
func (f registryForm) patchOf(c Collaborator) (Patch, map[string]string) {
	in, bad := f.input()
	var p Patch
	str := func(dst **string, typed, stored string) {
		if typed != stored {
			v := typed
			*dst = &v
		}
	}
	str(&p.Code, in.Code, c.Code)
	str(&p.FullName, in.FullName, c.FullName)
	str(&p.Email, in.Email, c.Email)
	str(&p.Phone, in.Phone, c.Phone)
	str(&p.Role, in.Role, c.Role)
	str(&p.AreaCode, in.AreaCode, c.AreaCode)
	str(&p.Commune, in.Commune, c.Commune)
	str(&p.Position, in.Position, c.Position)
	var cp ContractPatch
	str(&cp.Number, in.Contract.Number, c.Contract.Number)
	str(&cp.StartsOn, in.Contract.StartsOn, c.Contract.StartsOn)
	str(&cp.EndsOn, in.Contract.EndsOn, c.Contract.EndsOn)
	str(&cp.Status, in.Contract.Status, c.Contract.Status)
	if len(bad) == 0 && in.Contract.QuarterlyStipend != c.Contract.QuarterlyStipend {
		n := in.Contract.QuarterlyStipend
		cp.QuarterlyStipend = &n
	}
	if cp != (ContractPatch{}) {
		p.Contract = &cp
	}
	if f.OverrideReason != "" {
		r := f.OverrideReason
		p.OverrideReason = &r
	}
	return p, bad
}

func (p Patch) empty() bool {
	return p.Code == nil && p.FullName == nil && p.Email == nil && p.Phone == nil && p.Role == nil && p.AreaCode == nil &&
		p.Commune == nil && p.Position == nil && p.Contract == nil && p.Archived == nil
}

// problemKey is the translation key of a service's field problem on the
// forms and in the import's row list.
func problemKey(fe errs.FieldError) string {
	name := formName(fe.Field)
	switch {
	case fe.Message == humantext.ControlMessage:
		return "registry_form.err.control"
	case strings.HasPrefix(fe.Message, "is already registered"):
		return "registry_form.err.taken_" + name
	case strings.HasSuffix(fe.Message, "appears twice in this input"):
		return "registry_form.err.twice_" + name
	case fe.Field == "contract.ends_on" && strings.HasPrefix(fe.Message, "must be after"):
		return "registry_form.err.ends_before_start"
	}
	return "registry_form.err." + name
}

// formField is one field of the new and edit forms.
type formField struct {
	Name, LabelKey, HintKey, Type, Value, Problem string
	Autocomplete, InputMode                       string
	Max                                           int
	Required                                      bool
	Options                                       []web.Option // a select when set
}

// registryFields lays out the form's fields with their values and problems.
func registryFields(f registryForm, problems map[string]string, areas []Area) []formField {
	areaOpts := []web.Option{{Value: "", Key: "registry_form.choose"}}
	for _, a := range areas {
		areaOpts = append(areaOpts, web.Option{Value: a.Code, Label: a.Name})
	}
	fields := []formField{
		{Name: "code", LabelKey: "collaborator.code", HintKey: "registry_form.hint.code", Type: "text", Value: f.Code, Max: 24, Required: true, Autocomplete: "off"},
		{Name: "full_name", LabelKey: "registry_form.full_name", Type: "text", Value: f.FullName, Max: 100, Required: true, Autocomplete: "off"},
		{Name: "email", LabelKey: "collaborator.email", Type: "email", Value: f.Email, Max: 254, Required: true, Autocomplete: "off"},
		{Name: "phone", LabelKey: "collaborator.phone", HintKey: "registry_form.hint.phone", Type: "text", Value: f.Phone, Max: 20, Required: true, Autocomplete: "off", InputMode: "tel"},
		{Name: "role", LabelKey: "collaborators.role", Value: f.Role, Required: true, Options: append([]web.Option{{Value: "", Key: "registry_form.choose"}}, web.Choices(Roles, "role.")...)},
		{Name: "area_code", LabelKey: "collaborators.area", Value: f.AreaCode, Required: true, Options: areaOpts},
		{Name: "commune", LabelKey: "collaborator.commune", Type: "text", Value: f.Commune, Max: 100, Required: true},
		{Name: "position", LabelKey: "collaborator.position", Type: "text", Value: f.Position, Max: 100},
		{Name: "contract_number", LabelKey: "contract.number", Type: "text", Value: f.Number, Max: 50, Required: true},
		{Name: "starts_on", LabelKey: "registry_form.starts_on", HintKey: "registry_form.hint.date", Type: "date", Value: f.StartsOn, Required: true},
		{Name: "ends_on", LabelKey: "registry_form.ends_on", HintKey: "registry_form.hint.date", Type: "date", Value: f.EndsOn, Required: true},
		{Name: "status", LabelKey: "contract.status", Value: f.Status, Required: true, Options: web.Choices(ContractStatuses, "contract.status.")},
		{Name: "quarterly_stipend", LabelKey: "registry_form.stipend", HintKey: "registry_form.hint.stipend", Type: "text", Value: f.Stipend, Max: 20, InputMode: "numeric"},
	}
	for i := range fields {
		fields[i].Problem = problems[fields[i].Name]
	}
	return fields
}

// canManagePage says whether the page's caller is staff (the links).
func canManagePage(c *fiber.Ctx) bool { return canManage(web.PrincipalOf(c)) }

// newPage shows the empty new-collaborator form.
func (m *Module) newPage(c *fiber.Ctx) error {
	f := registryForm{Status: ContractActive, AreaCode: strings.ToUpper(c.Query("area_code"))}
	return m.renderNew(c, fiber.StatusOK, f, nil)
}

func (m *Module) renderNew(c *fiber.Ctx, status int, f registryForm, problems map[string]string) error {
	areas, err := m.svc.Areas(c.UserContext())
	if err != nil {
		return err
	}
	return m.Platform.Render(c, status, "collaborator_new", map[string]any{
		"Fields": registryFields(f, problems, areas), "Problems": problems})
}

// fieldProblems adds a service error's field problems to problems and
// returns the status the form comes back with; ok is false for an error
// that is no problem of the form's.
func fieldProblems(err error, problems map[string]string) (status int, ok bool) {
	var e *errs.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return 0, false
	}
	switch e.Kind {
	case errs.Invalid:
		status = fiber.StatusBadRequest
	case errs.Conflict:
		status = fiber.StatusConflict
	case errs.Unprocessable:
		status = fiber.StatusUnprocessableEntity
	default:
		return 0, false
	}
	for _, fe := range e.Fields {
		if _, set := problems[formName(fe.Field)]; !set {
			problems[formName(fe.Field)] = problemKey(fe)
		}
	}
	return status, true
}

// createPost registers the collaborator of the form and shows their page;
// a form with problems comes back with them and nothing is stored.
func (m *Module) createPost(c *fiber.Ctx) error {
	f := readRegistryForm(c)
	in, problems := f.input()
	if len(problems) > 0 {
		// Name the other fields' problems too, so that one round trip shows all.
		in.Normalize()
		areas, err := m.svc.Areas(c.UserContext())
		if err != nil {
			return err
		}
		known := areaNames(areas)
		for _, fe := range in.Validate(func(code string) bool { _, ok := known[code]; return ok }) {
			if fe.Field != "contract.quarterly_stipend" {
				problems[formName(fe.Field)] = problemKey(fe)
			}
		}
		return m.renderNew(c, fiber.StatusBadRequest, f, problems)
	}
	created, err := m.svc.Create(c.UserContext(), []Input{in}, func(int) string { return "" })
	if err == nil {
		return c.Redirect("/collaborators/"+url.PathEscape(created[0].ID)+"?saved=created", fiber.StatusSeeOther)
	}
	status, ok := fieldProblems(err, problems)
	if !ok {
		return err
	}
	return m.renderNew(c, status, f, problems)
}

// importRowProblem is one problem of an import file: a row (0 for the
// file itself), the column's header, and the problem's translation key.
type importRowProblem struct {
	Line   int
	Column string
	Key    string
	Arg    string // what the key's %s says: the columns of a header problem
	Detail string // the service's words, when no key says it (file problems)
}

var rowField = regexp.MustCompile(`^rows\[(\d+)\]\.(.+)$`)

// importProblems lists an import error's problems, the file's first, then
// by row.
func importProblems(e *errs.Error) []importRowProblem {
	headers := map[string]string{}
	for _, col := range ImportColumns {
		headers[col.Field] = col.Header
	}
	var out []importRowProblem
	for _, fe := range e.Fields {
		if m := rowField.FindStringSubmatch(fe.Field); m != nil {
			line, _ := strconv.Atoi(m[1])
			out = append(out, importRowProblem{Line: line, Column: headers[m[2]], Key: problemKey(errs.FieldError{Field: m[2], Message: fe.Message})})
			continue
		}
		key, arg := fileProblemKey(fe)
		out = append(out, importRowProblem{Key: key, Arg: arg, Detail: fe.Message})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

var (
	missingColumns = regexp.MustCompile(`^missing columns: (.+)$`)
	unknownColumn  = regexp.MustCompile(`^unknown column "(.*)"$`)
	repeatedColumn = regexp.MustCompile(`^column "(.*)" appears twice$`)
)

// fileProblemKey is the translation key of a problem with the file as a
// whole (ParseImport, UploadedSheet), and the columns it names.
func fileProblemKey(fe errs.FieldError) (key, arg string) {
	if fe.Field == "file.header" {
		for k, re := range map[string]*regexp.Regexp{"registry_import.err.header_missing": missingColumns,
			"registry_import.err.header_unknown": unknownColumn, "registry_import.err.header_twice": repeatedColumn} {
			if m := re.FindStringSubmatch(fe.Message); m != nil {
				return k, m[1]
			}
		}
		return "registry_import.err.header", ""
	}
	switch {
	case strings.HasPrefix(fe.Message, "send the CSV"):
		return "registry_import.err.missing", ""
	case strings.HasPrefix(fe.Message, "has more than"):
		return "registry_import.err.too_many", ""
	case fe.Message == "is empty" || fe.Message == "has no data rows":
		return "registry_import.err.empty", ""
	case strings.HasPrefix(fe.Message, "is not UTF-8"):
		return "registry_import.err.utf8", ""
	}
	return "registry_import.err.unreadable", ""
}

// importPage shows the upload form and the columns a file must have.
func (m *Module) importPage(c *fiber.Ctx) error {
	n, _ := strconv.Atoi(c.Query("imported"))
	return m.renderImport(c, fiber.StatusOK, nil, max(n, 0))
}

func (m *Module) renderImport(c *fiber.Ctx, status int, problems []importRowProblem, imported int) error {
	areas, err := m.svc.Areas(c.UserContext())
	if err != nil {
		return err
	}
	return m.Platform.Render(c, status, "collaborator_import", map[string]any{
		"Columns": ImportColumns, "Areas": areas, "Problems": problems, "Imported": imported, "Max": MaxImportRows})
}

// importPost imports the uploaded file, all rows or none, and says how
// many; a file with problems comes back listed by row and nothing is
// imported.
func (m *Module) importPost(c *fiber.Ctx) error {
	created, err := m.importFile(c)
	if err == nil {
		return c.Redirect("/collaborators/import?imported="+strconv.Itoa(len(created)), fiber.StatusSeeOther)
	}
	var e *errs.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Kind {
	case errs.Invalid, errs.Conflict:
		if len(e.Fields) == 0 {
			e.Fields = []errs.FieldError{{Field: "file", Message: e.Message}}
		}
		return m.renderImport(c, fiber.StatusBadRequest, importProblems(e), 0)
	case errs.TooLarge:
		return m.renderImport(c, fiber.StatusRequestEntityTooLarge, []importRowProblem{{Key: "registry_import.err.too_large"}}, 0)
	}
	return err
}

func (m *Module) importFile(c *fiber.Ctx) ([]Collaborator, error) {
	name, data, err := web.UploadedSheet(c, "file")
	if err != nil {
		return nil, err
	}
	rows, err := ParseImport(name, data)
	if err != nil {
		return nil, err
	}
	return m.svc.Import(c.UserContext(), rows)
}

// editData is what the edit page shows.
type editData struct {
	C        Collaborator
	Fields   []formField
	Problems map[string]string
	// Renewal is set when the renewal rule refused moving the contract's
	// end later: its reasons, and the override reason typed.
	Renewal  bool
	Reasons  []string
	Override string
}

// editPage shows a person's edit form, filled with their record.
func (m *Module) editPage(c *fiber.Ctx) error {
	col, err := m.svc.Get(c.UserContext(), web.ScopeOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	return m.renderEdit(c, fiber.StatusOK, col, formOf(col), nil, nil)
}

func (m *Module) renderEdit(c *fiber.Ctx, status int, col Collaborator, f registryForm, problems map[string]string, reasons []string) error {
	areas, err := m.svc.Areas(c.UserContext())
	if err != nil {
		return err
	}
	_, renewal := problems["override_reason"]
	if problems["ends_on"] == "registry_form.err.renewal" {
		renewal = true
	}
	return m.Platform.Render(c, status, "collaborator_edit", editData{C: col, Fields: registryFields(f, problems, areas),
		Problems: problems, Renewal: renewal || f.OverrideReason != "", Reasons: reasons, Override: f.OverrideReason})
}

// editPost changes the person as the form says (action save), or archives
// or restores them (action archive, unarchive), then shows their page; a
// form with problems comes back with them (400, 409; 422 with the reasons
// when the renewal rule refuses a later end: an override reason renews
// anyway, audited) and nothing is changed.
func (m *Module) editPost(c *fiber.Ctx) error {
	scope := web.ScopeOf(c)
	col, err := m.svc.Get(c.UserContext(), scope, c.Params("id"))
	if err != nil {
		return err
	}
	page := "/collaborators/" + url.PathEscape(col.ID)
	var p Patch
	f := readRegistryForm(c)
	problems := map[string]string{}
	saved := "updated"
	switch c.FormValue("action") {
	case "archive", "unarchive":
		archive := c.FormValue("action") == "archive"
		p.Archived = &archive
		saved = c.FormValue("action") + "d"
		f = formOf(col)
	case "", "save":
		p, problems = f.patchOf(col)
		if len(problems) > 0 {
			return m.renderEdit(c, fiber.StatusBadRequest, col, f, problems, nil)
		}
	default:
		return errs.Field("action", "must be save, archive or unarchive")
	}
	if p.empty() {
		return c.Redirect(page+"?saved=unchanged", fiber.StatusSeeOther)
	}
	if _, err = m.svc.Update(c.UserContext(), scope, canManagePage(c), col.ID, p); err == nil {
		return c.Redirect(page+"?saved="+saved, fiber.StatusSeeOther)
	}
	var e *errs.Error
	if errors.As(err, &e) && e.Kind == errs.Unprocessable {
		// Update's only rule refusal is the renewal rule (its reasons on
		// contract.ends_on, possibly none).
		// The renewal rule: the person's standing says why, in the page's language.
		problems["ends_on"] = "registry_form.err.renewal"
		var reasons []string
		if st, serr := m.svc.StandingOf(c.UserContext(), scope, col.ID, web.Lang(c)); serr == nil && st != nil {
			reasons = st.Reasons
		}
		if len(reasons) == 0 {
			for _, fe := range e.Fields {
				reasons = append(reasons, fe.Message)
			}
		}
		return m.renderEdit(c, fiber.StatusUnprocessableEntity, col, f, problems, reasons)
	}
	status, ok := fieldProblems(err, problems)
	if !ok {
		return err
	}
	return m.renderEdit(c, status, col, f, problems, nil)
}
