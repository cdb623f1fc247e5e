package quizzes

import (
	"cmp"
	"golang.org/x/sync/singleflight"

	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/jobs"
)

// Passed tells that a collaborator passed a course's quiz.
type Passed struct {
	AttemptID      string
	CollaboratorID string
	CourseCode     string
	Score          float64
	At             time.Time
}

// Events receives what the quiz engine announces. Certification implements
// it (handed in from cmd); the quiz module does not know who listens.
// QuizPassed may be called more than once for one attempt (after a crash):
// receivers must be idempotent by AttemptID.
type Events interface {
	QuizPassed(ctx context.Context, p Passed) error
}

// Catalog gives the courses.
type Catalog interface {
	Course(code string) (courses.Course, bool)
	Courses() []courses.Course
}

// AttemptStore is what the service needs from its store.
type AttemptStore interface {
	InsertLive(ctx context.Context, a Attempt) error
	LiveAttempt(ctx context.Context, id string) (Attempt, error)
	LoadAnswers(ctx context.Context, a *Attempt) error
	Result(ctx context.Context, id string) (Attempt, error)
	SaveAnswers(ctx context.Context, id string, answers map[string][]string, now time.Time) (bool, error)
	Record(ctx context.Context, a Attempt) (bool, error)
	DropLive(ctx context.Context, id string) (bool, error)
	LiveToSweep(ctx context.Context, now time.Time) ([]Attempt, error)
	// NextDeadline is the earliest deadline of the live attempts still
	// taking answers at now; zero when there is none.
	NextDeadline(ctx context.Context, now time.Time) (time.Time, error)
	Results(ctx context.Context, f Filter) ([]Attempt, error)
	UnitStamps(ctx context.Context, keys []string) (map[string]int64, error)
	UnitStampsTotal(ctx context.Context) (int64, error)
	UnitResultsOf(ctx context.Context, keys []string) (map[string][]Attempt, error)
	BackfillUnitResults(ctx context.Context) (int, error)
	MoveUnitEntries(ctx context.Context, collaboratorID, course, to string, areas []string) (int, error)
	Open(ctx context.Context, f Filter) ([]Attempt, error)
	Graded(ctx context.Context, collaboratorID, course string) (Cycle, error)
	OpenCycle(ctx context.Context, collaboratorID, course string, next Cycle, reason, by string) (bool, error)
	Progress(ctx context.Context, collaboratorID, course string) ([]Attempt, error)
	AddProgress(ctx context.Context, a Attempt) ([]Attempt, error)
	AttemptsOf(ctx context.Context, collaboratorID string, courses []string) ([]AttemptEntry, error)
	Booked(ctx context.Context, collaboratorID string) ([]Attempt, bool, error)
	BackfillBook(ctx context.Context, now func() time.Time) error
	PutBank(ctx context.Context, course, version string, qs []courses.Question) error
	Bank(ctx context.Context, course, version string) ([]courses.Question, error)
}

// Deps are the service's collaborators.
type Deps struct {
	Store   AttemptStore
	Catalog Catalog
	Events  Events // may be nil
	Clock   clock.Clock
	Logger  *slog.Logger
	// Rand draws questions; a seeded one makes tests repeatable.
	Rand *rand.Rand
	// Areas lists the district units' codes, so that staff lists read the
	// results of the units by `_id`; without it they filter them all.
	Areas Areas
	// People names the people of the results pages; without it they list
	// only those with attempts, by id.
	People Directory
	// Renewals and Attendance open new certification cycles (NextCycle);
	// without them only a coordinator does.
	Renewals   Renewals
	Attendance Attendance
	// Registry knows the collaborators (a granted cycle names one); Audit
	// records the grants.
	Registry Registry
	Audit    Auditor
}

// Registry places a collaborator (errs.NotFound for an unknown one).
type Registry interface {
	Placement(ctx context.Context, id string) (area string, archived bool, err error)
}

// Auditor records an action in the audit log.
type Auditor interface {
	Record(ctx context.Context, action, entity, entityID string, changes map[string]any) error
}

// Areas lists the codes of the district units.
type Areas interface {
	AreaCodes(ctx context.Context) ([]string, error)
}

// Service runs attempts.
type Service struct {
	d Deps

	mu    sync.Mutex
	banks map[string]map[string]courses.Question // <course>@<version> → question id → question
	// loading reads each bank version once however many ask at once.
	loading singleflight.Group
	// opened holds live attempts as stored (questions drawn, option
	// order, deadline), without answers. A live attempt never changes
	// once inserted — its answers are kept apart and grading moves it to
	// the results — so any process may keep it while it is open. One that
	// another process graded meanwhile is caught by the store all the
	// same: its answers document is gone (autosave → 409) and its result
	// exists (submit returns it).
	opened map[string]Attempt

	// sweepAt is when the sweep must next look at the store: the earliest
	// deadline (plus Grace) of the live attempts it saw or this process
	// started since, and at most SweepEvery after its last look (attempts
	// another process started). Zero: look now.
	sweepMu sync.Mutex
	sweepAt time.Time

	units unitCache
}

