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
	n, failed, err := jobs.Each(context.Background(), log, []string{"a", "b", "c", "skip"}, "item failed", "item", id, func(s string) (bool, error) {
		if s == "b" {
			return true, errors.New("broken")
		}
		done = append(done, s)
		return s != "skip", nil
	})
	if n != 2 || failed != 1 || err != nil || strings.Join(done, ",") != "a,c,skip" {
		t.Fatalf("did %d, failed %d, err %v, done %v; want 2, 1, nil, a,c,skip", n, failed, err, done)
	}
	if out := buf.String(); !strings.Contains(out, `msg="item failed" item=b err=broken`) || strings.Count(out, "\n") != 1 {
		t.Fatalf("log %q: want one line naming b", out)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done = nil
	n, failed, err = jobs.Each(ctx, log, []string{"a", "b", "c"}, "item failed", "item", id, func(s string) (bool, error) {
		done = append(done, s)
		cancel()
		return true, ctx.Err()
	})
	if n != 0 || failed != 0 || !errors.Is(err, context.Canceled) || len(done) != 1 {
		t.Fatalf("did %d, failed %d, err %v, done %v; want 0, 0, canceled, one item", n, failed, err, done)
	}
}
