// Package received keeps what a test's stand-in for a dependency was
// handed (events published, mails sent), safe to add to from the
// service's goroutines while the test reads it.
package received

import (
	"slices"
	"sync"
)

// List is what was received, in order. Its zero value is empty and ready.
type List[T any] struct {
	mu    sync.Mutex
	items []T
}

// Add appends v.
func (l *List[T]) Add(v T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.items = append(l.items, v)
}

// All returns a copy of what was received so far.
func (l *List[T]) All() []T {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.items)
}
