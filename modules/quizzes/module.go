package quizzes

import (
	"html/template"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/web"
)

// Module is the quiz engine's HTTP side: the JSON API and the quiz pages.
type Module struct {
	svc      *Service
	cat      Catalog
	platform *web.Platform
	clock    clock.Clock
	script   template.JS // quiz.js, allowed inline by the CSP
}

// NewModule registers the quiz pages' templates and script and returns
// the module.
func NewModule(svc *Service, cat Catalog, p *web.Platform, clk clock.Clock) (*Module, error) {
	if clk == nil {
		clk = clock.System{}
	}
	if err := p.RegisterViews(views, "views/*.html"); err != nil {
		return nil, err
	}
	return &Module{svc: svc, cat: cat, platform: p, clock: clk, script: p.InlineScript(quizJS)}, nil
}

func (m *Module) now() time.Time { return m.clock.Now() }

// Routes registers the API and page routes.
func (m *Module) Routes() {
	m.apiRoutes(m.platform.API)
	m.pageRoutes(m.platform.Web)
}
