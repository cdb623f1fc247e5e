package collaborators

import (
	"github.com/ctvacademy/academy/modules/platform/web"
)

// Module is the registry's HTTP side.
type Module struct {
	svc      *Service
	platform *web.Platform
}

// NewModule registers the module's templates and returns it.
func NewModule(svc *Service, p *web.Platform) (*Module, error) {
	if err := p.RegisterViews(views, "views/*.html"); err != nil {
		return nil, err
	}
	return &Module{svc: svc, platform: p}, nil
}

// Routes registers the API and page routes.
func (m *Module) Routes() {
	m.apiRoutes(m.platform.API)
	m.pageRoutes(m.platform.Web)
}
