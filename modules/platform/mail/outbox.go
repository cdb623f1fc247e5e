package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/store"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Collections owned by this package.
const (
	// OutboxCollection holds the live messages: queued, being sent, failed.
	// Delivered messages leave it, so it stays small.
	OutboxCollection = "mail_outbox"
	// SentCollection is the insert-only archive of delivered messages.
	SentCollection = "mail_sent"
	// KeysCollection is the insert-only ledger of every idempotency key ever
	// enqueued (tiny documents): a new key is one insert; only a key seen
	// before costs a look at the live queue and the archive, by `_id`.
	KeysCollection = "mail_keys"
	// BodiesCollection holds the content of live messages (recipient,
	// subject, text, HTML, calendar: 6–7 KB for an invitation), read and
	// deleted by `_id` only. The live collection keeps just the envelope
	// the worker's queries filter on: on the embedded store every such
	// query decodes every live document, and 500 invitations queued at once
	// made each lease, take and delete decode 3.3 MB (66–90 ms a command).
	BodiesCollection = "mail_bodies"
)

// Status is where a message is on its way.
type Status string

// The statuses of a message.
const (
	Queued Status = "queued" // waiting for (another) attempt, or being sent
	Sent   Status = "sent"   // accepted by the SMTP server (or written to the drop directory)
	Failed Status = "failed" // refused permanently, or given up; Retry queues it again
)

// sending is the stored status of a queued message a worker has leased.
const sending = "sending"

// Delivery is what the outbox knows about one message's delivery.
type Delivery struct {
	ID      string  `json:"id"`
	To      Address `json:"to"`
	Subject string  `json:"subject"`
	Status  Status  `json:"status" api:"enum=mail_status"`
	// Sending says a worker holds the (queued) message right now.
	Sending       bool      `json:"sending,omitempty"`
	Attempts      int       `json:"attempts"`
	LastError     string    `json:"last_error,omitempty"`
	QueuedAt      time.Time `json:"queued_at"`
	NextAttemptAt time.Time `json:"next_attempt_at,omitzero"`
	SentAt        time.Time `json:"sent_at,omitzero"`
	FailedAt      time.Time `json:"failed_at,omitzero"`
}

// Outbox is the queue of messages waiting for delivery.
type Outbox struct {
	live, sent, keys, bodies *mongo.Collection
	exclusive                bool // this process is the store's only client

	// cached keeps the bodies this process queued until they are sent, so
	// that its worker need not read them back (4 ms a body on the
	// embedded store at a fan-out's peak). Bodies never change; another
	// process's worker reads them from the store.
	cacheMu sync.Mutex
	cached  map[string]bodyDoc
	clock   clock.Clock
	wake    chan struct{}
}

// NewOutbox returns the outbox on db.
func NewOutbox(db *mongo.Database, clk clock.Clock) *Outbox {
	return &Outbox{
		live: db.Collection(OutboxCollection), sent: db.Collection(SentCollection), keys: db.Collection(KeysCollection),
		bodies: db.Collection(BodiesCollection), exclusive: store.Exclusive(db), cached: map[string]bodyDoc{},
		clock: clk, wake: make(chan struct{}, 1),
	}
}

// Indexes are the indexes the outbox needs on MongoDB (the embedded store
// scans the small live collection anyway).
func Indexes() []store.Index {
	return []store.Index{
		{Collection: OutboxCollection, Keys: bson.D{{Key: "status", Value: 1}, {Key: "next_attempt_at", Value: 1}}, Name: "status_next_attempt"},
		{Collection: OutboxCollection, Keys: bson.D{{Key: "status", Value: 1}, {Key: "lease_until", Value: 1}}, Name: "status_lease"},
		{Collection: OutboxCollection, Keys: bson.D{{Key: "lease_token", Value: 1}}, Name: "lease_token"},
		{Collection: OutboxCollection, Keys: bson.D{{Key: "created_at", Value: -1}}, Name: "created"},
		{Collection: SentCollection, Keys: bson.D{{Key: "sent_at", Value: -1}}, Name: "sent"},
	}
}

