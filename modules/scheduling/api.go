package scheduling

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/csvx"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/i18n"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"
)

// SessionView is a session as the API shows it.
type SessionView struct {
	ID           string    `json:"id"`
	SeriesID     string    `json:"series_id,omitempty"`
	CourseCode   string    `json:"course_code"`
	Title        string    `json:"title"`
	StartsAt     time.Time `json:"starts_at"`
	EndsAt       time.Time `json:"ends_at"`
	Location     string    `json:"location"`
	AreaCode     string    `json:"area_code"`
	Capacity     int       `json:"capacity"`
	Trainer      string    `json:"trainer"`
	Status       string    `json:"status" api:"enum=session_status"`
	Recurrence   string    `json:"recurrence"`
	CancelReason string    `json:"cancel_reason,omitempty"`
	Sequence     int       `json:"sequence"`
	Invited      int       `json:"invited"`
	Accepted     int       `json:"accepted"`
	Waitlisted   int       `json:"waitlisted"`
	// MyResponse is the caller's own answer, when they are invited.
	MyResponse string `json:"my_response,omitempty" api:"enum=response"`
}

func toView(x Session, me string) SessionView {
	v := SessionView{ID: x.ID, SeriesID: x.SeriesID, CourseCode: x.CourseCode, Title: x.Title, StartsAt: x.StartsAt, EndsAt: x.EndsAt,
		Location: x.Location, AreaCode: x.AreaCode, Capacity: x.Capacity, Trainer: x.Trainer, Status: x.Status,
		Recurrence: x.Recurrence, CancelReason: x.CancelReason, Sequence: x.Sequence, Invited: len(x.Invitations), Accepted: x.Accepted()}
	for _, inv := range x.Invitations {
		if inv.Response == ResponseWaitlisted {
			v.Waitlisted++
		}
		if me != "" && inv.CollaboratorID == me {
			v.MyResponse = inv.Response
		}
	}
	return v
}

func views(xs []Session, me string) []SessionView {
	out := make([]SessionView, len(xs))
	for i, x := range xs {
		out[i] = toView(x, me)
	}
	return out
}

// CreateResult answers POST /sessions: the session, or every occurrence of the series.
type CreateResult struct {
	Items []SessionView `json:"items"`
	Total int           `json:"total"`
}

// CancelRequest is the body of POST /sessions/{id}/cancel.
type CancelRequest struct {
	Reason string `json:"reason" api:"required"`
	Apply  string `json:"apply" api:"enum=apply"`
}

// CheckinRequest is the body of POST /sessions/{id}/checkin.
type CheckinRequest struct {
	Code string `json:"code" api:"required"`
}

// AttendanceView is a session's attendance sheet.
type AttendanceView struct {
	SessionID string     `json:"session_id"`
	Items     []MarkView `json:"items"`
}

// MarkView is one attendance line.
type MarkView struct {
	CollaboratorID string    `json:"collaborator_id"`
	Status         string    `json:"status" api:"enum=attendance_status"`
	MarkedAt       time.Time `json:"marked_at"`
	WalkIn         bool      `json:"walk_in"`
}

// stamp is a mark's time as every answer writes it: UTC to the millisecond
// the store keeps (RFC 3339, "2026-12-04T01:30:00.123Z"), so the answer to
// a PUT and a later GET agree.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// sheet is the attendance sheet of a session: the marks given (already
// kept to the caller's scope).
func sheet(sessionID string, ms []Mark) AttendanceView {
	v := AttendanceView{SessionID: sessionID, Items: []MarkView{}}
	for _, m := range ms {
		v.Items = append(v.Items, MarkView{CollaboratorID: m.CollaboratorID, Status: m.Status, MarkedAt: stamp(m.MarkedAt), WalkIn: m.WalkIn})
	}
	return v
}

