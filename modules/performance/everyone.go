package performance

import (
	"context"
	"slices"
	"sync"

	"github.com/ctvacademy/academy/modules/platform/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Everyone is an in-process copy of every quarter's stored records, for
// reports that read the whole network, kept by the records' version
// document (Store.Version): every write of a record bumps it, so a change
// made by any process sharing the store is seen by the next call.
//
// A call reads the version (one read by _id); when it moved, every
// summary (one query) and the pending records by _id (a write under way;
// usually none). The pending records are read again on every call until
// the version moves, so a write that stopped half way costs a read, never
// a stale answer. A record whose id a quarter lists without a row in its
// summary (written before summaries existed, and not written since) is
// not in the copy.
type Everyone struct {
	st    *Store
	score func(Record) Record // a stored row as Stored returns it

	mu      sync.Mutex
	have    bool
	version int64
	all     []Record // every row of every summary
	pending []string // ids the summaries listed as pending
}

// newEveryone returns the copy of st's records (empty until its first
// Records), each row passed through score.
func newEveryone(st *Store, score func(Record) Record) *Everyone {
	return &Everyone{st: st, score: score}
}

// Records are every stored record of every quarter (any order), the
// pending ones as stored now, and the version they stand for: the same
// version, the same records, so a cache computed from them is kept by
// it; -1 while a record is pending (it may change without a bump until
// its write is done), which no cache keeps. The slice is shared: callers
// do not change it.
func (e *Everyone) Records(ctx context.Context) ([]Record, int64, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	v, err := e.st.Version(ctx)
	if err != nil {
		return nil, 0, err
	}
	if !e.have || v != e.version {
		// The version is read before the summaries: a write landing now
		// bumps past v, and the next call reads again.
		docs, err := e.st.summaries.List(ctx, bson.D{}, store.Find{})
		if err != nil {
			return nil, 0, err
		}
		var all []Record
		var pending []string
		for _, d := range docs {
			if err := d.decode(); err != nil {
				return nil, 0, err
			}
			for _, r := range d.Rows {
				all = append(all, e.score(r))
			}
			pending = append(pending, d.Pending...)
		}
		e.all, e.pending, e.version, e.have = all, pending, v, true
	}
	if len(e.pending) == 0 {
		return e.all, v, nil
	}
	// A write under way: its record as stored now replaces its row.
	read, err := e.st.records.GetMany(ctx, e.pending)
	if err != nil {
		return nil, 0, err
	}
	out := slices.Clone(e.all)
	v = -1
	for i, r := range out {
		if n, ok := read[r.ID]; ok {
			out[i] = e.score(n)
			delete(read, r.ID)
		}
	}
	for _, r := range read {
		out = append(out, e.score(r))
	}
	return out, v, nil
}

// StoredVersion is the records' version document's count as stored now
// (one read by _id), without reading any summary: something computed
// from Records at a version and kept in the store is current while the
// two are equal (a pending mark bumps it too).
func (e *Everyone) StoredVersion(ctx context.Context) (int64, error) { return e.st.Version(ctx) }
