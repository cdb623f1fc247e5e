package performance

import (
	"context"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// versionDoc counts the changes of the stored records
// (performance_version, one document): every write of a record bumps it
// when it marks the record pending and again once the record's row is in
// its summary (Store.markPending, summarize, Bulk), so a process's copy of
// every quarter (Everyone) learns whether anything moved from one read by
// _id, whichever process wrote, instead of reading every summary.
type versionDoc struct {
	ID string `bson:"_id"`
	V  int64  `bson:"v"`
}

const versionID = "all"

// Version is the version document's count (0 before the first write).
func (st *Store) Version(ctx context.Context) (int64, error) {
	d, err := st.version.Get(ctx, versionID)
	if errs.Is(err, errs.NotFound) {
		return 0, nil
	}
	return d.V, err
}

// bump counts a change of the records.
func (st *Store) bump(ctx context.Context) error {
	return st.version.Raw().FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: versionID}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "v", Value: int64(1)}}}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Err()
}
