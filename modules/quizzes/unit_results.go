package quizzes

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/store"
)

// A unit's results are what staff read: one document per course and
// district unit, keyed "<course>:<area>", holding the summaries (score,
// dates, the outcome of each question) of every graded attempt made in
// that unit. A coordinator's course page reads one document by `_id`; the
// province's, one per unit. On the embedded store a filter on anything but
// `_id` decodes every document of its collection in Go and holds the
// store's one connection meanwhile, so the request path does not filter
// the results archive or the per-person summaries (docs/STORE.md).
//
// Every change of a unit's results bumps its stamp (quiz_unit_stamps, a
// tiny document per unit, after the change), so that a process keeps the
// units' results it read and, per request, reads only the stamps and the
// units whose stamp moved: a staff list reads what changed since, not five
// years (see unitCache).
const (
	unitResultsColl = "quiz_unit_results"
	unitStampsColl  = "quiz_unit_stamps"
)

// unitStampDoc counts the changes of a unit's results.
type unitStampDoc struct {
	ID string `bson:"_id"` // the unit's key
	V  int64  `bson:"v"`
}

type unitResultsDoc struct {
	ID         string       `bson:"_id"` // <course>:<area>
	CourseCode string       `bson:"course_code"`
	AreaCode   string       `bson:"area_code"`
	Results    []summaryDoc `bson:"results"` // with their collaborator
}

// UnitKey is the key of a course's results in a unit.
func UnitKey(course, area string) string { return course + ":" + area }

func unitEntryOf(a Attempt) summaryDoc {
	d := summaryOf(a)
	d.CollaboratorID = a.CollaboratorID
	return d
}

func (d unitResultsDoc) attempts() []Attempt {
	out := make([]Attempt, len(d.Results))
	for i, r := range d.Results {
		p := progressDoc{CollaboratorID: r.CollaboratorID, CourseCode: d.CourseCode, AreaCode: d.AreaCode, Results: []summaryDoc{r}}
		out[i] = p.attempts()[0]
	}
	return out
}

// addToUnit records a graded attempt in its unit's results, then bumps
// the unit's stamp (also when the attempt was there: a crash may have come
// between the two).
func (s *Store) addToUnit(ctx context.Context, a Attempt) error {
	k := UnitKey(a.CourseCode, a.AreaCode)
	_, err := s.units.Raw().UpdateOne(ctx, bson.D{{Key: "_id", Value: k}},
		bson.D{
			{Key: "$addToSet", Value: bson.D{{Key: "results", Value: unitEntryOf(a)}}},
			{Key: "$set", Value: bson.D{{Key: "course_code", Value: a.CourseCode}, {Key: "area_code", Value: a.AreaCode}}},
		}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return err
	}
	return s.stamp(ctx, k)
}

// stamp bumps the stamps of the units of keys, by `_id`.
func (s *Store) stamp(ctx context.Context, keys ...string) error {
	for _, k := range keys {
		_, err := s.stamps.Raw().UpdateOne(ctx, bson.D{{Key: "_id", Value: k}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: "v", Value: int64(1)}}}}, options.UpdateOne().SetUpsert(true))
		if err != nil {
			return err
		}
	}
	return nil
}

// stampsByID is how many units' stamps UnitStamps reads by `_id`, one
// command each; for more it reads the whole stamps collection in one
// command (a tiny document per unit: a province's list asks for most).
const stampsByID = 16

// UnitStampsTotal is the sum of every unit's stamp, in one command (a
// $group over the tiny stamp documents, where reading them all takes a
// find and its getMores): it moves with any change of any unit's results.
func (s *Store) UnitStampsTotal(ctx context.Context) (int64, error) {
	cur, err := s.stamps.Raw().Aggregate(ctx, mongo.Pipeline{
		{{Key: "$group", Value: bson.D{{Key: "_id", Value: nil}, {Key: "v", Value: bson.D{{Key: "$sum", Value: "$v"}}}}}},
	})
	if err != nil {
		return 0, err
	}
	var out []struct {
		V int64 `bson:"v"`
	}
	if err := cur.All(ctx, &out); err != nil || len(out) == 0 {
		return 0, err
	}
	return out[0].V, nil
}

