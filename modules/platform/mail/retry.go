package mail

import (
	"context"

	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
)

// Retry queues a failed message again, due now, with its attempts counted
// from zero. Errors: errs.NotFound; errs.Conflict when the message is not
// failed (queued, being sent, or sent).
func (o *Outbox) Retry(ctx context.Context, id string) error {
	_, err := o.live.Update(ctx, id, func(d *outboxDoc) error {
		if d.Status != string(Failed) {
			return notFailed(d.toDelivery().Status)
		}
		d.Status, d.Attempts, d.NextAttemptAt, d.FailedAt = string(Queued), 0, o.clock.Now(), time.Time{}
		return nil
	})
	if errs.KindOf(err) == errs.NotFound {
		if _, err := o.sent.Get(ctx, id); err != nil {
			return err
		}
		return notFailed(Sent)
	}
	if err != nil {
		return err
	}
	o.notify()
	return nil
}

func notFailed(s Status) error {
	return errs.E(errs.Conflict, "only a failed message can be retried; this one is %s", s)
}
