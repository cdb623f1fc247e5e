package standing

import (
	"context"
	"embed"
	"strconv"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

//go:embed views/*.html
var views embed.FS

// PageDeps are what the standing pages name beside the standing itself:
// course titles and the place of a scheduled session (wired in
// modules/app). Without them the pages show course codes and no place.
type PageDeps struct {
	// CourseTitle is a course's title in lang (its code when unknown).
	CourseTitle func(code, lang string) string
	// Session is a scheduled session's title and place.
	Session func(ctx context.Context, id string) (SessionPlace, error)
}

// SessionPlace is a scheduled session as the pages name it.
type SessionPlace struct {
	Title, Location string
}

// WithPages hands the pages their course titles and session places.
func (m *Module) WithPages(d PageDeps) *Module {
	m.pages = d
	return m
}

func (m *Module) pageRoutes(r *web.Router) {
	r.Get("/me/standing", web.Doc{}, m.minePage)
	r.Get("/collaborators/:id/standing", web.Doc{}, m.personPage)
	// The contract review and the recognition pages.
	r.Get("/contracts/review", web.Doc{}, m.reviewPage)
	r.Post("/contracts/review/:quarter/decisions", web.Doc{}, m.reviewDecide)
	r.Get("/recognition", web.Doc{}, m.recognitionPage)
}

// In is the text in lang: English for "en", Vietnamese otherwise.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.VI
}

// Page is a standing as the pages show it, in the reader's language: what
// to do next first, then the certificates, the quarters and the contract.
type Page struct {
	View
	// Own tells that the reader is the person: the page speaks to them,
	// links each recommended course to its quiz (or, when their
	// certificate of it is valid, to the lesson to review) and a session
	// to their own sessions page.
	Own     bool
	Badge   string // the badge class of the standing
	Reasons []string
	Next    []PageCourse
	Certs   []PageCert
	// Quarters are the last four closed quarters, the latest first.
	Quarters []PageQuarter
	// ThisQuarter is the quarter under way (its label and its record's
	// page, where the person drafts their report and a team leader
	// enters it).
	ThisQuarter PageQuarter
	// Rank is the recognition's rank written in lang ("2", "2nd"), and
	// RankQuarter its quarter; empty without a rank.
	Rank, RankQuarter string
}

// PageQuarter is one quarter's record: its status (draft, submitted,
// approved or none) and attainment.
type PageQuarter struct {
	Label, Status string
	Percent       string
	Link          string // the record's page
}

// PageCourse is a recommended course with its next session.
type PageCourse struct {
	Code, Title, Why string
	Link             string // the course page
	Quiz             string // its quiz's start page, for the person only, when the action is a quiz
	Review           string // the course's lesson, for the person only, when the action is to review it
	Session          *PageSession
}

// PageSession is a course's next scheduled session.
type PageSession struct {
	StartsAt        time.Time
	Title, Location string
	Link            string
}

// PageCert is the certificate of a required course.
type PageCert struct {
	CertView
	Title string
}

// badges maps a standing to the badge class the stylesheet colours.
var badges = map[Standing]string{Good: "active", Attention: "probation", AtRisk: "ended"}