// SweepEvery bounds how long the sweep trusts what it knows of the live
// attempts' deadlines: an attempt started by another process is graded at
// most this long (plus Grace) after its deadline, if its taker never comes
// back (one who does finds it graded at once). Between looks the sweep
// costs nothing, where a look at the live attempts decodes every one of
// them on the embedded store and holds its one connection meanwhile.
const SweepEvery = 10 * time.Minute

// dueBy brings the sweep's next look forward to at, if earlier.
func (s *Service) dueBy(at time.Time) {
	s.sweepMu.Lock()
	defer s.sweepMu.Unlock()
	if !s.sweepAt.IsZero() && at.Before(s.sweepAt) {
		s.sweepAt = at
	}
}

// openedMax bounds the cache of live attempts (a synchronized exam of the
// fixture holds 200).
const openedMax = 20_000

// NewService returns the quiz service.
func NewService(d Deps) *Service {
	d.Clock = clock.Or(d.Clock)
	d.Logger = cmp.Or(d.Logger, slog.Default())
	if d.Rand == nil {
		d.Rand = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	return &Service{d: d, banks: map[string]map[string]courses.Question{}, opened: map[string]Attempt{},
		units: unitCache{m: map[string]cachedUnit{}}}
}

// Now is the service's time.
func (s *Service) Now() time.Time { return s.d.Clock.Now() }

// Course returns a course of the catalog. Errors: errs.NotFound.
func (s *Service) Course(code string) (courses.Course, error) {
	c, ok := s.d.Catalog.Course(code)
	if !ok {
		return courses.Course{}, errs.E(errs.NotFound, "no such course")
	}
	return c, nil
}

// bank returns a bank version by question id, stored once and then kept
// in memory (a version never changes).
func (s *Service) bank(ctx context.Context, course, version string) (map[string]courses.Question, error) {
	key := course + "@" + version
	s.mu.Lock()
	b, ok := s.banks[key]
	s.mu.Unlock()
	if ok {
		return b, nil
	}
	// One read per version however many attempts start at once: the first
	// start of an exam after a restart is 200 at the same second.
	v, err, _ := s.loading.Do(key, func() (any, error) {
		return s.loadBank(ctx, course, version)
	})
	if err != nil {
		return nil, err
	}
	b = v.(map[string]courses.Question)
	s.mu.Lock()
	s.banks[key] = b
	s.mu.Unlock()
	return b, nil
}

func (s *Service) loadBank(ctx context.Context, course, version string) (map[string]courses.Question, error) {
	qs, err := s.d.Store.Bank(ctx, course, version)
	if errs.Is(err, errs.NotFound) {
		// Not stored yet: it must be the catalog's current version.
		c, found := s.d.Catalog.Course(course)
		if !found || c.Quiz.Version != version {
			return nil, err
		}
		if err := s.d.Store.PutBank(ctx, course, version, c.Quiz.Questions); err != nil {
			return nil, err
		}
		qs = c.Quiz.Questions
	} else if err != nil {
		return nil, err
	}
	b := make(map[string]courses.Question, len(qs))
	for _, q := range qs {
		b[q.ID] = q
	}
	return b, nil
}

// hydrate fills an attempt read from the store with the texts and key of
// the bank version it was drawn from.
func (s *Service) hydrate(ctx context.Context, a *Attempt) error {
	b, err := s.bank(ctx, a.CourseCode, a.QuizVersion)
	if err != nil {
		return err
	}
	for i, q := range a.Questions {
		bq, ok := b[q.ID]
		if !ok {
			return fmt.Errorf("quizzes: bank %s@%s lacks question %s", a.CourseCode, a.QuizVersion, q.ID)
		}
		full := Question{ID: q.ID, Kind: bq.Kind, Text: bq.Text, Options: make([]Option, len(q.Options))}
		for j, o := range q.Options {
			full.Options[j] = Option{ID: o.ID}
			for _, bo := range bq.Options {
				if bo.ID == o.ID {
					full.Options[j] = Option{ID: bo.ID, Text: bo.Text, Correct: bo.Correct}
				}
			}
		}
		a.Questions[i] = full
	}
	return nil
}

// live reads an open attempt with its answers from the store, past the
// cache (a staff view, a resume must see a grading by another process);
// result reads a graded one. Both hydrate it.
func (s *Service) live(ctx context.Context, id string) (Attempt, error) {
	a, err := s.d.Store.LiveAttempt(ctx, id)
	if err == nil {
		err = s.d.Store.LoadAnswers(ctx, &a)
	}
	if err == nil {
		err = s.hydrate(ctx, &a)
	}
	return a, err
}

// liveAttempt reads an open attempt through the cache, with its saved
// answers when answers is set, and hydrates it.
func (s *Service) liveAttempt(ctx context.Context, id string, answers bool) (Attempt, error) {
	s.mu.Lock()
	a, ok := s.opened[id]
	s.mu.Unlock()
	if !ok {
		var err error
		if a, err = s.d.Store.LiveAttempt(ctx, id); err != nil {
			return Attempt{}, err
		}
		s.remember(a)
	}
	a.Questions = append([]Question(nil), a.Questions...) // hydrate writes into it
	if answers {
		if err := s.d.Store.LoadAnswers(ctx, &a); err != nil {
			return Attempt{}, err
		}
	}
	return a, s.hydrate(ctx, &a)
}

// remember caches an attempt as stored, before hydration.
func (s *Service) remember(a Attempt) {
	a.Questions = append([]Question(nil), a.Questions...)
	a.Answers = nil
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.opened) >= openedMax {
		for id := range s.opened { // drop an arbitrary half
			delete(s.opened, id)
			if len(s.opened) < openedMax/2 {
				break
			}
		}
	}
	s.opened[a.ID] = a
}

