package scheduling

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/humantext"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
	qrcode "github.com/skip2/go-qrcode"
)

// The staff pages: the week's sessions, the new-session form, a session
// with its invitations, its edit and cancel forms (pages_edit.go), the
// roster and the check-in screen.
func (m *Module) staffPageRoutes(r *web.Router) {
	for _, p := range []struct {
		path      string
		get, post fiber.Handler
	}{
		{"/sessions", m.weekPage, m.createPost},
		{"/sessions/new", m.newPage, nil},
		{"/sessions/:id", m.sessionPage, nil},
		{"/sessions/:id/invite", nil, m.invitePost},
		{"/sessions/:id/roster", m.rosterPage, m.rosterPost},
		{"/sessions/:id/checkin-screen", m.checkinScreen, nil},
		{"/sessions/:id/edit", m.editPage, m.editPost},
		{"/sessions/:id/cancel", m.cancelPage, m.cancelPost},
	} {
		if p.get != nil {
			r.Get(p.path, web.Doc{}, p.get)
		}
		if p.post != nil {
			r.Post(p.path, web.Doc{}, p.post)
		}
	}
}

// canSchedule tells whether the caller may create sessions and invite.
func canSchedule(p authz.Principal) bool {
	return p.Role == authz.RoleCoordinator || p.Role == authz.RoleAdmin
}

// canMark tells whether the caller may take attendance.
func canMark(p authz.Principal) bool {
	return canSchedule(p) || p.Role == authz.RoleTeamLeader
}

