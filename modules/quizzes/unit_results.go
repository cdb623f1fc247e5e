package quizzes

import (
	"context"
	"sort"

	"go.mongodb.org/mongo-driver/v2/bson"
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
const unitResultsColl = "quiz_unit_results"

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

// addToUnit records a graded attempt in its unit's results.
func (s *Store) addToUnit(ctx context.Context, a Attempt) error {
	_, err := s.units.Raw().UpdateOne(ctx, bson.D{{Key: "_id", Value: UnitKey(a.CourseCode, a.AreaCode)}},
		bson.D{
			{Key: "$addToSet", Value: bson.D{{Key: "results", Value: unitEntryOf(a)}}},
			{Key: "$set", Value: bson.D{{Key: "course_code", Value: a.CourseCode}, {Key: "area_code", Value: a.AreaCode}}},
		}, options.UpdateOne().SetUpsert(true))
	return err
}

// UnitResults returns the graded attempts in the unit results of the given
// keys, in summary form, newest first: one `_id` read per key.
func (s *Store) UnitResults(ctx context.Context, keys []string) ([]Attempt, error) {
	docs, err := s.units.GetMany(ctx, keys)
	if err != nil {
		return nil, err
	}
	var out []Attempt
	for _, k := range keys {
		out = append(out, docs[k].attempts()...)
		delete(docs, k)
	}
	newestFirst(out)
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
func (s *Store) insertUnitResults(ctx context.Context, as []Attempt) error {
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
