package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Enqueue queues a message and returns its ID (its Key). Enqueueing a key
// that was enqueued before creates nothing and returns the same ID, whether
// that message is still queued, failed or long delivered. A caller keys
// it to the change that causes the mail (write the change, then enqueue
// with a key derived from it; repeating both is harmless). Errors:
// errs.Invalid for a message that cannot be sent.
func (o *Outbox) Enqueue(ctx context.Context, m Message) (id string, err error) {
	ids, err := o.EnqueueMany(ctx, []Message{m})
	if err != nil {
		return "", err
	}
	return ids[0], nil
}

// EnqueueMany queues messages as Enqueue does each, in bulk (the keys,
// the bodies and the envelopes each in inserts of store.InsertChunk, not
// three commands per message), and returns their ids in order. Errors:
// errs.Invalid naming the first message that cannot be sent (then nothing
// is queued).
//
// The key first: a key new to the ledger means a message never queued, so
// its body and envelope follow. A key the ledger has means the message
// was queued before — it is live (queued, sending or failed) or in the
// archive (delivered), and nothing is written — unless it is in neither:
// then an earlier Enqueue stopped (a crash) between the key and the
// envelope, or one is under way right now, and the envelope is written
// (the `_id` admits one). A message is in the live queue or the archive at
// every moment of its delivery (archived before it leaves the queue), so
// looking in the queue first, then the archive, never misses one.
func (o *Outbox) EnqueueMany(ctx context.Context, ms []Message) (ids []string, err error) {
	defer errs.Wrap(&err, "mail.EnqueueMany(%d)", len(ms))
	now := o.clock.Now()
	ids = make([]string, len(ms))
	envelopes := make([]outboxDoc, len(ms))
	bodies := make([]bodyDoc, len(ms))
	keyed := make([]bool, len(ms))
	for i, m := range ms {
		switch {
		case m.Key == "" && m.ID == "":
			b := make([]byte, 16)
			_, _ = rand.Read(b)
			m.Key = "m-" + hex.EncodeToString(b)
		case m.Key == "":
			m.Key, keyed[i] = m.ID, true
		case m.ID != "" && m.ID != m.Key:
			return nil, errs.Field(fmt.Sprintf("[%d].id", i), "must be empty or equal to the key")
		default:
			keyed[i] = true
		}
		m.ID = m.Key
		if err := m.Validate(); err != nil {
			return nil, fmt.Errorf("message %d (%s): %w", i, m.ID, err)
		}
		if m.Date.IsZero() {
			m.Date = now
		}
		ids[i], envelopes[i], bodies[i] = m.ID, toOutboxDoc(m, now), toBodyDoc(m)
	}
	if len(ms) == 0 {
		return ids, nil
	}
	var keys []keyDoc
	var keyOf []int
	for i := range ms {
		if keyed[i] {
			keys = append(keys, keyDoc{ID: ids[i], At: now})
			keyOf = append(keyOf, i)
		}
	}
	known, err := o.keys.InsertMany(ctx, keys)
	if err != nil {
		return nil, err
	}
	skip := make([]bool, len(ms))
	for j, i := range keyOf {
		if !known[j] {
			continue
		}
		queued, err := o.queuedBefore(ctx, ids[i])
		if err != nil {
			return nil, err
		}
		skip[i] = queued
	}
	var newBodies []bodyDoc
	var rawBodies []bson.Raw
	var newEnvelopes []outboxDoc
	for i := range ms {
		if skip[i] {
			continue
		}
		raw, err := bson.Marshal(bodies[i])
		if err != nil {
			return nil, err
		}
		newBodies, rawBodies = append(newBodies, bodies[i]), append(rawBodies, raw)
		newEnvelopes = append(newEnvelopes, envelopes[i])
	}
	// A body there already belongs to the same message (see above).
	if _, err := o.bodies.InsertMany(ctx, rawBodies); err != nil {
		return nil, err
	}
	if _, err := o.live.InsertMany(ctx, newEnvelopes); err != nil {
		return nil, err
	}
	o.cacheMu.Lock()
	for _, b := range newBodies {
		if len(o.cached) >= bodyCacheMax {
			clear(o.cached) // bodies another process's worker sent never leave it otherwise
		}
		o.cached[b.ID] = b
	}
	o.cacheMu.Unlock()
	if len(newEnvelopes) > 0 {
		o.notify()
	}
	return ids, nil
}

// bodyCacheMax bounds the bodies kept in memory.
const bodyCacheMax = 4096

// queuedBefore reports whether a message is live or archived: two reads
// by `_id`, in that order (the envelope read raw: one that does not decode
// is still there).
func (o *Outbox) queuedBefore(ctx context.Context, id string) (bool, error) {
	_, err := o.leases.Get(ctx, id)
	if errs.KindOf(err) == errs.NotFound {
		_, err = o.sent.Get(ctx, id)
	}
	if errs.KindOf(err) == errs.NotFound {
		return false, nil
	}
	return err == nil, err
}