func (s *Service) forget(id string) {
	s.mu.Lock()
	delete(s.opened, id)
	s.mu.Unlock()
}

func (s *Service) result(ctx context.Context, id string) (Attempt, error) {
	a, err := s.d.Store.Result(ctx, id)
	if err == nil {
		err = s.hydrate(ctx, &a)
	}
	return a, err
}

// Start begins the caller's next attempt at a course, or returns the
// attempt they have open (created reports which). Errors: errs.NotFound
// for an unknown course, errs.Forbidden for a caller without a collaborator
// record, errs.Unprocessable when no attempt is left or when the course's
// wait after the last attempt (retake_after_minutes) is not over (its cause
// a *RetakeWait saying when, with Retry-After), errs.Conflict while another
// start of the same attempt is under way.
func (s *Service) Start(ctx context.Context, p authz.Principal, course string) (a Attempt, created bool, err error) {
	defer errs.Wrap(&err, "quizzes.Start(%q)", course)
	c, ok := s.d.Catalog.Course(course)
	if !ok {
		return Attempt{}, false, errs.E(errs.NotFound, "no such course")
	}
	if p.CollaboratorID == "" {
		return Attempt{}, false, errs.E(errs.Forbidden, "only collaborators take quizzes")
	}
	if _, err := s.bank(ctx, c.Code, c.Quiz.Version); err != nil {
		return Attempt{}, false, err
	}
	cyc, prog, err := s.cycle(ctx, p.CollaboratorID, c)
	if err != nil {
		return Attempt{}, false, err
	}
	graded := map[int]bool{}
	for _, n := range cyc.Graded {
		graded[n] = true
	}
	wait := c.Quiz.RetakeAfterMinutes
	opens, err := s.retakeOpensAt(ctx, p.CollaboratorID, c, cyc, prog)
	if err != nil {
		return Attempt{}, false, err
	}
	later := func(a Attempt) {
		if t := RetakeOpensAt([]Attempt{a}, wait, a.EndedAt()); t.After(opens) {
			opens = t
		}
	}
	for n := 1; n <= c.Quiz.MaxAttempts; n++ {
		if graded[n] {
			continue
		}
		key := AttemptKey{Collaborator: p.CollaboratorID, Course: c.Code, Cycle: cyc.N, N: n}
		id := key.ID()
		now := s.d.Clock.Now()
		if !now.Before(opens) {
			a := NewCycleAttempt(key, p.AreaCode, c, now, s.d.Rand)
			err := s.d.Store.InsertLive(ctx, a)
			if err == nil {
				// The insert took number n; it was not graded when the
				// progress was read, but a grading of an earlier attempt
				// n may have cleared it from the live set since (a
				// grading writes the number in the progress before it
				// clears): then n is used, and this start takes the next.
				cur, err := s.d.Store.Graded(ctx, p.CollaboratorID, c.Code)
				if err != nil {
					return Attempt{}, false, err
				}
				if cur.N != cyc.N || slices.Contains(cur.Graded, n) {
					if _, err := s.d.Store.DropLive(ctx, id); err != nil {
						return Attempt{}, false, err
					}
					if cur.N != cyc.N {
						return Attempt{}, false, errs.E(errs.Conflict, "a new cycle opened meanwhile; try again")
					}
					if r, err := s.d.Store.Result(ctx, id); err == nil {
						later(r)
					}
					continue
				}
				s.remember(a)
				s.dueBy(a.Deadline.Add(Grace))
				return a, true, nil
			}
			if !errs.Is(err, errs.Conflict) {
				return Attempt{}, false, err
			}
		}
		// Inside the retake wait no attempt starts, and number n may be
		// taken: an open attempt (started before an earlier one was graded
		// late, or by a parallel request) is resumed while it takes
		// answers; past its time it is graded with what was saved and the
		// loop goes on.
		live, st, err := s.resumeOrGrade(ctx, id, now, later)
		switch {
		case err != nil:
			return Attempt{}, false, err
		case st == resumable:
			return live, false, nil
		case st == gradedNow:
			continue
		case now.Before(opens):
			return Attempt{}, false, retakeWaitError(opens, wait, now)
		}
		// Taken but no longer live: graded a moment ago (its result is
		// recorded before it leaves the live set).
		if r, err := s.d.Store.Result(ctx, id); err == nil && r.ID != "" {
			later(r)
			continue
		} else if !errs.Is(err, errs.NotFound) {
			return Attempt{}, false, err
		}
		return Attempt{}, false, errs.E(errs.Conflict, "the attempt is being started; try again in a moment")
	}
	return Attempt{}, false, errs.E(errs.Unprocessable, "no attempt left: %d of %d used", c.Quiz.MaxAttempts, c.Quiz.MaxAttempts)
}

