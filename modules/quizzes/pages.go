package quizzes

import (
	"embed"
	"errors"
	"html/template"
	"math"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

//go:embed views/*.html
var views embed.FS

// quizJS adds autosave and a countdown to the take page. It is inlined
// (the CSP lists its hash), so the page costs no extra request; without
// it the page works with plain form posts.
//
//go:embed quiz.js
var quizJS string

func (m *Module) pageRoutes(r *web.Router) {
	r.Get("/courses/:code/quiz", web.Doc{}, m.startPage)
	r.Post("/courses/:code/quiz", web.Doc{}, m.startPost)
	r.Get("/attempts/:id", web.Doc{}, m.attemptPage)
	r.Post("/attempts/:id", web.Doc{}, m.attemptPost)
	r.Get("/me/attempts", web.Doc{}, m.minePage)
	m.resultsPageRoutes(r)
}

// pageRules are a course's quiz rules as the start page shows them.
type pageRules struct {
	Code        string
	Title       string
	Questions   int
	Minutes     int
	PassPercent int
	MaxAttempts int
}

func rulesOf(c courses.Course, lang string) pageRules {
	return pageRules{Code: c.Code, Title: c.Title.In(lang), Questions: c.Quiz.QuestionsPerAttempt,
		Minutes: c.Quiz.TimeLimitMinutes, PassPercent: percent(c.Quiz.PassMark), MaxAttempts: c.Quiz.MaxAttempts}
}

// percent writes a score in [0, 1] as a whole percentage.
func percent(score float64) int { return int(math.Round(score * 100)) }

// pageRow is one attempt in a list on a page.
type pageRow struct {
	ID          string
	CourseCode  string
	CourseTitle string
	Number      int
	Open        bool
	StartedAt   time.Time
	Percent     int
	Passed      bool
}

func (m *Module) rowOf(a Attempt, lang string) pageRow {
	title := a.CourseCode
	if c, err := m.svc.Course(a.CourseCode); err == nil {
		title = c.Title.In(lang)
	}
	return pageRow{ID: a.ID, CourseCode: a.CourseCode, CourseTitle: title, Number: a.N, Open: a.Status == StatusOpen,
		StartedAt: a.StartedAt, Percent: percent(a.Score), Passed: a.Passed}
}

// ownScope is the caller's own rows, whatever their role's scope elsewhere.
func ownScope(p authz.Principal) authz.Scope {
	return authz.Scope{Kind: authz.ScopeOwn, CollaboratorID: p.CollaboratorID}
}

// startPage shows a course's quiz rules, the caller's attempts at it and
// the button that starts (or resumes) one.
func (m *Module) startPage(c *fiber.Ctx) error {
	return m.renderStart(c, fiber.StatusOK, "")
}

// renderStart renders the start page with status and, when problem (a
// translation key) is set, an explanation of why the start failed.
func (m *Module) renderStart(c *fiber.Ctx, status int, problem string) error {
	course, err := m.svc.Course(c.Params("code"))
	if err != nil {
		return err
	}
	p := web.PrincipalOf(c)
	if p.CollaboratorID == "" {
		return errs.E(errs.Forbidden, "only collaborators take quizzes")
	}
	mine, err := m.svc.List(c.UserContext(), ownScope(p), Filter{CourseCode: course.Code})
	if err != nil {
		return err
	}
	cycle, err := m.svc.CycleOf(c.UserContext(), p.CollaboratorID, course)
	if err != nil {
		return err
	}
	mine = InCycle(mine, cycle)
	lang, now := web.Lang(c), m.now()
	d := struct {
		Course    pageRules
		Rows      []pageRow
		Used      int
		Left      int
		Resume    string // the open attempt that still takes answers
		Remaining int    // its minutes left
		Best      int
		Passed    bool
		Problem   string
		// RetakeAt is when the next attempt may start, while the course's
		// wait after the last one is not over (zero otherwise).
		RetakeAt   time.Time
		RetakeWait int // the course's retake_after_minutes
	}{Course: rulesOf(course, lang), Used: len(mine), Problem: problem, RetakeWait: course.Quiz.RetakeAfterMinutes}
	for _, a := range mine {
		d.Rows = append(d.Rows, m.rowOf(a, lang))
		if a.Status == StatusOpen && a.AcceptsAnswers(now) {
			d.Resume, d.Remaining = a.ID, minutes(a.Remaining(now))
		}
		if a.Status == StatusGraded {
			d.Best = max(d.Best, percent(a.Score))
			d.Passed = d.Passed || a.Passed
		}
	}
	d.Left = max(0, course.Quiz.MaxAttempts-d.Used)
	if at := RetakeOpensAt(mine, course.Quiz.RetakeAfterMinutes, now); d.Resume == "" && d.Left > 0 && now.Before(at) {
		d.RetakeAt = at
	}
	return m.Platform.Render(c, status, "quiz_start", d)
}

// minutes rounds a duration up to whole minutes.
func minutes(d time.Duration) int { return int(math.Ceil(d.Minutes())) }

// startPost starts or resumes the caller's attempt and sends them to it.
func (m *Module) startPost(c *fiber.Ctx) error {
	a, _, err := m.svc.Start(c.UserContext(), web.PrincipalOf(c), c.Params("code"))
	var wait *RetakeWait
	switch {
	case errors.As(err, &wait):
		return m.renderStart(c, fiber.StatusUnprocessableEntity, "quiz.problem.retake_wait")
	case errs.Is(err, errs.Unprocessable):
		return m.renderStart(c, fiber.StatusUnprocessableEntity, "quiz.problem.no_attempt_left")
	case errs.Is(err, errs.Conflict):
		return m.renderStart(c, fiber.StatusConflict, "quiz.problem.starting")
	case err != nil:
		return err
	}
	return c.Redirect(attemptPath(a.ID), fiber.StatusSeeOther)
}

func attemptPath(id string) string { return "/attempts/" + id }

// pageOption is an option of a question on the take or result page.
type pageOption struct {
	ID      string
	Text    string
	Checked bool
}

// pageQuestion is a question on the take page.
type pageQuestion struct {
	N       int
	ID      string
	Text    string
	Input   string // radio or checkbox
	Options []pageOption
}

// reviewQuestion is a question on the result page.
type reviewQuestion struct {
	N      int
	Text   string
	Chosen []string // option texts
	Key    []string // the right option texts; empty when the course shows the score only
	Right  bool
}

// attemptPage shows an open attempt to its taker as a form, and a graded
// one as its result. Others in scope (a team leader, staff) see the state.
func (m *Module) attemptPage(c *fiber.Ctx) error {
	return m.renderAttempt(c, fiber.StatusOK, "")
}

// renderAttempt renders the attempt's page with status and, when problem
// (a translation key) is set, an explanation of what went wrong.
func (m *Module) renderAttempt(c *fiber.Ctx, status int, problem string) error {
	a, err := m.svc.Get(c.UserContext(), web.ScopeOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	lang, now := web.Lang(c), m.now()
	v := View(a, lang, now)
	course := pageRules{Code: a.CourseCode, Title: a.CourseCode}
	if x, err := m.svc.Course(a.CourseCode); err == nil {
		course = rulesOf(x, lang)
	}
	p := web.PrincipalOf(c)
	mine := p.CollaboratorID != "" && p.CollaboratorID == a.CollaboratorID
	if a.Status == StatusOpen && mine {
		return m.takePage(c, status, v, course, problem)
	}
	d := struct {
		Course    pageRules
		Attempt   AttemptView
		Mine      bool
		Closed    bool
		Percent   int
		Answered  int
		Questions []reviewQuestion
		Problem   string
		// PassPercent is the attempt's own pass mark, which a later edit
		// of the quiz does not change.
		PassPercent int
		ShowKey     bool // the review shows the right options (Attempt.ShowsKey)
		// KeyAfterPass: the right options wait for a pass of the course.
		KeyAfterPass bool
	}{Course: course, Attempt: v, Mine: mine, Closed: c.Query("closed") != "", Answered: len(v.Answers), Problem: problem}
	if r := v.Result; r != nil {
		d.Percent, d.PassPercent = percent(r.Score), percent(r.PassMark)
		// A score-only course has no review: the page shows the score alone.
		d.ShowKey = r.KeyShown
		d.KeyAfterPass = !r.KeyShown && a.ShowsOutcomes()
		for i, item := range r.Review {
			q := v.Questions[i]
			d.Questions = append(d.Questions, reviewQuestion{N: i + 1, Text: q.Text,
				Chosen: optionTexts(q, item.Chosen), Key: optionTexts(q, item.Correct), Right: item.IsCorrect})
		}
	}
	return m.Platform.Render(c, status, "quiz_result", d)
}

func optionTexts(q TakerQuestion, ids []string) []string {
	var out []string
	for _, o := range q.Options {
		for _, id := range ids {
			if o.ID == id {
				out = append(out, o.Text)
			}
		}
	}
	return out
}

// takePage renders the form of an open attempt: no answer key, saved
// answers checked, the deadline in Vietnam's time.
func (m *Module) takePage(c *fiber.Ctx, status int, v AttemptView, course pageRules, problem string) error {
	qs := make([]pageQuestion, len(v.Questions))
	for i, q := range v.Questions {
		chosen := map[string]bool{}
		for _, id := range v.Answers[q.ID] {
			chosen[id] = true
		}
		pq := pageQuestion{N: i + 1, ID: q.ID, Text: q.Text, Input: "radio", Options: make([]pageOption, len(q.Options))}
		if q.Kind == courses.KindMultiple {
			pq.Input = "checkbox"
		}
		for j, o := range q.Options {
			pq.Options[j] = pageOption{ID: o.ID, Text: o.Text, Checked: chosen[o.ID]}
		}
		qs[i] = pq
	}
	return m.Platform.Render(c, status, "quiz_take", struct {
		Course    pageRules
		Attempt   AttemptView
		Questions []pageQuestion
		Minutes   int
		Saved     bool
		Closed    bool
		Problem   string
		Script    template.JS
	}{Course: course, Attempt: v, Questions: qs, Minutes: (v.RemainingSeconds + 59) / 60,
		Saved: c.Query("saved") != "", Closed: c.Query("closed") != "", Problem: problem, Script: m.script})
}

// attemptPost submits (action=submit) or saves (anything else: saving is
// the harmless default) the form of an open attempt, then sends the taker
// back to the attempt's page.
func (m *Module) attemptPost(c *fiber.Ctx) error {
	id := c.Params("id")
	answers := formAnswers(c)
	p := web.PrincipalOf(c)
	var err error
	flag := ""
	if c.FormValue("action") == "submit" {
		_, err = m.svc.Submit(c.UserContext(), p, id, answers)
	} else {
		_, err = m.svc.SaveAnswers(c.UserContext(), p, id, answers)
		flag = "?saved=1"
	}
	switch {
	case errs.Is(err, errs.Conflict):
		// Submitted meanwhile (another tab) or out of time: the attempt's
		// page tells which.
		return c.Redirect(attemptPath(id)+"?closed=1", fiber.StatusSeeOther)
	case errs.Is(err, errs.Invalid):
		return m.renderAttempt(c, fiber.StatusBadRequest, "quiz.problem.invalid")
	case err != nil:
		return err
	}
	return c.Redirect(attemptPath(id)+flag, fiber.StatusSeeOther)
}

// formAnswers reads the form's q.<question id> fields (one per chosen
// option) into an answers map.
func formAnswers(c *fiber.Ctx) map[string][]string {
	out := map[string][]string{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if qid, ok := strings.CutPrefix(string(k), "q."); ok && qid != "" {
			out[qid] = append(out[qid], string(v))
		}
	})
	return out
}

// minePage lists the caller's attempts at every course.
func (m *Module) minePage(c *fiber.Ctx) error {
	p := web.PrincipalOf(c)
	var rows []pageRow
	if p.CollaboratorID != "" {
		all, err := m.svc.List(c.UserContext(), ownScope(p), Filter{})
		if err != nil {
			return err
		}
		for _, a := range all {
			rows = append(rows, m.rowOf(a, web.Lang(c)))
		}
	}
	return m.Platform.Render(c, fiber.StatusOK, "quiz_mine", map[string]any{"Rows": rows})
}
