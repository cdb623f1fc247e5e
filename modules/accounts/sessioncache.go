package accounts

import (
	"context"
	"sync"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
)

// SessionCacheTTL is how long a process trusts a session it has read.
// Every request reads its session; in a synchronized exam that is one store
// command in five. Sessions this process ends (sign-out, a password or role
// change) leave its cache at once; one ended by another process — only
// possible on MongoDB, the embedded store has one process — is honoured
// here for at most this long.
const SessionCacheTTL = 15 * time.Second

// sessionCache wraps the store's session reads with a short-lived cache.
type sessionCache struct {
	UserStore
	clock clock.Clock

	mu      sync.Mutex
	entries map[string]cachedSession
}

type cachedSession struct {
	s    Session
	read time.Time
}

const sessionCacheMax = 10_000

func newSessionCache(st UserStore, clk clock.Clock) *sessionCache {
	return &sessionCache{UserStore: st, clock: clk, entries: map[string]cachedSession{}}
}

func (c *sessionCache) SessionByID(ctx context.Context, id string) (Session, error) {
	now := c.clock.Now()
	c.mu.Lock()
	e, ok := c.entries[id]
	c.mu.Unlock()
	if ok && now.Sub(e.read) < SessionCacheTTL && now.Sub(e.read) >= 0 {
		return e.s, nil
	}
	s, err := c.UserStore.SessionByID(ctx, id)
	if err != nil {
		c.forget(id)
		return Session{}, err
	}
	c.mu.Lock()
	if len(c.entries) >= sessionCacheMax {
		clear(c.entries)
	}
	c.entries[id] = cachedSession{s: s, read: now}
	c.mu.Unlock()
	return s, nil
}

func (c *sessionCache) forget(id string) {
	c.mu.Lock()
	delete(c.entries, id)
	c.mu.Unlock()
}

func (c *sessionCache) DeleteSession(ctx context.Context, id string) error {
	c.forget(id)
	return c.UserStore.DeleteSession(ctx, id)
}

func (c *sessionCache) DeleteUserSessions(ctx context.Context, userID, keep string) error {
	c.mu.Lock()
	for id, e := range c.entries {
		if e.s.UserID == userID && id != keep {
			delete(c.entries, id)
		}
	}
	c.mu.Unlock()
	return c.UserStore.DeleteUserSessions(ctx, userID, keep)
}