// retakeOpensAt is when the collaborator may start a new attempt at c after
// the graded ones of their current cycle: zero when the course asks no wait or
// nothing is graded. prog are their summaries at c (as cycle read them); it
// reads the result of the last graded attempt when a crash kept it from
// the summaries.
func (s *Service) retakeOpensAt(ctx context.Context, collaboratorID string, c courses.Course, cyc Cycle, prog []Attempt) (time.Time, error) {
	done := cyc.Graded
	if c.Quiz.RetakeAfterMinutes <= 0 || len(done) == 0 {
		return time.Time{}, nil
	}
	prog = slices.Clip(prog) // appended to below
	last := 0
	for _, n := range done {
		last = max(last, n)
	}
	found := false
	for _, a := range prog {
		found = found || a.Cycle == cyc.N && a.N == last
	}
	if !found {
		r, err := s.d.Store.Result(ctx, AttemptKey{Collaborator: collaboratorID, Course: c.Code, Cycle: cyc.N, N: last}.ID())
		if err != nil && !errs.Is(err, errs.NotFound) {
			return time.Time{}, err
		}
		if err == nil {
			prog = append(prog, r)
		}
	}
	return RetakeOpensAt(prog, c.Quiz.RetakeAfterMinutes, s.d.Clock.Now()), nil
}

// forReview readies a graded attempt for its review: the course's review
// setting as it is now (a course made stricter hides the key of earlier
// attempts too) and, where the key waits for a pass, whether the taker has
// passed the course in another attempt: in course, the taker's graded
// attempts at the course when the caller has them (a grading's), else read.
func (s *Service) forReview(ctx context.Context, a Attempt, course []Attempt) (Attempt, error) {
	if a.Status != StatusGraded {
		return a, nil
	}
	if c, ok := s.d.Catalog.Course(a.CourseCode); ok {
		a.Review = c.Quiz.Review
	}
	if a.Review != courses.ReviewAnswersAfterPass || a.Passed {
		return a, nil
	}
	if course == nil {
		var err error
		if course, err = s.d.Store.Progress(ctx, a.CollaboratorID, a.CourseCode); err != nil {
			return Attempt{}, err
		}
	}
	for _, x := range course {
		a.CoursePassed = a.CoursePassed || x.Passed
	}
	return a, nil
}

// Get returns an attempt inside scope, open or graded, a graded one ready
// for its review (see Attempt.ShowsKey). Errors: errs.NotFound (also
// outside the scope).
func (s *Service) Get(ctx context.Context, scope authz.Scope, id string) (Attempt, error) {
	if _, _, _, err := ParseAttemptID(id); err != nil {
		return Attempt{}, err
	}
	a, err := s.live(ctx, id)
	if errs.Is(err, errs.NotFound) {
		a, err = s.result(ctx, id)
	}
	if err != nil {
		return Attempt{}, err
	}
	// In the scope of the unit its taker is in now, not the one they took
	// it in.
	placed, err := s.placed(ctx, []Attempt{a})
	if err != nil {
		return Attempt{}, err
	}
	if a = placed[0]; !scope.Allows(a.AreaCode, a.CollaboratorID) {
		return Attempt{}, errs.E(errs.NotFound, "no such attempt")
	}
	return s.forReview(ctx, a, nil)
}

