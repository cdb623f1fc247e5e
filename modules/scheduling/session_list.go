package scheduling

import (
	"context"
	"slices"
	"sort"
	"time"

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
	_, invited := x.Invitation(scope.CollaboratorID)
	return indexEntry{Area: x.AreaCode}.seenBy(scope, invited)
}

// find lists the sessions of a query by start time: the live ones, and
// the archived ones too when the query reaches back past ArchiveAfter
// (sessions starting since then have not ended long enough to move).
func (s *Service) find(ctx context.Context, q Query) ([]Session, error) {
	live, err := s.d.Store.Find(ctx, q)
	if err != nil {
		return nil, err
	}
	if !s.reachesArchive(q) {
		byStart(live)
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
	byStart(all)
	return all, nil
}

// byStart sorts sessions by start, then id (the order of every list).
func byStart(xs []Session) {
	sort.SliceStable(xs, func(i, j int) bool { return earlier(xs[i].StartsAt, xs[i].ID, xs[j].StartsAt, xs[j].ID) })
}

func earlier(t1 time.Time, id1 string, t2 time.Time, id2 string) bool {
	if !t1.Equal(t2) {
		return t1.Before(t2)
	}
	return id1 < id2
}

// reachesArchive reports whether a query reaches back past ArchiveAfter
// (sessions starting since then have not ended long enough to move).
func (s *Service) reachesArchive(q Query) bool {
	return q.From.IsZero() || q.From.Before(s.d.Clock.Now().Add(-ArchiveAfter))
}

// List returns the sessions of a query inside scope.
func (s *Service) List(ctx context.Context, scope authz.Scope, q Query) ([]Session, error) {
	xs, _, err := s.Page(ctx, scope, q, -1, 0)
	return xs, err
}

// Page returns the sessions of a query inside scope by start time, from
// offset and at most limit of them (limit < 0: all), and how many there
// are in all. Past ArchiveAfter it reads the archive's index instead of
// the archive (Service.pageIndexed), until the index is complete the
// archive.
func (s *Service) Page(ctx context.Context, scope authz.Scope, q Query, limit, offset int) ([]Session, int, error) {
	if s.reachesArchive(q) {
		xs, total, ok, err := s.pageIndexed(ctx, scope, q, limit, offset)
		if err != nil || ok {
			return xs, total, err
		}
	}
	all, err := s.find(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	all = slices.DeleteFunc(all, func(x Session) bool { return !sees(scope, x) })
	return cut(all, limit, offset), len(all), nil
}

// cut is the page of xs from offset, at most limit long (< 0: all).
func cut[T any](xs []T, limit, offset int) []T {
	offset = min(offset, len(xs))
	if limit < 0 || offset+limit > len(xs) {
		return xs[offset:]
	}
	return xs[offset : offset+limit]
}

// pageIndexed is Page through the archive's index: the live sessions of
// the query, then the index's entries of the archived ones (the live read
// comes first: an entry is written before its session leaves the live
// collection, so a session archived meanwhile is found in one or both, and
// counted once), selected and paged in Go, and the page's archived
// sessions read by `_id`. A collaborator's own sessions are those in their
// attendance book they were invited to (walk-ins are not) and those of
// their district. It reports false, having read nothing, while the index
// (or, for a collaborator, the book) is not complete.
func (s *Service) pageIndexed(ctx context.Context, scope authz.Scope, q Query, limit, offset int) ([]Session, int, bool, error) {
	st := s.d.Store
	var mine map[string]bool
	if scope.Kind == authz.ScopeOwn {
		if done, err := st.book.Complete(ctx); err != nil || !done {
			return nil, 0, false, err
		}
		book, err := st.book.Of(ctx, scope.CollaboratorID)
		if err != nil {
			return nil, 0, false, err
		}
		mine = make(map[string]bool, len(book))
		for _, e := range book {
			mine[e.Session] = true
		}
	}
	if done, err := st.indexDone(ctx); err != nil || !done {
		return nil, 0, false, err
	}
	live, err := st.Find(ctx, q)
	if err != nil {
		return nil, 0, false, err
	}
	archived, gen, ok, err := st.indexed(ctx, q.From, q.To)
	if err != nil || !ok {
		return nil, 0, false, err
	}
	type item struct {
		id    string
		start time.Time
		live  *Session
	}
	items := make([]item, 0, len(live)+len(archived))
	seen := make(map[string]bool, len(live))
	for i, x := range live {
		seen[x.ID] = true
		if sees(scope, x) {
			items = append(items, item{x.ID, x.StartsAt, &live[i]})
		}
	}
	for _, e := range archived {
		if !seen[e.ID] && q.selects(e) && e.seenBy(scope, mine[e.ID]) {
			items = append(items, item{e.ID, e.Start, nil})
		}
	}
	sort.Slice(items, func(i, j int) bool { return earlier(items[i].start, items[i].id, items[j].start, items[j].id) })
	page := cut(items, limit, offset)
	var ids []string
	for _, it := range page {
		if it.live == nil {
			ids = append(ids, it.id)
		}
	}
	// One read by `_id` each (the embedded store scans the collection for
	// an `_id: {$in: …}` filter of many ids), unless the process holds it
	// from a read at the same Gen of the index.
	read, err := st.archivedAt(ctx, gen, ids)
	if err != nil {
		return nil, 0, false, err
	}
	out := make([]Session, 0, len(page))
	for _, it := range page {
		if it.live != nil {
			out = append(out, *it.live)
		} else if d, ok := read[it.id]; ok {
			out = append(out, d.toSession())
		}
	}
	return out, len(items), true, nil
}

// selects reports whether an archived session's entry matches the query's
// district and series (its start is matched by Store.indexed).
func (q Query) selects(e indexEntry) bool {
	return (q.AreaCode == "" || e.Area == "" || e.Area == q.AreaCode) && (q.SeriesID == "" || e.Series == q.SeriesID)
}

// seenBy is sees for an archived session's entry; inBook says the session
// is in the collaborator's attendance book (invited, or marked as a
// walk-in, which the entry lists; a live session's entry lists none).
func (e indexEntry) seenBy(scope authz.Scope, inBook bool) bool {
	switch scope.Kind {
	case authz.ScopeAll:
		return true
	case authz.ScopeArea:
		return e.Area == "" || e.Area == scope.AreaCode
	case authz.ScopeOwn:
		if inBook && !slices.Contains(e.WalkIns, scope.CollaboratorID) {
			return true
		}
		return e.Area != "" && e.Area == scope.AreaCode
	}
	return false
}
