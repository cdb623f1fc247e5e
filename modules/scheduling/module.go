package scheduling

import (
	_ "embed"
	"fmt"
	"html/template"
	"time"

	"github.com/ctvacademy/academy/modules/platform/module"
	"github.com/ctvacademy/academy/modules/platform/web"
)

//go:embed policy.csv
var policy string

// Choice is an option of a select on a page: a code and what it is called.
type Choice struct {
	Code string
	Name string
}

// Module is scheduling's HTTP side.
type Module struct {
	module.Base
	svc *Service
	// screenRefresh is how often the check-in screen reloads itself
	// (ScreenRefresh unless WithScreenRefresh said otherwise); screenScript
	// does it (the meta refresh is the fallback without JavaScript only).
	screenRefresh time.Duration
	screenScript  template.JS
}

// NewModule returns the module.
func NewModule(svc *Service) *Module {
	return &Module{Base: module.Named("scheduling", policy, Indexes()...), svc: svc, screenRefresh: ScreenRefresh}
}

// WithScreenRefresh has the check-in screen reload itself every d instead
// of every ScreenRefresh (whole seconds, at least one; 0 keeps
// ScreenRefresh); browser tests shorten it to see a reload without
// waiting 20 s.
func (m *Module) WithScreenRefresh(d time.Duration) *Module {
	if d > 0 {
		m.screenRefresh = max(d.Truncate(time.Second), time.Second)
	}
	return m
}

// Jobs send reminders, catch up on notices a crash left unsent, move
// ended sessions to the archive and keep the attendance book.
func (m *Module) Jobs() []module.Job {
	return []module.Job{
		module.Counted("scheduling.reminders", 5*time.Minute, m.svc.SendReminders),
		module.Every("scheduling.catch-up", 5*time.Minute, m.svc.CatchUp),
		module.Counted("scheduling.archive", time.Hour, m.svc.ArchiveSessions),
		module.Every("scheduling.attendance-book", 5*time.Minute, m.svc.KeepBook),
	}
}

// Register adds the module's templates and routes.
func (m *Module) Register(p *web.Platform) error {
	m.screenScript = p.InlineScript(fmt.Sprintf("setTimeout(function(){location.reload()},%d);", m.screenRefresh.Milliseconds()))
	return module.Mount(p, viewFiles, m.apiRoutes, m.pageRoutes)
}
