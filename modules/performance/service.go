package performance

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"sort"

	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/audit"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/store"
	"github.com/ctvacademy/academy/modules/standing"
)

// People is the registry as the module reads it (collaborators.Service).
type People interface {
	Get(ctx context.Context, scope authz.Scope, id string) (collaborators.Collaborator, error)
	List(ctx context.Context, scope authz.Scope, f collaborators.Filter) ([]collaborators.Collaborator, error)
	Areas(ctx context.Context) ([]collaborators.Area, error)
}

// Deps are what the service needs.
type Deps struct {
	Store  *Store
	People People
	Audit  *audit.Log
	Clock  clock.Clock
	// Weights are content/standing.yaml's performance.weights; when nil,
	// NewService reads them from Content.
	Weights map[standing.KPI]float64
	// Stipend are content/standing.yaml's stipend rules; when nil,
	// NewService reads them from Content.
	Stipend *standing.StipendRules
	Content fs.FS
}

// Service keeps the quarterly records.
type Service struct {
	d        Deps
	stored   storedCopies
	everyone *Everyone
}

// NewService returns the service. Errors: the problems of
// standing.yaml when the weights or the stipend rules are read from
// Content.
func NewService(d Deps) (*Service, error) {
	if d.Weights == nil || d.Stipend == nil {
		cfg, err := standing.Load(d.Content, standing.File)
		if err != nil {
			return nil, fmt.Errorf("performance: content/%s: %w", standing.File, err)
		}
		if d.Weights == nil {
			d.Weights = cfg.Performance.Weights
		}
		if d.Stipend == nil {
			d.Stipend = &cfg.Stipend
		}
	}
	s := &Service{d: d}
	s.everyone = newEveryone(d.Store, s.scored)
	return s, nil
}

// Everyone is the service's in-process copy of every quarter's stored
// records, scored as Stored scores them, for the reports that read the
// whole network.
func (s *Service) Everyone() *Everyone { return s.everyone }

// staff may set targets: coordinators and admins.
func staff(p authz.Principal) bool {
	return p.Role == authz.RoleCoordinator || p.Role == authz.RoleAdmin
}

// ParseQuarter reads a quarter named by the field (400 naming it).
func ParseQuarter(field, s string) (clock.Quarter, error) {
	q, err := clock.ParseQuarter(s)
	if err != nil {
		return q, errs.Field(field, "must be a quarter like 2026-Q3")
	}
	return q, nil
}

func (s *Service) quarter(ctx context.Context, q string) (quarterDoc, error) {
	d, err := s.d.Store.quarters.Get(ctx, q)
	if errs.Is(err, errs.NotFound) {
		return quarterDoc{ID: q}, nil
	}
	if err != nil {
		return d, err
	}
	return d, d.unpack()
}

// parsedQuarter checks quarter (errs.Invalid naming "quarter") and reads
// its document, as quarter does.
func (s *Service) parsedQuarter(ctx context.Context, quarter string) (clock.Quarter, quarterDoc, error) {
	q, err := ParseQuarter("quarter", quarter)
	if err != nil {
		return q, quarterDoc{}, err
	}
	qd, err := s.quarter(ctx, q.String())
	return q, qd, err
}

// fill completes a record for person as of the quarter's defaults:
// registry fields and default targets while not approved, attainment.
func (s *Service) fill(r *Record, p collaborators.Collaborator, qd quarterDoc) {
	r.CollaboratorID, r.Quarter, r.ID = p.ID, qd.ID, recordID(p.ID, qd.ID)
	if r.Status == "" {
		r.Status = Draft
	}
	if r.Status != Approved {
		r.AreaCode, r.Role = p.AreaCode, p.Role
		if r.TargetsSource != FromPerson {
			t, ok := qd.defaultFor(p.Role, p.AreaCode)
			r.Targets, r.TargetsSource = t, FromDefault
			if !ok {
				r.TargetsSource = FromNone
			}
		}
	}
	t, a := kpis(r.Targets, r.Actuals)
	r.Attainment = standing.Attainment(t, a, s.d.Weights)
}

// Get returns a person's quarter: the stored record, or the targets that
// apply with zero actuals (not stored). Errors: errs.NotFound outside
// scope, errs.Invalid for the quarter.
func (s *Service) Get(ctx context.Context, scope authz.Scope, id, quarter string) (Record, error) {
	l, err := s.load(ctx, scope, id, quarter)
	return l.record, err
}

