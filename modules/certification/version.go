package certification

import "context"

// Version is the certificates' version as this process's copy stands for
// it (the version document's count once the copy is checked, at most
// Fresh ago): a cache of something computed from List is kept by it,
// together with the registry's (List joins each holder's district).
func (s *Service) Version(ctx context.Context) (int64, error) { return s.snap.Version(ctx) }

// StoredVersion is the certificates' version document's count as stored
// now (one read by _id), without building this process's copy: something
// computed from the certificates and kept in the store under the version
// it was computed at is current while the two are equal.
func (s *Service) StoredVersion(ctx context.Context) (int64, error) { return s.d.Store.Version(ctx) }
