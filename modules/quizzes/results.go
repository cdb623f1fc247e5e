package quizzes

import (
	"context"
	"sort"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
)

// Person is a collaborator as the results pages name them.
type Person struct {
	ID, Code, Name, AreaCode, AreaName, Role string
	Archived                                 bool
}

// Area is a district unit.
type Area struct{ Code, Name string }

// Directory answers the results pages' questions about people; the
// registry implements it (handed in from app).
type Directory interface {
	// People lists the collaborators of a district unit ("" every unit),
	// archived ones included.
	People(ctx context.Context, areaCode string) ([]Person, error)
	// Areas lists the district units.
	Areas(ctx context.Context) ([]Area, error)
}

// PersonResult is one person's results at a course.
type PersonResult struct {
	Person    Person
	Cycle     int // the latest certification cycle they made attempts in
	Used      int // attempts made in it, open ones included
	Graded    int // graded attempts in it
	BestScore float64
	PassedAt  time.Time // the first passing attempt's submission
	Open      bool      // an attempt is open
}

// PeopleResults is a course's results per person inside a scope.
type PeopleResults struct {
	CourseCode string
	AreaCode   string // the unit shown; empty: every unit in scope
	People     []PersonResult
	Passed     int // people who passed
	NotStarted int // people the course is required for without an attempt
}

// ResultsByPerson lists, for a course, every person in scope the course is
// required for or who made an attempt at it, with their best score,
// attempts used and when they passed; areaCode narrows it to one unit
// (a team leader's scope is their unit whatever they ask). People are
// sorted by unit, then name.
//
// Returns errs.NotFound for a course not in the catalog.
func (s *Service) ResultsByPerson(ctx context.Context, scope authz.Scope, course, areaCode string) (PeopleResults, error) {
	c, ok := s.d.Catalog.Course(course)
	if !ok {
		return PeopleResults{}, errs.E(errs.NotFound, "no such course")
	}
	if scope.Kind == authz.ScopeArea {
		areaCode = scope.AreaCode
	}
	out := PeopleResults{CourseCode: c.Code, AreaCode: areaCode}
	attempts, err := s.List(ctx, scope, Filter{CourseCode: c.Code, AreaCode: areaCode})
	if err != nil {
		return out, err
	}
	var people []Person
	if s.d.People != nil {
		if people, err = s.d.People.People(ctx, areaCode); err != nil {
			return out, err
		}
	}
	byID := map[string]*PersonResult{}
	var order []string
	add := func(p Person) *PersonResult {
		if r, ok := byID[p.ID]; ok {
			return r
		}
		byID[p.ID] = &PersonResult{Person: p}
		order = append(order, p.ID)
		return byID[p.ID]
	}
	known := map[string]Person{}
	for _, p := range people {
		known[p.ID] = p
		if !p.Archived && c.IsRequiredFor(p.Role) && scope.Allows(p.AreaCode, p.ID) {
			add(p)
		}
	}
	for _, a := range attempts {
		p, ok := known[a.CollaboratorID]
		if !ok {
			p = Person{ID: a.CollaboratorID, Code: a.CollaboratorID, Name: a.CollaboratorID, AreaCode: a.AreaCode}
		}
		r := add(p)
		if cy := max(a.Cycle, 1); cy > r.Cycle {
			r.Cycle, r.Used, r.Graded, r.Open = cy, 0, 0, false
		}
		inCycle := max(a.Cycle, 1) == r.Cycle
		if inCycle {
			r.Used++
		}
		switch a.Status {
		case StatusOpen:
			r.Open = r.Open || inCycle
		case StatusGraded:
			if inCycle {
				r.Graded++
			}
			r.BestScore = max(r.BestScore, a.Score)
			if a.Passed && (r.PassedAt.IsZero() || a.SubmittedAt.Before(r.PassedAt)) {
				r.PassedAt = a.SubmittedAt
			}
		}
	}
	for _, id := range order {
		r := *byID[id]
		if !r.PassedAt.IsZero() {
			out.Passed++
		}
		if r.Used == 0 {
			out.NotStarted++
		}
		out.People = append(out.People, r)
	}
	sort.SliceStable(out.People, func(i, j int) bool {
		a, b := out.People[i].Person, out.People[j].Person
		if a.AreaName != b.AreaName {
			return a.AreaName < b.AreaName
		}
		return a.Name < b.Name
	})
	return out, nil
}

// ResultAreas lists the district units a results page may filter on inside
// scope: one for a team leader, every unit for staff.
func (s *Service) ResultAreas(ctx context.Context, scope authz.Scope) ([]Area, error) {
	if s.d.People == nil {
		return nil, nil
	}
	all, err := s.d.People.Areas(ctx)
	if err != nil {
		return nil, err
	}
	if scope.Kind == authz.ScopeAll {
		return all, nil
	}
	var out []Area
	for _, a := range all {
		if scope.Kind == authz.ScopeArea && a.Code == scope.AreaCode {
			out = append(out, a)
		}
	}
	return out, nil
}

// MissRate is the share of the times a question was asked that it was
// answered wrong (0 when never asked).
func (i ItemStat) MissRate() float64 {
	if i.Asked == 0 {
		return 0
	}
	return float64(i.Asked-i.Correct) / float64(i.Asked)
}

// ByMissRate sorts item statistics so that the questions most people miss
// come first: by miss rate, then by the number of misses, then by id;
// questions never asked come last.
func ByMissRate(items []ItemStat) {
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if (a.Asked == 0) != (b.Asked == 0) {
			return b.Asked == 0
		}
		if ra, rb := a.MissRate(), b.MissRate(); ra != rb {
			return ra > rb
		}
		if ma, mb := a.Asked-a.Correct, b.Asked-b.Correct; ma != mb {
			return ma > mb
		}
		return a.QuestionID < b.QuestionID
	})
}
