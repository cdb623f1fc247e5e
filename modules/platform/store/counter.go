package store

import (
	"context"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Counter is a version document ({_id, v}) counting the changes of
// something kept elsewhere: every writer bumps it after its write, from
// any process sharing the store, and a reader keeps what it computed by
// the count it read before (one read by `_id`), so a change moves the
// count and the copy is computed again.
type Counter struct {
	coll *Coll[counterDoc]
	id   string
}

type counterDoc struct {
	ID string `bson:"_id"`
	V  int64  `bson:"v"`
}

// NewCounter is the counter stored as document id of collection.
func NewCounter(db *mongo.Database, collection, id string) *Counter {
	return &Counter{coll: NewColl[counterDoc](db, collection, "version"), id: id}
}

// Value is the count (0 before the first Bump).
func (c *Counter) Value(ctx context.Context) (int64, error) {
	d, err := c.coll.Get(ctx, c.id)
	if errs.Is(err, errs.NotFound) {
		return 0, nil
	}
	return d.V, err
}

// Bump counts a change and returns the count it made (one atomic
// findAndModify, upserting the document).
func (c *Counter) Bump(ctx context.Context) (int64, error) {
	var d counterDoc
	err := c.coll.Raw().FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: c.id}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "v", Value: int64(1)}}}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&d)
	return d.V, err
}
