package mail

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
)

// outcome is the result of one attempt, waiting to be recorded.
type outcome struct {
	doc   outboxDoc
	token string
	err   error // nil: sent
}

// recordLoop records outcomes until results is closed, taking whatever has
// accumulated each time.
func (w *Worker) recordLoop(ctx context.Context, results <-chan outcome) {
	var delivered []string
	defer func() {
		// The delivered messages' bodies, once the drain is over. Left
		// behind by a crash, they are only garbage.
		if err := w.box.dropBodies(ctx, delivered); err != nil && ctx.Err() == nil {
			w.log.Error("mail outbox: drop delivered bodies", "err", err)
		}
	}()
	// unsent are the delivered messages whose record failed: still held,
	// so that this worker does not send them again, and recorded with the
	// next group (or given up when the drain ends).
	var unsent []outcome
	defer func() {
		if len(unsent) > 0 {
			delivered = append(delivered, w.record(ctx, unsent, nil)...)
		}
	}()
	for o := range results {
		group := append(unsent, o)
		unsent = nil
	more:
		for len(group) < 4*w.o.Batch {
			select {
			case o, ok := <-results:
				if !ok {
					break more
				}
				group = append(group, o)
			default:
				break more
			}
		}
		delivered = append(delivered, w.record(ctx, group, &unsent)...)
	}
}

// record writes the outcomes of a group of attempts: the delivered in an
// archive insert and the deletes of DeleteIDs, the others in one update per
// lease, kind, attempt number and error. Each is written under the
// message's latest lease (see Worker.held), and the message is no longer
// held once written. The delivered ones whose write failed are added to
// unsent, still held, when unsent is not nil.
func (w *Worker) record(ctx context.Context, outs []outcome, unsent *[]outcome) (delivered []string) {
	now := w.clock.Now()
	var written []string
	defer func() { w.unhold(written) }()
	for i := range outs {
		if tok := w.heldToken(outs[i].doc.ID); tok != "" {
			outs[i].token = tok
		}
	}
	type key struct {
		token, reason string
		failed        bool
		attempts      int
	}
	var sent []outboxDoc
	groups := map[key][]outboxDoc{}
	var order []key
	for _, o := range outs {
		if o.err == nil {
			sent = append(sent, o.doc)
			continue
		}
		k := key{token: o.token, reason: errText(o.err), attempts: o.doc.Attempts}
		switch {
		case IsPermanent(o.err):
			k.failed = true
		case o.doc.Attempts >= w.o.MaxAttempts && !IsUnavailable(o.err):
			k.failed = true
			k.reason = fmt.Sprintf("gave up after %d attempts: %s", o.doc.Attempts, k.reason)
		}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], o.doc)
	}
	var done []Delivery
	if err := w.box.markSent(ctx, sent, now); err != nil {
		w.logStoreError(ctx, "record sent", sent, err)
		if unsent != nil && ctx.Err() == nil {
			for _, o := range outs {
				if o.err == nil {
					*unsent = append(*unsent, o)
				}
			}
		} else {
			for _, d := range sent {
				written = append(written, d.ID) // given up: the lease lapses
			}
		}
	} else {
		for _, d := range sent {
			done = append(done, Delivery{ID: d.ID, To: d.To, Subject: d.Subject, Status: Sent, Attempts: d.Attempts,
				QueuedAt: d.CreatedAt, SentAt: now})
			delivered = append(delivered, d.ID)
			written = append(written, d.ID)
		}
	}
	for _, k := range order {
		docs := groups[k]
		ids := make([]string, len(docs))
		for i, d := range docs {
			ids[i] = d.ID
		}
		written = append(written, ids...)
		if k.failed {
			w.log.Warn("mail failed", "ids", ids, "attempts", k.attempts, "err", k.reason)
			if err := w.box.markFailed(ctx, ids, k.token, k.reason, now); err != nil {
				w.logStoreError(ctx, "record failure", docs, err)
				continue
			}
			for _, d := range docs {
				done = append(done, Delivery{ID: d.ID, To: d.To, Subject: d.Subject, Status: Failed, Attempts: d.Attempts,
					LastError: k.reason, QueuedAt: d.CreatedAt, FailedAt: now})
			}
			continue
		}
		next := now.Add(backoff(k.attempts, w.o.BackoffBase, w.o.BackoffCap, mrand.Float64()))
		w.log.Warn("mail attempt failed; will retry", "ids", ids, "attempts", k.attempts, "next", next, "err", k.reason)
		if err := w.box.reschedule(ctx, ids, k.token, k.reason, next); err != nil {
			w.logStoreError(ctx, "record retry", docs, err)
		}
	}
	if w.o.OnDone != nil {
		for _, d := range done {
			w.o.OnDone(ctx, d)
		}
	}
	return delivered
}

func (w *Worker) logStoreError(ctx context.Context, what string, docs []outboxDoc, err error) {
	if ctx.Err() != nil {
		return // killed: the leases lapse and the messages are sent again
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	w.log.Error("mail outbox: "+what, "ids", ids, "err", err)
}

// errText is an error's message, short enough to store.
func errText(err error) string {
	s := err.Error()
	if len(s) > 1000 {
		s = s[:1000] + "…"
	}
	return s
}