// isoWeek names the ISO week of t in Vietnam, like 2026-W50.
func isoWeek(t time.Time) string {
	y, w := t.In(vn).ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// pageSession is a session as the pages show it, times in Vietnam.
type pageSession struct {
	SessionView
	Date     string // 07/12/2026
	Start    string // 08:00
	End      string
	AreaName string
}

// pageOf is a session as the pages show it, with the caller's answer (me)
// and its district's name.
func pageOf(x Session, me string, areas map[string]string) pageSession {
	start, end := x.StartsAt.In(vn), x.EndsAt.In(vn)
	return pageSession{SessionView: toView(x, me), Date: start.Format("02/01/2006"), Start: start.Format("15:04"),
		End: end.Format("15:04"), AreaName: areas[x.AreaCode]}
}

// areaNames maps district codes to names.
func (m *Module) areaNames(c *fiber.Ctx) ([]Choice, map[string]string, error) {
	areas, err := m.svc.AreaChoices(c.UserContext())
	if err != nil {
		return nil, nil, err
	}
	names := make(map[string]string, len(areas))
	for _, a := range areas {
		names[a.Code] = a.Name
	}
	return areas, names, nil
}

// weekDay is one day of the week page.
type weekDay struct {
	ID       string // 2026-12-07
	Weekday  int    // 0 Sunday … 6 Saturday
	Date     string // 07/12/2026
	Today    bool
	Sessions []pageSession
}

// weekPage lists the week's sessions by day, for staff (all) and team
// leaders (their district's and the network-wide ones).
func (m *Module) weekPage(c *fiber.Ctx) error {
	scope := web.ScopeOf(c)
	now := m.svc.Now()
	week := c.Query("week")
	if week == "" {
		week = isoWeek(now)
	}
	from, to, err := WeekRange(week)
	if err != nil {
		return err
	}
	areas, names, err := m.areaNames(c)
	if err != nil {
		return err
	}
	q := Query{From: from, To: to}
	area := ""
	if scope.Kind == authz.ScopeAll {
		area = strings.ToUpper(c.Query("area_code"))
		if area != "" {
			if _, ok := names[area]; !ok {
				return errs.Field("area_code", "is not a known district unit")
			}
		}
		q.AreaCode = area
	}
	xs, err := m.svc.List(c.UserContext(), scope, q)
	if err != nil {
		return err
	}
	monday := from.In(vn)
	days := make([]weekDay, 7)
	today := now.In(vn).Format("2006-01-02")
	for i := range days {
		d := monday.AddDate(0, 0, i)
		days[i] = weekDay{ID: d.Format("2006-01-02"), Weekday: int(d.Weekday()), Date: d.Format("02/01/2006")}
		days[i].Today = days[i].ID == today
	}
	for _, x := range xs {
		i := int(x.StartsAt.In(vn).Sub(monday).Hours() / 24)
		if i >= 0 && i < 7 {
			days[i].Sessions = append(days[i].Sessions, pageOf(x, "", names))
		}
	}
	link := func(t time.Time) string {
		v := url.Values{"week": {isoWeek(t)}}
		if area != "" {
			v.Set("area_code", area)
		}
		return "/sessions?" + v.Encode()
	}
	y, w := monday.ISOWeek()
	return m.Platform.Render(c, fiber.StatusOK, "sessions", struct {
		Week      string
		Year, N   int
		From, To  string
		Prev      string
		Next      string
		ThisWeek  string
		Days      []weekDay
		Areas     []Choice
		AreaCode  string
		CanFilter bool
		CanCreate bool
		Total     int
	}{Week: week, Year: y, N: w, From: monday.Format("02/01"), To: monday.AddDate(0, 0, 6).Format("02/01/2006"),
		Prev: link(monday.AddDate(0, 0, -7)), Next: link(monday.AddDate(0, 0, 7)), ThisWeek: link(now),
		Days: days, Areas: areas, AreaCode: area, CanFilter: scope.Kind == authz.ScopeAll,
		CanCreate: canSchedule(web.PrincipalOf(c)), Total: len(xs)})
}

// sessionForm is the new-session form as typed: times are Vietnam's.
type sessionForm struct {
	Title      string
	CourseCode string
	Date       string // 2026-12-07
	Start      string // 08:00
	End        string
	Location   string
	AreaCode   string
	Capacity   string
	Trainer    string
	Repeat     string // how many weekly sessions; blank or 1 for one
}

// formFields maps the service's input fields to the form's.
var formFields = map[string]string{"starts_at": "start", "ends_at": "end", "recurrence": "repeat"}

// input turns the form into a service input, with the problems of the
// fields it could not read (form field → translation key).
func (f sessionForm) input() (Input, map[string]string) {
	bad := map[string]string{}
	in := Input{Title: f.Title, CourseCode: f.CourseCode, Location: f.Location, AreaCode: f.AreaCode, Trainer: f.Trainer}
	day, err := time.ParseInLocation("2006-01-02", f.Date, vn)
	if err != nil {
		bad["date"] = "session_form.err.date"
	}
	clock := func(field, v string) time.Time {
		t, err := time.Parse("15:04", v)
		if err != nil {
			bad[field] = "session_form.err." + field
			return time.Time{}
		}
		return t
	}
	start, end := clock("start", f.Start), clock("end", f.End)
	if len(bad) == 0 {
		in.StartsAt = time.Date(day.Year(), day.Month(), day.Day(), start.Hour(), start.Minute(), 0, 0, vn).UTC()
		in.EndsAt = time.Date(day.Year(), day.Month(), day.Day(), end.Hour(), end.Minute(), 0, 0, vn).UTC()
	}
	if s := strings.TrimSpace(f.Capacity); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			bad["capacity"] = "session_form.err.capacity"
		}
		in.Capacity = n
	}
	if s := strings.TrimSpace(f.Repeat); s != "" {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil || n < 1 || n > MaxOccurrences:
			bad["repeat"] = "session_form.err.repeat"
		case n > 1:
			in.Recurrence = fmt.Sprintf("FREQ=WEEKLY;COUNT=%d", n)
		}
	}
	return in, bad
}

func readSessionForm(c *fiber.Ctx) sessionForm {
	v := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	return sessionForm{Title: v("title"), CourseCode: v("course_code"), Date: v("date"), Start: v("start"), End: v("end"),
		Location: v("location"), AreaCode: v("area_code"), Capacity: v("capacity"), Trainer: v("trainer"), Repeat: v("repeat")}
}

// newPage shows the empty new-session form.
func (m *Module) newPage(c *fiber.Ctx) error {
	f := sessionForm{Start: "08:00", End: "11:00", AreaCode: strings.ToUpper(c.Query("area_code"))}
	return m.renderForm(c, fiber.StatusOK, f, nil)
}

