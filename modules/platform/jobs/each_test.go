package jobs_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/platform/jobs"
)

// One item that fails is logged with its id and counted; the pass goes
// on over the others. A done context stops the pass with its error.
func TestEachGoesOnPastAFailureAndStopsWithTheContext(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	id := func(s string) string { return s }
	var done []string
	failed, err := jobs.Each(context.Background(), log, []string{"a", "b", "c"}, "item failed", "item", id, func(s string) error {
		if s == "b" {
			return errors.New("broken")
		}
		done = append(done, s)
		return nil
	})
	if failed != 1 || err != nil || strings.Join(done, ",") != "a,c" {
		t.Fatalf("failed %d, err %v, done %v; want 1, nil, a,c", failed, err, done)
	}
	if out := buf.String(); !strings.Contains(out, `msg="item failed" item=b err=broken`) || strings.Count(out, "\n") != 1 {
		t.Fatalf("log %q: want one line naming b", out)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done = nil
	failed, err = jobs.Each(ctx, log, []string{"a", "b", "c"}, "item failed", "item", id, func(s string) error {
		done = append(done, s)
		cancel()
		return ctx.Err()
	})
	if failed != 0 || !errors.Is(err, context.Canceled) || len(done) != 1 {
		t.Fatalf("failed %d, err %v, done %v; want 0, canceled, one item", failed, err, done)
	}
}
