package quizzes

import (
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/web"
)

// Module is the quiz engine's HTTP side.
type Module struct {
	svc      *Service
	cat      Catalog
	platform *web.Platform
	clock    clock.Clock
}

// NewModule returns the module.
func NewModule(svc *Service, cat Catalog, p *web.Platform, clk clock.Clock) (*Module, error) {
	if clk == nil {
		clk = clock.System{}
	}
	return &Module{svc: svc, cat: cat, platform: p, clock: clk}, nil
}

func (m *Module) now() time.Time { return m.clock.Now() }

// Routes registers the API routes.
func (m *Module) Routes() {
	m.apiRoutes(m.platform.API)
}
