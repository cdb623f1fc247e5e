package mail

import (
	"context"
	"errors"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// dueFilter matches the messages a worker may lease at now: queued and due,
// or being sent by a worker whose lease lapsed (it crashed or hung).
func dueFilter(now time.Time) bson.D {
	return bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "status", Value: string(Queued)}, {Key: "next_attempt_at", Value: bson.D{{Key: "$lte", Value: now}}}},
		bson.D{{Key: "status", Value: sending}, {Key: "lease_until", Value: bson.D{{Key: "$lt", Value: now}}}},
	}}}
}

// lease takes up to n due messages for the holder of token until the given
// time: status sending, one more attempt (store.Coll.Lease: two workers
// never both take one). Every message of the batch is leased until the
// same time, so it stops taking more once a quarter of the lease went by:
// on a loaded store, taking a large batch one message at a time outlasted
// the time a lease leaves to start a send, and the worker gave every
// message back as soon as it had leased it, sending nothing (found by the
// fault suite, faults/). found is how many due messages it saw, leased
// here or failed as unreadable.
//
// A message that cannot be sent — its envelope or its content does not
// decode, its content is missing — is failed alone, with the reason,
// rather than failing every lease and stalling the queue.
func (o *Outbox) lease(ctx context.Context, now, until time.Time, token string, n int) (docs []outboxDoc, found int, err error) {
	take := func(n int) ([]bson.Raw, error) {
		return o.leases.Lease(ctx, dueFilter(now), bson.D{
			{Key: "$set", Value: bson.D{{Key: "status", Value: sending}, {Key: "lease_until", Value: until}, {Key: "lease_token", Value: token}}},
			{Key: "$inc", Value: bson.D{{Key: "attempts", Value: 1}}},
		}, n, func() bool { return o.clock.Now().Sub(now) <= until.Sub(now)/4 })
	}
	raws, err := take(n)
	if err != nil {
		// An envelope the update cannot apply to (no version of this code
		// wrote it): fail the unreadable ones, then take the rest.
		bad, qerr := o.quarantine(ctx, now)
		if qerr != nil || bad == 0 {
			return nil, len(raws), err
		}
		if left := n - len(raws); left > 0 {
			more, err := take(left)
			if err != nil {
				return nil, len(raws) + bad, err
			}
			raws = append(raws, more...)
		}
		found = bad
	}
	found += len(raws)
	for _, raw := range raws {
		var d outboxDoc
		if err := bson.Unmarshal(raw, &d); err != nil {
			if err := o.failUnreadable(ctx, raw, err, now); err != nil {
				return nil, found, err
			}
			continue
		}
		err := o.withBody(ctx, &d)
		var unreadable *unreadableError
		switch {
		case errs.KindOf(err) == errs.NotFound:
			// Nothing to send: fail it visibly rather than stall the queue.
			err = o.markFailed(ctx, []string{d.ID}, token, "the message's content is missing", now)
		case errors.As(err, &unreadable):
			err = o.markFailed(ctx, []string{d.ID}, token, err.Error(), now)
		case err == nil:
			docs = append(docs, d)
		}
		if err != nil {
			return nil, found, err
		}
	}
	return docs, found, nil
}

// quarantine fails every due envelope that does not decode and returns
// how many it failed.
func (o *Outbox) quarantine(ctx context.Context, now time.Time) (int, error) {
	var bad []bson.Raw
	err := o.leases.Each(ctx, dueFilter(now), store.Find{}, func(raw bson.Raw) error {
		if bson.Unmarshal(raw, &outboxDoc{}) != nil {
			bad = append(bad, raw)
		}
		return nil
	})
	for _, raw := range bad {
		if err == nil {
			err = o.failUnreadable(ctx, raw, bson.Unmarshal(raw, &outboxDoc{}), now)
		}
	}
	return len(bad), err
}

// failUnreadable replaces an envelope that does not decode by a readable
// failed one, so that the outbox's lists still read; what can be read of
// it is kept.
func (o *Outbox) failUnreadable(ctx context.Context, raw bson.Raw, decodeErr error, now time.Time) error {
	id, _ := raw.Lookup("_id").StringValueOK()
	bad := outboxDoc{ID: id, Status: string(Failed), LastError: "the message cannot be read: " + decodeErr.Error(),
		NextAttemptAt: now, CreatedAt: now, FailedAt: now}
	bad.Subject, _ = raw.Lookup("subject").StringValueOK()
	bad.To.Email, _ = raw.Lookup("to", "email").StringValueOK()
	return o.live.Put(ctx, id, bad)
}

// unreadableError is a stored body that does not decode: a fault of that
// message, not of the store.
type unreadableError struct{ err error }

func (e *unreadableError) Error() string {
	return "the message's content cannot be read: " + e.err.Error()
}

// withBody fills a leased envelope with its content, read by `_id`
// (messages queued before bodies were kept apart carry it already).
func (o *Outbox) withBody(ctx context.Context, d *outboxDoc) error {
	if d.Content.Text != "" || d.Content.HTML != "" {
		return nil
	}
	o.cacheMu.Lock()
	b, ok := o.cached[d.ID]
	o.cacheMu.Unlock()
	if !ok {
		raw, err := o.bodies.Get(ctx, d.ID)
		if err != nil {
			return err
		}
		if err := bson.Unmarshal(raw, &b); err != nil {
			return &unreadableError{err: err}
		}
	}
	d.Content = b.Content
	return nil
}