// renderForm shows the form with its values and, per field, a problem
// (a translation key).
func (m *Module) renderForm(c *fiber.Ctx, status int, f sessionForm, problems map[string]string) error {
	areas, err := m.svc.AreaChoices(c.UserContext())
	if err != nil {
		return err
	}
	return m.Platform.Render(c, status, "session_new", struct {
		Form     sessionForm
		Problems map[string]string
		Courses  []Choice
		Areas    []Choice
		Max      int
	}{Form: f, Problems: problems, Courses: m.svc.CourseChoices(web.Lang(c)), Areas: areas, Max: MaxOccurrences})
}

// createPost schedules the session (or weekly series) of the form and
// shows it; a form with problems comes back with them.
func (m *Module) createPost(c *fiber.Ctx) error {
	f := readSessionForm(c)
	in, problems := f.input()
	if m.svc.OutOfWindow(in) {
		problems["date"] = "session_form.err.date_range"
	}
	if len(problems) == 0 {
		xs, err := m.svc.Create(c.UserContext(), in)
		if err == nil {
			return c.Redirect(fmt.Sprintf("/sessions/%s?created=%d", xs[0].ID, len(xs)), fiber.StatusSeeOther)
		}
		var e *errs.Error
		if !errs.Is(err, errs.Invalid) || !errors.As(err, &e) {
			return err
		}
		for _, fe := range e.Fields {
			problems[formField(fe.Field)] = problemKey(fe)
		}
	} else {
		// Name the other fields' problems too, so that one round trip shows all.
		ctx := c.UserContext()
		for _, fe := range m.svc.Validate(ctx, in) {
			if fe.Field == "starts_at" || fe.Field == "ends_at" || fe.Field == "recurrence" {
				continue // the times were not read
			}
			problems[formField(fe.Field)] = problemKey(fe)
		}
	}
	return m.renderForm(c, fiber.StatusBadRequest, f, problems)
}

// problemKey is the translation key of a field's problem on the form.
func problemKey(fe errs.FieldError) string {
	if fe.Message == humantext.ControlMessage {
		return "session_form.err.control"
	}
	return "session_form.err." + formField(fe.Field)
}

func formField(f string) string {
	if g, ok := formFields[f]; ok {
		return g
	}
	return f
}

// pageInvitation is one line of a session's invitations table.
type pageInvitation struct {
	InvitationView
	AreaName string
}

// inviteGroup is one district's people on the invite form's list of
// people to pick one by one.
type inviteGroup struct {
	Code, Name string
	People     []Person
}

// inviteGroups groups people by district, in the order of areas (people
// of no known district last), each group keeping people's order.
func inviteGroups(people []Person, areas []Choice) []inviteGroup {
	by := map[string][]Person{}
	for _, p := range people {
		by[p.AreaCode] = append(by[p.AreaCode], p)
	}
	var out []inviteGroup
	for _, a := range areas {
		if ps := by[a.Code]; len(ps) > 0 {
			out = append(out, inviteGroup{Code: a.Code, Name: a.Name, People: ps})
			delete(by, a.Code)
		}
	}
	var rest []Person
	for _, p := range people {
		if _, left := by[p.AreaCode]; left {
			rest = append(rest, p)
		}
	}
	if len(rest) > 0 {
		out = append(out, inviteGroup{People: rest})
	}
	return out
}

// sessionPage shows a session, its invitations and, to coordinators, the
// invite form.
func (m *Module) sessionPage(c *fiber.Ctx) error {
	return m.renderSession(c, fiber.StatusOK, "")
}

