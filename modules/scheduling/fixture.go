package scheduling

import "context"

// InsertHistory stores sessions as they stand after the fact — their
// invitations, answers and attendance already in them — in the store's own
// document format, together with the RSVP token records their invitation
// mails carried (as notifyLagging writes them): one insert of the sessions
// and one of the tokens, never an update per session. It is for loading
// history in bulk (the benchmark fixture, a migration), not for the request
// path: it mails nobody and records no audit entry. Errors: the driver's
// error when a session or token exists already.
func (s *Service) InsertHistory(ctx context.Context, ss []Session) error {
	if len(ss) == 0 {
		return nil
	}
	if err := s.d.Store.Insert(ctx, ss); err != nil {
		return err
	}
	var tokens []any
	for _, x := range ss {
		for _, inv := range x.Invitations {
			tokens = append(tokens, Token{Hash: tokenHash(s.Token(x.ID, inv.CollaboratorID)), SessionID: x.ID,
				CollaboratorID: inv.CollaboratorID, CreatedAt: inv.InvitedAt})
		}
	}
	if len(tokens) == 0 {
		return nil
	}
	_, err := s.d.Store.db.Collection(tokensColl).InsertMany(ctx, tokens)
	return err
}
