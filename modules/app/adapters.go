package app

import (
	"context"
	"log/slog"
	"sort"
	"time"

	"github.com/ctvacademy/academy/modules/certification"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/home"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/mail"
	"github.com/ctvacademy/academy/modules/quizzes"
	"github.com/ctvacademy/academy/modules/scheduling"
)

// directory answers scheduling's questions about people from the registry,
// and tells each one's mail language from their account (langs; nil:
// Vietnamese).
type directory struct {
	reg   *collaborators.Service
	langs *accountLanguages
}

func (d directory) person(c collaborators.Collaborator, areas map[string]string) scheduling.Person {
	return scheduling.Person{ID: c.ID, Code: c.Code, Name: c.FullName, Email: c.Email, AreaCode: c.AreaCode,
		AreaName: areas[c.AreaCode], Role: c.Role}
}

// withLanguage sets the person's language from their account.
func (d directory) withLanguage(ctx context.Context, p scheduling.Person) (scheduling.Person, error) {
	if d.langs == nil {
		return p, nil
	}
	lang, err := d.langs.Language(ctx, p.ID)
	p.Language = lang
	return p, err
}

func (d directory) areaNames(ctx context.Context) (map[string]string, error) {
	areas, err := d.reg.Areas(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(areas))
	for _, a := range areas {
		out[a.Code] = a.Name
	}
	return out, nil
}