// outboxDoc is a live message's envelope. Messages queued before bodies
// were kept apart carry their content here too (and have no body).
type outboxDoc struct {
	ID            string    `bson:"_id"`
	To            Address   `bson:"to"`
	Subject       string    `bson:"subject"`
	Text          string    `bson:"text,omitempty"`
	HTML          string    `bson:"html,omitempty"`
	Calendar      *Calendar `bson:"calendar,omitempty"`
	Date          time.Time `bson:"date,omitempty"`
	Status        string    `bson:"status"`
	Attempts      int       `bson:"attempts"`
	NextAttemptAt time.Time `bson:"next_attempt_at"`
	LeaseUntil    time.Time `bson:"lease_until,omitempty"`
	LeaseToken    string    `bson:"lease_token,omitempty"`
	LastError     string    `bson:"last_error,omitempty"`
	CreatedAt     time.Time `bson:"created_at"`
	FailedAt      time.Time `bson:"failed_at,omitempty"`
}

type sentDoc struct {
	ID        string    `bson:"_id"`
	To        Address   `bson:"to"`
	Subject   string    `bson:"subject"`
	Text      string    `bson:"text,omitempty"`
	HTML      string    `bson:"html,omitempty"`
	Calendar  *Calendar `bson:"calendar,omitempty"`
	Date      time.Time `bson:"date"`
	Attempts  int       `bson:"attempts"`
	CreatedAt time.Time `bson:"created_at"`
	SentAt    time.Time `bson:"sent_at"`
}

// bodyDoc is a live message's content, keyed by the message id.
type bodyDoc struct {
	ID       string    `bson:"_id"`
	Text     string    `bson:"text,omitempty"`
	HTML     string    `bson:"html,omitempty"`
	Calendar *Calendar `bson:"calendar,omitempty"`
	Date     time.Time `bson:"date"`
}

func toBodyDoc(m Message) bodyDoc {
	return bodyDoc{ID: m.ID, Text: m.Text, HTML: m.HTML, Calendar: m.Calendar, Date: m.Date}
}

type keyDoc struct {
	ID string    `bson:"_id"`
	At time.Time `bson:"at"`
}

func toOutboxDoc(m Message, now time.Time) outboxDoc {
	return outboxDoc{ID: m.ID, To: m.To, Subject: m.Subject, Status: string(Queued), NextAttemptAt: now, CreatedAt: now}
}

func (d outboxDoc) toMessage() Message {
	return Message{ID: d.ID, Key: d.ID, To: d.To, Subject: d.Subject, Text: d.Text, HTML: d.HTML, Calendar: d.Calendar, Date: d.Date}
}

func (d outboxDoc) toDelivery() Delivery {
	out := Delivery{ID: d.ID, To: d.To, Subject: d.Subject, Status: Status(d.Status), Attempts: d.Attempts, LastError: d.LastError,
		QueuedAt: d.CreatedAt, FailedAt: d.FailedAt}
	switch d.Status {
	case sending:
		out.Status, out.Sending = Queued, true
	case string(Queued):
		out.NextAttemptAt = d.NextAttemptAt
	}
	return out
}

func (d outboxDoc) toSent(now time.Time) sentDoc {
	return sentDoc{ID: d.ID, To: d.To, Subject: d.Subject, Text: d.Text, HTML: d.HTML, Calendar: d.Calendar, Date: d.Date,
		Attempts: d.Attempts, CreatedAt: d.CreatedAt, SentAt: now}
}

func (d sentDoc) toDelivery() Delivery {
	return Delivery{ID: d.ID, To: d.To, Subject: d.Subject, Status: Sent, Attempts: d.Attempts, QueuedAt: d.CreatedAt, SentAt: d.SentAt}
}

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

// EnqueueMany queues messages as Enqueue does each, in a few commands
// whatever their number (an invitation to 250 people is three inserts,
// not 750), and returns their ids in order. Errors: errs.Invalid naming
// the first message that cannot be sent (then nothing is queued).
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
	var keys []any
	var keyOf []int
	for i := range ms {
		if keyed[i] {
			keys = append(keys, keyDoc{ID: ids[i], At: now})
			keyOf = append(keyOf, i)
		}
	}
	known, err := store.InsertAll(ctx, o.keys, keys)
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
	var newBodies, newEnvelopes []any
	for i := range ms {
		if !skip[i] {
			newBodies = append(newBodies, bodies[i])
			newEnvelopes = append(newEnvelopes, envelopes[i])
		}
	}
	// A body there already belongs to the same message (see above).
	if _, err := store.InsertAll(ctx, o.bodies, newBodies); err != nil {
		return nil, err
	}
	if _, err := store.InsertAll(ctx, o.live, newEnvelopes); err != nil {
		return nil, err
	}
	o.cacheMu.Lock()
	for _, b := range newBodies {
		if len(o.cached) >= bodyCacheMax {
			clear(o.cached) // bodies another process's worker sent never leave it otherwise
		}
		o.cached[b.(bodyDoc).ID] = b.(bodyDoc)
	}
	o.cacheMu.Unlock()
	if len(newEnvelopes) > 0 {
		o.notify()
	}
	return ids, nil
}

