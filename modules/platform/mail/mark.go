package mail

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// markSent archives delivered messages and removes them from the live
// collection whoever holds them now (their bodies go later, in bulk:
// dropBodies). Archiving twice (two workers delivered a message after a
// lease lapsed) keeps the first record.
func (o *Outbox) markSent(ctx context.Context, docs []outboxDoc, now time.Time) error {
	if len(docs) == 0 {
		return nil
	}
	archive := make([]sentDoc, len(docs))
	ids := make([]string, len(docs))
	for i, d := range docs {
		archive[i], ids[i] = d.toSent(now), d.ID
	}
	if _, err := o.sent.InsertMany(ctx, archive); err != nil {
		return err
	}
	return o.live.DeleteIDs(ctx, ids)
}

// dropBodies deletes the bodies of delivered messages.
func (o *Outbox) dropBodies(ctx context.Context, ids []string) error {
	o.cacheMu.Lock()
	for _, id := range ids {
		delete(o.cached, id)
	}
	o.cacheMu.Unlock()
	return o.bodies.DeleteIDs(ctx, ids)
}

// markFailed records a permanent failure; the messages are not tried again.
func (o *Outbox) markFailed(ctx context.Context, ids []string, token, reason string, now time.Time) error {
	return o.unlease(ctx, ids, token, bson.D{{Key: "status", Value: string(Failed)}, {Key: "last_error", Value: reason}, {Key: "failed_at", Value: now}})
}

// reschedule queues messages again for another attempt at next.
func (o *Outbox) reschedule(ctx context.Context, ids []string, token, reason string, next time.Time) error {
	return o.unlease(ctx, ids, token, bson.D{{Key: "status", Value: string(Queued)}, {Key: "last_error", Value: reason}, {Key: "next_attempt_at", Value: next}})
}

// release gives leased messages back unsent, due now, without counting the attempt.
func (o *Outbox) release(ctx context.Context, ids []string, token string, now time.Time) error {
	return o.unlease(ctx, ids, token, requeue(now), bson.E{Key: "$inc", Value: bson.D{{Key: "attempts", Value: -1}}})
}

// requeue is the $set of a message queued again, due at now.
func requeue(now time.Time) bson.D {
	return bson.D{{Key: "status", Value: string(Queued)}, {Key: "next_attempt_at", Value: now}}
}

// unlease sets fields of the given messages still held under the lease
// token, and ends their lease.
func (o *Outbox) unlease(ctx context.Context, ids []string, token string, set bson.D, more ...bson.E) error {
	filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}, {Key: "lease_token", Value: token}}
	_, err := o.live.Raw().UpdateMany(ctx, filter, append(unleased(set), more...))
	return err
}

// unleased is the update setting set and dropping the lease.
func unleased(set bson.D) bson.D {
	return bson.D{
		{Key: "$set", Value: set},
		{Key: "$unset", Value: bson.D{{Key: "lease_until", Value: ""}, {Key: "lease_token", Value: ""}}},
	}
}
