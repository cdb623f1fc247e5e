package mail

import (
	"context"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Status tells where a message is: the live collection is read first, then
// the archive, each by `_id`. Errors: errs.NotFound.
func (o *Outbox) Status(ctx context.Context, id string) (Delivery, error) {
	d, err := o.live.Get(ctx, id)
	if err == nil {
		return d.toDelivery(), nil
	}
	if errs.KindOf(err) != errs.NotFound {
		return Delivery{}, err
	}
	s, err := o.sent.Get(ctx, id)
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
	for _, id := range ids {
		out[id] = Sent
	}
	err := o.live.Each(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}},
		store.Find{Projection: bson.D{{Key: "status", Value: 1}}}, func(d outboxDoc) error {
			out[d.ID] = d.toDelivery().Status
			return nil
		})
	if err != nil {
		return nil, err
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

func page[D any](ctx context.Context, coll *store.Coll[D], filter bson.D, sortKey string, limit, offset int,
	conv func(D) Delivery) ([]Delivery, int, error) {
	total, err := coll.Count(ctx, filter)
	if err != nil {
		return nil, 0, err
	}
	docs, err := coll.List(ctx, filter, store.Find{Sort: bson.D{{Key: sortKey, Value: -1}, {Key: "_id", Value: 1}},
		Skip: int64(offset), Limit: int64(limit)})
	if err != nil {
		return nil, 0, err
	}
	out := make([]Delivery, len(docs))
	for i, d := range docs {
		out[i] = conv(d)
	}
	return out, total, nil
}
