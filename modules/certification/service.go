package certification

import (
	"cmp"
	"context"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/loop"
	"github.com/ctvacademy/academy/modules/platform/store"
	"github.com/ctvacademy/academy/modules/platform/versioned"
	"log/slog"
	"maps"
	"slices"
	"time"
)

// Records reads the durable records the rule goes by: a person's passed
// attempts and attendance marks, by course.
type Records interface {
	Passes(ctx context.Context, collaboratorID string) (map[string][]Pass, error)
	Attendance(ctx context.Context, collaboratorID string) (map[string][]Attendance, error)
}

// Course is what certification needs of a course.
type Course struct {
	Code    string
	Title   string // in Vietnamese
	TitleEN string // in English, for pages and PDFs in English ("" when it has none)
	Rule    Rule
}

// Courses gives the courses that certify.
type Courses interface {
	Course(code string) (Course, bool)
}

// Person is what certification needs of a collaborator.
type Holder struct {
	ID       string
	FullName string
	AreaCode string
	Email    string
	Role     string
	Archived bool
}

// People is the registry of collaborators.
type People interface {
	Everyone(ctx context.Context) ([]Holder, error)
	// Holder is one person by id (false: no such person).
	Holder(ctx context.Context, id string) (Holder, bool, error)
}

// Auditor records changes.
type Auditor interface {
	Record(ctx context.Context, action, entity, entityID string, changes map[string]any) error
}

// Deps are the service's collaborators.
type Deps struct {
	Store   *Store
	Records Records
	Courses Courses
	People  People
	Audit   Auditor
	Clock   clock.Clock
	Logger  *slog.Logger
	// Mailer and Sessions serve the expiry reminders (nil Mailer: none
	// are sent; nil Sessions: no next session in them).
	Mailer   Mailer
	Sessions Sessions
	BaseURL  string
	// Fresh is how long the in-process copy is trusted before the version
	// document is checked again; 1 s when zero.
	Fresh time.Duration
}

// Service issues, renews, revokes and lists certificates.
type Service struct {
	d    Deps
	snap *versioned.Cache[*snapshot]
	// later reconciles the people Noted marked, in the background.
	later *loop.Loop
	wake  chan struct{}
}

type snapshot struct {
	people map[string][]Certificate
	byID   map[string]Certificate
	revs   map[string]int64 // each person's document's rev as read
}

// with is the snapshot with person p's certificates as p holds them,
// unless it holds them at p's rev or later already (two changes of this
// process may reach the copy in either order). It copies the maps: the
// snapshot it was called on may be in use.
func (sn *snapshot) with(p Person) *snapshot {
	if rev, ok := sn.revs[p.ID]; ok && rev >= p.Rev {
		return sn
	}
	out := &snapshot{people: maps.Clone(sn.people), byID: maps.Clone(sn.byID), revs: maps.Clone(sn.revs)}
	for _, c := range sn.people[p.ID] {
		delete(out.byID, c.ID)
	}
	out.people[p.ID], out.revs[p.ID] = p.Certs, p.Rev
	for _, c := range p.Certs {
		out.byID[c.ID] = c
	}
	return out
}

// NewService returns the service.
func NewService(d Deps) *Service {
	d.Clock = clock.Or(d.Clock)
	d.Logger = cmp.Or(d.Logger, slog.Default())
	if d.Fresh == 0 {
		d.Fresh = time.Second
	}
	s := &Service{d: d, wake: make(chan struct{}, 1)}
	s.snap = versioned.New(d.Store.Version, s.load, d.Fresh)
	s.later = loop.New(func(ctx context.Context, _ <-chan struct{}) {
		if _, _, err := s.ReconcileMarked(ctx); err != nil && ctx.Err() == nil {
			s.d.Logger.WarnContext(ctx, "certification: reconciling the marked people", "error", err)
		}
	}, loop.Options{Every: MarkedEvery, Wake: s.wake, Logger: d.Logger})
	return s
}

// current returns the in-process copy of every person's certificates,
// reread when the version document moved.
func (s *Service) current(ctx context.Context) (*snapshot, error) { return s.snap.Get(ctx) }

// load reads every person's certificates.
func (s *Service) load(ctx context.Context) (*snapshot, error) {
	all, err := s.d.Store.All(ctx)
	if err != nil {
		return nil, err
	}
	snap := &snapshot{people: make(map[string][]Certificate, len(all)), byID: map[string]Certificate{}, revs: make(map[string]int64, len(all))}
	for _, p := range all {
		snap.people[p.ID], snap.revs[p.ID] = p.Certs, p.Rev
		for _, c := range p.Certs {
			snap.byID[c.ID] = c
		}
	}
	return snap, nil
}

