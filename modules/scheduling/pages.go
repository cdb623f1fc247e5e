package scheduling

import (
	"embed"
	"strings"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

//go:embed views/*.html views/parts.tmpl
var embedded embed.FS

// viewFiles are the pages, each followed by the templates of
// views/parts.tmpl that several of them use.
var viewFiles = web.WithParts(embedded, "views/parts.tmpl")

func (m *Module) pageRoutes(r *web.Router) {
	r.Get("/rsvp/:token", web.Doc{}, m.rsvpPage)
	r.Post("/rsvp/:token", web.Doc{}, m.rsvpSubmit)
	m.staffPageRoutes(r)
	m.collaboratorPageRoutes(r)
}

type rsvpData struct {
	Token    string
	Session  SessionView
	Date     string
	Start    string
	End      string
	Name     string
	Response string
	Saved    bool
	Gone     bool
}

func rsvpView(token string, r RSVP) rsvpData {
	start, end := r.Session.StartsAt.In(vn), r.Session.EndsAt.In(vn)
	return rsvpData{Token: token, Session: toView(r.Session, ""), Date: start.Format("02/01/2006"), Start: start.Format("15:04"),
		End: end.Format("15:04"), Name: r.Person.Name, Response: r.Invitation.Response}
}

// rsvpPage shows the session and the answer form, without signing in.
func (m *Module) rsvpPage(c *fiber.Ctx) error {
	token := strings.Clone(c.Params("token"))
	r, err := m.svc.FindRSVP(c.UserContext(), token)
	if errs.Is(err, errs.Gone) && r.Session.ID != "" {
		d := rsvpView(token, r)
		d.Gone = true
		return m.Platform.Render(c, fiber.StatusGone, "rsvp", d)
	}
	if err != nil {
		return err
	}
	d := rsvpView(token, r)
	d.Saved = c.Query("saved") == "1"
	return m.Platform.Render(c, fiber.StatusOK, "rsvp", d)
}

// rsvpSubmit records the answer (a plain form post: answer=accept|decline).
func (m *Module) rsvpSubmit(c *fiber.Ctx) error {
	token := strings.Clone(c.Params("token"))
	if _, err := m.svc.Answer(c.UserContext(), token, c.FormValue("answer")); err != nil {
		return err
	}
	return c.Redirect("/rsvp/"+token+"?saved=1", fiber.StatusSeeOther)
}
