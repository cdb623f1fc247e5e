package scheduling

import (
	"context"

	"github.com/ctvacademy/academy/modules/platform/authz"
)

// Row scope inside a session. A session a team leader reaches — their
// district's, or one open to the whole network (no area code) — may hold
// people of several districts, so scope holds per person too: every list,
// roster and export keeps to the people inside the caller's scope, and
// every write naming someone outside it is refused as if they did not
// exist (records outside scope answer 404).

// reaches reports whether scope reaches person p; found tells whether the
// directory knows p. Staff reach everyone on a session's sheet, people
// archived since included; anyone else reaches only the people whose
// current record lies inside their scope.
func reaches(scope authz.Scope, p Person, found bool) bool {
	if scope.Kind == authz.ScopeAll {
		return true
	}
	return found && scope.Allows(p.AreaCode, p.ID)
}

// reachable returns a test of whether scope reaches each of ids. Staff
// need no look-up.
func (s *Service) reachable(ctx context.Context, scope authz.Scope, ids []string) (func(string) bool, error) {
	if scope.Kind == authz.ScopeAll {
		return func(string) bool { return true }, nil
	}
	people, err := s.d.Directory.People(ctx, ids)
	if err != nil {
		return nil, err
	}
	return func(id string) bool {
		p, ok := people[id]
		return reaches(scope, p, ok)
	}, nil
}

// MarksInScope returns the attendance marks of x whose person lies inside
// scope, in the sheet's order.
func (s *Service) MarksInScope(ctx context.Context, scope authz.Scope, x Session) ([]Mark, error) {
	ids := make([]string, len(x.Attendance))
	for i, m := range x.Attendance {
		ids[i] = m.CollaboratorID
	}
	in, err := s.reachable(ctx, scope, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Mark, 0, len(x.Attendance))
	for _, m := range x.Attendance {
		if in(m.CollaboratorID) {
			out = append(out, m)
		}
	}
	return out, nil
}

// Attendance returns a session inside scope and the marks of the people
// inside scope. Errors: errs.NotFound.
func (s *Service) Attendance(ctx context.Context, scope authz.Scope, id string) (Session, []Mark, error) {
	x, err := s.Get(ctx, scope, id)
	if err != nil {
		return Session{}, nil, err
	}
	ms, err := s.MarksInScope(ctx, scope, x)
	return x, ms, err
}
