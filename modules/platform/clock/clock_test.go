package clock

import (
	"context"
	"testing"
	"time"
)

// SleepUntil waits for its time, returns at once for a time gone by, and
// gives up when its context ends. (Lower bounds only, and an upper bound
// far above any machine's delay: a sleep never ends early.)
func TestSleepUntil(t *testing.T) {
	t.Parallel()
	start := time.Now()
	SleepUntil(context.Background(), start.Add(30*time.Millisecond))
	if took := time.Since(start); took < 30*time.Millisecond {
		t.Errorf("returned after %v, before its time", took)
	}
	start = time.Now()
	SleepUntil(context.Background(), start.Add(-time.Hour))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	SleepUntil(ctx, start.Add(time.Hour))
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("a past time and an ended context took %v", took)
	}
}
