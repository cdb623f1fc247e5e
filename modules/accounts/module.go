package accounts

import (
	"strconv"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/i18n"
	"github.com/ctvacademy/academy/modules/platform/web"
)

// Module is the accounts module's HTTP side.
type Module struct {
	svc      *Service
	platform *web.Platform
	tr       *i18n.Translator
	secure   bool
}

// ModuleDeps are what the module's routes need.
type ModuleDeps struct {
	Service       *Service
	Platform      *web.Platform
	Translator    *i18n.Translator
	SecureCookies bool
}

// NewModule registers the module's templates and returns it.
func NewModule(d ModuleDeps) (*Module, error) {
	if err := d.Platform.RegisterViews(views, "views/*.html"); err != nil {
		return nil, err
	}
	return &Module{svc: d.Service, platform: d.Platform, tr: d.Translator, secure: d.SecureCookies}, nil
}

// Routes registers the API and page routes.
func (m *Module) Routes() {
	m.apiRoutes(m.platform.API)
	m.pageRoutes(m.platform.Web)
}

func retryAfter(e *errs.Error) string {
	secs := int(e.RetryAfter.Seconds() + 0.999)
	if secs < 1 {
		secs = 1
	}
	return strconv.Itoa(secs)
}
