package scheduling

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/humantext"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

// The session's edit and cancel pages: plain forms (no script) on the same
// service methods as PATCH /api/v1/sessions/{id} and POST …/cancel, for
// coordinators and admins. A post that succeeds redirects to the session
// page, which says what it did; one with problems comes back with each
// problem beside its field and nothing changed.

// formOf is a session as the edit form shows it, times in Vietnam.
func formOf(x Session) sessionForm {
	f := sessionForm{Title: x.Title, CourseCode: x.CourseCode, Date: x.StartsAt.In(vn).Format("2006-01-02"), Start: x.StartsAt.In(vn).Format("15:04"),
		End: x.EndsAt.In(vn).Format("15:04"), Location: x.Location, AreaCode: x.AreaCode, Trainer: x.Trainer}
	if x.Capacity > 0 {
		f.Capacity = strconv.Itoa(x.Capacity)
	}
	return f
}

// patchOf is what the form changes of x: only the fields whose value
// differs, so that "this and all following" carries to the other
// occurrences what the coordinator changed and nothing else. A new start
// or end sends both times (a start alone would keep the length).
func patchOf(x Session, in Input) Patch {
	var p Patch
	if !in.StartsAt.Equal(x.StartsAt) || !in.EndsAt.Equal(x.EndsAt) {
		p.StartsAt, p.EndsAt = &in.StartsAt, &in.EndsAt
	}
	if t := humantext.Line(in.Title); t != x.Title {
		p.Title = &in.Title
	}
	if l := humantext.Line(in.Location); l != x.Location {
		p.Location = &in.Location
	}
	if tr := humantext.Line(in.Trainer); tr != x.Trainer {
		p.Trainer = &in.Trainer
	}
	if in.Capacity != x.Capacity {
		p.Capacity = &in.Capacity
	}
	return p
}

func (p Patch) empty() bool {
	return p.StartsAt == nil && p.EndsAt == nil && p.Title == nil && p.Location == nil && p.Trainer == nil && p.Capacity == nil &&
		p.CourseCode == nil && p.AreaCode == nil
}

// applyOf reads the form's choice for a series: "this" unless "following".
func applyOf(c *fiber.Ctx) (string, bool) {
	switch a := c.FormValue("apply"); a {
	case "", ApplyThis:
		return ApplyThis, true
	case ApplyFollowing:
		return ApplyFollowing, true
	}
	return ApplyThis, false
}

// editData is what the edit page shows.
type editData struct {
	S        pageSession
	Form     sessionForm
	Apply    string
	Series   bool
	Closed   bool // cancelled: nothing can be changed
	Problems map[string]string
	Problem  string
}

