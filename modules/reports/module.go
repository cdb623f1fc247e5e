package reports

import (
	"context"
	_ "embed"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/module"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/ctvacademy/academy/modules/standing"
)

//go:embed policy.csv
var policy string

// Source gathers the reports' inputs: the people inside scope, the
// catalog's courses and the courses each role requires, those people's
// certificates, and what need asks for (their quarterly records and
// standing, the coming sessions), at the moment now. It reads whole
// cached copies (the registry's, certification's, performance's) and
// groups in Go, so a report costs a bounded number of store round trips
// whatever the number of people (docs/SCALE.md).
type Source interface {
	Inputs(ctx context.Context, scope authz.Scope, need Need) (Inputs, error)
	// AreaExists tells whether the registry has the district unit code,
	// whatever the scope.
	AreaExists(ctx context.Context, code string) (bool, error)
}

// Warmer is a Source that can compute the network's inputs ahead of a
// request and keep them where a fresh process finds them (Warm: nothing
// to do when what is kept is current).
type Warmer interface {
	Warm(ctx context.Context) error
}

// SnapshotEvery is how often the reports.snapshot job runs when the
// source is a Warmer: a fresh process's first report reads the inputs
// the job kept, unless an input moved within the last interval.
const SnapshotEvery = time.Minute

// Module serves the leadership reports.
type Module struct {
	module.Base
	src Source
}

// NewModule returns the module reading its inputs from src.
func NewModule(src Source) *Module {
	return &Module{Base: module.Named("reports", policy), src: src}
}

// Jobs: when the source is a Warmer, reports.snapshot keeps the
// network's inputs current in the store every SnapshotEvery, so that the
// first report of a process started after a change does not compute them.
func (m *Module) Jobs() []module.Job {
	w, ok := m.src.(Warmer)
	if !ok {
		return nil
	}
	return []module.Job{{Name: "reports.snapshot", Every: SnapshotEvery,
		Run: func(ctx context.Context, _ time.Time) error { return w.Warm(ctx) }}}
}

// Register adds the module's routes.
func (m *Module) Register(p *web.Platform) error {
	return module.Mount(p, views, m.apiRoutes, m.pageRoutes)
}

// Roles are the collaborator roles a filter may name.
var Roles = []string{authz.RoleTeamLeader, authz.RoleCTV}

// Standings are the standings a filter may name.
var Standings = []string{string(standing.Good), string(standing.Attention), string(standing.AtRisk)}

// ParseFilter checks a filter's values: role and standing exactly one of
// their enumerations (400 naming the field); the area code and the course
// upper-cased without surrounding spaces.
func ParseFilter(area, role, course, st string) (Filter, error) {
	f := Filter{Area: strings.ToUpper(strings.TrimSpace(area)), Role: role,
		Course: strings.ToUpper(strings.TrimSpace(course)), Standing: standing.Standing(st)}
	if f.Role != "" && !slices.Contains(Roles, f.Role) {
		return Filter{}, errs.Field("role", "must be team_leader or ctv")
	}
	if f.Standing != "" && !slices.Contains(Standings, string(f.Standing)) {
		return Filter{}, errs.Field("standing", "must be good, attention or at_risk")
	}
	return f, nil
}

// inputs are the source's inputs, narrowed to scope again so that a
// source reading more never widens a team leader's view, for a report of
// one district unit when areaCode is not empty: a code the registry does
// not have is a 400 naming area_code (an existing district outside a team
// leader's scope is simply empty).
func (m *Module) inputs(ctx context.Context, scope authz.Scope, need Need, areaCode string) (Inputs, error) {
	if a := area(areaCode); a != "" {
		ok, err := m.src.AreaExists(ctx, a)
		if err != nil {
			return Inputs{}, err
		}
		if !ok {
			return Inputs{}, errs.Field("area_code", "is not a known district unit")
		}
	}
	in, err := m.src.Inputs(ctx, scope, need)
	if err != nil {
		return Inputs{}, err
	}
	in.People = slices.DeleteFunc(slices.Clone(in.People), func(p Person) bool { return !scope.Allows(p.Area, p.ID) })
	in.Records = slices.DeleteFunc(slices.Clone(in.Records), func(r Record) bool { return !scope.Allows(r.Area, r.Person) })
	return in, nil
}

