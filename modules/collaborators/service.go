package collaborators

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/humantext"
	"github.com/ctvacademy/academy/modules/platform/store"
	"github.com/ctvacademy/academy/modules/platform/versioned"
)

// RegistryStore is what the service needs from its store.
type RegistryStore interface {
	Areas(ctx context.Context) ([]Area, error)
	PutAreas(ctx context.Context, areas []Area) error
	All(ctx context.Context) ([]Collaborator, error)
	Insert(ctx context.Context, cs []Collaborator, importID string, now time.Time) error
	DeleteImport(ctx context.Context, importID string) error
	Update(ctx context.Context, id string, now time.Time, change func(*Collaborator) error) (Collaborator, error)
	Version(ctx context.Context) (int64, error)
	Bump(ctx context.Context) error
}

// Auditor records changes.
type Auditor interface {
	Record(ctx context.Context, action, entity, entityID string, changes map[string]any) error
}

// Deps are the service's collaborators.
type Deps struct {
	Store RegistryStore
	Audit Auditor
	Clock clock.Clock
	// Fresh is how long the in-process copy is trusted before the version
	// document is checked again (other processes' writes); 1 s when zero.
	Fresh time.Duration
}

// Service manages the registry. It keeps the areas and the collaborator list
// in process (a few hundred records) and reloads them when the version
// document, bumped on every write by any process, changes.
type Service struct {
	d    Deps
	snap *versioned.Cache[*snapshot]

	onCreate func(ctx context.Context, created []Collaborator)
	onMove   func(ctx context.Context, id, from, to string)
	renewal  RenewalGuard
	standing StandingReader
}

// RenewalGuard tells whether a collaborator's contract may be renewed and,
// when not, why (one problem per reason, on the field contract.ends_on).
type RenewalGuard func(ctx context.Context, c Collaborator) (eligible bool, why []errs.FieldError, err error)

// GuardRenewals sets the renewal rule: a PATCH moving contract.ends_on
// later is a renewal, refused (422 with the reasons) unless the guard finds
// the person eligible or the patch carries override_reason (audited).
func (s *Service) GuardRenewals(g RenewalGuard) { s.renewal = g }

// renewalOverride checks a patch against the renewal rule and returns the
// override reason to audit ("" when none is needed).
func (s *Service) renewalOverride(ctx context.Context, cur Collaborator, p Patch, canManage bool) (string, error) {
	if p.OverrideReason != nil {
		r := humantext.Line(*p.OverrideReason)
		switch {
		case humantext.Control(r, false):
			return "", errs.Field("override_reason", "must not contain control characters")
		case utf8.RuneCountInString(r) > 500:
			return "", errs.Field("override_reason", "must be at most 500 characters")
		}
		p.OverrideReason = &r
	}
	if !canManage || s.renewal == nil || p.Contract == nil || p.Contract.EndsOn == nil || strings.TrimSpace(*p.Contract.EndsOn) <= cur.Contract.EndsOn {
		return "", nil
	}
	if p.OverrideReason != nil && strings.TrimSpace(*p.OverrideReason) != "" {
		return strings.TrimSpace(*p.OverrideReason), nil
	}
	ok, why, err := s.renewal(ctx, cur)
	if err != nil || ok {
		return "", err
	}
	if p.OverrideReason != nil {
		why = append(why, errs.FieldError{Field: "override_reason", Message: "is empty: write why the contract is renewed anyway"})
	}
	return "", errs.Fields(errs.Unprocessable, "the contract may not be renewed: give override_reason to renew it anyway", why)
}

// OnCreate sets what runs after collaborators are registered (created or
// imported): the accounts module gives them accounts. It runs after the
// registry write; what it misses, its own repair job catches up.
func (s *Service) OnCreate(fn func(ctx context.Context, created []Collaborator)) { s.onCreate = fn }

// OnMove sets what runs after a collaborator's district unit changed:
// the quizzes module moves their results to the new unit. It runs after
// the registry write, which is the durable record of the move: what it
// misses (a crash, an error), the modules' own reconciling jobs catch up.
func (s *Service) OnMove(fn func(ctx context.Context, id, from, to string)) { s.onMove = fn }

type snapshot struct {
	areas   []Area
	areaIdx map[string]int
	list    []Collaborator // sorted by area order, team leaders first, then code
	byID    map[string]Collaborator
}