// bodyCacheMax bounds the bodies kept in memory (an invitation's is
// 6–7 KB: ~30 MB at most).
const bodyCacheMax = 4096

// queuedBefore reports whether a message is live or archived: two reads
// by `_id`, in that order.
func (o *Outbox) queuedBefore(ctx context.Context, id string) (bool, error) {
	for _, c := range []*mongo.Collection{o.live, o.sent} {
		err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
		if err == nil {
			return true, nil
		}
		if !store.IsNotFound(err) {
			return false, err
		}
	}
	return false, nil
}

// notify wakes one idle worker of this process.
func (o *Outbox) notify() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Status tells where a message is: the live collection is read first, then
// the archive (a scan of the whole archive on the embedded store: use it for
// one message, not for lists). Errors: errs.NotFound.
func (o *Outbox) Status(ctx context.Context, id string) (Delivery, error) {
	var d outboxDoc
	err := o.live.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if err == nil {
		return d.toDelivery(), nil
	}
	if !store.IsNotFound(err) {
		return Delivery{}, err
	}
	var s sentDoc
	err = o.sent.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&s)
	if store.IsNotFound(err) {
		return Delivery{}, errs.E(errs.NotFound, "no such message")
	}
	if err != nil {
		return Delivery{}, err
	}
	return s.toDelivery(), nil
}

// Statuses tells the status of many messages at once, cheaply: one query
// on the small live collection and none on the archive. A message that is
// not live was delivered (failed messages stay live until retried), so ask
// only about IDs that Enqueue returned: any other ID is reported sent too.
func (o *Outbox) Statuses(ctx context.Context, ids []string) (map[string]Status, error) {
	out := make(map[string]Status, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	cur, err := o.live.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}},
		options.Find().SetProjection(bson.D{{Key: "status", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var live []struct {
		ID     string `bson:"_id"`
		Status string `bson:"status"`
	}
	if err := cur.All(ctx, &live); err != nil {
		return nil, err
	}
	for _, id := range ids {
		out[id] = Sent
	}
	for _, d := range live {
		out[d.ID] = outboxDoc{Status: d.Status}.toDelivery().Status
	}
	return out, nil
}

// Page limits of List.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// List returns a page of messages with the given status, newest first, and
// how many there are: "" lists every live message (queued and failed),
// Queued includes those being sent, Sent reads the archive. limit defaults
// to DefaultLimit and is at most MaxLimit. Errors: errs.Invalid for an
// unknown status.
func (o *Outbox) List(ctx context.Context, status Status, limit, offset int) ([]Delivery, int, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	offset = max(offset, 0)
	if status == Sent {
		return page(ctx, o.sent, bson.D{}, "sent_at", limit, offset, sentDoc.toDelivery)
	}
	var filter bson.D
	switch status {
	case "":
		filter = bson.D{}
	case Queued:
		filter = bson.D{{Key: "status", Value: bson.D{{Key: "$in", Value: bson.A{string(Queued), sending}}}}}
	case Failed:
		filter = bson.D{{Key: "status", Value: string(Failed)}}
	default:
		return nil, 0, errs.Field("status", "must be queued, sent or failed")
	}
	return page(ctx, o.live, filter, "created_at", limit, offset, outboxDoc.toDelivery)
}

func page[D any](ctx context.Context, coll *mongo.Collection, filter bson.D, sortKey string, limit, offset int,
	conv func(D) Delivery) ([]Delivery, int, error) {
	total, err := coll.CountDocuments(ctx, filter)
	if err != nil {
		return nil, 0, err
	}
	cur, err := coll.Find(ctx, filter, options.Find().
		SetSort(bson.D{{Key: sortKey, Value: -1}, {Key: "_id", Value: 1}}).SetSkip(int64(offset)).SetLimit(int64(limit)))
	if err != nil {
		return nil, 0, err
	}
	var docs []D
	if err := cur.All(ctx, &docs); err != nil {
		return nil, 0, err
	}
	out := make([]Delivery, len(docs))
	for i, d := range docs {
		out[i] = conv(d)
	}
	return out, int(total), nil
}

// Retry queues a failed message again, due now, with its attempts counted
// from zero. Errors: errs.NotFound; errs.Conflict when the message is not
// failed (queued, being sent, or sent).
func (o *Outbox) Retry(ctx context.Context, id string) error {
	res, err := o.live.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "status", Value: string(Failed)}},
		bson.D{
			{Key: "$set", Value: bson.D{{Key: "status", Value: string(Queued)}, {Key: "attempts", Value: 0}, {Key: "next_attempt_at", Value: o.clock.Now()}}},
			{Key: "$unset", Value: bson.D{{Key: "failed_at", Value: ""}}},
		})
	if err != nil {
		return err
	}
	if res.MatchedCount == 1 {
		o.notify()
		return nil
	}
	d, err := o.Status(ctx, id)
	if err != nil {
		return err
	}
	return errs.E(errs.Conflict, "only a failed message can be retried; this one is %s", d.Status)
}