func (m *Module) apiRoutes(r *web.Router) {
	docEnums(r)
	r.Get("/sessions", web.Doc{Summary: "Sessions in the caller's scope; week=YYYY-Www or from/to, area_code", Response: web.List[SessionView]{},
		Query: []string{"week", "from", "to", "area_code", "limit", "offset"}}, m.apiList)
	r.Post("/sessions", web.Doc{Summary: "Schedule a session (a series with recurrence)", Request: Input{}, Response: CreateResult{}, Status: 201, Errors: []errs.Kind{errs.Unprocessable}}, m.apiCreate)
	r.Get("/sessions/:id", web.Doc{Summary: "One session", Response: SessionView{}}, m.apiGet)
	r.Patch("/sessions/:id", web.Doc{Summary: "Change a session; apply=this|following for a series", Request: Patch{}, Response: CreateResult{}, Query: []string{"apply=apply"}, Errors: []errs.Kind{errs.Conflict, errs.Unprocessable}}, m.apiPatch)
	r.Post("/sessions/:id/cancel", web.Doc{Summary: "Cancel a session (and following with apply)", Request: CancelRequest{}, Response: CreateResult{}, Errors: []errs.Kind{errs.Conflict, errs.Unprocessable}}, m.apiCancel)
	r.Post("/sessions/:id/invitations", web.Doc{Summary: "Invite by collaborator_ids, area_code or role; invitation mails are queued", Request: InviteRequest{}, Response: InviteResult{}, Errors: []errs.Kind{errs.Conflict, errs.Unprocessable}}, m.apiInvite)
	r.Get("/sessions/:id/invitations", web.Doc{Summary: "Invitations with delivery and response", Response: web.List[InvitationView]{}}, m.apiInvitations)
	r.Put("/sessions/:id/attendance", web.Doc{Summary: "Record attendance: [{collaborator_id, status}]", Request: []MarkInput{}, Response: AttendanceView{}, Errors: []errs.Kind{errs.Conflict, errs.Unprocessable}}, m.apiAttendance)
	r.Get("/sessions/:id/attendance", web.Doc{Summary: "The attendance sheet", Response: AttendanceView{}}, m.apiGetAttendance)
	r.Post("/sessions/:id/checkin", web.Doc{Summary: "Check in with the session's current code", Request: CheckinRequest{}, Response: MarkView{}, Errors: []errs.Kind{errs.Conflict, errs.Gone, errs.Unprocessable}}, m.apiCheckin)
	r.Get("/me/sessions", web.Doc{Summary: "Sessions I am invited to or that are for my district", Response: web.List[SessionView]{}, Query: []string{"from", "to", "limit", "offset"}}, m.apiMine)
	r.Get("/collaborators/:id/attendance", web.Doc{Summary: "A collaborator's attendance rate", Response: Rate{}}, m.apiRate)
	r.Get("/attendance/export.csv", web.Doc{Summary: "Attendance export (CSV) per session, or per period of at most 366 days (a longer one: 400 naming to)", Query: []string{"session_id", "from", "to", "week", "area_code"}, Content: "text/csv", Errors: []errs.Kind{errs.NotFound}}, m.apiExportCSV)
	r.Get("/attendance/export.xlsx", web.Doc{Summary: "Attendance export (XLSX) per session, or per period of at most 366 days (a longer one: 400 naming to)", Query: []string{"session_id", "from", "to", "week", "area_code"}, Content: web.XLSX, Errors: []errs.Kind{errs.NotFound}}, m.apiExportXLSX)
}

// parseTime reads an RFC 3339 time (with an offset) or a date (midnight in Vietnam).
func parseTime(field, v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.ParseInLocation("2006-01-02", v, vn); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, errs.Field(field, "must be a date (YYYY-MM-DD) or an RFC 3339 time")
}

// WeekRange is the ISO week "2026-W48" as [Monday 00:00, next Monday) in Vietnam.
func WeekRange(week string) (time.Time, time.Time, error) {
	y, w, ok := strings.Cut(week, "-W")
	yy, err1 := strconv.Atoi(y)
	ww, err2 := strconv.Atoi(w)
	if !ok || err1 != nil || err2 != nil || ww < 1 || ww > 53 || yy < 2000 || yy > 2100 {
		return time.Time{}, time.Time{}, errs.Field("week", "must be written like 2026-W48")
	}
	jan4 := time.Date(yy, 1, 4, 0, 0, 0, 0, vn)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+(ww-1)*7)
	return monday.UTC(), monday.AddDate(0, 0, 7).UTC(), nil
}

