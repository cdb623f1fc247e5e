package scheduling

import (
	"net/url"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

// The collaborators' pages: their upcoming sessions and the check-in page
// the QR code of the coordinator's screen leads to.
func (m *Module) collaboratorPageRoutes(r *web.Router) {
	r.Get("/me/sessions", web.Doc{}, m.minePage)
	r.Get("/checkin/:id", web.Doc{}, m.checkinPage)
	r.Post("/checkin/:id", web.Doc{}, m.checkinPost)
}

// ownScope is the caller's own sessions: invited, or for their district.
func ownScope(p authz.Principal) authz.Scope {
	return authz.Scope{Kind: authz.ScopeOwn, CollaboratorID: p.CollaboratorID, AreaCode: p.AreaCode}
}

// checkinOpen tells whether a session takes check-ins at now.
func checkinOpen(x Session, now time.Time) bool {
	return x.Status != StatusCancelled && !now.Before(x.StartsAt.Add(-CheckinOpens)) && !now.After(x.EndsAt)
}

// markOf returns a collaborator's attendance mark at a session, if any.
func markOf(x Session, collaboratorID string) (Mark, bool) {
	for _, mk := range x.Attendance {
		if mk.CollaboratorID == collaboratorID {
			return mk, true
		}
	}
	return Mark{}, false
}

// mineRow is one of a collaborator's upcoming sessions.
type mineRow struct {
	pageSession
	Invited   bool
	RSVP      string // the answer page, for an invitee
	CheckIn   bool   // check-in is open now
	Mark      string // the attendance status, once marked
	Cancelled bool
}

// minePage lists the caller's sessions that have not ended: those they
// are invited to and those for their district.
func (m *Module) minePage(c *fiber.Ctx) error {
	p := web.PrincipalOf(c)
	now := m.svc.Now()
	var rows []mineRow
	if p.CollaboratorID != "" {
		xs, err := m.svc.List(c.UserContext(), ownScope(p), Query{From: now.Add(-12 * time.Hour)})
		if err != nil {
			return err
		}
		_, names, err := m.areaNames(c)
		if err != nil {
			return err
		}
		for _, x := range xs {
			if x.Over(now) {
				continue
			}
			_, invited := x.Invitation(p.CollaboratorID)
			r := mineRow{pageSession: pageOf(x, p.CollaboratorID, names), Invited: invited,
				CheckIn: checkinOpen(x, now), Cancelled: x.Status == StatusCancelled}
			if invited && !r.Cancelled {
				r.RSVP = m.svc.RSVPURL(x.ID, p.CollaboratorID)
			}
			if mk, ok := markOf(x, p.CollaboratorID); ok {
				r.Mark = mk.Status
			}
			rows = append(rows, r)
		}
	}
	return m.Platform.Render(c, fiber.StatusOK, "my_sessions", struct{ Rows []mineRow }{rows})
}

// checkinData is what the check-in page shows.
type checkinData struct {
	ID      string
	S       pageSession
	Found   bool   // the session is one the caller may check in to
	Open    bool   // check-in is open now
	Opens   string // when it opens, HH:MM
	Mark    string // the caller's attendance status, once marked
	Code    string // as typed, after a refused attempt
	Problem string // a translation key
}

// checkinPage shows the session and the code form, or the caller's mark.
func (m *Module) checkinPage(c *fiber.Ctx) error {
	return m.renderCheckin(c, fiber.StatusOK, "", "")
}

func (m *Module) renderCheckin(c *fiber.Ctx, status int, problem, code string) error {
	p := web.PrincipalOf(c)
	id := strings.Clone(c.Params("id"))
	d := checkinData{ID: id, Problem: problem, Code: code}
	x, err := m.svc.Get(c.UserContext(), ownScope(p), id)
	switch {
	case errs.Is(err, errs.NotFound):
		// Not invited and not of the district, or no such session: the
		// same answer for both.
		if status < 400 {
			status = fiber.StatusNotFound
		}
		d.Problem = "checkin.err.not_allowed"
		return m.Platform.Render(c, status, "checkin", d)
	case err != nil:
		return err
	}
	_, names, err := m.areaNames(c)
	if err != nil {
		return err
	}
	now := m.svc.Now()
	d.Found, d.S, d.Open = true, pageOf(x, p.CollaboratorID, names), checkinOpen(x, now)
	d.Opens = x.StartsAt.Add(-CheckinOpens).In(vn).Format("15:04 02/01/2006")
	if mk, ok := markOf(x, p.CollaboratorID); ok {
		d.Mark = mk.Status
	}
	if !d.Open && d.Problem == "" {
		d.Problem = "checkin.err.closed"
		if x.Status == StatusCancelled {
			d.Problem = "checkin.err.cancelled"
		}
	}
	return m.Platform.Render(c, status, "checkin", d)
}

// checkinPost checks the caller in with the code of the screen, then shows
// their mark; a refused code comes back with the reason.
func (m *Module) checkinPost(c *fiber.Ctx) error {
	p := web.PrincipalOf(c)
	id := strings.Clone(c.Params("id"))
	code := strings.TrimSpace(c.FormValue("code"))
	_, err := m.svc.CheckIn(c.UserContext(), p, id, code)
	if err == nil {
		return c.Redirect("/checkin/"+url.PathEscape(id), fiber.StatusSeeOther)
	}
	switch errs.KindOf(err) {
	case errs.Invalid:
		return m.renderCheckin(c, fiber.StatusBadRequest, "checkin.err.format", code)
	case errs.Forbidden, errs.NotFound:
		// Not invited and not of the district, or no such session: 404
		// for both, as the page and the API answer.
		return m.renderCheckin(c, fiber.StatusNotFound, "checkin.err.not_allowed", code)
	case errs.Unprocessable:
		x, gerr := m.svc.Get(c.UserContext(), ownScope(p), id)
		if gerr != nil {
			return m.renderCheckin(c, fiber.StatusForbidden, "checkin.err.not_allowed", code)
		}
		key := "checkin.err.wrong_code"
		switch {
		case x.Status == StatusCancelled:
			key = "checkin.err.cancelled"
		case !checkinOpen(x, m.svc.Now()):
			key = "checkin.err.closed"
		}
		return m.renderCheckin(c, fiber.StatusUnprocessableEntity, key, code)
	}
	return err
}