// PageOf is the standing of a person inside scope as the pages show it in
// lang; own says the reader is that person. Errors: errs.NotFound (also
// outside scope).
func (m *Module) PageOf(ctx context.Context, scope authz.Scope, id, lang string, own bool) (Page, error) {
	v, err := m.svc.Of(ctx, scope, id)
	if err != nil {
		return Page{}, err
	}
	title := func(code string) string {
		if m.pages.CourseTitle == nil {
			return code
		}
		return m.pages.CourseTitle(code, lang)
	}
	pg := Page{View: v, Own: own, Badge: badges[v.Standing]}
	for _, r := range v.Reasons {
		pg.Reasons = append(pg.Reasons, r.Text.In(lang))
	}
	for _, rc := range v.RecommendedCourses {
		c := PageCourse{Code: rc.CourseCode, Title: title(rc.CourseCode), Why: rc.Reason.Text.In(lang), Link: "/courses/" + rc.CourseCode}
		switch {
		case own && rc.Action == ActionReview:
			c.Review = c.Link
		case own:
			c.Quiz = c.Link + "/quiz"
		}
		if s := rc.NextSession; s != nil {
			c.Session = &PageSession{StartsAt: s.StartsAt, Link: "/sessions/" + s.ID}
			if own {
				c.Session.Link = "/me/sessions"
			}
			if m.pages.Session != nil {
				place, err := m.pages.Session(ctx, s.ID)
				if err != nil && !errs.Is(err, errs.NotFound) {
					return Page{}, err
				}
				c.Session.Title, c.Session.Location = place.Title, place.Location
			}
		}
		pg.Next = append(pg.Next, c)
	}
	for _, c := range v.Certifications {
		pg.Certs = append(pg.Certs, PageCert{CertView: c, Title: title(c.CourseCode)})
	}
	for _, q := range v.Performance {
		pq := PageQuarter{Label: q.Quarter, Status: q.Status, Link: "/performance/" + v.CollaboratorID + "/" + q.Quarter}
		if cq, err := clock.ParseQuarter(q.Quarter); err == nil {
			pq.Label = quarterIn(cq, lang)
		}
		if q.Status != "none" {
			pq.Percent = percent(q.Attainment)
		}
		pg.Quarters = append(pg.Quarters, pq)
	}
	now := clock.QuarterOf(v.At)
	pg.ThisQuarter = PageQuarter{Label: quarterIn(now, lang), Link: "/performance/" + v.CollaboratorID + "/" + now.String()}
	if r := v.Recognition; r != nil {
		pg.Rank, pg.RankQuarter = Ordinal(r.Rank, lang), r.Quarter
		if q, err := clock.ParseQuarter(r.Quarter); err == nil {
			pg.RankQuarter = quarterIn(q, lang)
		}
	}
	return pg, nil
}

// quarterIn writes a quarter the way a reader of lang says it.
func quarterIn(q clock.Quarter, lang string) string {
	if lang == "en" {
		return enQuarter(q)
	}
	return viQuarter(q)
}

// Ordinal writes a rank in lang: "2" in Vietnamese ("thứ 2"), "2nd" in
// English.
func Ordinal(n int, lang string) string {
	s := strconv.Itoa(n)
	if lang != "en" {
		return s
	}
	switch {
	case n%100 >= 11 && n%100 <= 13:
		return s + "th"
	case n%10 == 1:
		return s + "st"
	case n%10 == 2:
		return s + "nd"
	case n%10 == 3:
		return s + "rd"
	}
	return s + "th"
}

// minePage is "my standing": the signed-in collaborator's own.
func (m *Module) minePage(c *fiber.Ctx) error {
	p := web.PrincipalOf(c)
	if p.CollaboratorID == "" {
		return errs.E(errs.Forbidden, "only collaborators have a standing")
	}
	scope := authz.Scope{Kind: authz.ScopeOwn, CollaboratorID: p.CollaboratorID}
	return m.renderPage(c, scope, p.CollaboratorID)
}

// personPage is a person's standing for whoever may read it: the person,
// their district's team leader, the Center's staff.
func (m *Module) personPage(c *fiber.Ctx) error {
	return m.renderPage(c, web.ScopeOf(c), c.Params("id"))
}

func (m *Module) renderPage(c *fiber.Ctx, scope authz.Scope, id string) error {
	lang := web.Lang(c)
	pg, err := m.PageOf(c.UserContext(), scope, id, lang, id == web.PrincipalOf(c).CollaboratorID)
	if err != nil {
		return err
	}
	return m.Platform.Render(c, fiber.StatusOK, "standing", pg)
}
