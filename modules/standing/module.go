package standing

import (
	_ "embed"

	"github.com/ctvacademy/academy/modules/platform/module"
	"github.com/ctvacademy/academy/modules/platform/web"
)

//go:embed policy.csv
var policy string

// Module is standing's HTTP side: a collaborator's standing and the
// quarterly contract review.
type Module struct {
	module.Base
	svc   *Service
	pages PageDeps
}

// NewModule returns the module.
func NewModule(svc *Service) *Module {
	return &Module{Base: module.Named("standing", policy, Indexes()...), svc: svc}
}

// Register adds the module's routes.
func (m *Module) Register(p *web.Platform) error {
	return module.Mount(p, views, m.apiRoutes, m.pageRoutes)
}
