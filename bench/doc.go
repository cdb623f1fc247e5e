// Package bench holds the performance work of the service: the shared
// fixture "10× province, 5 years" (bench/fixture, loaded by
// bench/cmd/fixture), the quiz burst (bench/cmd/quizburst, driven by
// bench/burst) and Go benchmarks of the quiz engine's store operations on
// the embedded store (run them with `go test ./bench -run '^$' -bench .`).
// The results and how to reproduce them are in README.md, "Performance".
package bench