// NewService returns the registry service.
func NewService(d Deps) *Service {
	d.Clock = clock.Or(d.Clock)
	s := &Service{d: d}
	s.snap = versioned.New(d.Store.Version, s.load, d.Fresh)
	return s
}

// current returns an up-to-date snapshot of the registry.
func (s *Service) current(ctx context.Context) (*snapshot, error) { return s.snap.Get(ctx) }

// load reads the registry whole: the areas, then every collaborator in
// the order lists show them.
func (s *Service) load(ctx context.Context) (*snapshot, error) {
	areas, err := s.d.Store.Areas(ctx)
	if err != nil {
		return nil, err
	}
	all, err := s.d.Store.All(ctx)
	if err != nil {
		return nil, err
	}
	snap := &snapshot{areas: areas, areaIdx: map[string]int{}, byID: map[string]Collaborator{}}
	for i, a := range areas {
		snap.areaIdx[a.Code] = i
	}
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if ai, bi := snap.areaIdx[a.AreaCode], snap.areaIdx[b.AreaCode]; ai != bi {
			return ai < bi
		}
		if a.Role != b.Role {
			return a.Role == authz.RoleTeamLeader
		}
		return a.Code < b.Code
	})
	for _, c := range all {
		snap.byID[c.ID] = c
	}
	snap.list = all
	return snap, nil
}

// changed records a write: bump the shared version and drop the local copy.
func (s *Service) changed(ctx context.Context) error {
	err := s.d.Store.Bump(ctx)
	s.snap.Invalidate()
	return err
}

// Areas lists the district units.
func (s *Service) Areas(ctx context.Context) ([]Area, error) {
	snap, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	return snap.areas, nil
}

// SetAreas stores the district units (demo network, set-up).
func (s *Service) SetAreas(ctx context.Context, areas []Area) error {
	if err := s.d.Store.PutAreas(ctx, areas); err != nil {
		return err
	}
	if err := s.changed(ctx); err != nil {
		return err
	}
	return s.d.Audit.Record(ctx, "area.set", "area", "*", map[string]any{"count": len(areas)})
}

