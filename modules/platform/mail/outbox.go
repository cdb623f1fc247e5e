package mail

import (
	"sync"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/store"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
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
	// BodiesCollection holds the content of live messages (text, HTML,
	// calendar), read and deleted by `_id` only. The live collection keeps
	// just the envelope the worker's queries filter on: on the embedded
	// store every such query decodes every live document, so the content
	// stays out of them.
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
	live *store.Coll[outboxDoc]
	// leases is the live collection read raw: an envelope that does not
	// decode is failed alone (see lease).
	leases *store.Coll[bson.Raw]
	sent   *store.Coll[sentDoc]
	keys   *store.Coll[keyDoc]
	// bodies are read raw: a body that does not decode fails its message
	// alone (see withBody).
	bodies *store.Coll[bson.Raw]

	// cached keeps the bodies this process queued until they are sent, so
	// that its worker need not read them back. Bodies never change; another
	// process's worker reads them from the store.
	cacheMu sync.Mutex
	cached  map[string]bodyDoc
	clock   clock.Clock
	wake    chan struct{}
}

// NewOutbox returns the outbox on db.
func NewOutbox(db *mongo.Database, clk clock.Clock) *Outbox {
	return &Outbox{
		live:   store.NewColl[outboxDoc](db, OutboxCollection, "message"),
		leases: store.NewColl[bson.Raw](db, OutboxCollection, "message"),
		sent:   store.NewColl[sentDoc](db, SentCollection, "message"),
		keys:   store.NewColl[keyDoc](db, KeysCollection, "message key"),
		bodies: store.NewColl[bson.Raw](db, BodiesCollection, "message content"),
		cached: map[string]bodyDoc{}, clock: clk, wake: make(chan struct{}, 1),
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
	Content       content   `bson:",inline"`
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
	Content   content   `bson:",inline"`
	Attempts  int       `bson:"attempts"`
	CreatedAt time.Time `bson:"created_at"`
	SentAt    time.Time `bson:"sent_at"`
}

// bodyDoc is a live message's content, keyed by the message id.
type bodyDoc struct {
	ID      string  `bson:"_id"`
	Content content `bson:",inline"`
}

// content is what a message says: its bodies, its invitation and its Date
// header, stored in a live message's body, in the archive and, for
// messages queued before bodies were kept apart, in the envelope. Enqueue
// sets Date, so it is zero only in an envelope.
type content struct {
	Text     string    `bson:"text,omitempty"`
	HTML     string    `bson:"html,omitempty"`
	Calendar *Calendar `bson:"calendar,omitempty"`
	Date     time.Time `bson:"date,omitempty"`
	Lang     string    `bson:"lang,omitempty"`
}

func toBodyDoc(m Message) bodyDoc {
	return bodyDoc{ID: m.ID, Content: content{Text: m.Text, HTML: m.HTML, Calendar: m.Calendar, Date: m.Date, Lang: m.Lang}}
}

type keyDoc struct {
	ID string    `bson:"_id"`
	At time.Time `bson:"at"`
}

func toOutboxDoc(m Message, now time.Time) outboxDoc {
	return outboxDoc{ID: m.ID, To: m.To, Subject: m.Subject, Status: string(Queued), NextAttemptAt: now, CreatedAt: now}
}

func (d outboxDoc) toMessage() Message {
	return Message{ID: d.ID, Key: d.ID, To: d.To, Subject: d.Subject, Text: d.Content.Text, HTML: d.Content.HTML, Calendar: d.Content.Calendar, Date: d.Content.Date, Lang: d.Content.Lang}
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
	return sentDoc{ID: d.ID, To: d.To, Subject: d.Subject, Content: d.Content,
		Attempts: d.Attempts, CreatedAt: d.CreatedAt, SentAt: now}
}

func (d sentDoc) toDelivery() Delivery {
	return Delivery{ID: d.ID, To: d.To, Subject: d.Subject, Status: Sent, Attempts: d.Attempts, QueuedAt: d.CreatedAt, SentAt: d.SentAt}
}

// notify wakes one idle worker of this process.
func (o *Outbox) notify() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}
