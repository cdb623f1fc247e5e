package mail

import (
	"context"
	"fmt"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/store"
)

// Delivered is a message that was delivered in the past.
type Delivered struct {
	Message  Message // Key (or ID) required: it is the archive's _id
	QueuedAt time.Time
	SentAt   time.Time
	Attempts int // 0 counts as 1
}

// InsertSent stores messages delivered in the past as a worker leaves them:
// in the sent archive, in the outbox's own document format, with their keys
// in the ledger (so that enqueueing one of them again sends nothing): one
// insert into each, never an update. The live collection is not touched. It
// is for loading history in bulk (the benchmark fixture, a migration), not
// for the request path. Errors: errs.Invalid for a message without a key or
// that could not be sent; store.ErrDuplicate when an ID exists already.
func (o *Outbox) InsertSent(ctx context.Context, ds []Delivered) error {
	if len(ds) == 0 {
		return nil
	}
	sent := make([]sentDoc, len(ds))
	keys := make([]keyDoc, len(ds))
	for i, d := range ds {
		m := d.Message
		if m.Key == "" {
			m.Key = m.ID
		}
		if m.Key == "" || (m.ID != "" && m.ID != m.Key) {
			return errs.Field("key", "message %d needs a key (equal to its ID when both are given)", i)
		}
		m.ID = m.Key
		if err := m.Validate(); err != nil {
			return err
		}
		if m.Date.IsZero() {
			m.Date = d.QueuedAt
		}
		doc := toOutboxDoc(m, d.QueuedAt)
		doc.Attempts = max(d.Attempts, 1)
		sent[i] = doc.toSent(d.SentAt)
		keys[i] = keyDoc{ID: m.ID, At: d.QueuedAt}
	}
	if err := noneThere(o.sent.InsertMany(ctx, sent)); err != nil {
		return err
	}
	return noneThere(o.keys.InsertMany(ctx, keys))
}

// noneThere turns documents an InsertMany found stored already into an error.
func noneThere(dup map[int]bool, err error) error {
	if err == nil && len(dup) > 0 {
		err = fmt.Errorf("%w: %d of the delivered messages were stored already", store.ErrDuplicate, len(dup))
	}
	return err
}