// own returns the caller's own live attempt, with its saved answers when
// answers is set. Errors: errs.NotFound (also for another collaborator's
// attempt, and for one graded).
func (s *Service) own(ctx context.Context, p authz.Principal, id string, answers bool) (Attempt, error) {
	collab, _, _, err := ParseAttemptID(id)
	if err != nil {
		return Attempt{}, err
	}
	if p.CollaboratorID == "" || collab != p.CollaboratorID {
		return Attempt{}, errs.E(errs.NotFound, "no such attempt")
	}
	return s.liveAttempt(ctx, id, answers)
}

// ownsID reports whether the attempt id names the caller as its taker.
func ownsID(p authz.Principal, id string) bool {
	collab, _, _, err := ParseAttemptID(id)
	return err == nil && p.CollaboratorID != "" && collab == p.CollaboratorID
}

// SaveAnswers autosaves the caller's answers to their open attempt. After
// submission or past the deadline and grace it changes nothing. Errors:
// errs.NotFound (also for another's attempt, submitted or not),
// errs.Invalid (answers naming unknown questions or options),
// errs.Conflict (the caller's own attempt is graded, or time is up).
func (s *Service) SaveAnswers(ctx context.Context, p authz.Principal, id string, answers map[string][]string) (Attempt, error) {
	a, err := s.own(ctx, p, id, false)
	if errs.Is(err, errs.NotFound) && ownsID(p, id) {
		// Only the taker learns that it was submitted: to anyone else an
		// attempt that is not theirs does not exist, whatever its state.
		if _, rerr := s.d.Store.Result(ctx, id); rerr == nil {
			return Attempt{}, errs.E(errs.Conflict, "the attempt is already submitted")
		}
	}
	if err != nil {
		return Attempt{}, err
	}
	clean, err := a.CheckAnswers(answers)
	if err != nil {
		return Attempt{}, err
	}
	now := s.d.Clock.Now()
	if !a.AcceptsAnswers(now) {
		return Attempt{}, errs.E(errs.Conflict, "the attempt is closed: submitted or out of time")
	}
	ok, err := s.d.Store.SaveAnswers(ctx, id, clean, now)
	if err != nil {
		return Attempt{}, err
	}
	if !ok {
		return Attempt{}, errs.E(errs.Conflict, "the attempt is closed: submitted or out of time")
	}
	a.Answers, a.SavedAt = clean, now
	return a, nil
}

// Submit grades the caller's attempt once. Answers sent with it count when
// they arrive before the deadline plus grace; otherwise the last saved
// answers are graded. Submitting a graded attempt again returns its result.
// The result is ready for its review (see Attempt.ShowsKey).
// Errors: errs.NotFound, errs.Invalid.
func (s *Service) Submit(ctx context.Context, p authz.Principal, id string, answers map[string][]string) (Attempt, error) {
	a, course, err := s.submit(ctx, p, id, answers)
	if err != nil {
		return Attempt{}, err
	}
	return s.forReview(ctx, a, course)
}

// submit grades the attempt, or finds it graded; course are the taker's
// graded attempts at the course when it graded (nil: not read).
func (s *Service) submit(ctx context.Context, p authz.Principal, id string, answers map[string][]string) (Attempt, []Attempt, error) {
	now := s.d.Clock.Now()
	a, err := s.own(ctx, p, id, false)
	if errs.Is(err, errs.NotFound) && ownsID(p, id) {
		if r, rerr := s.result(ctx, id); rerr == nil && r.CollaboratorID == p.CollaboratorID {
			return r, nil, nil
		}
	}
	if err != nil {
		return Attempt{}, nil, err
	}
	if answers != nil {
		if answers, err = a.CheckAnswers(answers); err != nil {
			return Attempt{}, nil, err
		}
	}
	if answers == nil || !a.AcceptsAnswers(now) {
		// The saved answers are graded (none sent, or sent too late).
		if err := s.d.Store.LoadAnswers(ctx, &a); err != nil {
			return Attempt{}, nil, err
		}
	}
	return s.finish(ctx, a, answers, now)
}