func (m *Module) query(c *fiber.Ctx) (Query, error) {
	var q Query
	var err error
	if w := c.Query("week"); w != "" {
		if q.From, q.To, err = WeekRange(w); err != nil {
			return q, err
		}
	}
	if v := c.Query("from"); v != "" {
		if q.From, err = parseTime("from", v); err != nil {
			return q, err
		}
	}
	if v := c.Query("to"); v != "" {
		if q.To, err = parseTime("to", v); err != nil {
			return q, err
		}
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return q, errs.Field("to", "must not be before from")
	}
	if a := strings.ToUpper(c.Query("area_code")); a != "" {
		if ok, err := m.svc.AreaExists(c.UserContext(), a); err != nil {
			return q, err
		} else if !ok {
			return q, errs.Field("area_code", "is not a known district unit")
		}
		q.AreaCode = a
	}
	return q, nil
}

func (m *Module) apiList(c *fiber.Ctx) error { return m.listIn(c, web.ScopeOf(c), true) }

// apiMine lists the sessions the caller is invited to or that are for
// their district; a caller who is no collaborator has none.
func (m *Module) apiMine(c *fiber.Ctx) error {
	p := web.PrincipalOf(c)
	return m.listIn(c, authz.Scope{Kind: authz.ScopeOwn, CollaboratorID: p.CollaboratorID, AreaCode: p.AreaCode}, p.CollaboratorID != "")
}

// listIn answers a page of the sessions of the request's query inside
// scope (none unless any).
func (m *Module) listIn(c *fiber.Ctx, scope authz.Scope, any bool) error {
	limit, offset, err := web.Page(c)
	if err != nil {
		return err
	}
	q, err := m.query(c)
	if err != nil {
		return err
	}
	if !any {
		return c.JSON(web.List[SessionView]{Items: []SessionView{}})
	}
	xs, total, err := m.svc.Page(c.UserContext(), scope, q, limit, offset)
	if err != nil {
		return err
	}
	return c.JSON(web.List[SessionView]{Items: views(xs, web.PrincipalOf(c).CollaboratorID), Total: total})
}

