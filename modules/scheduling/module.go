package scheduling

import (
	"github.com/ctvacademy/academy/modules/platform/i18n"
	"github.com/ctvacademy/academy/modules/platform/web"
)

// Module is scheduling's HTTP side.
type Module struct {
	svc      *Service
	platform *web.Platform
	tr       *i18n.Translator
}

// NewModule returns the module.
func NewModule(svc *Service, p *web.Platform, tr *i18n.Translator) (*Module, error) {
	if err := p.RegisterViews(viewFiles, "views/*.html"); err != nil {
		return nil, err
	}
	return &Module{svc: svc, platform: p, tr: tr}, nil
}

// Routes registers the API routes.
func (m *Module) Routes() {
	m.apiRoutes(m.platform.API)
	m.pageRoutes(m.platform.Web)
}
