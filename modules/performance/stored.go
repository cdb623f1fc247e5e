package performance

import (
	"context"
	"fmt"
	"maps"
	"sync"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/versioned"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// storedCopies are the in-process copies of each quarter's stored records
// (Service.Stored), one versioned.Cache per quarter whose version is the
// rev of the quarter's summary: every write of a record moves it (its
// pending mark, then its row), so another process's write is seen within
// the cache's Fresh interval and this process's own at once (changed).
type storedCopies struct {
	mu sync.Mutex
	by map[string]*versioned.Cache[storedCopy]
}

// storedCopy is a quarter's copy: the records by collaborator, and the
// records that were pending when it was read (a write under way), which
// every call reads again by _id.
type storedCopy struct {
	rows    map[string]Record
	pending []string
}

// storedCache returns the quarter's copy, made on first use.
func (s *Service) storedCache(q string) *versioned.Cache[storedCopy] {
	s.stored.mu.Lock()
	defer s.stored.mu.Unlock()
	if s.stored.by == nil {
		s.stored.by = map[string]*versioned.Cache[storedCopy]{}
	}
	c, ok := s.stored.by[q]
	if !ok {
		c = versioned.New(func(ctx context.Context) (int64, error) { return s.d.Store.summaryRev(ctx, q) },
			func(ctx context.Context) (storedCopy, error) { return s.readStored(ctx, q) }, 0)
		s.stored.by[q] = c
	}
	return c
}

// changed drops this process's copy of the quarter after its own write.
func (s *Service) changed(q string) {
	s.stored.mu.Lock()
	c := s.stored.by[q]
	s.stored.mu.Unlock()
	if c != nil {
		c.Invalidate()
	}
}

// Stored returns the quarter's stored records by collaborator, as List
// reads them (the summary's copies; a pending record, or one the summary
// has no copy of, by _id), attainment scored with the current weights;
// a record not approved keeps the targets it was written with (List
// fills in the current default). It is an in-process copy kept by the
// summary's rev: a call reads at most that rev (once a second), and the
// records only when it moved. The map is shared: callers do not change
// it. Standing's recognition and review read the quarters here.
func (s *Service) Stored(ctx context.Context, q clock.Quarter) (map[string]Record, error) {
	c, err := s.storedCache(q.String()).Get(ctx)
	if err != nil || len(c.pending) == 0 {
		return c.rows, err
	}
	// A write was under way: its record as stored now (its summary's rev
	// moves once it is done, but a write that stopped half way would not
	// move it again).
	read, err := s.d.Store.records.GetMany(ctx, c.pending)
	if err != nil {
		return nil, err
	}
	out := maps.Clone(c.rows)
	for _, r := range read {
		out[r.CollaboratorID] = s.scored(r)
	}
	return out, nil
}

// readStored reads a quarter's stored records: its summary, and by _id
// those the summary holds no trusted copy of.
func (s *Service) readStored(ctx context.Context, q string) (storedCopy, error) {
	qd, err := s.quarter(ctx, q)
	if err != nil {
		return storedCopy{}, err
	}
	sum, err := s.d.Store.summary(ctx, q)
	if err != nil {
		return storedCopy{}, err
	}
	pending := make(map[string]bool, len(sum.Pending))
	for _, id := range sum.Pending {
		pending[id] = true
	}
	out := make(map[string]Record, len(qd.Records))
	var ids []string
	for _, id := range qd.Records {
		if r, ok := sum.row(id); ok && !pending[id] {
			out[r.CollaboratorID] = s.scored(r)
			continue
		}
		ids = append(ids, id)
	}
	read, err := s.d.Store.records.GetMany(ctx, ids)
	if err != nil {
		return storedCopy{}, err
	}
	for _, r := range read {
		out[r.CollaboratorID] = s.scored(r)
	}
	return storedCopy{rows: out, pending: sum.Pending}, nil
}

// scored is a stored record with its attainment under the current weights
// (as fill scores it).
func (s *Service) scored(r Record) Record {
	r.Stored = true
	r.Attainment = Score(r.Targets, r.Actuals, s.d.Weights)
	return r
}

// summaryRev is the rev of a quarter's summary (0 when there is none),
// read without its rows.
func (st *Store) summaryRev(ctx context.Context, q string) (int64, error) {
	var d struct {
		Rev int64 `bson:"rev"`
	}
	err := st.summaries.Raw().FindOne(ctx, bson.D{{Key: "_id", Value: q}}, options.FindOne().SetProjection(bson.D{{Key: "rev", Value: 1}})).Decode(&d)
	if err == mongo.ErrNoDocuments {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("performance: the summary of %s: %w", q, err)
	}
	return d.Rev, nil
}
