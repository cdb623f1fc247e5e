//go:build !unix

package embedded

// lockDir is a no-op where flock is missing: run one process per data
// directory.
func lockDir(dir string) (unlock func(), err error) { return func() {}, nil }
