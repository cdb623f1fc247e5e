package accounts

import (
	_ "embed"
	"strconv"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/module"
	"github.com/ctvacademy/academy/modules/platform/web"
)

//go:embed policy.csv
var policy string

// Module is the accounts module's HTTP side.
type Module struct {
	module.Base
	svc *Service
}

// NewModule returns the module.
func NewModule(svc *Service) *Module {
	return &Module{Base: module.Named("accounts", policy, Indexes()...), svc: svc}
}

// Jobs purge stale login throttles.
func (m *Module) Jobs() []module.Job {
	return []module.Job{
		module.Counted("accounts.throttle-purge", time.Hour, m.svc.PurgeThrottles),
		module.Counted("accounts.links-expire", time.Hour, m.svc.ExpireLinks),
		module.Counted("accounts.repair", 10*time.Minute, m.svc.Repair),
	}
}

// Register adds the module's templates and routes.
func (m *Module) Register(p *web.Platform) error {
	return module.Mount(p, views, m.apiRoutes, func(r *web.Router) { m.pageRoutes(r); m.linkRoutes(r) })
}

func retryAfter(e *errs.Error) string {
	secs := int(e.RetryAfter.Seconds() + 0.999)
	if secs < 1 {
		secs = 1
	}
	return strconv.Itoa(secs)
}