// finish grades an open attempt (with answers when they arrived in time)
// and records it exactly once — the first result stored wins — then
// writes it in the taker's attempts book and progress, clears it from the
// live set and announces a pass. Whoever clears it announces: a grading a
// crash stopped after its result is completed, and announced, by the next
// to find it live. The book holds the pass before any announcement, so a
// pass whose event is lost (a failed handler, a crash) is still recorded.
// It also returns the taker's graded attempts at the course, as the
// progress write left them.
func (s *Service) finish(ctx context.Context, a Attempt, answers map[string][]string, now time.Time) (Attempt, []Attempt, error) {
	if answers != nil {
		if a.AcceptsAnswers(now) {
			a.Answers = answers
		} else {
			a.Late = true
		}
	}
	if now.After(a.Deadline.Add(Grace)) {
		// Graded at the deadline: the submission time is when time ran out.
		now = a.Deadline
	}
	// Recorded in the unit its taker is in now (a move while it was open
	// is caught here; RehomeAll catches what a race leaves).
	// A failed lookup keeps the unit it was started in.
	if area, err := s.currentArea(ctx, a.CollaboratorID); err == nil && area != "" {
		a.AreaCode = area
	}
	graded := a.Grade(now)
	won, err := s.d.Store.Record(ctx, graded)
	if err != nil {
		return Attempt{}, nil, err
	}
	if !won {
		// Someone else graded it first: theirs is the result.
		graded, err = s.result(ctx, a.ID)
		if err != nil {
			return Attempt{}, nil, err
		}
	}
	// Also when another grader won: if a crash stopped it between the
	// result and the progress, this completes it (AddProgress is
	// idempotent).
	course, err := s.d.Store.AddProgress(ctx, graded)
	if err != nil {
		return Attempt{}, nil, err
	}
	dropped, err := s.d.Store.DropLive(ctx, a.ID)
	if err != nil {
		return Attempt{}, nil, err
	}
	s.forget(a.ID)
	if dropped && graded.Passed && s.d.Events != nil {
		if err := s.d.Events.QuizPassed(ctx, Passed{AttemptID: graded.ID, CollaboratorID: graded.CollaboratorID,
			CourseCode: graded.CourseCode, Score: graded.Score, At: graded.SubmittedAt}); err != nil {
			s.d.Logger.ErrorContext(ctx, "quiz passed event", "attempt", graded.ID, "error", err)
		}
	}
	return graded, course, nil
}

// liveState is what resumeOrGrade found.
type liveState int

const (
	notLive   liveState = iota // no live attempt by that id
	resumable                  // live and taking answers
	gradedNow                  // live past its time: graded just now
)

// resumeOrGrade reads the live attempt id: while it takes answers it is
// returned to be resumed; past its time it is graded with what was saved
// and handed to graded.
func (s *Service) resumeOrGrade(ctx context.Context, id string, now time.Time, graded func(Attempt)) (Attempt, liveState, error) {
	live, err := s.live(ctx, id)
	switch {
	case errs.Is(err, errs.NotFound):
		return Attempt{}, notLive, nil
	case err != nil:
		return Attempt{}, notLive, err
	case live.AcceptsAnswers(now):
		return live, resumable, nil
	}
	g, _, err := s.finish(ctx, live, nil, now)
	if err != nil {
		return Attempt{}, notLive, err
	}
	graded(g)
	return Attempt{}, gradedNow, nil
}

// Sweep grades every open attempt whose time ran out with its saved
// answers, and archives graded ones a crash left behind. It returns how
// many it closed. A job runs it every minute. An attempt that cannot be
// graded is logged and stays for the next run; the others are graded.
func (s *Service) Sweep(ctx context.Context) (n int, err error) {
	now := s.d.Clock.Now()
	s.sweepMu.Lock()
	if !s.sweepAt.IsZero() && now.Before(s.sweepAt) {
		s.sweepMu.Unlock()
		return 0, nil
	}
	// Attempts started from here on bring the next look forward (dueBy).
	s.sweepAt = now.Add(SweepEvery)
	s.sweepMu.Unlock()
	defer func() {
		if err != nil {
			s.sweepMu.Lock()
			s.sweepAt = time.Time{} // look again at the next run
			s.sweepMu.Unlock()
		}
	}()
	next, err := s.d.Store.NextDeadline(ctx, now)
	if err != nil {
		return 0, err
	}
	if !next.IsZero() {
		s.dueBy(next.Add(Grace))
	}
	due, err := s.d.Store.LiveToSweep(ctx, now)
	if err != nil {
		return 0, err
	}
	// One attempt that cannot be graded stays live for the next sweep;
	// the others are graded.
	n, bad, err := jobs.Each(ctx, s.d.Logger, due, "sweeping an attempt failed", "attempt", func(a Attempt) string { return a.ID },
		func(a Attempt) (bool, error) {
			if err := s.hydrate(ctx, &a); err != nil {
				return false, err
			}
			_, _, err := s.finish(ctx, a, nil, now)
			return true, err
		})
	if err == nil && bad > 0 {
		err = fmt.Errorf("sweep: %d attempts could not be graded (see the log); %d were", bad, n)
	}
	return n, err
}

