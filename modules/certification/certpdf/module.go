package certpdf

import (
	"context"
	_ "embed"

	"github.com/ctvacademy/academy/modules/certification"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/module"
	"github.com/ctvacademy/academy/modules/platform/web"
)

//go:embed policy.csv
var policy string

// Module serves the PDF and the verification page as a module of its own:
// it imports the certification package (its statuses and codes), so that
// package's module cannot register these routes without an import cycle.
// The app lists it beside certification.NewModule:
//
//	certpdf.NewModule(certpdf.FromService(a.Certification), certpdf.Options{BaseURL: a.Config.BaseURL, Now: opts.Clock.Now}),
type Module struct {
	module.Base
	src  Source
	opts Options
}

// NewModule returns the module reading certificates from src.
func NewModule(src Source, opts Options) *Module {
	return &Module{Base: module.Named("certification/certpdf", policy), src: src, opts: opts}
}

// Register adds the page's template and the two routes.
func (m *Module) Register(p *web.Platform) error { return Register(p, m.src, m.opts) }

// Service is what certification.Service offers the routes.
type Service interface {
	Certificate(ctx context.Context, scope authz.Scope, id string) (certification.View, error)
	Verify(ctx context.Context, code string) (certification.View, error)
}

// FromService reads certificates from the certification service.
func FromService(s Service) Source { return serviceSource{s} }

type serviceSource struct{ s Service }

func (s serviceSource) Certificate(ctx context.Context, scope authz.Scope, id string) (View, error) {
	v, err := s.s.Certificate(ctx, scope, id)
	if err != nil {
		return View{}, err
	}
	return fromView(v), nil
}

func (s serviceSource) Verify(ctx context.Context, code string) (View, error) {
	v, err := s.s.Verify(ctx, code)
	if err != nil {
		return View{}, err
	}
	return fromView(v), nil
}

// fromView is what the PDF and the page show of a certificate: its
// current cycle (issued when it was last renewed; the first issue when
// never renewed), so a printout's two dates belong together.
func fromView(v certification.View) View {
	out := View{ID: v.ID, Code: v.VerificationCode, FullName: v.FullName, CourseCode: v.CourseCode, CourseTitle: v.CourseTitle, CourseTitleEN: v.CourseTitleEN,
		IssuedAt: v.RenewedAt, ExpiresAt: v.ExpiresAt, Status: v.Status}
	if out.IssuedAt.IsZero() {
		out.IssuedAt = v.IssuedAt
	}
	if v.RevokedAt != nil {
		out.RevokedAt = *v.RevokedAt
	}
	return out
}
