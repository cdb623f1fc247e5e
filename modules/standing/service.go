package standing

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/platform/audit"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
)

// Holder is a collaborator as the standing service reads them.
type Holder struct {
	ID, Code, FullName, Role, Area, AreaName string
	Contract                                 ContractView
	// ServiceStart is the first day (YYYY-MM-DD) of the contract terms
	// that chain into the current one; empty: the current term's start.
	ServiceStart string
}

// ContractView is a contract as the registry keeps it (dates YYYY-MM-DD).
type ContractView struct {
	Number           string `json:"number"`
	StartsOn         string `json:"starts_on" api:"format=date"`
	EndsOn           string `json:"ends_on" api:"format=date"`
	Status           string `json:"status" api:"enum=contract_status"`
	QuarterlyStipend int64  `json:"quarterly_stipend"`
	// NotRenewed: the review decided "end"; the contract runs to ends_on.
	NotRenewed bool `json:"not_renewed,omitempty"`
}

// CertView is one of a person's certificates as the answer shows it.
type CertView struct {
	ID         string    `json:"id,omitempty"`
	CourseCode string    `json:"course_code"`
	Status     string    `json:"status" api:"enum=standing_certificate_status"`
	ExpiresAt  time.Time `json:"expires_at,omitzero"`
	ValidUntil string    `json:"valid_until,omitempty" api:"format=date"` // the last valid day (Vietnam), YYYY-MM-DD
	PDF        string    `json:"pdf,omitempty"`                           // the PDF's address, when there is a certificate
}

// Source gathers the standing's inputs from the other modules (wired in
// modules/app). The bulk reads (People, AllCertificates, QuarterRecords)
// read each source once for everyone, so a review or a ranking costs a
// bounded number of store round trips whatever the number of people.
type Source interface {
	// Person is one collaborator inside scope (errs.NotFound outside).
	Person(ctx context.Context, scope authz.Scope, id string) (Holder, error)
	// People are every collaborator inside scope.
	People(ctx context.Context, scope authz.Scope) ([]Holder, error)
	// Required are the course codes the role must hold, in catalog order.
	Required(role string) []string
	// Certificates are a person's certificates (any order).
	Certificates(ctx context.Context, id string) ([]CertView, error)
	// AllCertificates are everyone's, by collaborator.
	AllCertificates(ctx context.Context) (map[string][]CertView, error)
	// Records are a person's records of the quarters (those that exist).
	Records(ctx context.Context, id string, qs []clock.Quarter) ([]QuarterRecord, error)
	// QuarterRecords are the quarter's stored records, by collaborator.
	QuarterRecords(ctx context.Context, q clock.Quarter) (map[string]QuarterRecord, error)
	// NextSessions is the next scheduled session of each course, among
	// those open to the district.
	NextSessions(ctx context.Context, area string) (map[string]Session, error)
	// SetContract writes a contract decided by the review (a renewal
	// carries the override reason when the person was not eligible).
	SetContract(ctx context.Context, id string, c ContractView, override string) error
	// KnownArea says whether the registry has the district unit.
	KnownArea(ctx context.Context, code string) (bool, error)
}

// Service answers standings, the contract review and recognition.
type Service struct {
	src   Source
	cfg   Config
	clock clock.Clock
	audit *audit.Log
	store *Store
}

// NewService returns the service.
func NewService(src Source, cfg Config, c clock.Clock, a *audit.Log, st *Store) *Service {
	if cfg.ContractTermMonths <= 0 {
		cfg.ContractTermMonths = 12
	}
	return &Service{src: src, cfg: cfg, clock: c, audit: a, store: st}
}

// Config is the rules the service applies.
func (s *Service) Config() Config { return s.cfg }

// ReasonView is a reason as the API shows it.
type ReasonView = Reason

// Course is a recommended course with why, what to do with it and its
// next session.
type Course struct {
	CourseCode string `json:"course_code"`
	Reason     Reason `json:"reason"`
	// Action is "quiz" (earn or renew its certificate) or "review" (its
	// certificate is valid: re-read the course; a quiz would spend an
	// attempt).
	Action      string      `json:"action" api:"enum=recommendation_action"`
	NextSession *SessionRef `json:"next_session"`
}

// SessionRef is a scheduled session.
type SessionRef struct {
	ID       string    `json:"id"`
	StartsAt time.Time `json:"starts_at"`
}

// QuarterView is one of the last four quarters.
type QuarterView struct {
	Quarter    string  `json:"quarter"`
	Status     string  `json:"status"` // draft, submitted, approved, or none
	Attainment float64 `json:"attainment"`
}

// Recognition is where the person ranks in their district for a quarter.
type Recognition struct {
	Quarter  string `json:"quarter"`
	Rank     int    `json:"rank"`
	Of       int    `json:"of"`
	AreaCode string `json:"area_code"`
	AreaName string `json:"area_name"`
}

