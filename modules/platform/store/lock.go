package store

import (
	"hash/maphash"
	"sync"

	"go.mongodb.org/mongo-driver/v2/mongo"
)

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

// exclusive reports whether c is the only client of its store (the
// embedded store): a lock in the process then makes a read-modify-write of
// one document atomic. Only the handles (coll.go) ask.
func exclusive(c *mongo.Client) bool {
	exclusiveMu.RLock()
	defer exclusiveMu.RUnlock()
	return exclusiveClients[c]
}

// lockDoc takes this process's turn at a read-modify-write of one document
// (one of 256 striped locks, chosen by collection and key) and returns
// the unlock. Hold one at a time: a second may be the same stripe.
func lockDoc(coll, id string) (unlock func()) {
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
