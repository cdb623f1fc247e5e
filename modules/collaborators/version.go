package collaborators

import "context"

// Version is the registry's version as this process's copy stands for it
// (the version document's count once the copy is checked, at most Fresh
// ago): a cache of something computed from List and Get is kept by it.
func (s *Service) Version(ctx context.Context) (int64, error) { return s.snap.Version(ctx) }

// StoredVersion is the registry's version document's count as stored now
// (one read by _id), whatever this process's copy stands for: a copy of
// something computed from the registry, kept in the store under the
// version it was computed at, is current while the two are equal.
func (s *Service) StoredVersion(ctx context.Context) (int64, error) { return s.d.Store.Version(ctx) }
