package mail

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// ReleaseOrphans gives back, due now, every message still leased when this
// process starts, on a store whose only client is this process (the
// embedded store locks its directory): a lease found then belongs to a
// worker that died with the previous process, and waiting for it to lapse
// only delays the mail. On a shared store (MongoDB) another process's
// worker may hold the lease, so it does nothing there and leases lapse as
// usual (store.Coll.UpdateOrphans). It returns how many messages it
// released. The attempt stays counted: the message may have reached the
// server before the crash.
func (o *Outbox) ReleaseOrphans(ctx context.Context) (int, error) {
	n, err := o.live.UpdateOrphans(ctx, bson.D{{Key: "status", Value: sending}}, unleased(requeue(o.clock.Now())))
	if n > 0 {
		o.notify()
	}
	return n, err
}
