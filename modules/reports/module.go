package reports

import (
	"context"
	_ "embed"
	"slices"
	"strings"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/module"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/ctvacademy/academy/modules/standing"
)

//go:embed policy.csv
var policy string

// Source gathers the reports' inputs: the people inside scope with their
// standing, the catalog's courses and the courses each role requires,
// those people's certificates and quarterly records, and the moment now.
// It reads whole cached copies (the registry's, certification's) and
// groups in Go, so a report costs a bounded number of store round trips
// whatever the number of people (docs/SCALE.md).
type Source interface {
	Inputs(ctx context.Context, scope authz.Scope) (Inputs, error)
}

// Module serves the leadership reports.
type Module struct {
	module.Base
	src      Source
	platform *web.Platform
}

// NewModule returns the module reading its inputs from src.
func NewModule(src Source) *Module {
	return &Module{Base: module.Named("reports", policy), src: src}
}

// Register adds the module's routes.
func (m *Module) Register(p *web.Platform) error {
	m.apiRoutes(p.API)
	return m.pageRoutes(p)
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

// Competency is the competency matrix inside scope that passes f. A
// course that is not in the catalog is a 400 naming course.
func (m *Module) Competency(ctx context.Context, scope authz.Scope, f Filter) (Matrix, error) {
	in, err := m.src.Inputs(ctx, scope)
	if err != nil {
		return Matrix{}, err
	}
	if f.Course != "" && !slices.ContainsFunc(in.Courses, func(c Course) bool { return c.Code == f.Course }) {
		return Matrix{}, errs.Field("course", "no course of the catalog has this code")
	}
	// The source reads inside scope; the scope is applied again here so
	// that a source reading more never widens a team leader's view.
	people := in.People[:0:0]
	for _, p := range in.People {
		if scope.Allows(p.Area, p.ID) {
			people = append(people, p)
		}
	}
	in.People = people
	return Build(in).Matrix(f), nil
}

// Coverage is the coverage of the districts in scope (of one when area is
// not empty).
func (m *Module) Coverage(ctx context.Context, scope authz.Scope, area string) ([]DistrictCoverage, error) {
	in, err := m.src.Inputs(ctx, scope)
	if err != nil {
		return nil, err
	}
	people := in.People[:0:0]
	for _, p := range in.People {
		if scope.Allows(p.Area, p.ID) {
			people = append(people, p)
		}
	}
	in.People = people
	return Build(in).Coverage(strings.ToUpper(strings.TrimSpace(area))), nil
}