// loaded is a person's quarter as read for a request: the person, the
// quarter and its document, and the record as filled (stored or not).
type loaded struct {
	person  collaborators.Collaborator
	quarter string
	doc     quarterDoc
	record  Record
}

// load reads a person's quarter once: the person in scope, the quarter's
// document and the record (the targets that apply with zero actuals when
// none is stored).
func (s *Service) load(ctx context.Context, scope authz.Scope, id, quarter string) (loaded, error) {
	p, err := s.d.People.Get(ctx, scope, id)
	if err != nil {
		return loaded{}, err
	}
	q, qd, err := s.parsedQuarter(ctx, quarter)
	if err != nil {
		return loaded{}, err
	}
	r, err := s.d.Store.records.Get(ctx, recordID(p.ID, q.String()))
	switch {
	case err == nil:
		r.Stored = true
	case errs.Is(err, errs.NotFound):
		r = Record{}
	default:
		return loaded{}, err
	}
	s.fill(&r, p, qd)
	return loaded{person: p, quarter: q.String(), doc: qd, record: r}, nil
}

// MaxCount bounds each target and actual: more than a person does in a
// quarter, far below what a number overflows at.
const MaxCount = 10000

func validTargets(prefix string, t Targets) []errs.FieldError {
	var out []errs.FieldError
	for _, f := range []struct {
		name string
		v    int
	}{{"profiles", t.Profiles}, {"surveys", t.Surveys}, {"referrals", t.Referrals}} {
		if f.v < 0 || f.v > MaxCount {
			out = append(out, errs.FieldError{Field: prefix + f.name, Message: fmt.Sprintf("must be from 0 to %d", MaxCount)})
		}
	}
	return out
}

func validActuals(prefix string, a Actuals) []errs.FieldError {
	return validTargets(prefix, Targets{Profiles: a.Profiles, Surveys: a.Surveys, Referrals: a.Referrals})
}

// write changes a person's record through fn (given the record as filled,
// and whether it was stored), keeps the quarter's list of records, and
// audits the action. With summarize, it keeps the quarter's summary too
// (summaryDoc: pending mark, record, row); without, the caller does.
func (s *Service) write(ctx context.Context, scope authz.Scope, id, quarter, action string, summarize bool, fn func(r *Record, p collaborators.Collaborator) error) (Record, error) {
	l, err := s.load(ctx, scope, id, quarter)
	if err != nil {
		return Record{}, err
	}
	p, qd, probe := l.person, l.doc, l.record
	rid := recordID(p.ID, l.quarter)
	// A probe first, so that refusals write nothing.
	if err := fn(&probe, p); err != nil {
		return Record{}, err
	}
	if !slices.Contains(qd.Records, rid) {
		// The quarter lists the record before it exists: a list skips an
		// id it cannot read, never misses a record.
		if _, err := s.d.Store.quarters.Apply(ctx, l.quarter, func(d *quarterDoc, _ bool) error {
			if slices.Contains(d.Records, rid) {
				return store.ErrUnchanged
			}
			d.Records = append(d.Records, rid)
			return nil
		}); err != nil {
			return Record{}, err
		}
	}
	if summarize {
		if err := s.d.Store.markPending(ctx, l.quarter, rid); err != nil {
			return Record{}, err
		}
	}
	var before Record
	out, err := s.d.Store.records.Apply(ctx, rid, func(r *Record, found bool) error {
		before = *r
		s.fill(r, p, qd)
		if err := fn(r, p); err != nil {
			return err
		}
		now := s.d.Clock.Now()
		r.UpdatedAt, r.UpdatedBy = &now, authz.PrincipalFrom(ctx).UserID
		s.fill(r, p, qd)
		return nil
	})
	if err != nil {
		return Record{}, err
	}
	out.Stored = true
	if summarize {
		err := s.d.Store.summarize(ctx, l.quarter, out)
		s.changed(l.quarter)
		if err != nil {
			return Record{}, err
		}
	}
	if err := s.d.Audit.Record(ctx, action, "performance_record", rid, map[string]any{
		"status": out.Status, "actuals": out.Actuals, "targets": out.Targets, "targets_source": out.TargetsSource,
		"before": map[string]any{"status": before.Status, "actuals": before.Actuals, "targets": before.Targets},
	}); err != nil {
		return Record{}, err
	}
	return out, nil
}

