package quizzes

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

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
	for _, key := range order {
		d := byKey[key]
		_, err := s.db.Collection(progressColl).UpdateOne(ctx, bson.D{{Key: "_id", Value: key}},
			bson.D{{Key: "$push", Value: bson.D{{Key: "results", Value: bson.D{{Key: "$each", Value: d.Results}}}}},
				{Key: "$set", Value: bson.D{{Key: "collaborator_id", Value: d.CollaboratorID}, {Key: "course_code", Value: d.CourseCode}, {Key: "area_code", Value: d.AreaCode}}}},
			options.UpdateOne().SetUpsert(true))
		if err != nil {
			return err
		}
	}
	return nil
}