// dueFilter matches the messages a worker may lease at now: queued and due,
// or being sent by a worker whose lease lapsed (it crashed or hung).
func dueFilter(now time.Time) bson.D {
	return bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "status", Value: string(Queued)}, {Key: "next_attempt_at", Value: bson.D{{Key: "$lte", Value: now}}}},
		bson.D{{Key: "status", Value: sending}, {Key: "lease_until", Value: bson.D{{Key: "$lt", Value: now}}}},
	}}}
}

// lease takes up to n due messages for the holder of token until the given
// time: status sending, one more attempt. Each message changes hands in one
// atomic single-document update whose filter re-checks that it is due, so
// two workers never both lease it; the batch costs three queries however
// large it is, where one findOneAndUpdate per message would scan the live
// collection once per message on the embedded store. found is how many
// due messages were seen, leased here or not.
func (o *Outbox) lease(ctx context.Context, now, until time.Time, token string, n int) (docs []outboxDoc, found int, err error) {
	if o.exclusive {
		docs, err = o.takeOneByOne(ctx, now, until, token, n)
		found = len(docs)
	} else {
		ids, err := o.dueIDs(ctx, now, n)
		if err != nil || len(ids) == 0 {
			return nil, 0, err
		}
		found = len(ids)
		docs, err = o.take(ctx, ids, now, until, token)
	}
	if err != nil {
		return nil, found, err
	}
	out := docs[:0]
	for _, d := range docs {
		err := o.withBody(ctx, &d)
		var unreadable *unreadableError
		switch {
		case store.IsNotFound(err):
			// Nothing to send: fail it visibly rather than stall the queue.
			if err := o.markFailed(ctx, []string{d.ID}, token, "the message's content is missing", now); err != nil {
				return nil, found, err
			}
			continue
		case errors.As(err, &unreadable):
			// It would fail every lease: fail it alone; the others go.
			if err := o.markFailed(ctx, []string{d.ID}, token, err.Error(), now); err != nil {
				return nil, found, err
			}
			continue
		case err != nil:
			return nil, found, err
		}
		out = append(out, d)
	}
	return out, found, nil
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
	if d.Text != "" || d.HTML != "" {
		return nil
	}
	o.cacheMu.Lock()
	b, ok := o.cached[d.ID]
	o.cacheMu.Unlock()
	if ok {
		d.Text, d.HTML, d.Calendar, d.Date = b.Text, b.HTML, b.Calendar, b.Date
		return nil
	}
	raw, err := o.bodies.FindOne(ctx, bson.D{{Key: "_id", Value: d.ID}}).Raw()
	if err != nil {
		return err
	}
	if err := bson.Unmarshal(raw, &b); err != nil {
		return &unreadableError{err: err}
	}
	d.Text, d.HTML, d.Calendar, d.Date = b.Text, b.HTML, b.Calendar, b.Date
	return nil
}

// leaseMu makes finding and taking due messages one step for the workers
// of this process; see takeOneByOne.
var leaseMu sync.Mutex

