package store

import (
	"context"
	"hash/maphash"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// ReplaceIfRev replaces the document id of coll with doc if its "rev" field
// still holds rev — the compare-and-set of a read-modify-write — and reports
// whether it did. doc carries the next rev.
//
// On MongoDB it is one ReplaceOne filtered on `_id` and `rev`. The embedded
// store evaluates such a filter by decoding every document of the
// collection in Go (it pushes only a filter of `_id` alone down to SQLite),
// which on the fixture's 1,500 sessions costs more than the whole request
// budget. But the embedded store has exactly one client, this process
// (StartEmbedded holds a lock on its directory, and the driver talks to it
// over one connection): there the compare-and-set is a per-document lock in
// the process around a read of `rev` by `_id` and a replace by `_id`, both
// pushed down. Every writer of a collection written this way must write
// through ReplaceIfRev (or insert).
func ReplaceIfRev(ctx context.Context, coll *mongo.Collection, id string, rev int64, doc any) (bool, error) {
	if !exclusive(coll.Database().Client()) {
		res, err := coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "rev", Value: rev}}, doc)
		if err != nil {
			return false, err
		}
		return res.MatchedCount == 1, nil
	}
	defer Lock(coll.Name(), id)()
	var cur struct {
		Rev int64 `bson:"rev"`
	}
	err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&cur)
	if IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if cur.Rev != rev {
		return false, nil
	}
	res, err := coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, doc)
	if err != nil {
		return false, err
	}
	return res.MatchedCount == 1, nil
}

var (
	exclusiveMu      sync.RWMutex
	exclusiveClients = map[*mongo.Client]bool{}
	lockSeed         = maphash.MakeSeed()
	docLocks         [256]sync.Mutex
)

// MarkExclusive records that c is the only client of its store: the
// embedded store, reached over one connection. store.Open does it; code that
// connects to an embedded store itself (tests, benchmarks) must too.
func MarkExclusive(c *mongo.Client) {
	exclusiveMu.Lock()
	defer exclusiveMu.Unlock()
	exclusiveClients[c] = true
}

// Exclusive reports whether this process is the only client of db's store
// (the embedded store): a lock in the process then makes a
// read-modify-write of one document atomic.
func Exclusive(db *mongo.Database) bool { return exclusive(db.Client()) }

func exclusive(c *mongo.Client) bool {
	exclusiveMu.RLock()
	defer exclusiveMu.RUnlock()
	return exclusiveClients[c]
}

// Lock takes this process's turn at a read-modify-write of one document
// (one of 256 striped locks, chosen by collection and key) and returns
// the unlock. Hold one at a time: a second may be the same stripe.
func Lock(coll, id string) (unlock func()) {
	mu := docLock(coll, id)
	mu.Lock()
	return mu.Unlock
}

// docLock is one of 256 striped locks, chosen by collection and _id.
func docLock(coll, id string) *sync.Mutex {
	var h maphash.Hash
	h.SetSeed(lockSeed)
	h.WriteString(coll)
	h.WriteByte(0)
	h.WriteString(id)
	return &docLocks[h.Sum64()%uint64(len(docLocks))]
}
