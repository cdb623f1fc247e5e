package quizzes

import (
	"context"
	"math"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

// TakerOption is an option as the taker sees it: no answer key.
type TakerOption struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// TakerQuestion is a question as the taker sees it: no answer key.
type TakerQuestion struct {
	ID      string        `json:"id"`
	Text    string        `json:"text"`
	Kind    string        `json:"kind" api:"enum=question_kind"`
	Options []TakerOption `json:"options"`
}

// ReviewItem shows, after submission, whether a question was answered
// right and, when the course's review setting allows (see
// Attempt.ShowsKey), the right options.
type ReviewItem struct {
	QuestionID string   `json:"question_id"`
	Chosen     []string `json:"chosen"`
	Correct    []string `json:"correct,omitempty"` // absent until the key may be shown
	IsCorrect  bool     `json:"is_correct"`
}

// Result is the outcome of a graded attempt.
type Result struct {
	Score       float64      `json:"score"`
	Passed      bool         `json:"passed"`
	Correct     int          `json:"correct"`
	Total       int          `json:"total"`
	PassMark    float64      `json:"pass_mark"`
	SubmittedAt time.Time    `json:"submitted_at"`
	Late        bool         `json:"late"`
	Review      []ReviewItem `json:"review,omitempty"` // per question, unless the course shows the score only
	// KeyShown tells whether the review carries the right options: under
	// answers_after_pass only once the taker has passed the course.
	KeyShown bool `json:"key_shown"`
}

// AttemptHead is what every view of an attempt begins with.
type AttemptHead struct {
	ID             string    `json:"id"`
	CollaboratorID string    `json:"collaborator_id"`
	CourseCode     string    `json:"course_code"`
	Number         int       `json:"number"`
	Status         string    `json:"status" api:"enum=attempt_status"`
	StartedAt      time.Time `json:"started_at"`
}

func headOf(a Attempt) AttemptHead {
	return AttemptHead{ID: a.ID, CollaboratorID: a.CollaboratorID, CourseCode: a.CourseCode, Number: a.N, Status: a.Status, StartedAt: a.StartedAt}
}

// AttemptView is an attempt as its taker sees it. Before submission it
// carries the questions and saved answers, never a key; after, the result.
type AttemptView struct {
	AttemptHead
	Deadline         time.Time           `json:"deadline"`
	RemainingSeconds int                 `json:"remaining_seconds"`
	QuizVersion      string              `json:"quiz_version"`
	Questions        []TakerQuestion     `json:"questions"`
	Answers          map[string][]string `json:"answers"`
	Result           *Result             `json:"result,omitempty"`
}

// ResultRow is one attempt in a results list.
type ResultRow struct {
	AttemptHead
	AreaCode    string    `json:"area_code"`
	SubmittedAt time.Time `json:"submitted_at,omitzero"`
	Score       float64   `json:"score"`
	Passed      bool      `json:"passed"`
}

// CourseResults is a course's results with a summary.
type CourseResults struct {
	CourseCode string      `json:"course_code"`
	Attempts   int         `json:"attempts"`
	Graded     int         `json:"graded"`
	Passed     int         `json:"passed"`
	MeanScore  float64     `json:"mean_score"`
	Items      []ResultRow `json:"items"`
	Total      int         `json:"total"`
}

// AnswersBody is the body of PUT /attempts/{id}/answers and, optionally,
// of POST /attempts/{id}/submit.
type AnswersBody struct {
	Answers map[string][]string `json:"answers"`
}

// View renders an attempt for its taker in lang at now.
func View(a Attempt, lang string, now time.Time) AttemptView {
	v := AttemptView{AttemptHead: headOf(a), Deadline: a.Deadline, QuizVersion: a.QuizVersion, Answers: a.Answers,
		RemainingSeconds: int(math.Ceil(a.Remaining(now).Seconds()))}
	if v.Answers == nil {
		v.Answers = map[string][]string{}
	}
	v.Questions = make([]TakerQuestion, len(a.Questions))
	for i, q := range a.Questions {
		opts := make([]TakerOption, len(q.Options))
		for j, o := range q.Options {
			opts[j] = TakerOption{ID: o.ID, Text: o.Text.In(lang)}
		}
		v.Questions[i] = TakerQuestion{ID: q.ID, Text: q.Text.In(lang), Kind: q.Kind, Options: opts}
	}
	if a.Status == StatusGraded {
		v.RemainingSeconds = 0
		r := &Result{Score: a.Score, Passed: a.Passed, Correct: a.Correct, Total: len(a.Questions), PassMark: a.PassMark,
			SubmittedAt: a.SubmittedAt, Late: a.Late}
		// A score-only course shows the score alone: which questions were
		// right tells the key too (a wrong true/false names the right one).
		// Otherwise the review says which were right, and the right
		// options only where ShowsKey allows (a failed certification
		// attempt never: the next attempts draw from the same bank).
		r.KeyShown = a.ShowsOutcomes() && a.ShowsKey()
		for _, q := range a.Questions {
			if !a.ShowsOutcomes() {
				break
			}
			item := ReviewItem{QuestionID: q.ID, Chosen: a.Answers[q.ID], IsCorrect: q.IsCorrect(a.Answers[q.ID])}
			if r.KeyShown {
				item.Correct = q.CorrectIDs()
			}
			if item.Chosen == nil {
				item.Chosen = []string{}
			}
			r.Review = append(r.Review, item)
		}
		v.Result = r
	}
	return v
}

func row(a Attempt) ResultRow {
	return ResultRow{AttemptHead: headOf(a), AreaCode: a.AreaCode, SubmittedAt: a.SubmittedAt, Score: a.Score, Passed: a.Passed}
}

func (m *Module) apiRoutes(r *web.Router) {
	docEnums(r)
	r.Post("/courses/:code/attempts", web.Doc{Summary: "Start (or resume) my attempt at a course's quiz; no answer key", Response: AttemptView{}, Status: 201, AlsoStatus: 200,
		Errors: []errs.Kind{errs.Conflict, errs.Unprocessable}}, m.apiStart)
	r.Get("/attempts/:id", web.Doc{Summary: "An attempt: questions and saved answers while open, the result after", Response: AttemptView{}}, m.apiGet)
	r.Put("/attempts/:id/answers", web.Doc{Summary: "Autosave my answers", Request: AnswersBody{}, Response: AttemptView{}, Errors: []errs.Kind{errs.Conflict, errs.Unprocessable}}, m.apiSave)
	r.Post("/attempts/:id/submit", web.Doc{Summary: "Submit my attempt (graded once)", Request: AnswersBody{}, BodyOptional: true, Response: Result{}, Errors: []errs.Kind{errs.Conflict, errs.Unprocessable}}, m.apiSubmit)
	r.Get("/attempts", web.Doc{Summary: "Attempts in the caller's scope", Response: web.List[ResultRow]{}, Query: []string{"collaborator_id", "course_code", "area_code", "limit", "offset"}}, m.apiList)
	r.Get("/me/attempts", web.Doc{Summary: "My attempts", Response: web.List[ResultRow]{}, Query: []string{"course_code", "limit", "offset"}}, m.apiMine)
	r.Get("/courses/:code/results", web.Doc{Summary: "A course's results in the caller's scope, with a summary", Response: CourseResults{}, Query: []string{"area_code", "limit", "offset"}}, m.apiCourseResults)
	r.Get("/courses/:code/item-analysis", web.Doc{Summary: "Per question: times asked, share answered correctly", Response: web.List[ItemStat]{}}, m.apiItems)
	r.Post("/collaborators/:id/courses/:code/cycles", web.Doc{Summary: "Grant a collaborator who used every attempt of a course's quiz without passing a new cycle of attempts, with a reason (audited)",
		Request: GrantBody{}, Response: CycleView{}, Status: 201, Errors: []errs.Kind{errs.Conflict}}, m.apiGrantCycle)
}

// GrantBody is why a coordinator grants a new cycle.
type GrantBody struct {
	Reason string `json:"reason"` // required, at most MaxReasonLen characters
}

// CycleView is a certification cycle of attempts at a course.
type CycleView struct {
	CollaboratorID string    `json:"collaborator_id"`
	CourseCode     string    `json:"course_code"`
	Cycle          int       `json:"cycle"`
	Opened         time.Time `json:"opened"`
	Why            string    `json:"why" api:"enum=cycle_why"`
	MaxAttempts    int       `json:"max_attempts"`
}

func (m *Module) apiGrantCycle(c *fiber.Ctx) error {
	var body GrantBody
	if err := web.DecodeJSON(c, &body); err != nil {
		return err
	}
	course := c.Params("code")
	cy, err := m.svc.GrantCycle(c.UserContext(), web.PrincipalOf(c), c.Params("id"), course, body.Reason)
	if err != nil {
		return err
	}
	v := CycleView{CollaboratorID: c.Params("id"), CourseCode: course, Cycle: cy.N, Opened: cy.Opened, Why: cy.Why}
	if k, err := m.svc.Course(course); err == nil {
		v.MaxAttempts = k.Quiz.MaxAttempts
	}
	return c.Status(fiber.StatusCreated).JSON(v)
}

func (m *Module) apiStart(c *fiber.Ctx) error {
	a, created, err := m.svc.Start(c.UserContext(), web.PrincipalOf(c), c.Params("code"))
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if created {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(View(a, web.Lang(c), m.now()))
}

func (m *Module) apiGet(c *fiber.Ctx) error {
	a, err := m.svc.Get(c.UserContext(), web.ScopeOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(View(a, web.Lang(c), m.now()))
}

func decodeAnswers(c *fiber.Ctx, required bool) (map[string][]string, error) {
	if len(c.Body()) == 0 && !required {
		return nil, nil
	}
	var body AnswersBody
	if err := web.DecodeJSON(c, &body); err != nil {
		return nil, err
	}
	if body.Answers == nil && required {
		return nil, errs.Field("answers", "is required")
	}
	return body.Answers, nil
}

// answer decodes the request's answers (required: they must be there),
// hands them to act (a save or a submit) for the attempt of the path and
// returns the attempt it leaves, as the API shows it.
func (m *Module) answer(c *fiber.Ctx, required bool,
	act func(context.Context, authz.Principal, string, map[string][]string) (Attempt, error)) (AttemptView, error) {
	answers, err := decodeAnswers(c, required)
	if err != nil {
		return AttemptView{}, err
	}
	a, err := act(c.UserContext(), web.PrincipalOf(c), c.Params("id"), answers)
	if err != nil {
		return AttemptView{}, err
	}
	return View(a, web.Lang(c), m.now()), nil
}

func (m *Module) apiSave(c *fiber.Ctx) error {
	v, err := m.answer(c, true, m.svc.SaveAnswers)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (m *Module) apiSubmit(c *fiber.Ctx) error {
	v, err := m.answer(c, false, m.svc.Submit)
	if err != nil {
		return err
	}
	return c.JSON(v.Result)
}

func (m *Module) list(c *fiber.Ctx, scope authz.Scope, f Filter) error {
	limit, offset, err := web.Page(c)
	if err != nil {
		return err
	}
	all, err := m.svc.List(c.UserContext(), scope, f)
	if err != nil {
		return err
	}
	page := web.Slice(all, limit, offset) // rows for the page only
	rows := make([]ResultRow, len(page.Items))
	for i, a := range page.Items {
		rows[i] = row(a)
	}
	return c.JSON(web.List[ResultRow]{Items: rows, Total: page.Total})
}

func (m *Module) apiList(c *fiber.Ctx) error {
	return m.list(c, web.ScopeOf(c), Filter{CollaboratorID: c.Query("collaborator_id"), CourseCode: c.Query("course_code"), AreaCode: c.Query("area_code")})
}

func (m *Module) apiMine(c *fiber.Ctx) error {
	// The paging is checked for staff too, whose list is always empty.
	if _, _, err := web.Page(c); err != nil {
		return err
	}
	p := web.PrincipalOf(c)
	if p.CollaboratorID == "" {
		return c.JSON(web.List[ResultRow]{Items: []ResultRow{}})
	}
	return m.list(c, authz.Scope{Kind: authz.ScopeOwn, CollaboratorID: p.CollaboratorID}, Filter{CourseCode: c.Query("course_code")})
}

func (m *Module) apiCourseResults(c *fiber.Ctx) error {
	limit, offset, err := web.Page(c)
	if err != nil {
		return err
	}
	course, err := m.svc.Course(c.Params("code"))
	if err != nil {
		return err
	}
	all, err := m.svc.List(c.UserContext(), web.ScopeOf(c), Filter{CourseCode: course.Code, AreaCode: c.Query("area_code")})
	if err != nil {
		return err
	}
	out := CourseResults{CourseCode: course.Code, Attempts: len(all)}
	rows := make([]ResultRow, len(all))
	sum := 0.0
	for i, a := range all {
		rows[i] = row(a)
		if a.Status == StatusGraded {
			out.Graded++
			sum += a.Score
			if a.Passed {
				out.Passed++
			}
		}
	}
	if out.Graded > 0 {
		out.MeanScore = math.Round(sum/float64(out.Graded)*10000) / 10000
	}
	page := web.Slice(rows, limit, offset)
	out.Items, out.Total = page.Items, page.Total
	return c.JSON(out)
}

func (m *Module) apiItems(c *fiber.Ctx) error {
	items, err := m.svc.ItemAnalysis(c.UserContext(), web.ScopeOf(c), c.Params("code"))
	if err != nil {
		return err
	}
	return c.JSON(web.List[ItemStat]{Items: items, Total: len(items)})
}
