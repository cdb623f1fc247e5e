package versioned

import (
	"context"
	"errors"
	"testing"
	"time"
)

type source struct {
	version int64
	builds  int
	reads   int
	fail    error
}

func (s *source) cache(fresh time.Duration, now *time.Time) *Cache[int] {
	c := New(func(context.Context) (int64, error) {
		s.reads++
		return s.version, s.fail
	}, func(context.Context) (int, error) {
		s.builds++
		return int(s.version) * 10, nil
	}, fresh)
	c.now = func() time.Time { return *now }
	return c
}

func TestCache(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	s := &source{version: 1}
	c := s.cache(time.Second, &now)
	get := func(want, builds, reads int) {
		t.Helper()
		v, err := c.Get(ctx)
		if err != nil || v != want || s.builds != builds || s.reads != reads {
			t.Fatalf("Get = %d, %v after %d builds and %d version reads; want %d after %d and %d",
				v, err, s.builds, s.reads, want, builds, reads)
		}
	}
	get(10, 1, 1) // first use builds
	get(10, 1, 1) // inside Fresh: neither read nor build
	s.version = 2
	get(10, 1, 1) // another process's change is not seen inside Fresh...
	now = now.Add(time.Second)
	get(20, 2, 2) // ...but after it
	now = now.Add(time.Second)
	get(20, 2, 3) // version unchanged: read, no build
	c.Invalidate()
	get(20, 3, 4) // this process's own change: rebuilt at once
	now = now.Add(time.Second)
	s.fail = errors.New("store down")
	if _, err := c.Get(ctx); !errors.Is(err, s.fail) {
		t.Fatalf("a failed version read: %v", err)
	}
	s.fail = nil
	get(20, 3, 6) // the value survives a failed check
}

func TestChanged(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	s := &source{version: 1}
	c := s.cache(time.Second, &now)
	plus := func(n int) func(int) int { return func(v int) int { return v + n } }
	get := func(want, builds int) {
		t.Helper()
		v, err := c.Get(ctx)
		if err != nil || v != want || s.builds != builds {
			t.Fatalf("Get = %d, %v after %d builds; want %d after %d", v, err, s.builds, want, builds)
		}
	}
	get(10, 1)
	// This process's own change, counted as version 2: patched, no build,
	// and the version read after Fresh finds the copy current.
	s.version = 2
	c.Changed(2, plus(1))
	get(11, 1)
	now = now.Add(time.Second)
	get(11, 1)
	// Another process counted version 3 before this one's bump made 4:
	// the copy is dropped and rebuilt at once.
	s.version = 4
	c.Changed(4, plus(1))
	get(40, 2)
	// Nothing built yet: Changed keeps nothing.
	c.Invalidate()
	s.version = 5
	c.Changed(5, plus(1))
	get(50, 3)
}
