package scheduling

import (
	"context"
	"sort"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
)

// Get returns a session inside scope. Errors: errs.NotFound.
func (s *Service) Get(ctx context.Context, scope authz.Scope, id string) (Session, error) {
	x, err := s.d.Store.Get(ctx, id)
	if err != nil {
		return Session{}, err
	}
	if !sees(scope, x) {
		return Session{}, errs.E(errs.NotFound, "no such session")
	}
	return x, nil
}

// sees reports whether a scope reaches a session: staff all, a team
// leader their district's and the network-wide ones, a collaborator those
// they are invited to or that are for their district.
func sees(scope authz.Scope, x Session) bool {
	switch scope.Kind {
	case authz.ScopeAll:
		return true
	case authz.ScopeArea:
		return x.AreaCode == "" || x.AreaCode == scope.AreaCode
	case authz.ScopeOwn:
		if _, ok := x.Invitation(scope.CollaboratorID); ok {
			return true
		}
		return x.AreaCode != "" && x.AreaCode == scope.AreaCode
	}
	return false
}

// find lists the sessions of a query by start time: the live ones, and
// the archived ones too when the query reaches back past ArchiveAfter
// (sessions starting since then have not ended long enough to move).
func (s *Service) find(ctx context.Context, q Query) ([]Session, error) {
	live, err := s.d.Store.Find(ctx, q)
	if err != nil {
		return nil, err
	}
	if !q.From.IsZero() && !q.From.Before(s.d.Clock.Now().Add(-ArchiveAfter)) {
		return live, nil
	}
	old, err := s.d.Store.FindArchived(ctx, q)
	if err != nil {
		return nil, err
	}
	// A session moved between the two reads is in both.
	seen := make(map[string]bool, len(live))
	for _, x := range live {
		seen[x.ID] = true
	}
	all := live
	for _, x := range old {
		if !seen[x.ID] {
			all = append(all, x)
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].StartsAt.Before(all[j].StartsAt) })
	return all, nil
}

// List returns the sessions of a query inside scope.
func (s *Service) List(ctx context.Context, scope authz.Scope, q Query) ([]Session, error) {
	all, err := s.find(ctx, q)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, x := range all {
		if sees(scope, x) {
			out = append(out, x)
		}
	}
	return out, nil
}
