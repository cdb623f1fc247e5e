package performance

import (
	"context"
	"slices"
	"sync"

	"github.com/ctvacademy/academy/modules/platform/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Everyone is an in-process copy of every quarter's stored records, for
// reports that read the whole network: it is kept by each quarter's
// summary (performance_summaries) and its rev, which every write of a
// record moves, so the summaries' revs are its version and a change made
// by any process sharing the store is seen by the next call.
//
// A call reads the summaries' revs and pending ids (one query, the rows
// left out), the summaries whose rev moved (one query), and the pending
// records by _id (a write under way; usually none). A record whose id a
// quarter lists without a row in its summary (written before summaries
// existed, and not written since) is not in the copy.
type Everyone struct {
	st    *Store
	score func(Record) Record // a stored row as Stored returns it

	mu       sync.Mutex
	quarters map[string]everyoneQuarter
	all      []Record // every row of quarters, rebuilt when one moves
}

type everyoneQuarter struct {
	rev  int64
	rows []Record
}

// newEveryone returns the copy of st's records (empty until its first
// Records), each row passed through score.
func newEveryone(st *Store, score func(Record) Record) *Everyone {
	return &Everyone{st: st, score: score, quarters: map[string]everyoneQuarter{}}
}

// Records are every stored record of every quarter (any order), the
// pending ones as stored now. The slice is shared: callers do not change
// it.
func (e *Everyone) Records(ctx context.Context) ([]Record, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	heads, err := e.st.summaries.List(ctx, nil, store.Find{Projection: bson.D{{Key: "rev", Value: 1}, {Key: "pending", Value: 1}}})
	if err != nil {
		return nil, err
	}
	var moved []string
	var pending []string
	seen := make(map[string]bool, len(heads))
	for _, h := range heads {
		seen[h.ID] = true
		if q, ok := e.quarters[h.ID]; !ok || q.rev != h.Rev {
			moved = append(moved, h.ID)
		}
		pending = append(pending, h.Pending...)
	}
	changed := len(moved) > 0 || len(seen) != len(e.quarters)
	if len(moved) > 0 {
		docs, err := e.st.summaries.List(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: moved}}}}, store.Find{})
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			if err := d.decode(); err != nil {
				return nil, err
			}
			rows := make([]Record, len(d.Rows))
			for i, r := range d.Rows {
				rows[i] = e.score(r)
			}
			e.quarters[d.ID] = everyoneQuarter{rev: d.Rev, rows: rows}
		}
	}
	for id := range e.quarters {
		if !seen[id] {
			delete(e.quarters, id)
		}
	}
	if changed || e.all == nil {
		e.all = e.all[:0:0]
		for _, q := range e.quarters {
			e.all = append(e.all, q.rows...)
		}
	}
	if len(pending) == 0 {
		return e.all, nil
	}
	// A write under way: its record as stored now replaces its row.
	read, err := e.st.records.GetMany(ctx, pending)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(e.all)
	for i, r := range out {
		if n, ok := read[r.ID]; ok {
			out[i] = e.score(n)
			delete(read, r.ID)
		}
	}
	for _, r := range read {
		out = append(out, e.score(r))
	}
	return out, nil
}
