package quizzes

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ctvacademy/academy/modules/platform/errs"
)

// InsertResults stores graded attempts in the results archive, in the
// store's own document format, together with the attempt-number slots they
// took (claimed at their start). The bank versions they were drawn from must
// be stored too (PutBank). It is for loading history in bulk (the benchmark
// fixture, a migration), not for the request path. Errors:
// errs.Invalid for an attempt that is not graded; the driver's error when an
// attempt or slot exists already.
func (s *Store) InsertResults(ctx context.Context, as []Attempt) error {
	if len(as) == 0 {
		return nil
	}
	results := make([]any, len(as))
	slots := make([]any, len(as))
	for i, a := range as {
		if a.Status != StatusGraded {
			return errs.E(errs.Invalid, "attempt %s is not graded", a.ID)
		}
		results[i] = toDoc(a)
		slots[i] = slotDoc{ID: a.ID, CreatedAt: a.StartedAt}
	}
	if _, err := s.db.Collection(slotsColl).InsertMany(ctx, slots); err != nil {
		return err
	}
	if _, err := s.db.Collection(resultsColl).InsertMany(ctx, results); err != nil {
		return err
	}
	// The progress documents the request path reads instead of the archive.
	byKey := map[string]*progressDoc{}
	var order []string
	for _, a := range as {
		key := a.CollaboratorID + ":" + a.CourseCode
		d, ok := byKey[key]
		if !ok {
			d = &progressDoc{ID: key, CollaboratorID: a.CollaboratorID, CourseCode: a.CourseCode, AreaCode: a.AreaCode}
			byKey[key] = d
			order = append(order, key)
		}
		d.Results = append(d.Results, summaryOf(a))
	}
	// New documents for a fresh load (one insert, not an update per key: an
	// update costs a scan on the embedded store); a key that exists already
	// (a load in several batches) gets the results appended by _id.
	cur, err := s.db.Collection(summariesColl).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: order}}}})
	if err != nil {
		return err
	}
	var present []progressDoc
	if err := cur.All(ctx, &present); err != nil {
		return err
	}
	exists := map[string]bool{}
	for _, d := range present {
		exists[d.ID] = true
	}
	var fresh []any
	for _, key := range order {
		d := byKey[key]
		if !exists[key] {
			fresh = append(fresh, *d)
			continue
		}
		_, err := s.db.Collection(summariesColl).UpdateOne(ctx, bson.D{{Key: "_id", Value: key}},
			bson.D{{Key: "$push", Value: bson.D{{Key: "results", Value: bson.D{{Key: "$each", Value: d.Results}}}}}})
		if err != nil {
			return err
		}
		ns := make([]int, len(d.Results))
		for i, r := range d.Results {
			ns[i] = r.N
		}
		if _, err := s.db.Collection(progressColl).UpdateOne(ctx, bson.D{{Key: "_id", Value: key}},
			bson.D{{Key: "$push", Value: bson.D{{Key: "graded", Value: bson.D{{Key: "$each", Value: ns}}}}}}); err != nil {
			return err
		}
	}
	if len(fresh) > 0 {
		if _, err := s.db.Collection(summariesColl).InsertMany(ctx, fresh); err != nil {
			return err
		}
		numbers := make([]any, len(fresh))
		for i, f := range fresh {
			d := f.(progressDoc)
			nd := numbersDoc{ID: d.ID}
			for _, r := range d.Results {
				nd.Graded = append(nd.Graded, r.N)
			}
			numbers[i] = nd
		}
		if _, err := s.db.Collection(progressColl).InsertMany(ctx, numbers); err != nil {
			return err
		}
	}
	return s.insertRosters(ctx, as)
}
