package courses

import (
	"fmt"
	"html/template"

	"github.com/ctvacademy/academy/modules/platform/web"
)

// Module is the catalog's HTTP side: the course API and the course pages.
type Module struct {
	cat      *Catalog
	platform *web.Platform
	lessons  map[string]lessonHTML // by course code, rendered once at start
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

// NewModule registers the module's templates and renders every lesson once.
func NewModule(cat *Catalog, p *web.Platform) (*Module, error) {
	if err := p.RegisterViews(views, "views/*.html"); err != nil {
		return nil, err
	}
	m := &Module{cat: cat, platform: p, lessons: map[string]lessonHTML{}}
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

// Routes registers the API and page routes.
func (m *Module) Routes() {
	m.apiRoutes(m.platform.API)
	m.pageRoutes(m.platform.Web)
}
