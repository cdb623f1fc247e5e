package courses

import (
	"context"
	_ "embed"
	"fmt"
	"html/template"
	"time"

	"github.com/ctvacademy/academy/modules/platform/module"
	"github.com/ctvacademy/academy/modules/platform/web"
)

//go:embed policy.csv
var policy string

// Module is the catalog's HTTP side: the course API and the course pages.
type Module struct {
	module.Base
	cat      *Catalog
	lessons  map[string]lessonHTML // by course code, rendered once at start
	holdings Holdings
}

// Holding is a collaborator's live certificate of a course, as the course
// pages tell its holder: its last valid day, and whether its renewal
// window is open (the quiz is then to be taken again).
type Holding struct {
	ValidUntil time.Time
	Expiring   bool
}

// Holdings gives a collaborator's live (valid or expiring) certificates,
// by course code.
type Holdings func(ctx context.Context, collaboratorID string) (map[string]Holding, error)

// WithHoldings lets the course pages tell a collaborator the courses they
// hold a live certificate of. Without it they show every quiz alike.
func (m *Module) WithHoldings(h Holdings) *Module {
	m.holdings = h
	return m
}

// lessonHTML is a course's lesson rendered in both languages.
type lessonHTML struct {
	VI, EN template.HTML
}

func (l lessonHTML) in(lang string) template.HTML {
	if lang == "en" && l.EN != "" {
		return l.EN
	}
	return l.VI
}

// NewModule renders every lesson once and returns the module.
func NewModule(cat *Catalog) (*Module, error) {
	m := &Module{Base: module.Named("courses", policy), cat: cat, lessons: map[string]lessonHTML{}}
	for _, c := range cat.Courses() {
		vi, err := RenderMarkdown(c.Lesson.VI)
		if err != nil {
			return nil, fmt.Errorf("courses: render %s lesson: %w", c.Code, err)
		}
		en, err := RenderMarkdown(c.Lesson.EN)
		if err != nil {
			return nil, fmt.Errorf("courses: render %s English lesson: %w", c.Code, err)
		}
		m.lessons[c.Code] = lessonHTML{VI: vi, EN: en}
	}
	return m, nil
}

// Register adds the module's templates and routes.
func (m *Module) Register(p *web.Platform) error {
	return module.Mount(p, views, m.apiRoutes, m.pageRoutes)
}