// Competency is the competency matrix inside scope that passes f. A
// course that is not in the catalog is a 400 naming course.
func (m *Module) Competency(ctx context.Context, scope authz.Scope, f Filter) (Matrix, error) {
	in, err := m.inputs(ctx, scope, Need{Records: true}, f.Area)
	if err != nil {
		return Matrix{}, err
	}
	if err := knownCourse(in, f.Course); err != nil {
		return Matrix{}, err
	}
	return Build(in).Matrix(f), nil
}

// knownCourse is a 400 naming course when code is neither empty nor a
// course of the catalog.
func knownCourse(in Inputs, code string) error {
	if code != "" && !slices.ContainsFunc(in.Courses, func(c Course) bool { return c.Code == code }) {
		return errs.Field("course", "no course of the catalog has this code")
	}
	return nil
}

// CourseRates are the attendance and quiz pass rates per course and
// quarter inside scope (of one district when areaCode is not empty, of
// one course when course is not empty), and the same per quarter over
// those courses (Index.CourseRates). A course that is not in the catalog
// is a 400 naming course.
func (m *Module) CourseRates(ctx context.Context, scope authz.Scope, areaCode, course string) (rows, totals []CourseQuarter, err error) {
	in, err := m.inputs(ctx, scope, Need{Ledgers: true}, areaCode)
	if err != nil {
		return nil, nil, err
	}
	course = strings.ToUpper(strings.TrimSpace(course))
	if err := knownCourse(in, course); err != nil {
		return nil, nil, err
	}
	rows, totals = Build(in).CourseRates(area(areaCode), course)
	return rows, totals, nil
}

// area is an area_code query's value as the reports compare it.
func area(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// Coverage is the coverage of the districts in scope (of one when area is
// not empty), with the next session that would renew each expiring
// certificate.
func (m *Module) Coverage(ctx context.Context, scope authz.Scope, areaCode string) ([]DistrictCoverage, error) {
	in, err := m.inputs(ctx, scope, Need{Sessions: true}, areaCode)
	if err != nil {
		return nil, err
	}
	return Build(in).Coverage(area(areaCode)), nil
}

// Quarters is the network's quarters inside scope (one district's when
// area is not empty), oldest first.
func (m *Module) Quarters(ctx context.Context, scope authz.Scope, areaCode string) ([]Quarter, error) {
	in, err := m.inputs(ctx, scope, Need{Records: true}, areaCode)
	if err != nil {
		return nil, err
	}
	return Build(in).Quarters(area(areaCode)), nil
}

// ParseDays checks a days query: empty is ContractDays, else 0 to 366
// (400 naming days).
func ParseDays(s string) (int, error) {
	if s == "" {
		return ContractDays, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 366 {
		return 0, errs.Field("days", "must be a whole number of days from 0 to 366")
	}
	return n, nil
}

// ParseWithin checks a within query, the expiry horizon of the coverage
// page and the expiring downloads: empty is the last of Horizons, else one
// of them (400 naming within).
func ParseWithin(s string) (int, error) {
	if s == "" {
		return Horizons[len(Horizons)-1], nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || !slices.Contains(Horizons[:], n) {
		return 0, errs.Field("within", "must be 30, 60 or 90")
	}
	return n, nil
}

// Contracts are the contracts inside scope (of one district when area is
// not empty) ending within days, with each person's standing and renewal
// eligibility.
func (m *Module) Contracts(ctx context.Context, scope authz.Scope, areaCode string, days int) ([]Ending, error) {
	in, err := m.inputs(ctx, scope, Need{Records: true}, areaCode)
	if err != nil {
		return nil, err
	}
	return Build(in).Contracts(area(areaCode), days), nil
}
