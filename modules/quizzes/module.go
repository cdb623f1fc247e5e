package quizzes

import (
	_ "embed"
	"html/template"
	"time"

	"github.com/ctvacademy/academy/modules/platform/module"
	"github.com/ctvacademy/academy/modules/platform/web"
)

//go:embed policy.csv
var policy string

// Module is the quiz engine's HTTP side: the JSON API and the quiz pages.
type Module struct {
	module.Base
	svc    *Service    // the handlers' one dependency: courses and time too
	script template.JS // quiz.js, allowed inline by the CSP
}

// NewModule returns the module.
func NewModule(svc *Service) *Module {
	return &Module{Base: module.Named("quizzes", policy, Indexes()...), svc: svc}
}

// Jobs grade the attempts whose time ran out, backfill the attempts book
// and fill the units' results cache (staff lists).
func (m *Module) Jobs() []module.Job {
	return []module.Job{
		module.Counted("quizzes.sweep", time.Minute, m.svc.Sweep),
		module.Every("quizzes.attempts-book", 5*time.Minute, m.svc.KeepBook),
		module.Every("quizzes.results-cache", 5*time.Minute, m.svc.WarmResults),
		// The units' results follow the registry: whatever a move left
		// undone (a crash after the registry's write) is done here.
		module.Counted("quizzes.rehome", time.Minute, m.svc.RehomeAll),
	}
}

// Register adds the quiz pages' templates and script and the routes.
func (m *Module) Register(p *web.Platform) error {
	m.script = p.InlineScript(quizJS)
	return module.Mount(p, views, m.apiRoutes, m.pageRoutes)
}

func (m *Module) now() time.Time { return m.svc.Now() }
