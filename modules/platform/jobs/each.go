package jobs

import (
	"context"
	"log/slog"
)

// Each calls do for each item in turn, so that one item that fails does
// not stop a job's pass over the others: a failure is logged (msg, with
// key and the item's id) and counted, and the pass goes on. It stops at
// once with ctx's error when ctx is done. It returns how many items do
// did (those it answered true without an error) and how many failed.
func Each[T any](ctx context.Context, log *slog.Logger, items []T, msg, key string, id func(T) string,
	do func(T) (bool, error)) (done, failed int, err error) {
	for _, x := range items {
		ok, err := do(x)
		switch {
		case err == nil:
			if ok {
				done++
			}
		case ctx.Err() != nil:
			return done, failed, ctx.Err()
		default:
			failed++
			log.ErrorContext(ctx, msg, key, id(x), "err", err)
		}
	}
	return done, failed, nil
}