// changed counts this process's write of person p's certificates (p as
// written) and brings this process's copy up to it: patched in place when
// no other change came between, so that the next read (a quiz start asks
// for the renewal window) does not reread every person's document;
// dropped otherwise.
func (s *Service) changed(ctx context.Context, p Person) error {
	v, err := s.d.Store.Bump(ctx)
	if err != nil {
		s.snap.Invalidate()
		return err
	}
	s.snap.Changed(v, func(sn *snapshot) *snapshot { return sn.with(p) })
	return nil
}

// Reconcile issues and renews a person's certificates from their passes
// and attendance. It is idempotent: the rule goes by the records, and the
// person's document's Update is the serialisation point, so that two runs
// at once cannot issue one certificate twice.
//
// It also repairs a certificate whose verification code was not recorded
// (a crash between the person's document and the code's): the code
// documents of the person's certificates are checked and written if
// missing.
func (s *Service) Reconcile(ctx context.Context, collaboratorID string) (issued []Certificate, err error) {
	return s.reconcile(ctx, collaboratorID, nil)
}

// reconcile is Reconcile; codes, when not nil, are the codes recorded (the
// full pass reads them once) instead of a read per certificate.
func (s *Service) reconcile(ctx context.Context, collaboratorID string, codes map[Code]bool) (issued []Certificate, err error) {
	defer errs.Wrap(&err, "certification: reconcile %s", collaboratorID)
	passes, err := s.d.Records.Passes(ctx, collaboratorID)
	if err != nil {
		return nil, err
	}
	if len(passes) == 0 {
		return nil, nil
	}
	marks, err := s.d.Records.Attendance(ctx, collaboratorID)
	if err != nil {
		return nil, err
	}
	passes, marks = toStorePrecision(passes, marks)
	now := s.d.Clock.Now()
	courses := make([]string, 0, len(passes))
	for c := range passes {
		courses = append(courses, c)
	}
	slices.Sort(courses)
	p, wrote, err := s.d.Store.Change(ctx, collaboratorID, func(certs []Certificate) ([]Certificate, error) {
		issued = issued[:0]
		decided := false
		for _, code := range courses {
			course, ok := s.d.Courses.Course(code)
			if !ok {
				continue
			}
			var mine []Certificate
			for _, c := range certs {
				if c.Course == code {
					mine = append(mine, c)
				}
			}
			d := Reconcile(Facts{Collaborator: collaboratorID, Course: code, Rule: course.Rule, Certs: mine,
				Passes: passes[code], Attendance: marks[code], Now: now})
			if d.Action == Nothing {
				continue
			}
			certs, decided = Apply(certs, d), true
			if d.Action == Issue {
				issued = append(issued, d.Cert)
			}
		}
		if !decided {
			return nil, store.ErrUnchanged
		}
		return certs, nil
	})
	if err != nil {
		return nil, err
	}
	if !wrote {
		issued = nil
	}
	for _, c := range p.Certs {
		has := codes[c.Code]
		if codes == nil {
			if has, err = s.d.Store.HasCode(ctx, c.Code); err != nil {
				return issued, err
			}
		}
		if !has {
			if err := s.d.Store.PutCode(ctx, c.Code, collaboratorID, c.ID); err != nil {
				return issued, err
			}
		}
	}
	if !wrote {
		return nil, nil
	}
	return issued, s.changed(ctx, p)
}

// toStorePrecision returns copies of the records with their instants cut
// to the millisecond, as the store keeps a cycle's: the rule compares a
// mark with the previous cycle's CompletedAt, and a mark read with more
// precision than the stored completion it made would count again, after
// its own cycle (so an event's reconcile, which reads a cycle back from
// the store, would renew where a reconcile from the records does not).
func toStorePrecision(passes map[string][]Pass, marks map[string][]Attendance) (map[string][]Pass, map[string][]Attendance) {
	return toMillis(passes, func(p *Pass) *time.Time { return &p.At }), toMillis(marks, func(a *Attendance) *time.Time { return &a.At })
}

// toMillis returns a copy of m with each record's instant (at) cut to the
// millisecond.
func toMillis[R any](m map[string][]R, at func(*R) *time.Time) map[string][]R {
	out := make(map[string][]R, len(m))
	for c, xs := range m {
		out[c] = make([]R, len(xs))
		for i, x := range xs {
			*at(&x) = at(&x).Truncate(time.Millisecond)
			out[c][i] = x
		}
	}
	return out
}

// SetMailer sets the reminders' mailer (the outbox is built after the
// service).
func (s *Service) SetMailer(m Mailer) { s.d.Mailer = m }
