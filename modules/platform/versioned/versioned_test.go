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
