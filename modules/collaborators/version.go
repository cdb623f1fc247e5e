package collaborators

import "context"

// Version is the registry's version as this process's copy stands for it
// (the version document's count once the copy is checked, at most Fresh
// ago): a cache of something computed from List and Get is kept by it.
func (s *Service) Version(ctx context.Context) (int64, error) { return s.snap.Version(ctx) }
