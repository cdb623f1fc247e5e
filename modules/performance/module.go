package performance

import (
	_ "embed"

	"github.com/ctvacademy/academy/modules/platform/module"
	"github.com/ctvacademy/academy/modules/platform/web"
)

//go:embed policy.csv
var policy string

// Module is the quarterly records' HTTP side: the API and the pages.
type Module struct {
	module.Base
	svc *Service
}

// NewModule returns the module.
func NewModule(svc *Service) *Module {
	return &Module{Base: module.Named("performance", policy, Indexes()...), svc: svc}
}

// Register adds the module's routes.
func (m *Module) Register(p *web.Platform) error {
	return module.Mount(p, views, m.apiRoutes, m.pageRoutes)
}