func (m *Module) renderSession(c *fiber.Ctx, status int, problem string) error {
	scope, p := web.ScopeOf(c), web.PrincipalOf(c)
	x, err := m.svc.Get(c.UserContext(), scope, c.Params("id"))
	if err != nil {
		return err
	}
	invs, err := m.svc.Invitations(c.UserContext(), scope, x.ID)
	if err != nil {
		return err
	}
	areas, names, err := m.areaNames(c)
	if err != nil {
		return err
	}
	rows := make([]pageInvitation, len(invs))
	for i, inv := range invs {
		rows[i] = pageInvitation{InvitationView: inv, AreaName: names[inv.AreaCode]}
	}
	now := m.svc.Now()
	open := x.Status != StatusCancelled && !x.Over(now)
	var groups []inviteGroup
	if canSchedule(p) && open {
		people, err := m.svc.Invitable(c.UserContext(), scope, x)
		if err != nil {
			return err
		}
		groups = inviteGroups(people, areas)
	}
	return m.Platform.Render(c, status, "session", struct {
		S           pageSession
		Week        string
		Invitations []pageInvitation
		Areas       []Choice
		Pick        []inviteGroup // the people who may be invited one by one
		CanInvite   bool
		CanMark     bool
		Open        bool // the session can still take invitations
		Created     int
		Past        bool // the session is over: attendance only
		Invited     bool // an invitation was just sent: the counts say what it did
		Updated     string
		Cancelled   string // how many sessions an edit or a cancellation just changed
		NewlyIn     int
		Already     int
		Warnings    int
		Problem     string
		ExportCSV   string
		ExportXLSX  string
	}{S: pageOf(x, "", names), Week: isoWeek(x.StartsAt), Invitations: rows, Areas: areas, Pick: groups,
		CanInvite: canSchedule(p), CanMark: canMark(p), Open: open,
		Created: queryInt(c, "created"), Past: x.Status != StatusCancelled && x.Over(now), Invited: c.Query("invited") != "", NewlyIn: queryInt(c, "invited"),
		Already: queryInt(c, "already"), Warnings: queryInt(c, "warnings"), Problem: problem,
		Updated: countParam(c, "updated"), Cancelled: countParam(c, "cancelled"),
		ExportCSV: "/api/v1/attendance/export.csv?session_id=" + url.QueryEscape(x.ID), ExportXLSX: "/api/v1/attendance/export.xlsx?session_id=" + url.QueryEscape(x.ID)})
}

// invitePost invites a district and/or a role, or the people picked one
// by one (collaborator_ids, the form's second part), and shows the
// session again.
func (m *Module) invitePost(c *fiber.Ctx) error {
	id := c.Params("id")
	if _, err := m.svc.Get(c.UserContext(), web.ScopeOf(c), id); err != nil {
		return err
	}
	req := InviteRequest{AreaCode: strings.ToUpper(strings.TrimSpace(c.FormValue("area_code"))), Role: c.FormValue("role")}
	byPerson := c.FormValue("pick") == "people"
	for _, v := range c.Request().PostArgs().PeekMulti("collaborator_ids") {
		if s := strings.TrimSpace(string(v)); s != "" {
			req.CollaboratorIDs = append(req.CollaboratorIDs, s)
		}
	}
	if byPerson && len(req.CollaboratorIDs) == 0 {
		return m.renderSession(c, fiber.StatusBadRequest, "invite.err.nobody")
	}
	res, err := m.svc.Invite(c.UserContext(), id, req)
	var e *errs.Error
	switch {
	case byPerson && errs.Is(err, errs.Invalid):
		return m.renderSession(c, fiber.StatusBadRequest, "invite.err.unknown")
	case errs.Is(err, errs.Invalid):
		return m.renderSession(c, fiber.StatusBadRequest, "invite.err.who")
	case errs.Is(err, errs.Unprocessable) && errors.As(err, &e) && len(e.Fields) > 0:
		return m.renderSession(c, fiber.StatusUnprocessableEntity, "invite.err.unmailable")
	case errs.Is(err, errs.Unprocessable):
		return m.renderSession(c, fiber.StatusUnprocessableEntity, "invite.err.closed")
	case err != nil:
		return err
	}
	return c.Redirect(fmt.Sprintf("/sessions/%s?invited=%d&already=%d&warnings=%d", url.PathEscape(id), len(res.Invited), res.AlreadyInvited,
		res.Conflicted()), fiber.StatusSeeOther)
}