func (d directory) People(ctx context.Context, ids []string) (map[string]scheduling.Person, error) {
	areas, err := d.areaNames(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]scheduling.Person, len(ids))
	for _, id := range ids {
		if _, done := out[id]; done {
			continue
		}
		c, err := d.reg.Get(ctx, authz.All, id)
		if err != nil || c.Archived {
			continue
		}
		if out[id], err = d.withLanguage(ctx, d.person(c, areas)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (d directory) PeopleIn(ctx context.Context, areaCode, role string) ([]scheduling.Person, error) {
	ps, err := listPeople(ctx, d.reg, collaborators.Filter{AreaCode: areaCode, Role: role}, d.person)
	for i := range ps {
		if err != nil {
			break
		}
		ps[i], err = d.withLanguage(ctx, ps[i])
	}
	return ps, err
}

// listPeople lists the registry's people that f selects, each made a
// module's person by to from the record and the district units' names.
func listPeople[P any](ctx context.Context, reg *collaborators.Service, f collaborators.Filter,
	to func(c collaborators.Collaborator, areas map[string]string) P) ([]P, error) {
	areas, err := directory{reg: reg}.areaNames(ctx)
	if err != nil {
		return nil, err
	}
	list, err := reg.List(ctx, authz.All, f)
	if err != nil {
		return nil, err
	}
	out := make([]P, len(list))
	for i, c := range list {
		out[i] = to(c, areas)
	}
	return out, nil
}

func (d directory) AreaExists(ctx context.Context, code string) (bool, error) {
	areas, err := d.areaNames(ctx)
	if err != nil {
		return false, err
	}
	_, ok := areas[code]
	return ok, nil
}

// catalogCourses tells scheduling which courses exist and their titles.
type catalogCourses struct{ cat *courses.Catalog }

func (c catalogCourses) Exists(code string) bool { _, ok := c.cat.Course(code); return ok }

func (c catalogCourses) Title(code, lang string) string {
	if x, ok := c.cat.Course(code); ok {
		return x.Title.In(lang)
	}
	return code
}

// outboxMailer queues scheduling's mail in the outbox.
type outboxMailer struct{ o *mail.Outbox }

func (m outboxMailer) Enqueue(ctx context.Context, x scheduling.Mail) error {
	_, err := m.o.Enqueue(ctx, messageOf(x))
	return err
}

func (m outboxMailer) EnqueueAll(ctx context.Context, xs []scheduling.Mail) error {
	msgs := make([]mail.Message, len(xs))
	for i, x := range xs {
		msgs[i] = messageOf(x)
	}
	_, err := m.o.EnqueueMany(ctx, msgs)
	return err
}

// Check validates the mail as the outbox would, without queueing it.
func (m outboxMailer) Check(x scheduling.Mail) error { return messageOf(x).Validate() }

func messageOf(x scheduling.Mail) mail.Message {
	msg := mail.Message{Key: x.Key, To: mail.Address{Email: x.To, Name: x.ToName}, Subject: x.Subject, Text: x.Text, HTML: x.HTML, Lang: x.Lang}
	if x.Calendar != "" {
		msg.Calendar = &mail.Calendar{Method: x.CalendarMethod, ICS: x.Calendar, Filename: x.CalendarFile}
	}
	return msg
}

func (m outboxMailer) Delivery(ctx context.Context, keys []string) (map[string]string, error) {
	st, err := m.o.Statuses(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(st))
	for k, v := range st {
		out[k] = string(v)
	}
	return out, nil
}

// areaCodes lists the registry's district units for the quiz rosters.
type areaCodes struct {
	reg *collaborators.Service
}

func (a areaCodes) AreaCodes(ctx context.Context) ([]string, error) {
	areas, err := a.reg.Areas(ctx)
	if err != nil {
		return nil, err
	}
	codes := make([]string, len(areas))
	for i, x := range areas {
		codes[i] = x.Code
	}
	return codes, nil
}

// homeInvitations answers the home page's question about a collaborator's
// invitations from scheduling: sessions not yet ended they are invited to,
// with the RSVP path their invitation mail links to.
type homeInvitations struct{ s *scheduling.Service }

func (h homeInvitations) Upcoming(ctx context.Context, collaboratorID string, limit int) ([]home.Invitation, error) {
	now := h.s.Now()
	xs, err := h.s.List(ctx, authz.Scope{Kind: authz.ScopeOwn, CollaboratorID: collaboratorID}, scheduling.Query{From: now.Add(-12 * time.Hour)})
	if err != nil {
		return nil, err
	}
	var out []home.Invitation
	for _, x := range xs {
		inv, invited := x.Invitation(collaboratorID)
		if !invited || x.Status == scheduling.StatusCancelled || !x.EndsAt.After(now) {
			continue
		}
		out = append(out, home.Invitation{SessionID: x.ID, Title: x.Title, StartsAt: x.StartsAt, EndsAt: x.EndsAt,
			Location: x.Location, Response: inv.Response, AnswerPath: "/rsvp/" + h.s.Token(x.ID, collaboratorID)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].StartsAt.Before(out[j].StartsAt) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// homeCourses answers the home page's question about required courses from
// the quiz engine and the catalog.
type homeCourses struct {
	q     *quizzes.Service
	cat   *courses.Catalog
	certs *certification.Service
}

func (h homeCourses) Required(ctx context.Context, collaboratorID, role, lang string) ([]home.CourseStatus, error) {
	ps, err := h.q.RequiredProgress(ctx, collaboratorID, role)
	if err != nil {
		return nil, err
	}
	live, err := liveCertificates(ctx, h.certs, collaboratorID)
	if err != nil {
		return nil, err
	}
	out := make([]home.CourseStatus, len(ps))
	for i, p := range ps {
		title, attend := p.CourseCode, false
		if c, ok := h.cat.Course(p.CourseCode); ok {
			title, attend = c.Title.In(lang), c.Certification.RequiresAttendance
		}
		s := home.CourseStatus{Code: p.CourseCode, Title: title, State: homeState[p.State], Used: p.Used, Max: p.Max,
			PassedOn: p.PassedAt, RetakeAt: p.RetakeAt, Resume: p.Resume != "", Takeable: p.Takeable()}
		if h, ok := live[p.CourseCode]; ok {
			s.CertifiedUntil, s.Expiring = h.ValidUntil, h.Expiring
		} else {
			s.NeedsAttendance = s.State == home.Passed && attend
		}
		out[i] = s
	}
	return out, nil
}

// liveCertificates are a collaborator's valid or expiring certificates,
// by course: what the home and course pages tell their holder.
func liveCertificates(ctx context.Context, certs *certification.Service, collaboratorID string) (map[string]courses.Holding, error) {
	vs, err := certs.List(ctx, authz.All, certification.Filter{CollaboratorID: collaboratorID})
	if err != nil {
		return nil, err
	}
	live := map[string]courses.Holding{}
	for _, v := range vs {
		if v.Status == certification.StatusValid || v.Status == certification.StatusExpiring {
			until, _ := time.ParseInLocation(time.DateOnly, v.ValidUntil, clock.VN)
			live[v.CourseCode] = courses.Holding{ValidUntil: until, Expiring: v.Status == certification.StatusExpiring}
		}
	}
	return live, nil
}

// homeState maps the quiz engine's progress states to the home page's.
var homeState = map[string]string{
	quizzes.ProgressNotStarted: home.NotStarted,
	quizzes.ProgressInProgress: home.InProgress,
	quizzes.ProgressFailed:     home.Failed,
	quizzes.ProgressPassed:     home.Passed,
}

// quizDirectory names the people of the quiz results pages from the
// registry.
type quizDirectory struct{ reg *collaborators.Service }

func (d quizDirectory) People(ctx context.Context, areaCode string) ([]quizzes.Person, error) {
	return listPeople(ctx, d.reg, collaborators.Filter{AreaCode: areaCode, IncludeArchived: true},
		func(c collaborators.Collaborator, areas map[string]string) quizzes.Person {
			return quizzes.Person{ID: c.ID, Code: c.Code, Name: c.FullName, AreaCode: c.AreaCode, AreaName: areas[c.AreaCode],
				Role: c.Role, Archived: c.Archived}
		})
}

func (d quizDirectory) Areas(ctx context.Context) ([]quizzes.Area, error) {
	areas, err := d.reg.Areas(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]quizzes.Area, len(areas))
	for i, a := range areas {
		out[i] = quizzes.Area{Code: a.Code, Name: a.Name}
	}
	return out, nil
}

// quizAttendance reads a person's marks from scheduling's attendance book
// (a.Scheduling is built after the quiz service).
type quizAttendance struct{ a *App }

func (q quizAttendance) Attended(ctx context.Context, collaboratorID, course string) ([]time.Time, error) {
	es, err := q.a.Scheduling.AttendanceOf(ctx, collaboratorID)
	var out []time.Time
	for _, e := range es {
		if e.Course == course && !e.Cancelled && (e.Status == scheduling.AttendPresent || e.Status == scheduling.AttendLate) {
			out = append(out, e.Date)
		}
	}
	return out, err
}

// certRecords reads what certification's rule goes by: the attempts book
// (quizzes) and the attendance book (scheduling), by course.
type certRecords struct{ a *App }

func (r certRecords) Passes(ctx context.Context, id string) (map[string][]certification.Pass, error) {
	es, err := r.a.Quizzes.AttemptsOf(ctx, id)
	out := map[string][]certification.Pass{}
	for _, e := range es {
		if e.Passed {
			out[e.Course] = append(out[e.Course], certification.Pass{Attempt: e.Attempt, Cycle: e.Cycle, At: e.Date})
		}
	}
	return out, err
}

func (r certRecords) Attendance(ctx context.Context, id string) (map[string][]certification.Attendance, error) {
	es, err := r.a.Scheduling.AttendanceOf(ctx, id)
	out := map[string][]certification.Attendance{}
	for _, e := range es {
		if !e.Cancelled && e.Course != "" {
			out[e.Course] = append(out[e.Course], certification.Attendance{Session: e.Session, At: e.Date, Status: e.Status})
		}
	}
	return out, err
}

// certCourses gives certification the catalog's rules and titles.
type certCourses struct{ cat *courses.Catalog }

func (c certCourses) Course(code string) (certification.Course, bool) {
	x, ok := c.cat.Course(code)
	if !ok {
		return certification.Course{}, false
	}
	return certification.Course{Code: x.Code, Title: x.Title.In("vi"), TitleEN: x.Title.In("en"), Rule: certification.Rule{
		ValidityMonths: x.Certification.ValidityMonths, RenewalWindowDays: x.Certification.RenewalWindowDays,
		RequiresAttendance: x.Certification.RequiresAttendance}}, true
}

// certPeople gives certification the registry (kept in process).
type certPeople struct{ reg *collaborators.Service }

func (p certPeople) Everyone(ctx context.Context) ([]certification.Holder, error) {
	cs, err := p.reg.List(ctx, authz.All, collaborators.Filter{IncludeArchived: true})
	out := make([]certification.Holder, len(cs))
	for i, c := range cs {
		out[i] = holderOf(c)
	}
	return out, err
}

func (p certPeople) Holder(ctx context.Context, id string) (certification.Holder, bool, error) {
	c, err := p.reg.Get(ctx, authz.All, id)
	if errs.Is(err, errs.NotFound) {
		return certification.Holder{}, false, nil
	}
	return holderOf(c), err == nil, err
}

func holderOf(c collaborators.Collaborator) certification.Holder {
	return certification.Holder{ID: c.ID, FullName: c.FullName, AreaCode: c.AreaCode, Email: c.Email, Role: c.Role, Archived: c.Archived}
}

// certEvents logs the quiz engine's "quiz passed" and has certification
// reconcile the person who passed.
type certEvents struct {
	log  *slog.Logger
	cert *certification.Service
}

func (e certEvents) QuizPassed(ctx context.Context, p quizzes.Passed) error {
	e.log.InfoContext(ctx, "quiz passed", "attempt", p.AttemptID, "collaborator", p.CollaboratorID, "course", p.CourseCode, "score", p.Score)
	return e.cert.QuizPassed(ctx, p.CollaboratorID)
}

// certSessions finds the next session of a course open to a district, for
// certification's reminders.
type certSessions struct{ a *App }

func (c certSessions) Next(ctx context.Context, course, area string, after time.Time) (certification.Session, bool, error) {
	xs, err := c.a.Scheduling.List(ctx, authz.All, scheduling.Query{From: after, To: after.AddDate(0, 0, 120), AreaCode: area})
	var best *scheduling.Session
	for i, x := range xs {
		if x.CourseCode == course && x.Status != scheduling.StatusCancelled && (best == nil || x.StartsAt.Before(best.StartsAt)) {
			best = &xs[i]
		}
	}
	if err != nil || best == nil {
		return certification.Session{}, false, err
	}
	return certification.Session{Title: best.Title, StartsAt: best.StartsAt, Location: best.Location}, true, nil
}
