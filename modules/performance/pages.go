package performance

import (
	"context"
	"embed"
	"errors"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/humantext"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

//go:embed views/*.html
var views embed.FS

// pageSize is how many people a page of a list shows.
const pageSize = 100

func (m *Module) pageRoutes(r *web.Router) {
	// The stipend sheet before /performance/:collaborator_id/:quarter.
	r.Get("/performance/stipends/:quarter", web.Doc{}, m.stipendsPage)
	r.Get("/performance", web.Doc{}, m.listPage)
	r.Get("/performance/:collaborator_id/:quarter", web.Doc{}, m.recordPage)
	r.Post("/performance/:collaborator_id/:quarter", web.Doc{}, m.recordSave)
	r.Post("/performance/:collaborator_id/:quarter/submit", web.Doc{}, m.recordSubmit)
	r.Post("/performance/:collaborator_id/:quarter/approve", web.Doc{}, m.recordApprove)
}

// pageQuarters are the quarters a page offers: the next one, the current
// one and the seven before, newest first.
func pageQuarters(now clock.Quarter) []string {
	q := now.Next()
	out := make([]string, 0, 9)
	for range 9 {
		out = append(out, q.String())
		q = q.Prev()
	}
	return out
}

// pct writes an attainment as a whole percentage ("75%"), as standing does.
func pct(a float64) string { return humantext.Percent(a) }

type listRow struct {
	Record
	Pct   string
	Shown string // the status the page shows: NoRecord for a record nobody wrote
}

// shownStatus is a record's status as the pages show it: a record nobody
// wrote (the API's draft with stored false) is NoRecord, "no report",
// as on the stipend sheet and in standing, not a draft.
func shownStatus(r Record) string {
	if !r.Stored {
		return NoRecord
	}
	return r.Status
}

// The tables of the list and the stipend sheet, up to their rows.
var (
	recordsTable = web.Table{ID: "records", Class: "grid", Caption: &web.Option{Key: "perf.table_caption"},
		Columns: web.Columns("perf.person", "perf.profiles", "perf.surveys", "perf.referrals", "perf.report_on_time", "perf.attainment", "perf.status")}
	stipendsTable = web.Table{ID: "stipends", Class: "grid", Caption: &web.Option{Key: "perf.stipends_caption"},
		Columns: web.Columns("perf.person", "perf.contract", "perf.quarterly_stipend", "perf.record", "perf.due", "perf.why")}
)

type listPageData struct {
	Quarter          string
	Filters          web.Filters // the quarter and, for who sees more than one district, the district
	Items            []listRow
	Total, Offset    int
	Pager            web.Pager
	Table            web.Table
	Counts           map[string]int // records by status
	Statuses         []string
	Stipends         string // the quarter's stipend sheet
	CanEdit          bool
	QuarterInvalid   bool
	RequestedQuarter string
}

// listPage is a quarter's list (coordinators, leadership and admins: the
// network, a district by choice; a team leader: their district): each
// person's targets, actuals, attainment and status, linked to the record.
func (m *Module) listPage(c *fiber.Ctx) error {
	ctx, scope, pr := c.UserContext(), web.ScopeOf(c), web.PrincipalOf(c)
	now := clock.QuarterOf(m.svc.d.Clock.Now())
	quarter := strings.TrimSpace(c.Query("quarter"))
	if quarter == "" {
		quarter = now.String()
	}
	q, err := ParseQuarter("quarter", quarter)
	if err != nil {
		return err
	}
	_, offset, err := web.Page(c)
	if err != nil {
		return err
	}
	area := strings.ToUpper(strings.TrimSpace(c.Query("area_code")))
	if scope.Kind == authz.ScopeArea {
		area = scope.AreaCode
	}
	items, err := m.svc.List(ctx, scope, q.String(), Filter{AreaCode: area})
	if err != nil {
		return err
	}
	d := listPageData{Quarter: q.String(), Offset: offset, Table: recordsTable, Counts: map[string]int{}, Statuses: StipendRecordStatuses,
		Stipends: "/performance/stipends/" + q.String(), CanEdit: pr.Role != authz.RoleLeadership}
	quarters := pageQuarters(now)
	if !slices.Contains(quarters, d.Quarter) {
		quarters = append([]string{d.Quarter}, quarters...)
	}
	d.Filters = web.Filters{Action: "/performance", SubmitKey: "collaborators.filter",
		Selects: []web.Select{{Name: "quarter", LabelKey: "perf.quarter", Value: d.Quarter, Options: web.Choices(quarters, "")}}}
	areaChoice := scope.Kind == authz.ScopeAll // the caller sees more than one district
	if areaChoice {
		sel, err := m.areaSelect(ctx, area)
		if err != nil {
			return err
		}
		d.Filters.Selects = append(d.Filters.Selects, sel)
	}
	for _, r := range items {
		d.Counts[shownStatus(r)]++
	}
	page := web.Slice(items, pageSize, offset)
	d.Total = page.Total
	for _, r := range page.Items {
		d.Items = append(d.Items, listRow{Record: r, Pct: pct(r.Attainment), Shown: shownStatus(r)})
	}
	link := func(off int) string {
		v := url.Values{"quarter": {d.Quarter}, "offset": {strconv.Itoa(off)}}
		if area != "" && areaChoice {
			v.Set("area_code", area)
		}
		return "/performance?" + v.Encode()
	}
	d.Pager.Prev, d.Pager.Next = pager(d.Total, offset, link)
	return m.Platform.Render(c, fiber.StatusOK, "performance_list", d)
}

// areaSelect is a list's choice of district unit (area_code), by name,
// value the one chosen ("" for all).
func (m *Module) areaSelect(ctx context.Context, value string) (web.Select, error) {
	areas, err := m.svc.d.People.Areas(ctx)
	if err != nil {
		return web.Select{}, err
	}
	opts := make([]web.Option, len(areas))
	for i, a := range areas {
		opts[i] = web.Option{Value: a.Code, Label: a.Name}
	}
	sort.Slice(opts, func(i, j int) bool { return collaborators.Fold(opts[i].Label) < collaborators.Fold(opts[j].Label) })
	return web.AreaSelect(value, opts), nil
}

// pager is the links to the page before and after the one at offset
// (empty: none), link making the address of a page.
func pager(total, offset int, link func(offset int) string) (prev, next string) {
	if offset > 0 {
		prev = link(max(0, offset-pageSize))
	}
	if offset+pageSize < total {
		next = link(offset + pageSize)
	}
	return prev, next
}

// form is the record form's values as typed (kept when they are refused).
type form struct {
	Profiles, Surveys, Referrals    string
	ReportOnTime                    bool
	TProfiles, TSurveys, TReferrals string
}

// numField is a number input of the form.
type numField struct {
	Name, Label, Value, Problem string
}

// fieldSet is a group of the form's inputs: the actuals (with the report
// on time), the targets.
type fieldSet struct {
	Legend string
	Fields []numField
	Report bool // the report-on-time box follows the numbers
}

type recordPageData struct {
	Sets                                []fieldSet // the form's inputs, filled by fields
	Max                                 int
	R                                   Record
	FullName, Code, AreaCode, Pct, Back string
	Shown                               string // the status shown (shownStatus)
	Action                              string // the form's address
	Form                                form
	Problems                            map[string]string // field → message
	CanEdit, CanTargets                 bool
	CanSubmit, CanApprove               bool
	Own                                 bool   // the caller's own record
	Done                                string // saved, submitted or approved (after a redirect)
}

// rights are what the caller may do on the record as the policy allows
// (modules/performance/policy.csv) and the record's status permits: a CTV
// drafts their own, a team leader enters and submits their district's,
// coordinators and admins enter, set targets and submit, a coordinator
// approves (never their own record), leadership reads.
func rights(d *recordPageData, pr authz.Principal) {
	st, staff := d.R.Status, pr.Role == authz.RoleCoordinator || pr.Role == authz.RoleAdmin
	switch pr.Role {
	case authz.RoleCTV:
		d.CanEdit = st == Draft
	case authz.RoleTeamLeader, authz.RoleCoordinator, authz.RoleAdmin:
		d.CanEdit, d.CanSubmit = st != Approved, st == Draft
	}
	d.CanTargets = staff && d.CanEdit
	d.CanApprove = pr.Role == authz.RoleCoordinator && st == Submitted && !d.Own
}

func formOf(r Record) form {
	i := strconv.Itoa
	return form{Profiles: i(r.Actuals.Profiles), Surveys: i(r.Actuals.Surveys), Referrals: i(r.Actuals.Referrals), ReportOnTime: r.Actuals.ReportOnTime,
		TProfiles: i(r.Targets.Profiles), TSurveys: i(r.Targets.Surveys), TReferrals: i(r.Targets.Referrals)}
}

// recordData reads a person's quarter for the page.
func (m *Module) recordData(c *fiber.Ctx) (recordPageData, error) {
	l, err := m.svc.load(c.UserContext(), web.ScopeOf(c), c.Params("collaborator_id"), c.Params("quarter"))
	if err != nil {
		return recordPageData{}, err
	}
	pr := web.PrincipalOf(c)
	d := recordPageData{R: l.record, Shown: shownStatus(l.record), FullName: l.person.FullName, Code: l.person.Code, AreaCode: l.person.AreaCode, Pct: pct(l.record.Attainment),
		Action: "/performance/" + url.PathEscape(l.person.ID) + "/" + l.quarter, Form: formOf(l.record),
		Own: pr.CollaboratorID != "" && pr.CollaboratorID == l.person.ID}
	if pr.Role != authz.RoleCTV {
		d.Back = "/performance?quarter=" + l.quarter
	}
	rights(&d, pr)
	return d, nil
}

// fields lays out the form's number inputs with their values and
// problems.
func (d *recordPageData) fields() {
	mk := func(name, label, value string) numField {
		return numField{Name: name, Label: label, Value: value, Problem: d.Problems[name]}
	}
	f := d.Form
	d.Max = MaxCount
	d.Sets = []fieldSet{{Legend: "perf.actuals", Report: true, Fields: []numField{mk("profiles", "perf.profiles", f.Profiles),
		mk("surveys", "perf.surveys", f.Surveys), mk("referrals", "perf.referrals", f.Referrals)}}}
	if d.CanTargets {
		d.Sets = append(d.Sets, fieldSet{Legend: "perf.targets", Fields: []numField{mk("target_profiles", "perf.target_profiles", f.TProfiles),
			mk("target_surveys", "perf.target_surveys", f.TSurveys), mk("target_referrals", "perf.target_referrals", f.TReferrals)}})
	}
}

// recordPage shows a person's quarter, with the form and buttons the
// caller may use.
func (m *Module) recordPage(c *fiber.Ctx) error {
	d, err := m.recordData(c)
	if err != nil {
		return err
	}
	if done := c.Query("done"); slices.Contains([]string{"saved", "submitted", "approved"}, done) {
		d.Done = done
	}
	d.fields()
	return m.Platform.Render(c, fiber.StatusOK, "performance_record", d)
}

// recordSave takes the form: the actuals, and for coordinators and admins
// the person's targets. Numbers that are not whole numbers from 0 to
// MaxCount show the form again with the message beside each.
func (m *Module) recordSave(c *fiber.Ctx) error {
	d, err := m.recordData(c)
	if err != nil {
		return err
	}
	if !d.CanEdit {
		return errs.E(errs.Conflict, "the record is %s and can no longer change here", d.R.Status)
	}
	f := form{Profiles: strings.Clone(c.FormValue("profiles")), Surveys: strings.Clone(c.FormValue("surveys")), Referrals: strings.Clone(c.FormValue("referrals")),
		ReportOnTime: c.FormValue("report_on_time") == "1", TProfiles: strings.Clone(c.FormValue("target_profiles")),
		TSurveys: strings.Clone(c.FormValue("target_surveys")), TReferrals: strings.Clone(c.FormValue("target_referrals"))}
	problems := map[string]string{}
	// The box sends "1" when ticked, nothing when not.
	if v := c.FormValue("report_on_time"); v != "" && v != "1" {
		problems["report_on_time"] = "perf.report_invalid"
	}
	num := func(field, s string) int {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 0 || n > MaxCount {
			problems[field] = "perf.count_invalid"
		}
		return n
	}
	ch := Change{Actuals: &Actuals{Profiles: num("profiles", f.Profiles), Surveys: num("surveys", f.Surveys), Referrals: num("referrals", f.Referrals), ReportOnTime: f.ReportOnTime}}
	if d.CanTargets {
		ch.Targets = &Targets{Profiles: num("target_profiles", f.TProfiles), Surveys: num("target_surveys", f.TSurveys), Referrals: num("target_referrals", f.TReferrals)}
	}
	if len(problems) == 0 {
		_, err = m.svc.Put(c.UserContext(), web.ScopeOf(c), c.Params("collaborator_id"), c.Params("quarter"), ch)
		if err == nil {
			return c.Redirect(d.Action+"?done=saved", fiber.StatusSeeOther)
		}
		var e *errs.Error
		if !errors.As(err, &e) || e.Kind != errs.Invalid {
			return err
		}
		for _, fe := range e.Fields {
			problems[strings.ReplaceAll(strings.TrimPrefix(fe.Field, "actuals."), "targets.", "target_")] = "perf.count_invalid"
		}
	}
	d.Form, d.Problems = f, problems
	d.fields()
	return m.Platform.Render(c, fiber.StatusBadRequest, "performance_record", d)
}

// recordSubmit submits a draft; recordApprove approves a submitted record.
// Refusals (not a draft, one's own record) are the error page's.
func (m *Module) recordSubmit(c *fiber.Ctx) error {
	if _, err := m.svc.Submit(c.UserContext(), web.ScopeOf(c), c.Params("collaborator_id"), c.Params("quarter")); err != nil {
		return err
	}
	return c.Redirect(m.recordPath(c)+"?done=submitted", fiber.StatusSeeOther)
}

func (m *Module) recordApprove(c *fiber.Ctx) error {
	if _, err := m.svc.Approve(c.UserContext(), web.ScopeOf(c), c.Params("collaborator_id"), c.Params("quarter")); err != nil {
		return err
	}
	return c.Redirect(m.recordPath(c)+"?done=approved", fiber.StatusSeeOther)
}

func (m *Module) recordPath(c *fiber.Ctx) string {
	return "/performance/" + url.PathEscape(c.Params("collaborator_id")) + "/" + url.PathEscape(c.Params("quarter"))
}

type stipendRow struct {
	Stipend
	Pct string
}

type stipendsPageData struct {
	Quarter, Prev, Next string // the quarter and its neighbours' sheets (in the district chosen)
	XLSX                string
	Filters             *web.Filters // the district, for who sees more than one
	Items               []stipendRow
	Total, Offset       int
	Pager               web.Pager
	Table               web.Table
	Due                 int64 // the sheet's total (every page)
	Paid                int   // people paid something
}

// stipendsPage is a quarter's stipend sheet for the people in scope: per
// person the stipend due and why, the total, and the XLSX to download.
// Who sees more than one district may choose one (area_code); a team
// leader's sheet is their district's.
func (m *Module) stipendsPage(c *fiber.Ctx) error {
	ctx, scope := c.UserContext(), web.ScopeOf(c)
	areaChoice := scope.Kind == authz.ScopeAll // the caller sees more than one district
	area := ""
	if areaChoice {
		area = areaQuery(c)
	}
	items, err := m.svc.Stipends(ctx, scope, c.Params("quarter"), area)
	if err != nil {
		return err
	}
	_, offset, err := web.Page(c)
	if err != nil {
		return err
	}
	q, _ := ParseQuarter("quarter", c.Params("quarter"))
	// link is the address of a sheet (of path) in the district chosen.
	link := func(path string, v url.Values) string {
		if area != "" {
			v.Set("area_code", area)
		}
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}
	sheet := func(q clock.Quarter) string { return link("/performance/stipends/"+q.String(), url.Values{}) }
	d := stipendsPageData{Quarter: q.String(), Prev: sheet(q.Prev()), Next: sheet(q.Next()),
		XLSX: link("/api/v1/performance/stipends/"+q.String()+".xlsx", url.Values{}), Offset: offset, Table: stipendsTable}
	if areaChoice {
		sel, err := m.areaSelect(ctx, area)
		if err != nil {
			return err
		}
		d.Filters = &web.Filters{Action: "/performance/stipends/" + q.String(), SubmitKey: "collaborators.filter", Selects: []web.Select{sel}}
	}
	for _, s := range items {
		d.Due += s.Due
		if s.Due > 0 {
			d.Paid++
		}
	}
	page := web.Slice(items, pageSize, offset)
	d.Total = page.Total
	for _, s := range page.Items {
		d.Items = append(d.Items, stipendRow{Stipend: s, Pct: pct(s.Attainment)})
	}
	d.Pager.Prev, d.Pager.Next = pager(d.Total, offset, func(off int) string {
		return link("/performance/stipends/"+q.String(), url.Values{"offset": {strconv.Itoa(off)}})
	})
	return m.Platform.Render(c, fiber.StatusOK, "performance_stipends", d)
}
