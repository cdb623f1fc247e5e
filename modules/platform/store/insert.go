package store

import (
	"context"
	"errors"
	"strings"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// InsertChunk is how many documents one command of InsertAll carries: a
// large insert holds the embedded store's one connection while every
// request waits behind it, and a bulk write of more than 100 statements is
// never answered (docs/STORE.md).
const InsertChunk = 50

// InsertAll inserts docs unordered, InsertChunk at a time, and reports by
// index the ones refused as duplicates of a unique key; any other failure
// is an error.
func InsertAll(ctx context.Context, coll *mongo.Collection, docs []any) (map[int]bool, error) {
	dup := map[int]bool{}
	for start := 0; start < len(docs); start += InsertChunk {
		chunk := docs[start:min(start+InsertChunk, len(docs))]
		_, err := coll.InsertMany(ctx, chunk, options.InsertMany().SetOrdered(false))
		if err == nil {
			continue
		}
		var bwe mongo.BulkWriteException
		if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
			return nil, err
		}
		for _, we := range bwe.WriteErrors {
			if we.Code != 11000 && !strings.Contains(we.Message, "UNIQUE constraint failed") {
				return nil, err
			}
			dup[start+we.Index] = true
		}
	}
	return dup, nil
}
