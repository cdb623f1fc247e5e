package scheduling

import "context"

// InsertHistory stores sessions as they stand after the fact — their
// invitations, answers and attendance already in them — in the store's own
// document format, together with the RSVP token records their invitation
// mails carried (Store.PutTokens, as notifyLagging writes them): inserts
// only, never an update per session. It is for loading history in bulk (the
// benchmark fixture, a migration), not for the request path: it mails nobody
// and records no audit entry. Sessions that ended more than ArchiveAfter ago
// go straight to the archive. The attendance book gets their entries from
// its backfill, or, once that has finished, from here. Errors: the driver's error when a session
// exists already (tokens there already are kept).
func (s *Service) InsertHistory(ctx context.Context, ss []Session) error {
	if len(ss) == 0 {
		return nil
	}
	// Where the archive job would have put them by now.
	cutoff := s.d.Clock.Now().Add(-ArchiveAfter)
	var live, archived []Session
	for _, x := range ss {
		if x.EndsAt.Before(cutoff) {
			archived = append(archived, x)
		} else {
			live = append(live, x)
		}
	}
	if err := s.d.Store.Insert(ctx, live); err != nil {
		return err
	}
	if err := s.d.Store.InsertArchived(ctx, archived); err != nil {
		return err
	}
	// Once the attendance book's backfill has finished it no longer walks
	// the sessions, so the entries of these go to the books here.
	if complete, err := s.d.Store.book.Complete(ctx); err != nil {
		return err
	} else if complete {
		for _, x := range ss {
			if err := s.d.Store.syncBook(ctx, x, nil); err != nil {
				return err
			}
		}
	}
	var tokens []Token
	for _, x := range ss {
		for _, inv := range x.Invitations {
			tokens = append(tokens, Token{Hash: tokenHash(s.Token(x.ID, inv.CollaboratorID)), SessionID: x.ID,
				CollaboratorID: inv.CollaboratorID, CreatedAt: inv.InvitedAt})
		}
	}
	return s.d.Store.PutTokens(ctx, tokens)
}
