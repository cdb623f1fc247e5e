package clock_test

import (
	"context"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
)

func vn(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, clock.VN) }

func TestQuarterOfAndBounds(t *testing.T) {
	for _, c := range []struct {
		at         time.Time
		want       string
		start, end time.Time
		prev, next string
	}{
		{vn(2026, 7, 1, 0), "2026-Q3", vn(2026, 7, 1, 0), vn(2026, 10, 1, 0), "2026-Q2", "2026-Q4"},
		{vn(2026, 9, 30, 23), "2026-Q3", vn(2026, 7, 1, 0), vn(2026, 10, 1, 0), "2026-Q2", "2026-Q4"},
		{vn(2026, 12, 31, 23), "2026-Q4", vn(2026, 10, 1, 0), vn(2027, 1, 1, 0), "2026-Q3", "2027-Q1"},
		{vn(2027, 1, 1, 0), "2027-Q1", vn(2027, 1, 1, 0), vn(2027, 4, 1, 0), "2026-Q4", "2027-Q2"},
		// 20:00 UTC on 31 December is already 3:00 on 1 January in Vietnam.
		{time.Date(2026, 12, 31, 20, 0, 0, 0, time.UTC), "2027-Q1", vn(2027, 1, 1, 0), vn(2027, 4, 1, 0), "2026-Q4", "2027-Q2"},
		// 16:59 UTC on 31 March is 23:59 in Vietnam: still the first quarter.
		{time.Date(2026, 3, 31, 16, 59, 0, 0, time.UTC), "2026-Q1", vn(2026, 1, 1, 0), vn(2026, 4, 1, 0), "2025-Q4", "2026-Q2"},
	} {
		q := clock.QuarterOf(c.at)
		if q.String() != c.want || !q.Start().Equal(c.start) || !q.End().Equal(c.end) ||
			q.Prev().String() != c.prev || q.Next().String() != c.next {
			t.Errorf("QuarterOf(%v) = %v [%v, %v) prev %v next %v; want %s [%v, %v) prev %s next %s",
				c.at, q, q.Start(), q.End(), q.Prev(), q.Next(), c.want, c.start, c.end, c.prev, c.next)
		}
		if !q.Contains(c.at) || q.Contains(q.End()) || !q.Contains(q.Start()) || q.Contains(q.Start().Add(-time.Nanosecond)) {
			t.Errorf("%v: Contains does not hold [%v, %v) around %v", q, q.Start(), q.End(), c.at)
		}
	}
}

func TestParseQuarter(t *testing.T) {
	for _, c := range []struct {
		in   string
		want clock.Quarter
		ok   bool
	}{
		{"2026-Q3", clock.Quarter{Year: 2026, Q: 3}, true},
		{"2026-Q1", clock.Quarter{Year: 2026, Q: 1}, true},
		{"2000-Q1", clock.Quarter{Year: 2000, Q: 1}, true},
		{"2099-Q4", clock.Quarter{Year: 2099, Q: 4}, true},
		{"1999-Q4", clock.Quarter{}, false},
		{"2100-Q1", clock.Quarter{}, false},
		{"1900-Q1", clock.Quarter{}, false},
		{"0000-Q1", clock.Quarter{}, false},
		{"2026-Q5", clock.Quarter{}, false},
		{"2026-Q0", clock.Quarter{}, false},
		{"2026Q3", clock.Quarter{}, false},
		{"2026-q3", clock.Quarter{}, false},
		{"2026-Q3 ", clock.Quarter{}, false},
		{"2026-Q+3", clock.Quarter{}, false},
		{"26-Q3", clock.Quarter{}, false},
		{"-Q3", clock.Quarter{}, false},
		{"", clock.Quarter{}, false},
	} {
		got, err := clock.ParseQuarter(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseQuarter(%q) = %v, %v; want %v (ok %v)", c.in, got, err, c.want, c.ok)
		}
		if c.ok && got.String() != c.in {
			t.Errorf("ParseQuarter(%q).String() = %q", c.in, got.String())
		}
	}
}

// SleepUntil waits for its time, returns at once for a time gone by, and
// gives up when its context ends. (Lower bounds only, and an upper bound
// far above any machine's delay: a sleep never ends early.)
func TestSleepUntil(t *testing.T) {
	t.Parallel()
	start := time.Now()
	clock.SleepUntil(context.Background(), start.Add(30*time.Millisecond))
	if took := time.Since(start); took < 30*time.Millisecond {
		t.Errorf("returned after %v, before its time", took)
	}
	start = time.Now()
	clock.SleepUntil(context.Background(), start.Add(-time.Hour))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	clock.SleepUntil(ctx, start.Add(time.Hour))
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("a past time and an ended context took %v", took)
	}
}
