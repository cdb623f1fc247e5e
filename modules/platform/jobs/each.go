package jobs

import (
	"context"
	"log/slog"
)

// Each calls do for each item in turn, so that one item that fails does
// not stop a job's pass over the others: a failure is logged (msg, with
// key and the item's id) and counted, and the pass goes on. It stops at
// once with ctx's error when ctx is done. It returns how many items failed.
func Each[T any](ctx context.Context, log *slog.Logger, items []T, msg, key string, id func(T) string, do func(T) error) (failed int, err error) {
	for _, x := range items {
		if err := do(x); err != nil {
			if ctx.Err() != nil {
				return failed, ctx.Err()
			}
			failed++
			log.ErrorContext(ctx, msg, key, id(x), "err", err)
		}
	}
	return failed, nil
}
