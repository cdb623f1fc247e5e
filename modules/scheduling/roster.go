package scheduling

import (
	"context"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
)

// RosterLine is one person on a session's attendance sheet.
type RosterLine struct {
	Person   Person
	Invited  bool
	Response string // the invitation's answer; "" for a walk-in
	Status   string // the attendance status; "" while unmarked
	WalkIn   bool
}

// Roster returns a session inside scope and its attendance sheet: every
// invitee and every walk-in marked inside scope (a team leader sees only
// their district's people, on a network-wide session too), by name.
// Errors: errs.NotFound.
func (s *Service) Roster(ctx context.Context, scope authz.Scope, id string) (Session, []RosterLine, error) {
	x, err := s.Get(ctx, scope, id)
	if err != nil {
		return Session{}, nil, err
	}
	var ids []string
	lines := map[string]*RosterLine{}
	for _, inv := range x.Invitations {
		ids = append(ids, inv.CollaboratorID)
		lines[inv.CollaboratorID] = &RosterLine{Invited: true, Response: inv.Response}
	}
	for _, m := range x.Attendance {
		l, ok := lines[m.CollaboratorID]
		if !ok {
			ids = append(ids, m.CollaboratorID)
			l = &RosterLine{WalkIn: true}
			lines[m.CollaboratorID] = l
		}
		l.Status = m.Status
	}
	people, err := s.d.Directory.People(ctx, ids)
	if err != nil {
		return Session{}, nil, err
	}
	out := make([]RosterLine, 0, len(ids))
	for _, cid := range ids {
		l := *lines[cid]
		p, ok := people[cid]
		if !reaches(scope, p, ok) {
			continue
		}
		if !ok {
			p = Person{ID: cid, Name: cid} // archived since
		}
		l.Person = p
		out = append(out, l)
	}
	sortByName(out, func(l RosterLine) string { return l.Person.Name })
	return x, out, nil
}

// WalkInCandidates lists the people who may be added to a session's sheet
// as walk-ins, by name: those of the session's district (a team leader's
// own district for a network-wide session) not on the sheet yet. For a
// network-wide session seen by staff it lists nobody: they add a walk-in
// by code.
func (s *Service) WalkInCandidates(ctx context.Context, scope authz.Scope, x Session) ([]Person, error) {
	area := x.AreaCode
	if scope.Kind == authz.ScopeArea {
		area = scope.AreaCode
	}
	if area == "" {
		return nil, nil
	}
	all, err := s.d.Directory.PeopleIn(ctx, area, "")
	if err != nil {
		return nil, err
	}
	on := map[string]bool{}
	for _, inv := range x.Invitations {
		on[inv.CollaboratorID] = true
	}
	for _, m := range x.Attendance {
		on[m.CollaboratorID] = true
	}
	var out []Person
	for _, p := range all {
		if !on[p.ID] {
			out = append(out, p)
		}
	}
	sortByName(out, func(p Person) string { return p.Name })
	return out, nil
}

// PersonByCode finds an active collaborator by code, inside scope (a team
// leader reaches their district). Errors: errs.NotFound.
func (s *Service) PersonByCode(ctx context.Context, scope authz.Scope, code string) (Person, error) {
	code = strings.TrimSpace(code)
	area := ""
	if scope.Kind == authz.ScopeArea {
		area = scope.AreaCode
	}
	if code != "" {
		all, err := s.d.Directory.PeopleIn(ctx, area, "")
		if err != nil {
			return Person{}, err
		}
		for _, p := range all {
			if strings.EqualFold(p.Code, code) {
				return p, nil
			}
		}
	}
	return Person{}, errs.E(errs.NotFound, "no collaborator with code %q", code)
}

// Now is the service's clock reading, for pages that show what is open.
func (s *Service) Now() time.Time { return s.d.Clock.Now() }
