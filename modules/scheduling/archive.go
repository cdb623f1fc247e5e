package scheduling

import (
	"context"
	"fmt"

	"github.com/ctvacademy/academy/modules/platform/jobs"
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
	// One session that cannot move stays live; the others go.
	n, bad, err := jobs.Each(ctx, s.d.Logger, old, "archiving a session failed", "session", sessionID, func(x Session) (bool, error) {
		if !x.EndsAt.Before(cutoff) {
			return false, nil
		}
		return s.d.Store.Archive(ctx, x.ID)
	})
	if err == nil && bad > 0 {
		err = fmt.Errorf("archive: %d sessions could not be moved (see the log); %d were", bad, n)
	}
	return n, err
}

// sessionID names a session in a job's log.
func sessionID(x Session) string { return x.ID }
