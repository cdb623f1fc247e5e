// Package versioned keeps an in-process copy of what several store
// documents hold, rebuilt only when a version number moves.
//
// A module whose pages read the same few hundred documents on every
// request (the registry, the certificates) keeps them in memory and bumps
// a version document in the store after each change; every process
// checks that number at most once per Fresh interval and rebuilds its copy
// when it moved, so a change made by another process sharing one MongoDB
// is seen within Fresh, and a change made by this one at once
// (Invalidate).
package versioned

import (
	"context"
	"sync"
	"time"
)

// Cache is a value built from the store, rebuilt when its version moves.
// The zero value is not usable: see New.
type Cache[T any] struct {
	version func(ctx context.Context) (int64, error)
	build   func(ctx context.Context) (T, error)
	fresh   time.Duration
	now     func() time.Time

	mu      sync.Mutex
	have    bool
	value   T
	at      int64 // the version value was built at
	checked time.Time
}

// New returns a cache of what build reads, trusted for fresh (1 s when
// zero) between two reads of version. Build runs under the cache's lock:
// concurrent callers wait for one build instead of each building.
func New[T any](version func(context.Context) (int64, error), build func(context.Context) (T, error), fresh time.Duration) *Cache[T] {
	if fresh <= 0 {
		fresh = time.Second
	}
	return &Cache[T]{version: version, build: build, fresh: fresh, now: time.Now}
}

// Get returns the value, rebuilding it first when the version moved since
// it was built (or it never was). The version is read before the build,
// so a change that lands during a build bumps past it and the next check
// rebuilds again.
func (c *Cache[T]) Get(ctx context.Context) (T, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if c.have && now.Sub(c.checked) < c.fresh {
		return c.value, nil
	}
	v, err := c.version(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	if c.have && v == c.at {
		c.checked = now
		return c.value, nil
	}
	val, err := c.build(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	c.value, c.at, c.have, c.checked = val, v, true, now
	return val, nil
}

// Changed records a change this process made and counted: bumped is the
// version its bump moved the document to. When the copy was built at the
// version just before (no other change was counted between), patch turns
// it into the copy after the change, which stands for bumped; otherwise
// the copy is dropped, as Invalidate does. So a process's own writes cost
// it no rebuild, while a change counted by another process still does.
// patch must not modify its argument (readers may hold it) unless the
// value is made for concurrent use, and must be right whatever order two
// changes of this process reach Changed in (e.g. by comparing a
// document's rev, or by dropping what the change touched).
func (c *Cache[T]) Changed(bumped int64, patch func(T) T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.have || c.at != bumped-1 {
		c.drop()
		return
	}
	c.value, c.at = patch(c.value), bumped
}

// Invalidate drops the value: the next Get rebuilds it whatever the
// version says. A module calls it after its own writes (and their bump).
func (c *Cache[T]) Invalidate() {
	c.mu.Lock()
	c.drop()
	c.mu.Unlock()
}

func (c *Cache[T]) drop() {
	c.have = false
	var zero T
	c.value = zero
}
