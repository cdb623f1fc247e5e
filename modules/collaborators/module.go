package collaborators

import (
	_ "embed"
	"time"

	"github.com/ctvacademy/academy/modules/platform/module"
	"github.com/ctvacademy/academy/modules/platform/web"
)

//go:embed policy.csv
var policy string

// Module is the registry's HTTP side.
type Module struct {
	module.Base
	svc *Service
}

// NewModule returns the module.
func NewModule(svc *Service) *Module {
	return &Module{Base: module.Named("collaborators", policy, Indexes()...), svc: svc}
}

// Jobs: contracts whose last day has passed are recorded ended (a few
// minutes into a new Vietnam day at the latest).
func (m *Module) Jobs() []module.Job {
	return []module.Job{module.Counted("collaborators.lapse", 10*time.Minute, m.svc.Lapse)}
}

// Register adds the module's templates and routes.
func (m *Module) Register(p *web.Platform) error {
	return module.Mount(p, views, m.apiRoutes, m.pageRoutes)
}
