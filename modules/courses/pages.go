package courses

import (
	"embed"
	"html/template"
	"strings"

	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

//go:embed views/*.html
var views embed.FS

func (m *Module) pageRoutes(r *web.Router) {
	r.Get("/courses", web.Doc{}, m.listPage)
	r.Get("/courses/:code", web.Doc{}, m.coursePage)
}

// pageCourse is a course in the page's language.
type pageCourse struct {
	Code                string
	Title               string
	Summary             string
	RequiredFor         []string
	RequiredForYou      bool
	Certification       Certification
	QuestionsPerAttempt int
	TimeLimitMinutes    int
	PassPercent         int
	MaxAttempts         int
	Lesson              template.HTML
	// LessonHead is the lesson's leading title (its first <h1>), shown
	// above the course's actions; empty when the lesson has none.
	LessonHead template.HTML
	// Held is the caller's live certificate of the course (nil when they
	// hold none).
	Held *Holding
}

// HeldValid tells that the caller's certificate of the course is valid
// and outside its renewal window: the quiz is not theirs to take again.
func (p pageCourse) HeldValid() bool { return p.Held != nil && !p.Held.Expiring }

// Renew tells that the caller's certificate is inside its renewal window.
func (p pageCourse) Renew() bool { return p.Held != nil && p.Held.Expiring }

// splitHead cuts a rendered lesson's leading <h1>…</h1> from the rest, so
// that the page puts the course's actions right under the title.
func splitHead(h template.HTML) (head, rest template.HTML) {
	s := strings.TrimLeft(string(h), " \n")
	if !strings.HasPrefix(s, "<h1") {
		return "", h
	}
	end := strings.Index(s, "</h1>")
	if end < 0 {
		return "", h
	}
	end += len("</h1>")
	return template.HTML(s[:end]), template.HTML(s[end:]) //nolint:gosec // cut from the trusted render
}

func (m *Module) pageCourse(c *fiber.Ctx, x Course, held map[string]Holding) pageCourse {
	lang := web.Lang(c)
	var h *Holding
	if x, ok := held[x.Code]; ok {
		h = &x
	}
	return pageCourse{
		Held: h,
		Code: x.Code, Title: x.Title.In(lang), Summary: x.Summary.In(lang),
		RequiredFor: x.RequiredFor, RequiredForYou: x.IsRequiredFor(web.PrincipalOf(c).Role),
		Certification:       x.Certification,
		QuestionsPerAttempt: x.Quiz.QuestionsPerAttempt, TimeLimitMinutes: x.Quiz.TimeLimitMinutes,
		PassPercent: int(x.Quiz.PassMark*100 + 0.5), MaxAttempts: x.Quiz.MaxAttempts,
	}
}

// held is the caller's live certificates by course: none for an account
// that is no collaborator, or when the module has no Holdings.
func (m *Module) held(c *fiber.Ctx) (map[string]Holding, error) {
	p := web.PrincipalOf(c)
	if m.holdings == nil || p.CollaboratorID == "" {
		return nil, nil
	}
	return m.holdings(c.UserContext(), p.CollaboratorID)
}

func (m *Module) listPage(c *fiber.Ctx) error {
	held, err := m.held(c)
	if err != nil {
		return err
	}
	all := m.cat.Courses()
	items := make([]pageCourse, 0, len(all))
	for _, x := range all {
		items = append(items, m.pageCourse(c, x, held))
	}
	return m.Platform.Render(c, fiber.StatusOK, "courses", map[string]any{"Items": items})
}

func (m *Module) coursePage(c *fiber.Ctx) error {
	x, err := m.course(c)
	if err != nil {
		return err
	}
	held, err := m.held(c)
	if err != nil {
		return err
	}
	pc := m.pageCourse(c, x, held)
	pc.LessonHead, pc.Lesson = splitHead(m.lessons[x.Code].in(web.Lang(c)))
	return m.Platform.Render(c, fiber.StatusOK, "course", map[string]any{"C": pc})
}