// UnitStamps returns the stamps of the units of keys (absent: 0).
func (s *Store) UnitStamps(ctx context.Context, keys []string) (map[string]int64, error) {
	if len(keys) <= stampsByID {
		docs, err := s.stamps.GetMany(ctx, keys)
		out := make(map[string]int64, len(docs))
		for k, d := range docs {
			out[k] = d.V
		}
		return out, err
	}
	want := make(map[string]bool, len(keys))
	for _, k := range keys {
		want[k] = true
	}
	out := make(map[string]int64, len(keys))
	err := s.stamps.Each(ctx, nil, store.Find{}, func(d unitStampDoc) error {
		if want[d.ID] {
			out[d.ID] = d.V
		}
		return nil
	})
	return out, err
}

// UnitResultsOf returns the graded attempts in the unit results of the
// given keys, in summary form and in the order recorded, by `_id`; a key
// without results has none.
func (s *Store) UnitResultsOf(ctx context.Context, keys []string) (map[string][]Attempt, error) {
	docs, err := s.units.GetMany(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]Attempt, len(keys))
	for _, k := range keys {
		out[k] = docs[k].attempts()
	}
	return out, nil
}

// Results lists graded attempts in summary form, newest first, by reading
// the results of every unit (a filter on the course and unit, evaluated
// over the whole collection): for callers that do not know the units.
func (s *Store) Results(ctx context.Context, f Filter) ([]Attempt, error) {
	g := bson.D{}
	if f.CourseCode != "" {
		g = append(g, bson.E{Key: "course_code", Value: f.CourseCode})
	}
	if f.AreaCode != "" {
		g = append(g, bson.E{Key: "area_code", Value: f.AreaCode})
	}
	var out []Attempt
	err := s.units.Each(ctx, g, store.Find{}, func(d unitResultsDoc) error {
		for _, a := range d.attempts() {
			if f.CollaboratorID == "" || a.CollaboratorID == f.CollaboratorID {
				out = append(out, a)
			}
		}
		return nil
	})
	newestFirst(out)
	return out, err
}

func newestFirst(as []Attempt) {
	sort.SliceStable(as, func(i, j int) bool { return as[i].StartedAt.After(as[j].StartedAt) })
}

