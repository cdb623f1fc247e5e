package mail

import (
	"math/rand/v2"
	"time"
)

// breaker tells whether the worker pauses at now after the server was
// found unavailable, and whether the next attempt is a probe.
func (w *Worker) breaker(now time.Time) (probing, paused bool) {
	w.brk.Lock()
	defer w.brk.Unlock()
	return w.failStreak > 0, now.Before(w.pausedUntil)
}

// observe updates the breaker with an attempt's result: an unavailable
// server starts (or, after a probe, lengthens) a pause; an answer from the
// server, even a refusal, ends it.
func (w *Worker) observe(err error) {
	w.brk.Lock()
	defer w.brk.Unlock()
	switch {
	case !IsUnavailable(err): // the server answered
		w.failStreak, w.pausedUntil = 0, time.Time{}
	default:
		now := w.clock.Now()
		if now.Before(w.pausedUntil) {
			return // other sends of the same outage
		}
		w.failStreak++
		w.pausedUntil = now.Add(backoff(w.failStreak, w.o.BackoffBase, w.o.BackoffCap, rand.Float64()))
		w.log.Warn("mail server unavailable; pausing", "until", w.pausedUntil, "failures", w.failStreak, "err", err)
	}
}

// backoff is the delay before the attempt after attempt n (n ≥ 1): between
// half and all of min(cap, base·2^(n-1)), placed by r in [0, 1).
func backoff(n int, base, cap time.Duration, r float64) time.Duration {
	d := base
	for i := 1; i < n && d < cap; i++ {
		d *= 2
	}
	d = min(d, cap)
	return d/2 + time.Duration(r*float64(d/2))
}
