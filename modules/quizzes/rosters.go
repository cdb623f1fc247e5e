package quizzes

import (
	"context"
	"sort"

	"github.com/ctvacademy/academy/modules/platform/store"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Rosters are what staff read: one document per course and district unit,
// keyed "<course>:<area>", holding the summaries (score, dates, the outcome
// of each question) of every graded attempt made in that unit. A
// coordinator's course page reads one document by `_id`; the province's,
// one per unit. On the embedded store a filter on anything but `_id`
// decodes every document of its collection in Go (~0.5 ms a document): the
// results archive (12,000 attempts on the benchmark fixture) took 10–18 s
// to list, the 3,250 per-person summaries 0.8–2 s, and either held the
// store's one connection — every CTV's request — that long.
const rostersColl = "quiz_rosters"

type rosterDoc struct {
	ID         string       `bson:"_id"` // <course>:<area>
	CourseCode string       `bson:"course_code"`
	AreaCode   string       `bson:"area_code"`
	Results    []summaryDoc `bson:"results"` // with their collaborator
}

// RosterKey is the key of a course's roster in a unit.
func RosterKey(course, area string) string { return course + ":" + area }

func rosterEntryOf(a Attempt) summaryDoc {
	d := summaryOf(a)
	d.CollaboratorID = a.CollaboratorID
	return d
}

func (d rosterDoc) attempts() []Attempt {
	out := make([]Attempt, len(d.Results))
	for i, r := range d.Results {
		p := progressDoc{CollaboratorID: r.CollaboratorID, CourseCode: d.CourseCode, AreaCode: d.AreaCode, Results: []summaryDoc{r}}
		out[i] = p.attempts()[0]
	}
	return out
}

// addToRoster records a graded attempt in its unit's roster.
func (s *Store) addToRoster(ctx context.Context, a Attempt) error {
	_, err := s.db.Collection(rostersColl).UpdateOne(ctx, bson.D{{Key: "_id", Value: RosterKey(a.CourseCode, a.AreaCode)}},
		bson.D{
			{Key: "$addToSet", Value: bson.D{{Key: "results", Value: rosterEntryOf(a)}}},
			{Key: "$set", Value: bson.D{{Key: "course_code", Value: a.CourseCode}, {Key: "area_code", Value: a.AreaCode}}},
		}, options.UpdateOne().SetUpsert(true))
	return err
}

// Rosters returns the graded attempts in the rosters of the given keys, in
// summary form, newest first: one `_id` read per key.
func (s *Store) Rosters(ctx context.Context, keys []string) ([]Attempt, error) {
	var out []Attempt
	for _, k := range keys {
		var d rosterDoc
		err := s.db.Collection(rostersColl).FindOne(ctx, bson.D{{Key: "_id", Value: k}}).Decode(&d)
		if err != nil && !store.IsNotFound(err) {
			return nil, err
		}
		out = append(out, d.attempts()...)
	}
	newestFirst(out)
	return out, nil
}

// Results lists graded attempts in summary form, newest first, by reading
// every roster (a filter on the course and unit, evaluated over the whole
// collection): for callers that do not know the units.
func (s *Store) Results(ctx context.Context, f Filter) ([]Attempt, error) {
	g := bson.D{}
	if f.CourseCode != "" {
		g = append(g, bson.E{Key: "course_code", Value: f.CourseCode})
	}
	if f.AreaCode != "" {
		g = append(g, bson.E{Key: "area_code", Value: f.AreaCode})
	}
	cur, err := s.db.Collection(rostersColl).Find(ctx, g)
	if err != nil {
		return nil, err
	}
	var docs []rosterDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	var out []Attempt
	for _, d := range docs {
		for _, a := range d.attempts() {
			if f.CollaboratorID == "" || a.CollaboratorID == f.CollaboratorID {
				out = append(out, a)
			}
		}
	}
	newestFirst(out)
	return out, nil
}

func newestFirst(as []Attempt) {
	sort.SliceStable(as, func(i, j int) bool { return as[i].StartedAt.After(as[j].StartedAt) })
}

// BackfillRosters builds the rosters from the per-person summaries when
// there are none yet (results recorded before rosters existed), and
// reports how many it wrote. It reads the summaries once.
func (s *Store) BackfillRosters(ctx context.Context) (int, error) {
	err := s.db.Collection(rostersColl).FindOne(ctx, bson.D{}).Err()
	if err == nil {
		return 0, nil
	}
	if !store.IsNotFound(err) {
		return 0, err
	}
	cur, err := s.db.Collection(summariesColl).Find(ctx, bson.D{})
	if err != nil {
		return 0, err
	}
	var docs []progressDoc
	if err := cur.All(ctx, &docs); err != nil {
		return 0, err
	}
	var as []Attempt
	for _, d := range docs {
		as = append(as, d.attempts()...)
	}
	return len(as), s.insertRosters(ctx, as)
}

// insertRosters writes the rosters of a batch of graded attempts: new
// documents in one insert, entries for existing ones pushed by `_id`.
func (s *Store) insertRosters(ctx context.Context, as []Attempt) error {
	byKey := map[string]*rosterDoc{}
	var order []string
	for _, a := range as {
		k := RosterKey(a.CourseCode, a.AreaCode)
		d, ok := byKey[k]
		if !ok {
			d = &rosterDoc{ID: k, CourseCode: a.CourseCode, AreaCode: a.AreaCode}
			byKey[k] = d
			order = append(order, k)
		}
		d.Results = append(d.Results, rosterEntryOf(a))
	}
	var fresh []any
	for _, k := range order {
		d := byKey[k]
		err := s.db.Collection(rostersColl).FindOne(ctx, bson.D{{Key: "_id", Value: k}}).Err()
		if store.IsNotFound(err) {
			fresh = append(fresh, *d)
			continue
		}
		if err != nil {
			return err
		}
		if _, err := s.db.Collection(rostersColl).UpdateOne(ctx, bson.D{{Key: "_id", Value: k}},
			bson.D{{Key: "$push", Value: bson.D{{Key: "results", Value: bson.D{{Key: "$each", Value: d.Results}}}}}}); err != nil {
			return err
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	_, err := s.db.Collection(rostersColl).InsertMany(ctx, fresh)
	return err
}