// List returns the collaborators inside scope that pass the filter.
// Errors: errs.Invalid for an unknown area or role filter.
func (s *Service) List(ctx context.Context, scope authz.Scope, f Filter) ([]Collaborator, error) {
	snap, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	if f.AreaCode != "" {
		if _, ok := snap.areaIdx[f.AreaCode]; !ok {
			return nil, errs.Field("area_code", "is not a known district unit")
		}
	}
	if f.Role != "" && !slices.Contains(Roles, f.Role) {
		return nil, errs.Field("role", "must be ctv or team_leader")
	}
	if f.ContractStatus != "" && !validStatus(f.ContractStatus) {
		return nil, errs.Field("contract_status", "must be active, probation, suspended or ended")
	}
	out := []Collaborator{}
	for _, c := range snap.list {
		if scope.Allows(c.AreaCode, c.ID) && f.Matches(c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// Get returns one collaborator inside scope. Errors: errs.NotFound, also
// for records outside the scope (their existence is not revealed).
func (s *Service) Get(ctx context.Context, scope authz.Scope, id string) (Collaborator, error) {
	snap, err := s.current(ctx)
	if err != nil {
		return Collaborator{}, err
	}
	return snap.get(scope, id)
}

// taken is the conflict of next, the new state of the record id, with
// another record's code or email, or, when next changes it, contract
// number (nil when none).
func (snap *snapshot) taken(id string, next Collaborator) error {
	key := ContractNumberKey(next.Contract.Number)
	newNumber := key != ContractNumberKey(snap.byID[id].Contract.Number)
	for _, other := range snap.list {
		if other.ID == id {
			continue
		}
		if newNumber && ContractNumberKey(other.Contract.Number) == key {
			return &errs.Error{Kind: errs.Conflict, Message: "another collaborator has this contract number",
				Fields: []errs.FieldError{{Field: "contract.number", Message: "is already registered: the contract of " + other.Code}}}
		}
		if other.Email != next.Email && other.Code != next.Code {
			continue
		}
		field := "email"
		if other.Code == next.Code {
			field = "code"
		}
		return conflictOn(field)
	}
	return nil
}

// get returns one collaborator inside scope; errs.NotFound also hides
// records outside it.
func (snap *snapshot) get(scope authz.Scope, id string) (Collaborator, error) {
	c, ok := snap.byID[id]
	if !ok || !scope.Allows(c.AreaCode, c.ID) {
		return Collaborator{}, errs.E(errs.NotFound, "no such collaborator")
	}
	return c, nil
}

// AreaOf returns the district unit of a collaborator. Errors: errs.NotFound.
func (s *Service) AreaOf(ctx context.Context, id string) (string, error) {
	c, err := s.Get(ctx, authz.All, id)
	return c.AreaCode, err
}

// Placement returns a collaborator's district unit and whether the record
// is archived (the person left the network). Errors: errs.NotFound.
func (s *Service) Placement(ctx context.Context, id string) (area string, archived bool, err error) {
	c, err := s.Get(ctx, authz.All, id)
	return c.AreaCode, c.Archived, err
}

// Create registers new collaborators: all of them or, when any is invalid
// or taken, none. Errors: errs.Invalid (each field named, prefixed with
// prefix(i) for the i-th input), errs.Conflict.
func (s *Service) Create(ctx context.Context, ins []Input, prefix func(i int) string) (created []Collaborator, err error) {
	defer errs.Wrap(&err, "collaborators.Create")
	problems, conflict, err := s.check(ctx, ins, prefix)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		kind := errs.Invalid
		if conflict && len(ins) == 1 && onlyUniqueness(problems) {
			kind = errs.Conflict
		}
		return nil, errs.Fields(kind, "the collaborator data has problems; nothing was saved", problems)
	}
	return s.insert(ctx, ins)
}

// check normalizes the inputs in place and returns every problem with
// them, and whether one is a code or email already registered.
func (s *Service) check(ctx context.Context, ins []Input, prefix func(i int) string) ([]errs.FieldError, bool, error) {
	snap, err := s.current(ctx)
	if err != nil {
		return nil, false, err
	}
	areaExists := func(code string) bool { _, ok := snap.areaIdx[code]; return ok }
	takenCode, takenEmail, takenNumber := map[string]string{}, map[string]string{}, map[string]string{}
	for _, c := range snap.list {
		takenCode[c.Code] = "is already registered"
		takenEmail[c.Email] = "is already registered"
		takenNumber[ContractNumberKey(c.Contract.Number)] = "is already registered: the contract of " + c.Code
	}
	var problems []errs.FieldError
	conflict := false
	for i := range ins {
		in := &ins[i]
		in.Normalize()
		fe := in.Validate(areaExists)
		if why, ok := takenCode[in.Code]; ok && in.Code != "" {
			fe = append(fe, errs.FieldError{Field: "code", Message: why})
			conflict = conflict || why == "is already registered"
		}
		if why, ok := takenEmail[in.Email]; ok && in.Email != "" {
			fe = append(fe, errs.FieldError{Field: "email", Message: why})
			conflict = conflict || why == "is already registered"
		}
		number := ContractNumberKey(in.Contract.Number)
		if why, ok := takenNumber[number]; ok && number != "" {
			fe = append(fe, errs.FieldError{Field: "contract.number", Message: why})
			conflict = conflict || why != "appears twice in this input"
		}
		takenCode[in.Code] = "appears twice in this input"
		takenEmail[in.Email] = "appears twice in this input"
		takenNumber[number] = "appears twice in this input"
		for _, f := range fe {
			problems = append(problems, errs.FieldError{Field: prefix(i) + f.Field, Message: f.Message})
		}
	}
	return problems, conflict, nil
}

// insert stores checked inputs as new collaborators, all or none.
func (s *Service) insert(ctx context.Context, ins []Input) ([]Collaborator, error) {
	now := s.d.Clock.Now()
	created := make([]Collaborator, len(ins))
	for i, in := range ins {
		created[i] = Collaborator{ID: newID(), Code: in.Code, FullName: in.FullName, Email: in.Email, Phone: in.Phone,
			Role: in.Role, AreaCode: in.AreaCode, Commune: in.Commune, Position: in.Position, Contract: in.Contract}
	}
	batch := ""
	if len(created) > 1 {
		batch = "imp-" + newID()
	}
	if err := s.d.Store.Insert(ctx, created, batch, now); err != nil {
		if batch != "" {
			// Another writer took a code or email meanwhile: undo the part
			// that went in, so the import stays all-or-nothing.
			if derr := s.d.Store.DeleteImport(ctx, batch); derr != nil {
				return nil, derr
			}
		}
		_ = s.changed(ctx)
		return nil, err
	}
	if err := s.changed(ctx); err != nil {
		return nil, err
	}
	for _, c := range created {
		if err := s.d.Audit.Record(ctx, "collaborator.create", "collaborator", c.ID, map[string]any{
			"code": c.Code, "email": c.Email, "role": c.Role, "area_code": c.AreaCode, "batch": batch}); err != nil {
			return nil, err
		}
	}
	if s.onCreate != nil {
		s.onCreate(ctx, created)
	}
	return created, nil
}

func onlyUniqueness(fe []errs.FieldError) bool {
	for _, f := range fe {
		if !strings.HasPrefix(f.Message, "is already registered") {
			return false
		}
	}
	return true
}

// Update applies a patch to a collaborator inside scope. Only a
// coordinator or admin may change the staff-only fields. Errors:
// errs.NotFound, errs.Forbidden, errs.Invalid, errs.Conflict.
func (s *Service) Update(ctx context.Context, scope authz.Scope, canManage bool, id string, p Patch) (c Collaborator, err error) {
	defer errs.Wrap(&err, "collaborators.Update(%q)", id)
	snap, err := s.current(ctx)
	if err != nil {
		return Collaborator{}, err
	}
	cur, err := snap.get(scope, id)
	if err != nil {
		return Collaborator{}, err
	}
	areaExists := func(code string) bool { _, ok := snap.areaIdx[code]; return ok }
	// A patch that cannot apply is refused as such before the renewal rule
	// reads its dates.
	if _, _, err := Apply(cur, p, canManage, areaExists); err != nil {
		return Collaborator{}, err
	}
	override, err := s.renewalOverride(ctx, cur, p, canManage)
	if err != nil {
		return Collaborator{}, err
	}
	var changes map[string]any
	next, err := s.d.Store.Update(ctx, id, s.d.Clock.Now(), func(cur *Collaborator) error {
		next, ch, err := Apply(*cur, p, canManage, areaExists)
		if err != nil {
			return err
		}
		if changes = ch; len(ch) == 0 {
			return store.ErrUnchanged
		}
		if err := snap.taken(id, next); err != nil {
			return err
		}
		next.ContractHistory = ContractHistory(cur.ContractHistory, cur.Contract, next.Contract, s.d.Clock.Now().In(clock.VN).Format(time.DateOnly))
		*cur = next
		return nil
	})
	if err != nil || len(changes) == 0 {
		return next, err
	}
	if err := s.changed(ctx); err != nil {
		return Collaborator{}, err
	}
	if next.AreaCode != cur.AreaCode && s.onMove != nil {
		s.onMove(ctx, id, cur.AreaCode, next.AreaCode)
	}
	if override != "" {
		changes["override_reason"] = override
		if err := s.d.Audit.Record(ctx, "contract.renewal_override", "collaborator", id, changes); err != nil {
			return Collaborator{}, err
		}
	}
	return next, s.d.Audit.Record(ctx, "collaborator.update", "collaborator", id, changes)
}

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Import registers the rows of an import file: all of them, or none when
// any row has a problem. Errors: errs.Invalid listing every problem as
// rows[<line>].<field>.
func (s *Service) Import(ctx context.Context, rows []ImportRow) (created []Collaborator, err error) {
	defer errs.Wrap(&err, "collaborators.Import")
	prefix := ImportPrefix(rows)
	var problems []errs.FieldError
	ins := make([]Input, len(rows))
	for i, r := range rows {
		ins[i] = r.Input
		for _, p := range r.Problems {
			problems = append(problems, errs.FieldError{Field: prefix(i) + p.Field, Message: p.Message})
		}
	}
	more, _, err := s.check(ctx, ins, prefix)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, p := range problems {
		seen[p.Field] = true
	}
	for _, p := range more {
		if !seen[p.Field] {
			problems = append(problems, p)
		}
	}
	if len(problems) > 0 {
		// The file's order: row by row (its line numbers, as a
		// spreadsheet shows them), then the fields as the row gives them.
		line := func(f string) int {
			n, _ := strconv.Atoi(strings.TrimPrefix(f[:max(strings.IndexByte(f, ']'), 0)], "rows["))
			return n
		}
		slices.SortStableFunc(problems, func(a, b errs.FieldError) int { return line(a.Field) - line(b.Field) })
		return nil, errs.Fields(errs.Invalid, "the file has problems; nothing was imported", problems)
	}
	return s.insert(ctx, ins)
}
