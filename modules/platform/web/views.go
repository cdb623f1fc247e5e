package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/i18n"
	"github.com/gofiber/fiber/v2"
)

//go:embed views/*.html views/*.tmpl
var platformViews embed.FS

//go:embed static
var staticFiles embed.FS

// Views holds the page templates: the platform's layout and error page plus
// every page a module registered.
type Views struct {
	mu     sync.RWMutex
	tr     *i18n.Translator
	layout *template.Template
	pages  map[string]*template.Template
}

func newViews(tr *i18n.Translator) (*Views, error) {
	funcs := template.FuncMap{
		// The page data's T method is the usual way; these helpers format values.
		"vntime": func(t time.Time) string { return t.In(clock.VN).Format("02/01/2006 15:04") },
		"vnday":  func(t time.Time) string { return t.In(clock.VN).Format("02/01/2006") },
		"vndate": func(s string) string {
			t, err := time.Parse("2006-01-02", s)
			if err != nil {
				return s
			}
			return t.Format("02/01/2006")
		},
		"money": formatMoney,
		"add":   func(a, b int) int { return a + b },
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(platformViews, "views/layout.html", "views/parts.tmpl")
	if err != nil {
		return nil, fmt.Errorf("web: layout: %w", err)
	}
	v := &Views{tr: tr, layout: layout, pages: map[string]*template.Template{}}
	if err := v.Register(platformViews, "views/error.html"); err != nil {
		return nil, err
	}
	return v, nil
}

// Register parses page templates from fsys; each file is one page named by
// its base name without extension, rendered inside the layout.
func (v *Views) Register(fsys fs.FS, patterns ...string) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, pat := range patterns {
		files, err := fs.Glob(fsys, pat)
		if err != nil {
			return err
		}
		for _, f := range files {
			t, err := v.layout.Clone()
			if err != nil {
				return err
			}
			if _, err := t.ParseFS(fsys, f); err != nil {
				return fmt.Errorf("web: template %s: %w", f, err)
			}
			name := strings.TrimSuffix(path.Base(f), path.Ext(f))
			if _, dup := v.pages[name]; dup {
				return fmt.Errorf("web: template %s registered twice", name)
			}
			v.pages[name] = t
		}
	}
	return nil
}

// RegisterViews adds a module's page templates.
func (p *Platform) RegisterViews(fsys fs.FS, patterns ...string) error {
	return p.views.Register(fsys, patterns...)
}

// PageData is what every page template receives as its dot.
type PageData struct {
	Lang      string
	User      authz.Principal
	CSRF      string
	Path      string
	Query     string
	RequestID string
	Data      any
	tr        *i18n.Translator
}

// T translates a key into the page's language.
func (d PageData) T(key string, args ...any) string { return d.tr.T(d.Lang, key, args...) }

// OtherLang is the language the switch in the header offers.
func (d PageData) OtherLang() string {
	if d.Lang == "en" {
		return "vi"
	}
	return "en"
}

// Render writes the named page with data in the request's language.
func (p *Platform) Render(c *fiber.Ctx, status int, name string, data any) error {
	p.views.mu.RLock()
	t, ok := p.views.pages[name]
	p.views.mu.RUnlock()
	if !ok {
		return fmt.Errorf("web: no template %q", name)
	}
	pd := PageData{
		Lang: Lang(c), User: PrincipalOf(c), CSRF: CSRFToken(c), Path: c.Path(),
		Query: string(c.Request().URI().QueryString()), RequestID: RequestID(c), Data: data, tr: p.opts.Translator,
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", pd); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// formatMoney writes an amount of đồng the Vietnamese way: 1.500.000 ₫.
func formatMoney(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	out := b.String() + " ₫"
	if neg {
		out = "-" + out
	}
	return out
}