// BackfillUnitResults builds the units' results from the per-person
// summaries when there are none yet (results recorded before they
// existed), and reports how many attempts it wrote. It reads the summaries
// once.
func (s *Store) BackfillUnitResults(ctx context.Context) (int, error) {
	n, err := s.units.List(ctx, nil, store.Find{Limit: 1, Projection: bson.D{{Key: "_id", Value: 1}}})
	if err != nil || len(n) > 0 {
		return 0, err
	}
	var as []Attempt
	err = s.summaries.Each(ctx, nil, store.Find{}, func(d progressDoc) error {
		as = append(as, d.attempts()...)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(as), s.insertUnitResults(ctx, as)
}

// insertUnitResults writes the unit results of a batch of graded attempts:
// new documents in one insert, entries for existing ones pushed by `_id`.
func (s *Store) insertUnitResults(ctx context.Context, as []Attempt) (err error) {
	byKey := map[string]*unitResultsDoc{}
	var order []string
	for _, a := range as {
		k := UnitKey(a.CourseCode, a.AreaCode)
		d, ok := byKey[k]
		if !ok {
			d = &unitResultsDoc{ID: k, CourseCode: a.CourseCode, AreaCode: a.AreaCode}
			byKey[k] = d
			order = append(order, k)
		}
		d.Results = append(d.Results, unitEntryOf(a))
	}
	var fresh []unitResultsDoc
	defer func() {
		if err == nil {
			err = s.stamp(ctx, order...)
		}
	}()
	for _, k := range order {
		d := byKey[k]
		_, err := s.units.Get(ctx, k)
		if errs.KindOf(err) == errs.NotFound {
			fresh = append(fresh, *d)
			continue
		}
		if err != nil {
			return err
		}
		if err := pushEach(ctx, s.units, k, "results", d.Results); err != nil {
			return err
		}
	}
	return insertAll(ctx, s.units, fresh)
}

// pushEach appends values to the array field of the document id, by `_id`.
func pushEach[D, V any](ctx context.Context, c *store.Coll[D], id, field string, values []V) error {
	_, err := c.Raw().UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$push", Value: bson.D{{Key: field, Value: bson.D{{Key: "$each", Value: values}}}}}})
	return err
}

// unitCache keeps the units' results this process read, each with the
// stamp it had when read. A read takes the stamps of its units (tiny
// documents, by `_id`) and reads again only the units whose stamp moved:
// right with any number of processes, since every change bumps the stamp
// in the store after it is made, and a reader reads a stamp before the
// results it keeps under it (a stamp read late only causes a read again).
type unitCache struct {
	mu sync.Mutex
	m  map[string]cachedUnit
	// everyone is the last answer for every unit (EveryonesGraded), kept
	// by the sum of all stamps it was read at and its list of units.
	everyone struct {
		have  bool
		total int64
		keys  string
		as    []Attempt
	}
	// merged keeps, per list of keys, the last answer read wholly from
	// the cache with the stamps it was made of, so that a list of many
	// units no unit of which changed is not merged and sorted again.
	merged map[string]mergedUnits
}

type mergedUnits struct {
	stamps   []int64
	attempts []Attempt // read-only; capacity = length
}

// mergedMax bounds the merged answers kept (one per filter's list of units).
const mergedMax = 256

// unitsPerRead is how many units' results one command reads.
const unitsPerRead = 20

type cachedUnit struct {
	stamp    int64
	attempts []Attempt // read-only once cached
}

// read returns the graded attempts in the units of keys, newest first.
func (c *unitCache) read(ctx context.Context, st AttemptStore, keys []string) ([]Attempt, error) {
	as, _, err := c.readAt(ctx, st, keys)
	return as, err
}

// readAt is read, also returning the sum of the units' stamps it read
// first: every change of a unit moves its stamp up, so the sum moves with
// any change of the answer, from any process, and an answer kept by it is
// read again once it moves (what is read after the stamps is as new or
// newer: kept under the older sum, it is only read again).
func (c *unitCache) readAt(ctx context.Context, st AttemptStore, keys []string) ([]Attempt, int64, error) {
	stamps, err := st.UnitStamps(ctx, keys)
	if err != nil {
		return nil, 0, err
	}
	var sum int64
	for _, v := range stamps {
		sum += v
	}
	var stale []string
	c.mu.Lock()
	for _, k := range keys {
		if u, ok := c.m[k]; !ok || u.stamp != stamps[k] {
			stale = append(stale, k)
		}
	}
	if len(stale) == 0 {
		as, ok := c.mergedOf(keys, stamps)
		c.mu.Unlock()
		if ok {
			return as, sum, nil
		}
		c.mu.Lock()
	}
	c.mu.Unlock()
	// A few units a read, each kept at once: a cold cache is filled in
	// short commands (others' requests pass between them), and what a
	// cancelled request read stays read.
	got := map[string][]Attempt{}
	for i := 0; i < len(stale); i += unitsPerRead {
		part := stale[i:min(i+unitsPerRead, len(stale))]
		some, err := st.UnitResultsOf(ctx, part)
		if err != nil {
			return nil, 0, err
		}
		c.mu.Lock()
		for _, k := range part {
			got[k] = some[k]
			if u, ok := c.m[k]; !ok || u.stamp <= stamps[k] { // never back to an older read
				c.m[k] = cachedUnit{stamp: stamps[k], attempts: some[k]}
			}
		}
		c.mu.Unlock()
	}
	n := 0
	c.mu.Lock()
	for _, k := range keys {
		n += len(c.m[k].attempts)
	}
	out := make([]Attempt, 0, n)
	for _, k := range keys {
		if as, ok := got[k]; ok {
			out = append(out, as...) // what this read found, whoever cached since
			continue
		}
		out = append(out, c.m[k].attempts...)
	}
	c.mu.Unlock()
	newestFirst(out)
	out = slices.Clip(out) // an append by a caller copies it
	if len(stale) == 0 {
		c.mu.Lock()
		c.keepMerged(keys, stamps, out)
		c.mu.Unlock()
	}
	return out, sum, nil
}

// mergedOf returns the merged answer kept for keys if it was made of the
// stamps their units have now. c.mu is held.
func (c *unitCache) mergedOf(keys []string, stamps map[string]int64) ([]Attempt, bool) {
	m, ok := c.merged[strings.Join(keys, "\x00")]
	if !ok {
		return nil, false
	}
	for i, k := range keys {
		if m.stamps[i] != stamps[k] || c.m[k].stamp != stamps[k] {
			return nil, false
		}
	}
	return m.attempts, true
}

// keepMerged keeps the answer for keys, made of the units at stamps.
// c.mu is held.
func (c *unitCache) keepMerged(keys []string, stamps map[string]int64, as []Attempt) {
	if c.merged == nil || len(c.merged) >= mergedMax {
		c.merged = map[string]mergedUnits{}
	}
	st := make([]int64, len(keys))
	for i, k := range keys {
		st[i] = stamps[k]
	}
	c.merged[strings.Join(keys, "\x00")] = mergedUnits{stamps: st, attempts: as}
}

// MoveUnitEntries moves a collaborator's entries in a course's units'
// results (the units of areas) to the unit of area to, and reports how
// many it moved. Each step is one command by `_id` and the whole is
// idempotent: the entries are added to the new unit (as stored, so that a
// second add finds them there), then removed from the old units exactly as
// stored, then the stamps of every unit touched are bumped. A crash
// between the steps leaves an entry in both units, which readers count
// once (by attempt id), until the move is run again.
func (s *Store) MoveUnitEntries(ctx context.Context, collaboratorID, course, to string, areas []string) (int, error) {
	from := map[string][]bson.Raw{}
	var order, touched []string
	var all []bson.Raw
	for _, area := range areas {
		if area == to {
			continue
		}
		k := UnitKey(course, area)
		d, err := s.unitsAsStored.Get(ctx, k)
		if errs.KindOf(err) == errs.NotFound {
			continue
		}
		if err != nil {
			return 0, err
		}
		for _, r := range d.Results {
			if id, ok := r.Lookup("collaborator_id").StringValueOK(); ok && id == collaboratorID {
				from[k] = append(from[k], r)
				all = append(all, r)
			}
		}
		if len(from[k]) > 0 {
			order = append(order, k)
		}
	}
	if len(all) == 0 {
		return 0, nil
	}
	target := UnitKey(course, to)
	if _, err := s.units.Change(ctx, target, bson.D{
		{Key: "$addToSet", Value: bson.D{{Key: "results", Value: bson.D{{Key: "$each", Value: all}}}}},
		{Key: "$set", Value: bson.D{{Key: "course_code", Value: course}, {Key: "area_code", Value: to}}},
	}, true); err != nil {
		return 0, err
	}
	touched = append(touched, target)
	for _, k := range order {
		if _, err := s.units.Change(ctx, k, bson.D{{Key: "$pullAll", Value: bson.D{{Key: "results", Value: from[k]}}}}, false); err != nil {
			return 0, err
		}
		touched = append(touched, k)
	}
	return len(all), s.stamp(ctx, touched...)
}

// unitRawDoc is a unit's results document with its entries as stored.
type unitRawDoc struct {
	ID      string     `bson:"_id"`
	Results []bson.Raw `bson:"results"`
}
