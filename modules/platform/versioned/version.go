package versioned

import "context"

// Version returns the version the value Get returns stands for (after the
// same check Get makes, rebuilding when it moved). Two calls that return
// the same number saw the same value, so a cache built from this one
// (e.g. a report computed from the copy) is kept by this number.
func (c *Cache[T]) Version(ctx context.Context) (int64, error) {
	if _, err := c.Get(ctx); err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at, nil
}