// Put changes a record's actuals and, for coordinators and admins, the
// person's own targets. Errors: errs.Conflict once approved (or, for the
// collaborator, once submitted); errs.Forbidden for
// targets sent by anyone else that differ from those that apply.
func (s *Service) Put(ctx context.Context, scope authz.Scope, id, quarter string, c Change) (Record, error) {
	return s.put(ctx, scope, id, quarter, c, true)
}

// put is Put; without summarize the caller keeps the quarter's summary.
func (s *Service) put(ctx context.Context, scope authz.Scope, id, quarter string, c Change, summarize bool) (Record, error) {
	pr := authz.PrincipalFrom(ctx)
	var fe []errs.FieldError
	if c.Targets != nil {
		fe = append(fe, validTargets("targets.", *c.Targets)...)
	}
	if c.Actuals != nil {
		fe = append(fe, validActuals("actuals.", *c.Actuals)...)
	}
	if c.Targets == nil && c.Actuals == nil {
		fe = append(fe, errs.FieldError{Field: "actuals", Message: "send actuals, targets or both"})
	}
	return s.write(ctx, scope, id, quarter, "performance.update", summarize, func(r *Record, _ collaborators.Collaborator) error {
		if len(fe) > 0 {
			return errs.Fields(errs.Invalid, "invalid input", fe)
		}
		if r.Status == Approved {
			return errs.E(errs.Conflict, "the record is approved and can no longer change")
		}
		if r.Status == Submitted && pr.Role == authz.RoleCTV {
			return errs.E(errs.Conflict, "the record is submitted: your team leader or a coordinator may still change it")
		}
		if c.Targets != nil && *c.Targets != r.Targets {
			if !staff(pr) {
				return &errs.Error{Kind: errs.Forbidden, Message: "only a coordinator sets a person's targets", Fields: []errs.FieldError{{Field: "targets", Message: "only a coordinator sets a person's targets"}}}
			}
			r.Targets, r.TargetsSource = *c.Targets, FromPerson
		}
		if c.Actuals != nil {
			r.Actuals = *c.Actuals
		}
		return nil
	})
}

// Submit moves a draft to submitted. Errors: errs.Conflict unless draft.
func (s *Service) Submit(ctx context.Context, scope authz.Scope, id, quarter string) (Record, error) {
	pr := authz.PrincipalFrom(ctx)
	return s.write(ctx, scope, id, quarter, "performance.submit", true, func(r *Record, _ collaborators.Collaborator) error {
		if r.Status != Draft {
			return errs.E(errs.Conflict, "the record is %s, not a draft", r.Status)
		}
		now := s.d.Clock.Now()
		r.Status, r.SubmittedBy, r.SubmittedAt = Submitted, pr.UserID, &now
		return nil
	})
}

// Approve moves a submitted record to approved; its targets stay as they
// are then. Errors: errs.Forbidden for the caller's own record,
// errs.Conflict unless submitted.
func (s *Service) Approve(ctx context.Context, scope authz.Scope, id, quarter string) (Record, error) {
	pr := authz.PrincipalFrom(ctx)
	return s.write(ctx, scope, id, quarter, "performance.approve", true, func(r *Record, p collaborators.Collaborator) error {
		if pr.CollaboratorID != "" && pr.CollaboratorID == p.ID {
			return errs.E(errs.Forbidden, "nobody approves their own record")
		}
		if r.Status != Submitted {
			return errs.E(errs.Conflict, "the record is %s; only a submitted record is approved", r.Status)
		}
		now := s.d.Clock.Now()
		r.Status, r.ApprovedBy, r.ApprovedAt = Approved, pr.UserID, &now
		return nil
	})
}

// Filter narrows a quarter's list.
type Filter struct {
	AreaCode string
	Status   string
}

