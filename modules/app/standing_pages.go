package app

import (
	"context"

	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/scheduling"
	"github.com/ctvacademy/academy/modules/standing"
)

// standingModule is standing's module with what its pages name: the
// catalog's course titles and the title and place of a scheduled session.
func standingModule(svc *standing.Service, cat *courses.Catalog, sched *scheduling.Service) *standing.Module {
	return standing.NewModule(svc).WithPages(standing.PageDeps{
		CourseTitle: catalogCourses{cat}.Title,
		Session: func(ctx context.Context, id string) (standing.SessionPlace, error) {
			x, err := sched.Get(ctx, authz.All, id)
			return standing.SessionPlace{Title: x.Title, Location: x.Location}, err
		},
	})
}

// standingPanel is the collaborator page's standing panel: standing's own
// page of the person, compact.
func standingPanel(m *standing.Module) collaborators.StandingReader {
	return func(ctx context.Context, scope authz.Scope, id, lang string) (collaborators.StandingPanel, error) {
		pg, err := m.PageOf(ctx, scope, id, lang, false)
		if err != nil {
			return collaborators.StandingPanel{}, err
		}
		out := collaborators.StandingPanel{Standing: string(pg.Standing), Badge: pg.Badge, Reasons: pg.Reasons,
			RenewalEligible: pg.RenewalEligible, Rank: pg.Rank, RankQuarter: pg.RankQuarter}
		if r := pg.Recognition; r != nil {
			out.RankOf, out.RankArea = r.Of, r.AreaName
		}
		for _, c := range pg.Certs {
			out.Certificates = append(out.Certificates, collaborators.PanelCert{Course: c.CourseCode, Title: c.Title, Status: c.Status, ValidUntil: c.ValidUntil})
		}
		for _, q := range pg.Quarters {
			out.Quarters = append(out.Quarters, collaborators.PanelQuarter{Label: q.Label, Status: q.Status, Percent: q.Percent})
		}
		for _, c := range pg.Next {
			pc := collaborators.PanelCourse{Code: c.Code, Title: c.Title, Why: c.Why}
			if c.Session != nil {
				pc.Session = c.Session.StartsAt
			}
			out.Next = append(out.Next, pc)
		}
		return out, nil
	}
}