// countParam is a count the page was sent back with, "" when absent or
// not a number (so that 0 can be told apart from nothing to say).
func countParam(c *fiber.Ctx, key string) string {
	if _, err := strconv.Atoi(c.Query(key)); err != nil || strings.HasPrefix(c.Query(key), "-") {
		return ""
	}
	return strconv.Itoa(queryInt(c, key))
}

// queryInt reads a count the page was sent back with (after a post); 0
// when absent or not a number.
func queryInt(c *fiber.Ctx, key string) int {
	n, err := strconv.Atoi(c.Query(key))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// attendanceStatuses are the roster's choices, in the order shown.
var attendanceStatuses = []string{AttendPresent, AttendLate, AttendExcused, AttendAbsent}

// rosterPage shows the attendance sheet for marking on a phone.
func (m *Module) rosterPage(c *fiber.Ctx) error {
	return m.renderRoster(c, fiber.StatusOK, "")
}

func (m *Module) renderRoster(c *fiber.Ctx, status int, problem string) error {
	scope := web.ScopeOf(c)
	x, lines, err := m.svc.Roster(c.UserContext(), scope, c.Params("id"))
	if err != nil {
		return err
	}
	candidates, err := m.svc.WalkInCandidates(c.UserContext(), scope, x)
	if err != nil {
		return err
	}
	_, names, err := m.areaNames(c)
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for _, l := range lines {
		if l.Status == "" {
			counts["unmarked"]++
		} else {
			counts[l.Status]++
		}
	}
	// A walk-in refused is said beside its field too, with the code typed
	// kept: the field is at the end of a sheet of many lines.
	var walkInCode, walkInProblem string
	if c.Method() == fiber.MethodPost {
		walkInCode = strings.TrimSpace(c.FormValue("walkin_code"))
		if problem == "roster.err.unknown_code" || problem == "roster.err.unknown_person" {
			walkInProblem = problem
		}
	}
	return m.Platform.Render(c, status, "roster", struct {
		S             pageSession
		Lines         []RosterLine
		Statuses      []string
		Counts        map[string]int
		Candidates    []Person
		Saved         bool // the sheet was just posted: Marks says how many lines changed
		Marks         int
		Problem       string
		WalkInCode    string
		WalkInProblem string
	}{S: pageOf(x, "", names), Lines: lines, Statuses: attendanceStatuses, Counts: counts, Candidates: candidates,
		Saved: c.Query("saved") != "", Marks: queryInt(c, "saved"), Problem: problem, WalkInCode: walkInCode, WalkInProblem: walkInProblem})
}

// rosterPost records the marks that changed, "mark all unmarked present"
// and a walk-in, then shows the sheet again. A mark or walk-in naming
// someone outside the caller's sheet answers 404 and records nothing.
func (m *Module) rosterPost(c *fiber.Ctx) error {
	scope := web.ScopeOf(c)
	x, lines, err := m.svc.Roster(c.UserContext(), scope, c.Params("id"))
	if err != nil {
		return err
	}
	// A mark for someone not on the caller's sheet (another district's
	// person, for a team leader) is refused, as the API refuses it.
	onSheet := make(map[string]bool, len(lines))
	for _, l := range lines {
		onSheet[l.Person.ID] = true
	}
	stranger := false
	c.Request().PostArgs().VisitAll(func(k, _ []byte) {
		if id, ok := strings.CutPrefix(string(k), "st."); ok && !onSheet[id] {
			stranger = true
		}
	})
	if stranger {
		return m.renderRoster(c, fiber.StatusNotFound, "roster.err.unknown_person")
	}
	var marks []MarkInput
	given := map[string]bool{}
	for _, l := range lines {
		st := c.FormValue("st." + l.Person.ID)
		if st != "" && !ValidAttendance(st) {
			// Not one of the statuses the sheet offers: refused, not ignored.
			return m.renderRoster(c, fiber.StatusBadRequest, "roster.err.invalid")
		}
		if st != "" && st != l.Status {
			marks = append(marks, MarkInput{CollaboratorID: l.Person.ID, Status: st})
		}
		given[l.Person.ID] = st != "" || l.Status != ""
	}
	if c.FormValue("action") == "all_present" {
		for _, l := range lines {
			if l.Invited && !given[l.Person.ID] {
				marks = append(marks, MarkInput{CollaboratorID: l.Person.ID, Status: AttendPresent})
			}
		}
	}
	walkIn := c.FormValue("walkin")
	if code := strings.TrimSpace(c.FormValue("walkin_code")); code != "" {
		p, err := m.svc.PersonByCode(c.UserContext(), scope, code)
		if errs.Is(err, errs.NotFound) {
			return m.renderRoster(c, fiber.StatusBadRequest, "roster.err.unknown_code")
		} else if err != nil {
			return err
		}
		walkIn = p.ID
	}
	if walkIn != "" {
		if _, on := given[walkIn]; !on {
			marks = append(marks, MarkInput{CollaboratorID: walkIn, Status: AttendPresent})
		}
	}
	if len(marks) == 0 {
		return c.Redirect("/sessions/"+url.PathEscape(x.ID)+"/roster?saved=0", fiber.StatusSeeOther)
	}
	_, err = m.svc.SetAttendance(c.UserContext(), scope, web.PrincipalOf(c), x.ID, marks)
	switch {
	case errs.Is(err, errs.NotFound):
		// A walk-in outside the caller's scope (a team leader's district),
		// or no longer in the registry: nobody the page offered.
		return m.renderRoster(c, fiber.StatusNotFound, "roster.err.unknown_person")
	case errs.Is(err, errs.Unprocessable):
		key := "roster.err.not_open"
		if x.Status == StatusCancelled {
			key = "roster.err.cancelled"
		}
		return m.renderRoster(c, fiber.StatusUnprocessableEntity, key)
	case errs.Is(err, errs.Invalid):
		return m.renderRoster(c, fiber.StatusBadRequest, "roster.err.invalid")
	case err != nil:
		return err
	}
	return c.Redirect(fmt.Sprintf("/sessions/%s/roster?saved=%d", url.PathEscape(x.ID), len(marks)), fiber.StatusSeeOther)
}

// ScreenRefresh is how often the check-in screen reloads itself by
// default (the template's meta element says the same).
const ScreenRefresh = 20 * time.Second

// checkinScreen is what the coordinator shows the room: the current code
// in large digits, until when it is taken, and a QR code of the check-in
// page. It reloads itself (a Refresh header and meta element, no script).
func (m *Module) checkinScreen(c *fiber.Ctx) error {
	code, until, x, err := m.svc.CurrentCode(c.UserContext(), web.ScopeOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	link := m.svc.CheckinLink(x.ID)
	png, err := qrcode.Encode(link, qrcode.Medium, 320)
	if err != nil {
		return fmt.Errorf("qr code: %w", err)
	}
	var uri bytes.Buffer
	uri.WriteString("data:image/png;base64,")
	uri.WriteString(base64.StdEncoding.EncodeToString(png))
	_, names, err := m.areaNames(c)
	if err != nil {
		return err
	}
	now := m.svc.Now()
	checkedIn := 0
	for _, mk := range x.Attendance {
		if mk.Status == AttendPresent || mk.Status == AttendLate {
			checkedIn++
		}
	}
	return m.Platform.Render(c, fiber.StatusOK, "checkin_screen", struct {
		S          pageSession
		Code       string
		ValidUntil string
		Link       string
		QR         template.URL
		Open       bool
		Opens      string
		Over       bool
		Cancelled  bool
		CheckedIn  int
		Refresh    int
		Script     template.JS
	}{Refresh: int(m.screenRefresh / time.Second), Script: m.screenScript, S: pageOf(x, "", names), Code: code, ValidUntil: until.In(vn).Format("15:04"), Link: link,
		QR: template.URL(uri.String()), Cancelled: x.Status == StatusCancelled,
		Open:  checkinOpen(x, now),
		Opens: x.StartsAt.Add(-CheckinOpens).In(vn).Format("15:04 02/01/2006"), Over: now.After(x.EndsAt), CheckedIn: checkedIn})
}