// List returns a quarter's ("": the current one) records of the people in scope (those not yet
// written as Get answers them), by attainment, highest first, then name.
// It reads the quarter's document and its summary by _id (and by _id
// any record the summary holds no trusted copy of). Errors: errs.Invalid naming quarter, area_code or status.
func (s *Service) List(ctx context.Context, scope authz.Scope, quarter string, f Filter) ([]Record, error) {
	if quarter == "" {
		quarter = clock.QuarterOf(s.d.Clock.Now()).String()
	}
	q, err := ParseQuarter("quarter", quarter)
	if err != nil {
		return nil, err
	}
	if f.Status != "" && !slices.Contains(Statuses, f.Status) {
		return nil, errs.Field("status", "must be draft, submitted or approved")
	}
	people, err := s.d.People.List(ctx, scope, collaborators.Filter{AreaCode: f.AreaCode})
	if err != nil {
		return nil, err
	}
	qd, err := s.quarter(ctx, q.String())
	if err != nil {
		return nil, err
	}
	sum, err := s.d.Store.summary(ctx, q.String())
	if err != nil {
		return nil, err
	}
	listed := make(map[string]bool, len(qd.Records))
	for _, id := range qd.Records {
		listed[id] = true
	}
	pending := make(map[string]bool, len(sum.Pending))
	for _, id := range sum.Pending {
		pending[id] = true
	}
	// Records come from the summary's copies; a pending one, or one it
	// has no copy of, is read by _id.
	stored := make(map[string]Record, len(people))
	var ids []string
	for _, p := range people {
		id := recordID(p.ID, q.String())
		if !listed[id] {
			continue
		}
		if r, ok := sum.row(id); ok && !pending[id] {
			stored[id] = r
			continue
		}
		ids = append(ids, id)
	}
	read, err := s.d.Store.records.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	for id, r := range read {
		stored[id] = r
	}
	out := make([]Record, 0, len(people))
	for _, p := range people {
		r, ok := stored[recordID(p.ID, q.String())]
		r.Stored = ok
		s.fill(&r, p, qd)
		r.FullName = p.FullName
		if f.Status == "" || r.Status == f.Status {
			out = append(out, r)
		}
	}
	// Names are folded once each, not at every comparison.
	keys := make(map[string]string, len(out))
	for _, r := range out {
		keys[r.CollaboratorID] = collaborators.Fold(r.FullName)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Attainment != out[j].Attainment {
			return out[i].Attainment > out[j].Attainment
		}
		return keys[out[i].CollaboratorID] < keys[out[j].CollaboratorID]
	})
	return out, nil
}

// Defaults returns a quarter's default targets inside scope (a team
// leader sees their district's).
func (s *Service) Defaults(ctx context.Context, scope authz.Scope, quarter string) (Defaults, error) {
	q, qd, err := s.parsedQuarter(ctx, quarter)
	if err != nil {
		return Defaults{}, err
	}
	out := Defaults{Quarter: q.String(), Items: []Default{}}
	for _, d := range qd.Defaults {
		if scope.Kind == authz.ScopeAll || (scope.Kind == authz.ScopeArea && scope.AreaCode == d.AreaCode) {
			out.Items = append(out.Items, d)
		}
	}
	return out, nil
}

// SetDefaults replaces a quarter's default targets. Errors: errs.Invalid
// naming each bad item's field ("[2].area_code").
func (s *Service) SetDefaults(ctx context.Context, quarter string, items []Default) (Defaults, error) {
	q, err := ParseQuarter("quarter", quarter)
	if err != nil {
		return Defaults{}, err
	}
	areas, err := s.d.People.Areas(ctx)
	if err != nil {
		return Defaults{}, err
	}
	known := map[string]bool{}
	for _, a := range areas {
		known[a.Code] = true
	}
	var fe []errs.FieldError
	seen := map[[2]string]bool{}
	for i, d := range items {
		pre := fmt.Sprintf("[%d].", i)
		if !slices.Contains(collaborators.Roles, d.Role) {
			fe = append(fe, errs.FieldError{Field: pre + "role", Message: "must be ctv or team_leader"})
		}
		if !known[d.AreaCode] {
			fe = append(fe, errs.FieldError{Field: pre + "area_code", Message: "is not a known district unit"})
		}
		if k := [2]string{d.Role, d.AreaCode}; seen[k] {
			fe = append(fe, errs.FieldError{Field: pre + "area_code", Message: "this role and district are listed twice"})
		} else {
			seen[k] = true
		}
		fe = append(fe, validTargets(pre+"targets.", d.Targets)...)
	}
	if len(fe) > 0 {
		return Defaults{}, errs.Fields(errs.Invalid, "invalid input", fe)
	}
	if items == nil {
		items = []Default{}
	}
	pr := authz.PrincipalFrom(ctx)
	if _, err := s.d.Store.quarters.Apply(ctx, q.String(), func(d *quarterDoc, _ bool) error {
		now := s.d.Clock.Now()
		d.UpdatedBy, d.UpdatedAt = pr.UserID, &now
		return d.pack(items)
	}); err != nil {
		return Defaults{}, err
	}
	if err := s.d.Audit.Record(ctx, "performance.targets", "performance_quarter", q.String(), map[string]any{"defaults": items}); err != nil {
		return Defaults{}, err
	}
	return Defaults{Quarter: q.String(), Items: items}, nil
}