func (m *Module) apiCreate(c *fiber.Ctx) error {
	var in Input
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	xs, err := m.svc.Create(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(CreateResult{Items: views(xs, ""), Total: len(xs)})
}

func (m *Module) apiGet(c *fiber.Ctx) error {
	x, err := m.svc.Get(c.UserContext(), web.ScopeOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(toView(x, web.PrincipalOf(c).CollaboratorID))
}

func (m *Module) apiPatch(c *fiber.Ctx) error {
	var p Patch
	if err := web.DecodeJSON(c, &p); err != nil {
		return err
	}
	return changed(c)(m.svc.Update(c.UserContext(), c.Params("id"), p, c.Query("apply")))
}

// changed answers a change of sessions with the sessions it changed.
func changed(c *fiber.Ctx) func([]Session, error) error {
	return func(xs []Session, err error) error {
		if err != nil {
			return err
		}
		return c.JSON(CreateResult{Items: views(xs, ""), Total: len(xs)})
	}
}

func (m *Module) apiCancel(c *fiber.Ctx) error {
	var in CancelRequest
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	return changed(c)(m.svc.Cancel(c.UserContext(), c.Params("id"), in.Reason, in.Apply))
}

// decodeFor decodes the request's body into in once the session of the
// path is found inside the caller's scope (errs.NotFound otherwise).
func (m *Module) decodeFor(c *fiber.Ctx, in any) error {
	if err := web.DecodeJSON(c, in); err != nil {
		return err
	}
	_, err := m.svc.Get(c.UserContext(), web.ScopeOf(c), c.Params("id"))
	return err
}

func (m *Module) apiInvite(c *fiber.Ctx) error {
	var in InviteRequest
	if err := m.decodeFor(c, &in); err != nil {
		return err
	}
	res, err := m.svc.Invite(c.UserContext(), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (m *Module) apiInvitations(c *fiber.Ctx) error {
	items, err := m.svc.Invitations(c.UserContext(), web.ScopeOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(web.List[InvitationView]{Items: items, Total: len(items)})
}

func (m *Module) apiAttendance(c *fiber.Ctx) error {
	var in []MarkInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	scope := web.ScopeOf(c)
	x, err := m.svc.SetAttendance(c.UserContext(), scope, web.PrincipalOf(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	ms, err := m.svc.MarksInScope(c.UserContext(), scope, x)
	if err != nil {
		return err
	}
	return c.JSON(sheet(x.ID, ms))
}

func (m *Module) apiGetAttendance(c *fiber.Ctx) error {
	x, ms, err := m.svc.Attendance(c.UserContext(), web.ScopeOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(sheet(x.ID, ms))
}

func (m *Module) apiCheckin(c *fiber.Ctx) error {
	var in CheckinRequest
	if err := m.decodeFor(c, &in); err != nil {
		return err
	}
	mk, err := m.svc.CheckIn(c.UserContext(), web.PrincipalOf(c), c.Params("id"), strings.TrimSpace(in.Code))
	if err != nil {
		return err
	}
	return c.JSON(MarkView{CollaboratorID: mk.CollaboratorID, Status: mk.Status, MarkedAt: stamp(mk.MarkedAt), WalkIn: mk.WalkIn})
}

func (m *Module) apiRate(c *fiber.Ctx) error {
	id := c.Params("id")
	p, ok, err := m.svc.Person(c.UserContext(), id)
	if err != nil {
		return err
	}
	if !ok || !web.ScopeOf(c).Allows(p.AreaCode, p.ID) {
		return errs.E(errs.NotFound, "no such collaborator")
	}
	r, err := m.svc.AttendanceRate(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// exportSpan bounds the period of an export: the export is built in
// memory from every session of the period, so its cost grows with the
// period; a year covers every report the staff make.
const exportSpan = 366 * 24 * time.Hour

var exportHeader = []string{"Ngày", "Bắt đầu", "Kết thúc", "Số giờ", "Địa điểm", "Giảng viên", "Buổi", "Họ và tên", "Mã", "Đơn vị", "Trạng thái"}

// exportRows are the lines of the export the request names, and the file
// name (without extension) that says what it covers: the session's course
// and date (diem-danh-KC-101-2026-12-10), or the district and period
// (diem-danh-NT-2026-12-01_2026-12-31, diem-danh-2026-W50).
func (m *Module) exportRows(c *fiber.Ctx) ([]ExportRow, string, error) {
	scope := web.ScopeOf(c)
	var sessions []Session
	name := []string{"diem-danh"}
	if id := c.Query("session_id"); id != "" {
		x, err := m.svc.Get(c.UserContext(), scope, id)
		if err != nil {
			return nil, "", err
		}
		sessions = []Session{x}
		name = append(name, fileWord(x.CourseCode), x.StartsAt.In(vn).Format("2006-01-02"))
	} else {
		q, err := m.query(c)
		if err != nil {
			return nil, "", err
		}
		if q.From.IsZero() || q.To.IsZero() {
			return nil, "", errs.Field("from", "give session_id, or from and to (or week)")
		}
		if q.To.Sub(q.From) > exportSpan {
			return nil, "", errs.Field("to", "an export covers at most 366 days from from: export a longer period one year at a time")
		}
		if sessions, err = m.svc.List(c.UserContext(), scope, q); err != nil {
			return nil, "", err
		}
		name = append(name, fileWord(q.AreaCode))
		if w := c.Query("week"); w != "" && c.Query("from") == "" && c.Query("to") == "" {
			name = append(name, isoWeek(q.From))
		} else {
			name = append(name, q.From.In(vn).Format("2006-01-02")+"_"+q.To.In(vn).Format("2006-01-02"))
		}
	}
	rows, err := m.svc.Export(c.UserContext(), scope, sessions)
	return rows, strings.Join(slices.DeleteFunc(name, func(s string) bool { return s == "" }), "-"), err
}

// fileWord is s kept to the ASCII letters, digits and hyphens a file name
// may hold anywhere (a course or district code); "" when nothing is left.
func fileWord(s string) string {
	return strings.Trim(strings.Map(func(r rune) rune {
		if r < 0x80 && (r == '-' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return r
		}
		return -1
	}, s), "-")
}

func (r ExportRow) cells(statusLabel func(string) string) []string {
	return []string{r.Date, r.Start, r.End, strconv.FormatFloat(r.Hours, 'f', 2, 64), r.Place, r.Trainer, r.Session, r.Person, r.Code, r.District, statusLabel(r.Status)}
}

// statusLabel names an attendance status in Vietnamese, the language of
// the export's header: an export is a document of the Center's, in one
// language whatever the page's (as the reports and the stipend sheet).
func (m *Module) statusLabel(st string) string {
	return m.Platform.Translator().T(i18n.Default, "attendance."+st)
}

func (m *Module) apiExportCSV(c *fiber.Ctx) error {
	rows, name, err := m.exportRows(c)
	if err != nil {
		return err
	}
	records := [][]string{exportHeader} // csvx: cells a user typed can never run as formulas
	for _, r := range rows {
		records = append(records, r.cells(m.statusLabel))
	}
	b, err := csvx.Encode(records)
	if err != nil {
		return err
	}
	return web.SendFile(c, web.CSV, name+".csv", b)
}

// excelEpoch is day 0 of Excel's date numbers (1900 date system, after
// its 1900 leap-year quirk).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// excelDate is a "2006-01-02" date as an Excel date number; the text
// itself if it does not parse.
func excelDate(s string) any {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	return float64(d.Sub(excelEpoch) / (24 * time.Hour))
}

// excelTime is a "15:04" time of day as the fraction of a day Excel
// stores; the text itself if it does not parse.
func excelTime(s string) any {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return s
	}
	return float64(t.Hour()*60+t.Minute()) / (24 * 60)
}

func ptr[T any](v T) *T { return &v }

func (m *Module) apiExportXLSX(c *fiber.Ctx) error {
	rows, name, err := m.exportRows(c)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Điểm danh"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	// Dates and times are numbers with a number format, as Excel stores
	// them (they sort, filter and add up), not text.
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("dd/mm/yyyy")})
	if err != nil {
		return err
	}
	timeStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("hh:mm")})
	if err != nil {
		return err
	}
	hoursStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("0.00")})
	if err != nil {
		return err
	}
	headStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	head := make([]any, len(exportHeader))
	for i, h := range exportHeader {
		head[i] = h
	}
	if err := f.SetSheetRow(sheet, "A1", &head); err != nil {
		return err
	}
	for i, r := range rows {
		line := r.cells(m.statusLabel)
		vals := make([]any, len(line))
		for j, v := range line {
			vals[j] = v
		}
		vals[0], vals[1], vals[2], vals[3] = excelDate(r.Date), excelTime(r.Start), excelTime(r.End), r.Hours
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(sheet, cell, &vals); err != nil {
			return err
		}
	}
	last := len(rows) + 1
	lastCol, _ := excelize.ColumnNumberToName(len(exportHeader))
	for _, st := range []struct {
		from, to string
		style    int
	}{{"A1", lastCol + "1", headStyle}, {"A2", fmt.Sprintf("A%d", max(2, last)), dateStyle},
		{"B2", fmt.Sprintf("C%d", max(2, last)), timeStyle}, {"D2", fmt.Sprintf("D%d", max(2, last)), hoursStyle}} {
		if err := f.SetCellStyle(sheet, st.from, st.to, st.style); err != nil {
			return err
		}
	}
	// The header stays in view, every column filters, and the widths fit.
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := f.AutoFilter(sheet, fmt.Sprintf("A1:%s%d", lastCol, last), nil); err != nil {
		return err
	}
	for i, w := range []float64{12, 9, 9, 8, 32, 24, 36, 26, 12, 20, 14} {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, w); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return web.SendFile(c, web.XLSX, name+".xlsx", buf.Bytes())
}