// takeOneByOne leases up to n due messages on the embedded store, whose
// only client is this process: one query for the due envelopes, then one
// update by `_id` per message, under a lock that the process's workers
// share. Updates filtered on anything but `_id` decode every live envelope
// on that store (a take of 64 held its one connection 150–450 ms while
// RSVP answers waited); updates by `_id` are short and let other requests
// in between. Every message of the batch is leased until the same time, so
// it stops taking more once a quarter of the lease went by: on a loaded
// store 64 updates outlasted the time a lease leaves to start a send, the
// worker gave every message back as soon as it had leased it, and leased
// them again, sending nothing (found by the fault suite, faults/).
func (o *Outbox) takeOneByOne(ctx context.Context, now, until time.Time, token string, n int) ([]outboxDoc, error) {
	leaseMu.Lock()
	defer leaseMu.Unlock()
	cur, err := o.live.Find(ctx, dueFilter(now), options.Find().SetLimit(int64(n)))
	if err != nil {
		return nil, err
	}
	due, err := o.decodeEach(ctx, cur, now)
	if err != nil {
		return nil, err
	}
	budget := until.Sub(now) / 4
	for i := range due {
		if i > 0 && o.clock.Now().Sub(now) > budget {
			return due[:i], nil
		}
		_, err := o.live.UpdateOne(ctx, bson.D{{Key: "_id", Value: due[i].ID}}, bson.D{
			{Key: "$set", Value: bson.D{{Key: "status", Value: sending}, {Key: "lease_until", Value: until}, {Key: "lease_token", Value: token}}},
			{Key: "$inc", Value: bson.D{{Key: "attempts", Value: 1}}},
		})
		if err != nil {
			return nil, err
		}
		due[i].Status, due[i].LeaseUntil, due[i].LeaseToken = sending, until, token
		due[i].Attempts++
	}
	return due, nil
}

// dueIDs returns up to n messages due at now.
func (o *Outbox) dueIDs(ctx context.Context, now time.Time, n int) ([]string, error) {
	cur, err := o.live.Find(ctx, dueFilter(now), options.Find().SetLimit(int64(n)).SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	return ids, nil
}

// take leases those of ids that are still due at now (another worker may
// have taken some since they were found) and returns them.
func (o *Outbox) take(ctx context.Context, ids []string, now, until time.Time, token string) ([]outboxDoc, error) {
	_, err := o.live.UpdateMany(ctx,
		bson.D{{Key: "$and", Value: bson.A{bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, dueFilter(now)}}},
		bson.D{
			{Key: "$set", Value: bson.D{{Key: "status", Value: sending}, {Key: "lease_until", Value: until}, {Key: "lease_token", Value: token}}},
			{Key: "$inc", Value: bson.D{{Key: "attempts", Value: 1}}},
		})
	if err != nil {
		return nil, err
	}
	cur, err := o.live.Find(ctx, bson.D{{Key: "lease_token", Value: token}})
	if err != nil {
		return nil, err
	}
	return o.decodeEach(ctx, cur, now)
}

// decodeEach reads a cursor's envelopes one by one: one that does not
// decode (written by no version of this code) is failed alone, by `_id`,
// where decoding them all at once failed every lease and stalled the queue.
func (o *Outbox) decodeEach(ctx context.Context, cur *mongo.Cursor, now time.Time) ([]outboxDoc, error) {
	defer cur.Close(ctx)
	var out []outboxDoc
	for cur.Next(ctx) {
		var d outboxDoc
		if err := cur.Decode(&d); err != nil {
			// Replaced by a readable failed envelope, so that the outbox's
			// lists still read; what can be read of it is kept.
			raw := cur.Current
			id, _ := raw.Lookup("_id").StringValueOK()
			bad := outboxDoc{ID: id, Status: string(Failed), LastError: "the message cannot be read: " + err.Error(),
				NextAttemptAt: now, CreatedAt: now, FailedAt: now}
			bad.Subject, _ = raw.Lookup("subject").StringValueOK()
			bad.To.Email, _ = raw.Lookup("to", "email").StringValueOK()
			if _, err := o.live.ReplaceOne(ctx, bson.D{{Key: "_id", Value: raw.Lookup("_id")}}, bad); err != nil {
				return nil, err
			}
			continue
		}
		out = append(out, d)
	}
	return out, cur.Err()
}

// leased is the filter of the given messages still held under the given lease.
func leased(ids []string, token string) bson.D {
	return bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}, {Key: "lease_token", Value: token}}
}

