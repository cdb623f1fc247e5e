package scheduling

import (
	"context"
	"fmt"
)

// ArchiveSessions moves the sessions that ended more than ArchiveAfter ago
// out of the live collection and reports how many it moved. A job runs it.
// A session that cannot be moved is logged and left; the others move.
func (s *Service) ArchiveSessions(ctx context.Context) (int, error) {
	cutoff := s.d.Clock.Now().Add(-ArchiveAfter)
	old, err := s.d.Store.Find(ctx, Query{To: cutoff})
	if err != nil {
		return 0, err
	}
	n, bad := 0, 0
	for _, x := range old {
		if !x.EndsAt.Before(cutoff) {
			continue
		}
		moved, err := s.d.Store.Archive(ctx, x.ID)
		if err != nil {
			if ctx.Err() != nil {
				return n, ctx.Err()
			}
			// One session that cannot move stays live; the others go.
			bad++
			s.d.Logger.ErrorContext(ctx, "archiving a session failed", "session", x.ID, "err", err)
			continue
		}
		if moved {
			n++
		}
	}
	if bad > 0 {
		return n, fmt.Errorf("archive: %d sessions could not be moved (see the log); %d were", bad, n)
	}
	return n, nil
}