// View is the answer of GET /api/v1/collaborators/{id}/standing.
type View struct {
	CollaboratorID     string        `json:"collaborator_id"`
	FullName           string        `json:"full_name"`
	AreaCode           string        `json:"area_code"`
	At                 time.Time     `json:"at"`
	Standing           Standing      `json:"standing" api:"enum=standing"`
	Reasons            []Reason      `json:"reasons"`
	RenewalEligible    bool          `json:"renewal_eligible"`
	Certifications     []CertView    `json:"certifications"`
	Performance        []QuarterView `json:"performance"`
	Contract           ContractView  `json:"contract"`
	RecommendedCourses []Course      `json:"recommended_courses"`
	Recognition        *Recognition  `json:"recognition"`
}

// date parses a YYYY-MM-DD day in Vietnam (zero when empty or bad).
func date(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, clock.VN)
	if err != nil {
		return time.Time{}
	}
	return t
}

// contractOf is the holder's contract as Compute reads it.
func contractOf(h Holder) Contract {
	c := h.Contract
	out := Contract{Number: c.Number, Start: date(c.StartsOn), ServiceStart: date(h.ServiceStart), Status: c.Status,
		Stipend: c.QuarterlyStipend, NotRenewed: c.NotRenewed}
	if end := date(c.EndsOn); !end.IsZero() {
		out.End = end
	}
	return out
}

// required lists the person's certificate per required course: the best
// of theirs for the course (valid, then expiring, expired, revoked), and
// their best certificate of every course they hold one of (Inputs.Held),
// by course code.
func (s *Service) required(h Holder, certs []CertView) ([]CourseCert, []CertView, []CourseCert) {
	rank := map[string]int{CertValid: 0, CertExpiring: 1, CertExpired: 2, CertRevoked: 3}
	best := map[string]CertView{}
	for _, c := range certs {
		b, ok := best[c.CourseCode]
		if !ok || rank[c.Status] < rank[b.Status] || (rank[c.Status] == rank[b.Status] && c.ExpiresAt.After(b.ExpiresAt)) {
			best[c.CourseCode] = c
		}
	}
	var in []CourseCert
	var views []CertView
	for _, code := range s.src.Required(h.Role) {
		c, ok := best[code]
		if !ok {
			in = append(in, CourseCert{Course: code, Status: CertMissing})
			views = append(views, CertView{CourseCode: code, Status: CertMissing})
			continue
		}
		in = append(in, CourseCert{Course: code, Status: c.Status, ExpiresAt: c.ExpiresAt})
		views = append(views, c)
	}
	var held []CourseCert
	for _, code := range slices.Sorted(maps.Keys(best)) {
		held = append(held, CourseCert{Course: code, Status: best[code].Status, ExpiresAt: best[code].ExpiresAt})
	}
	return in, views, held
}

// recent are the quarters whose records count: the last four closed ones.
func recent(now time.Time) []clock.Quarter {
	q := clock.QuarterOf(now)
	out := make([]clock.Quarter, 4)
	for i := range out {
		q = q.Prev()
		out[i] = q
	}
	return out
}

// Of is a collaborator's standing inside scope. Errors: errs.NotFound
// (also outside scope).
func (s *Service) Of(ctx context.Context, scope authz.Scope, id string) (View, error) {
	h, err := s.src.Person(ctx, scope, id)
	if err != nil {
		return View{}, err
	}
	now := s.clock.Now()
	certs, err := s.src.Certificates(ctx, h.ID)
	if err != nil {
		return View{}, err
	}
	qs := recent(now)
	recs, err := s.src.Records(ctx, h.ID, qs)
	if err != nil {
		return View{}, err
	}
	next, err := s.src.NextSessions(ctx, h.Area)
	if err != nil {
		return View{}, err
	}
	req, certViews, held := s.required(h, certs)
	r := Compute(Inputs{Person: Person{ID: h.ID, Role: h.Role, Area: h.Area}, Required: req, Held: held, Quarters: recs,
		Contract: contractOf(h), NextSessions: next, Config: s.cfg, Now: now})
	v := View{CollaboratorID: h.ID, FullName: h.FullName, AreaCode: h.Area, At: now, Standing: r.Standing,
		Reasons: nonNil(r.Reasons), RenewalEligible: r.RenewalEligible, Certifications: certViews, Contract: h.Contract,
		RecommendedCourses: []Course{}}
	if v.Certifications == nil {
		v.Certifications = []CertView{}
	}
	byQ := map[clock.Quarter]QuarterRecord{}
	for _, rec := range recs {
		byQ[rec.Quarter] = rec
	}
	for _, q := range qs {
		rec, ok := byQ[q]
		qv := QuarterView{Quarter: q.String(), Status: "none"}
		if ok {
			qv.Status, qv.Attainment = rec.Status, rec.Attainment
		}
		v.Performance = append(v.Performance, qv)
	}
	for _, rc := range r.RecommendedCourses {
		c := Course{CourseCode: rc.Course, Reason: rc.Why, Action: rc.Action}
		if rc.NextSession != nil {
			c.NextSession = &SessionRef{ID: rc.NextSession.ID, StartsAt: rc.NextSession.StartsAt}
		}
		v.RecommendedCourses = append(v.RecommendedCourses, c)
	}
	if r.Standing == Good {
		v.Recognition, err = s.rankOf(ctx, h, qs[0])
		if err != nil {
			return View{}, err
		}
	}
	return v, nil
}