// markSent archives delivered messages and removes them from the live
// collection: one insert and one delete however many there are. Archiving
// twice (two workers delivered a message after a lease lapsed) keeps the
// first record.
func (o *Outbox) markSent(ctx context.Context, docs []outboxDoc, now time.Time) error {
	if len(docs) == 0 {
		return nil
	}
	archive := make([]any, len(docs))
	ids := make([]string, len(docs))
	for i, d := range docs {
		archive[i], ids[i] = d.toSent(now), d.ID
	}
	if _, err := o.sent.InsertMany(ctx, archive, options.InsertMany().SetOrdered(false)); err != nil && !store.IsDuplicate(err) {
		return err
	}
	// They are archived: remove them whoever holds them now (their bodies
	// go later, in bulk: dropBodies). On the embedded store one delete by
	// `_id` each: short commands, where one on several ids decodes every
	// live envelope.
	if o.exclusive {
		for _, id := range ids {
			if _, err := o.live.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
				return err
			}
		}
		return nil
	}
	_, err := o.live.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	return err
}

// dropBodies deletes the bodies of delivered messages.
func (o *Outbox) dropBodies(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	o.cacheMu.Lock()
	for _, id := range ids {
		delete(o.cached, id)
	}
	o.cacheMu.Unlock()
	_, err := o.bodies.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	return err
}

// markFailed records a permanent failure; the messages are not tried again.
func (o *Outbox) markFailed(ctx context.Context, ids []string, token, reason string, now time.Time) error {
	_, err := o.live.UpdateMany(ctx, leased(ids, token), bson.D{
		{Key: "$set", Value: bson.D{{Key: "status", Value: string(Failed)}, {Key: "last_error", Value: reason}, {Key: "failed_at", Value: now}}},
		{Key: "$unset", Value: bson.D{{Key: "lease_until", Value: ""}, {Key: "lease_token", Value: ""}}},
	})
	return err
}

// reschedule queues messages again for another attempt at next.
func (o *Outbox) reschedule(ctx context.Context, ids []string, token, reason string, next time.Time) error {
	_, err := o.live.UpdateMany(ctx, leased(ids, token), bson.D{
		{Key: "$set", Value: bson.D{{Key: "status", Value: string(Queued)}, {Key: "last_error", Value: reason}, {Key: "next_attempt_at", Value: next}}},
		{Key: "$unset", Value: bson.D{{Key: "lease_until", Value: ""}, {Key: "lease_token", Value: ""}}},
	})
	return err
}

// ReleaseOrphans gives back, due now, every message still leased when this
// process starts, on a store whose only client is this process (the
// embedded store locks its directory): a lease found then belongs to a
// worker that died with the previous process, and waiting for it to lapse
// only delays the mail. On a shared store (MongoDB) another process's
// worker may hold the lease, so it does nothing there and leases lapse as
// usual. It returns how many messages it released. The attempt stays
// counted: the message may have reached the server before the crash.
func (o *Outbox) ReleaseOrphans(ctx context.Context) (int, error) {
	if !o.exclusive {
		return 0, nil
	}
	res, err := o.live.UpdateMany(ctx, bson.D{{Key: "status", Value: sending}}, bson.D{
		{Key: "$set", Value: bson.D{{Key: "status", Value: string(Queued)}, {Key: "next_attempt_at", Value: o.clock.Now()}}},
		{Key: "$unset", Value: bson.D{{Key: "lease_until", Value: ""}, {Key: "lease_token", Value: ""}}},
	})
	if err != nil {
		return 0, err
	}
	if res.ModifiedCount > 0 {
		o.notify()
	}
	return int(res.ModifiedCount), nil
}

// release gives leased messages back unsent, due now, without counting the attempt.
func (o *Outbox) release(ctx context.Context, ids []string, token string, now time.Time) error {
	_, err := o.live.UpdateMany(ctx, leased(ids, token), bson.D{
		{Key: "$set", Value: bson.D{{Key: "status", Value: string(Queued)}, {Key: "next_attempt_at", Value: now}}},
		{Key: "$unset", Value: bson.D{{Key: "lease_until", Value: ""}, {Key: "lease_token", Value: ""}}},
		{Key: "$inc", Value: bson.D{{Key: "attempts", Value: -1}}},
	})
	return err
}