// List returns attempts inside scope (open and graded), newest first.
func (s *Service) List(ctx context.Context, scope authz.Scope, f Filter) ([]Attempt, error) {
	if code := strings.ToUpper(strings.TrimSpace(f.CourseCode)); code != "" {
		if _, ok := s.d.Catalog.Course(code); !ok {
			return nil, errs.Field("course_code", "no course of the catalog has this code")
		}
		f.CourseCode = code
	}
	if f.AreaCode != "" && s.d.Areas != nil {
		codes, err := s.d.Areas.AreaCodes(ctx)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(codes, f.AreaCode) {
			return nil, errs.Field("area_code", "is not a known district unit")
		}
	}
	switch scope.Kind {
	case authz.ScopeOwn:
		if f.CollaboratorID != "" && f.CollaboratorID != scope.CollaboratorID {
			return []Attempt{}, nil
		}
		f.CollaboratorID = scope.CollaboratorID
	case authz.ScopeArea:
		if f.AreaCode != "" && f.AreaCode != scope.AreaCode {
			return []Attempt{}, nil
		}
		f.AreaCode = scope.AreaCode
	}
	var graded []Attempt
	var err error
	if f.CollaboratorID != "" {
		graded, err = s.personResults(ctx, f)
	} else {
		graded, err = s.unitResults(ctx, f)
	}
	if err != nil {
		return nil, err
	}
	// Open attempts carry the unit they were started in: read them in
	// every unit and keep those whose taker is in f's unit now.
	area := f.AreaCode
	anyArea := f
	anyArea.AreaCode = ""
	open, err := s.d.Store.Open(ctx, anyArea)
	if err != nil {
		return nil, err
	}
	// Every attempt in the unit its taker is in now (see placed).
	if graded, err = s.placed(ctx, graded); err != nil {
		return nil, err
	}
	if open, err = s.placed(ctx, open); err != nil {
		return nil, err
	}
	newest := func(as []Attempt) {
		sort.SliceStable(as, func(i, j int) bool { return as[i].StartedAt.After(as[j].StartedAt) })
	}
	if f.CollaboratorID != "" {
		newest(graded) // a unit's results come newest first
	}
	newest(open)
	// Merged newest first, as a stable sort of graded then open would
	// order them: a graded attempt before an open one started at the same
	// time, so that the graded copy of an attempt between grading and
	// archiving (in both collections) is the one kept.
	out := make([]Attempt, 0, len(graded)+len(open))
	seen := make(map[string]bool, len(graded)+len(open))
	keep := func(a Attempt) {
		if !seen[a.ID] && scope.Allows(a.AreaCode, a.CollaboratorID) && (area == "" || a.AreaCode == area) {
			seen[a.ID] = true
			out = append(out, a)
		}
	}
	i, j := 0, 0
	for i < len(graded) || j < len(open) {
		if j == len(open) || i < len(graded) && !open[j].StartedAt.After(graded[i].StartedAt) {
			keep(graded[i])
			i++
		} else {
			keep(open[j])
			j++
		}
	}
	return out, nil
}