func nonNil(rs []Reason) []Reason {
	if rs == nil {
		return []Reason{}
	}
	return rs
}

// Eligible tells whether a person's contract may be renewed now, and why
// not. It reads only what eligibility needs (no sessions).
func (s *Service) Eligible(ctx context.Context, id string) (bool, []Reason, error) {
	h, err := s.src.Person(ctx, authz.All, id)
	if err != nil {
		return false, nil, err
	}
	now := s.clock.Now()
	certs, err := s.src.Certificates(ctx, h.ID)
	if err != nil {
		return false, nil, err
	}
	recs, err := s.src.Records(ctx, h.ID, recent(now))
	if err != nil {
		return false, nil, err
	}
	req, _, held := s.required(h, certs)
	r := Compute(Inputs{Person: Person{ID: h.ID, Role: h.Role, Area: h.Area}, Required: req, Held: held, Quarters: recs,
		Contract: contractOf(h), Config: s.cfg, Now: now})
	return r.RenewalEligible, blocking(r.Reasons), nil
}

// blocking are the reasons that refuse a renewal: certificates not valid
// and the performance's reasons (the contract's own are not).
func blocking(rs []Reason) []Reason {
	var out []Reason
	for _, r := range rs {
		if r.Code == reasonCertExpiring || strings.HasPrefix(r.Code, "contract_") || r.Code == reasonKPIWeak {
			continue
		}
		out = append(out, r)
	}
	return out
}

// bulk computes everyone's standing inside scope from one read of each
// source (no sessions: recommendations are not part of it).
type bulkEntry struct {
	Holder Holder
	Result Result
}

func (s *Service) bulk(ctx context.Context, scope authz.Scope, now time.Time, keep func(Holder) bool) ([]bulkEntry, error) {
	people, err := s.src.People(ctx, scope)
	if err != nil {
		return nil, err
	}
	people = slices.DeleteFunc(people, func(h Holder) bool { return !keep(h) })
	if len(people) == 0 {
		return nil, nil
	}
	certs, err := s.src.AllCertificates(ctx)
	if err != nil {
		return nil, err
	}
	byQ := map[clock.Quarter]map[string]QuarterRecord{}
	q := clock.QuarterOf(now)
	for range s.cfg.Performance.RecentQuarters {
		q = q.Prev()
		m, err := s.src.QuarterRecords(ctx, q)
		if err != nil {
			return nil, err
		}
		byQ[q] = m
	}
	out := make([]bulkEntry, 0, len(people))
	for _, h := range people {
		var recs []QuarterRecord
		for _, m := range byQ {
			if r, ok := m[h.ID]; ok {
				recs = append(recs, r)
			}
		}
		req, _, held := s.required(h, certs[h.ID])
		r := Compute(Inputs{Person: Person{ID: h.ID, Role: h.Role, Area: h.Area}, Required: req, Held: held, Quarters: recs,
			Contract: contractOf(h), Config: s.cfg, Now: now})
		out = append(out, bulkEntry{h, r})
	}
	return out, nil
}

// nextNumber is a renewed contract's number: the old one with -R1 added,
// or its -R<n> suffix counted up.
func nextNumber(old string) string {
	if i := strings.LastIndex(old, "-R"); i >= 0 {
		if n, err := strconv.Atoi(old[i+2:]); err == nil && n > 0 {
			return old[:i] + "-R" + strconv.Itoa(n+1)
		}
	}
	return old + "-R1"
}

// NextTerm is the contract a renewal gives: it starts the day after the
// old one ends and lasts months (its last day the day before the same
// date months later), active, with the same stipend and the next number.
func NextTerm(c ContractView, months int) ContractView {
	end := date(c.EndsOn)
	start := end.AddDate(0, 0, 1)
	last := start.AddDate(0, months, -1)
	return ContractView{Number: nextNumber(c.Number), StartsOn: start.Format(time.DateOnly), EndsOn: last.Format(time.DateOnly),
		Status: ContractActive, QuarterlyStipend: c.QuarterlyStipend}
}

// EndTerm is the contract an "end" decision taken at now gives: the same
// term marked not renewed, so that the person stays under contract (and
// paid) to its last day and is ended after it; a contract whose last day
// has already passed is set ended.
func EndTerm(c ContractView, now time.Time) ContractView {
	c.NotRenewed = true
	if end := date(c.EndsOn); end.IsZero() || daysBetween(now, end) < 0 {
		c.Status = ContractEnded
	}
	return c
}
