package certpdf

import (
	"net/netip"
	"sync"
	"time"
)

// Limiter is a token bucket per client: burst requests at once, then one
// more per every. It lives in the process (each process of a service
// keeps its own), which is enough to make guessing codes slow and to keep
// a flood off the store; the codes themselves carry 140 random bits.
type Limiter struct {
	burst int
	every time.Duration

	mu      sync.Mutex
	buckets map[string]bucket
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was counted
}

// maxBuckets bounds the memory of the limiter: past it, Allow forgets the
// clients whose buckets have filled up again (they are as if new).
const maxBuckets = 10000

// NewLimiter makes a limiter of burst requests, then one per every.
func NewLimiter(burst int, every time.Duration) *Limiter {
	return &Limiter{burst: burst, every: every, buckets: map[string]bucket{}}
}

// Allow takes a token of client's bucket at now. When there is none it
// reports false and how long until there is.
func (l *Limiter) Allow(client string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[client]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.forgetFull(now)
		}
		b = bucket{tokens: float64(l.burst), at: now}
	}
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(float64(l.burst), b.tokens+float64(d)/float64(l.every))
		b.at = now
	}
	if b.tokens < 1 {
		l.buckets[client] = b
		return false, time.Duration((1 - b.tokens) * float64(l.every))
	}
	b.tokens--
	l.buckets[client] = b
	return true, 0
}

// forgetFull drops the buckets that have refilled by now.
func (l *Limiter) forgetFull(now time.Time) {
	full := time.Duration(l.burst) * l.every
	for k, b := range l.buckets {
		if now.Sub(b.at) >= full {
			delete(l.buckets, k)
		}
	}
}

// clientKey is the bucket of a client address: the address, or for IPv6
// its /64 (one household or phone gets a whole /64).
func clientKey(client string) string {
	a, err := netip.ParseAddr(client)
	if err != nil {
		return client
	}
	if a = a.Unmap(); a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
