package performance

import "context"

// The records' version (performance_version, one store.Counter): every
// write of a record bumps it when it marks the record pending and again
// once the record's row is in its summary (Store.markPending, summarize,
// Bulk), so a process's copy of every quarter (Everyone) learns whether
// anything moved from one read by _id, whichever process wrote, instead
// of reading every summary.

// Version is the version document's count (0 before the first write).
func (st *Store) Version(ctx context.Context) (int64, error) { return st.version.Value(ctx) }

// bump counts a change of the records.
func (st *Store) bump(ctx context.Context) error {
	_, err := st.version.Bump(ctx)
	return err
}