// personResults reads the graded attempts of f's collaborator at the
// catalog's courses (one when f names it): from their attempts book, one
// read by `_id`, once it answers for them; until then from their
// summaries, one read by `_id` per course.
func (s *Service) personResults(ctx context.Context, f Filter) ([]Attempt, error) {
	inCatalog := func(code string) bool {
		_, ok := s.d.Catalog.Course(code)
		return ok && (f.CourseCode == "" || code == f.CourseCode)
	}
	booked, ok, err := s.d.Store.Booked(ctx, f.CollaboratorID)
	if err != nil {
		return nil, err
	}
	if ok {
		out := booked[:0]
		for _, a := range booked {
			if inCatalog(a.CourseCode) {
				out = append(out, a)
			}
		}
		return out, nil
	}
	var out []Attempt
	for _, c := range s.d.Catalog.Courses() {
		if !inCatalog(c.Code) {
			continue
		}
		rs, err := s.d.Store.Progress(ctx, f.CollaboratorID, c.Code)
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	return out, nil
}

// unitResults reads the graded attempts of f (no collaborator) from the
// results of its courses' units, by `_id`.
func (s *Service) unitResults(ctx context.Context, f Filter) ([]Attempt, error) {
	if s.d.Areas == nil {
		return s.d.Store.Results(ctx, f)
	}
	keys, err := s.unitKeys(ctx, f)
	if err != nil {
		return nil, err
	}
	return s.units.read(ctx, s.d.Store, keys)
}

// EveryonesGraded returns every graded attempt at the catalog's courses,
// in every unit, newest first and in summary form, with a version that
// moves whenever any of them changes, from any process (the sum of the
// units' stamps): the units' results a staff list reads, kept in process
// by their stamps. A call costs one command (the stamps' sum) while
// nothing changed; otherwise the stamps and the units whose stamp moved,
// whatever the number of people. What reports count per course and
// quarter; the slice is shared, callers do not change it.
func (s *Service) EveryonesGraded(ctx context.Context) ([]Attempt, int64, error) {
	if s.d.Areas == nil {
		as, err := s.d.Store.Results(ctx, Filter{})
		return as, -1, err
	}
	keys, err := s.unitKeys(ctx, Filter{})
	if err != nil {
		return nil, 0, err
	}
	// The sum is read before the units: what is read after is as new or
	// newer, and kept under the older sum it is only read again.
	total, err := s.d.Store.UnitStampsTotal(ctx)
	if err != nil {
		return nil, 0, err
	}
	joined := strings.Join(keys, "\x00")
	u := &s.units
	u.mu.Lock()
	e := u.everyone
	u.mu.Unlock()
	if e.have && e.total == total && e.keys == joined {
		return e.as, total, nil
	}
	as, _, err := u.readAt(ctx, s.d.Store, keys)
	if err != nil {
		return nil, 0, err
	}
	u.mu.Lock()
	u.everyone.have, u.everyone.total, u.everyone.keys, u.everyone.as = true, total, joined, as
	u.mu.Unlock()
	return as, total, nil
}

// unitKeys are the units f reads: its course (else the catalog's) in its
// area (else every district unit).
func (s *Service) unitKeys(ctx context.Context, f Filter) ([]string, error) {
	areas := []string{f.AreaCode}
	if f.AreaCode == "" {
		var err error
		if areas, err = s.d.Areas.AreaCodes(ctx); err != nil {
			return nil, err
		}
	}
	var keys []string
	for _, c := range s.d.Catalog.Courses() {
		if f.CourseCode != "" && c.Code != f.CourseCode {
			continue
		}
		for _, a := range areas {
			keys = append(keys, UnitKey(c.Code, a))
		}
	}
	if f.CourseCode != "" && len(keys) == 0 { // a course no longer in the catalog
		for _, a := range areas {
			keys = append(keys, UnitKey(f.CourseCode, a))
		}
	}
	return keys, nil
}

// WarmResults reads every unit's results the cache lacks or holds stale,
// so that no staff list pays for a cold cache; a no-op without Areas.
func (s *Service) WarmResults(ctx context.Context) error {
	if s.d.Areas == nil {
		return nil
	}
	_, err := s.unitResults(ctx, Filter{})
	return err
}

// Backfill builds the units' results (what staff lists read) from results
// recorded before they existed; a no-op once there are any.
func (s *Service) Backfill(ctx context.Context) (int, error) {
	return s.d.Store.BackfillUnitResults(ctx)
}

// ItemStat is how one question of a bank fared in graded attempts.
type ItemStat struct {
	QuestionID   string       `json:"question_id"`
	Kind         string       `json:"kind" api:"enum=question_kind"`
	Text         courses.Text `json:"text"`
	Asked        int          `json:"asked"`
	Correct      int          `json:"correct"`
	ShareCorrect float64      `json:"share_correct"`
}

// ItemAnalysis counts, per question of a course's bank, how often it was
// asked in graded attempts inside scope and the share answered correctly.
func (s *Service) ItemAnalysis(ctx context.Context, scope authz.Scope, course string) ([]ItemStat, error) {
	c, ok := s.d.Catalog.Course(course)
	if !ok {
		return nil, errs.E(errs.NotFound, "no such course")
	}
	results, err := s.List(ctx, scope, Filter{CourseCode: c.Code})
	if err != nil {
		return nil, err
	}
	stats := map[string]*ItemStat{}
	out := make([]ItemStat, len(c.Quiz.Questions))
	for i, q := range c.Quiz.Questions {
		out[i] = ItemStat{QuestionID: q.ID, Kind: q.Kind, Text: q.Text}
		stats[q.ID] = &out[i]
	}
	for _, a := range results {
		if a.Status != StatusGraded {
			continue
		}
		outcomes := a.OutcomesOf()
		if len(outcomes) == 0 {
			// A summary written before outcomes were: the archive has it.
			full, err := s.result(ctx, a.ID)
			if err != nil {
				return nil, err
			}
			outcomes = full.OutcomesOf()
		}
		for _, o := range outcomes {
			st, ok := stats[o.QuestionID]
			if !ok {
				continue // a question since removed from the bank
			}
			st.Asked++
			if o.Correct {
				st.Correct++
			}
		}
	}
	for i := range out {
		if out[i].Asked > 0 {
			out[i].ShareCorrect = float64(out[i].Correct) / float64(out[i].Asked)
		}
	}
	return out, nil
}