// editPage shows the session's edit form, filled with its values.
func (m *Module) editPage(c *fiber.Ctx) error {
	x, err := m.svc.Get(c.UserContext(), web.ScopeOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	return m.renderEdit(c, fiber.StatusOK, x, formOf(x), ApplyThis, nil, "")
}

func (m *Module) renderEdit(c *fiber.Ctx, status int, x Session, f sessionForm, apply string, problems map[string]string, problem string) error {
	_, names, err := m.areaNames(c)
	if err != nil {
		return err
	}
	closed := x.Status == StatusCancelled
	if closed && problem == "" {
		problem = "session_edit.err.cancelled"
	}
	return m.Platform.Render(c, status, "session_edit", editData{S: pageOf(x, "", names), Form: f, Apply: apply, Series: x.SeriesID != "",
		Closed: closed, Problems: problems, Problem: problem})
}

// editPost changes the session (or it and the following occurrences) as
// the form says, then shows the session page; a form with problems comes
// back with them (400, or 422 for a rule: a capacity below the accepted,
// a cancelled session) and nothing is changed.
func (m *Module) editPost(c *fiber.Ctx) error {
	x, err := m.svc.Get(c.UserContext(), web.ScopeOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	f := readSessionForm(c)
	f.CourseCode, f.AreaCode, f.Repeat = x.CourseCode, x.AreaCode, "" // not on this form
	apply, ok := applyOf(c)
	if x.Status == StatusCancelled {
		return m.renderEdit(c, fiber.StatusUnprocessableEntity, x, f, apply, nil, "")
	}
	in, problems := f.input()
	if !ok {
		problems["apply"] = "session_edit.err.apply"
	}
	if m.svc.OutOfWindow(in) {
		problems["date"] = "session_form.err.date_range"
	}
	if len(problems) > 0 {
		// Name the other fields' problems too, so that one round trip shows all.
		for _, fe := range m.svc.Validate(c.UserContext(), in) {
			if fe.Field != "starts_at" && fe.Field != "ends_at" {
				problems[formField(fe.Field)] = problemKey(fe)
			}
		}
		return m.renderEdit(c, fiber.StatusBadRequest, x, f, apply, problems, "")
	}
	p := patchOf(x, in)
	if p.empty() {
		return c.Redirect("/sessions/"+url.PathEscape(x.ID)+"?updated=0", fiber.StatusSeeOther)
	}
	xs, err := m.svc.Update(c.UserContext(), x.ID, p, apply)
	if err == nil {
		return c.Redirect(fmt.Sprintf("/sessions/%s?updated=%d", url.PathEscape(x.ID), len(xs)), fiber.StatusSeeOther)
	}
	var e *errs.Error
	switch {
	case !errors.As(err, &e):
		return err
	case e.Kind == errs.Invalid && len(e.Fields) > 0:
		for _, fe := range e.Fields {
			problems[formField(fe.Field)] = problemKey(fe)
		}
		return m.renderEdit(c, fiber.StatusBadRequest, x, f, apply, problems, "")
	case e.Kind == errs.Unprocessable && len(e.Fields) > 0 && e.Fields[0].Field == "capacity":
		problems["capacity"] = "session_edit.err.capacity_accepted"
		return m.renderEdit(c, fiber.StatusUnprocessableEntity, x, f, apply, problems, "")
	case e.Kind == errs.Unprocessable:
		return m.renderEdit(c, fiber.StatusUnprocessableEntity, x, f, apply, problems, "session_edit.err.cancelled")
	}
	return err
}

// cancelData is what the cancel page shows.
type cancelData struct {
	S        pageSession
	Reason   string
	Apply    string
	Series   bool
	Closed   bool // already cancelled
	Problems map[string]string
}

// cancelPage asks for the reason and a confirmation.
func (m *Module) cancelPage(c *fiber.Ctx) error {
	x, err := m.svc.Get(c.UserContext(), web.ScopeOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	return m.renderCancel(c, fiber.StatusOK, x, "", ApplyThis, nil)
}

func (m *Module) renderCancel(c *fiber.Ctx, status int, x Session, reason, apply string, problems map[string]string) error {
	_, names, err := m.areaNames(c)
	if err != nil {
		return err
	}
	return m.Platform.Render(c, status, "session_cancel", cancelData{S: pageOf(x, "", names), Reason: reason, Apply: apply,
		Series: x.SeriesID != "", Closed: x.Status == StatusCancelled, Problems: problems})
}

// cancelPost cancels the session (or it and the following occurrences)
// once the reason is given and the cancellation confirmed, then shows the
// session page; otherwise the form comes back with the problems (400) and
// nothing is cancelled.
func (m *Module) cancelPost(c *fiber.Ctx) error {
	x, err := m.svc.Get(c.UserContext(), web.ScopeOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	reason := c.FormValue("reason")
	problems := map[string]string{}
	apply, ok := applyOf(c)
	if !ok {
		problems["apply"] = "session_edit.err.apply"
	}
	if c.FormValue("confirm") != "yes" {
		problems["confirm"] = "session_cancel.err.confirm"
	}
	if x.Status == StatusCancelled {
		return m.renderCancel(c, fiber.StatusUnprocessableEntity, x, strings.TrimSpace(reason), apply, problems)
	}
	if r := humantext.Line(reason); r == "" || len([]rune(r)) > 500 {
		problems["reason"] = "session_cancel.err.reason"
	} else if humantext.Control(r, false) {
		problems["reason"] = "session_form.err.control"
	}
	if len(problems) > 0 {
		return m.renderCancel(c, fiber.StatusBadRequest, x, strings.TrimSpace(reason), apply, problems)
	}
	xs, err := m.svc.Cancel(c.UserContext(), x.ID, reason, apply)
	if errs.Is(err, errs.Invalid) {
		problems["reason"] = "session_cancel.err.reason"
		return m.renderCancel(c, fiber.StatusBadRequest, x, strings.TrimSpace(reason), apply, problems)
	}
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/sessions/%s?cancelled=%d", url.PathEscape(x.ID), len(xs)), fiber.StatusSeeOther)
}
