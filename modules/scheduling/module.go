package scheduling

import (
	"context"
	"fmt"
	"html/template"

	"github.com/ctvacademy/academy/modules/platform/i18n"
	"github.com/ctvacademy/academy/modules/platform/web"
)

// Choice is an option of a select on a page: a code and what it is called.
type Choice struct {
	Code string
	Name string
}

// PageDeps are what the staff pages need besides the service: the course
// catalog and the district units, for the selects of their forms.
type PageDeps struct {
	// Courses lists the catalog's courses, titled in lang.
	Courses func(lang string) []Choice
	// Areas lists the district units.
	Areas func(ctx context.Context) ([]Choice, error)
}

// Module is scheduling's HTTP side.
type Module struct {
	svc      *Service
	platform *web.Platform
	tr       *i18n.Translator
	pages    PageDeps
	// screenScript reloads the check-in screen every ScreenRefresh (the
	// meta refresh is the fallback without JavaScript only).
	screenScript template.JS
}

// NewModule returns the module.
func NewModule(svc *Service, p *web.Platform, tr *i18n.Translator, pages PageDeps) (*Module, error) {
	if err := p.RegisterViews(viewFiles, "views/*.html"); err != nil {
		return nil, err
	}
	if pages.Courses == nil {
		pages.Courses = func(string) []Choice { return nil }
	}
	if pages.Areas == nil {
		pages.Areas = func(context.Context) ([]Choice, error) { return nil, nil }
	}
	return &Module{svc: svc, platform: p, tr: tr, pages: pages,
		screenScript: p.InlineScript(fmt.Sprintf("setTimeout(function(){location.reload()},%d);", ScreenRefresh.Milliseconds()))}, nil
}

// Routes registers the API and page routes.
func (m *Module) Routes() {
	m.apiRoutes(m.platform.API)
	m.pageRoutes(m.platform.Web)
}
