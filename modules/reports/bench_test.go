package reports

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
)

// BenchmarkNational measures the matrix and the coverage of the whole
// network (Build, then Matrix and Coverage without a filter) at national
// scale: 10,000 and 20,000 collaborators × 20 courses, about 20 certificate
// cycles and 4 quarterly records a person, held in memory. It reports the
// heap in use after a computation and the bytes allocated by one. Run:
//
//	go test ./modules/reports/ -run '^$' -bench National -benchtime 20x
func BenchmarkNational(b *testing.B) {
	now := time.Date(2026, 6, 15, 10, 0, 0, 0, clock.VN)
	for _, people := range []int{10_000, 20_000} {
		in := Synthetic(people, 20, now)
		b.Run(fmt.Sprintf("people=%d/cycles=%d/records=%d", people, in.Cycles(), len(in.Records)), func(b *testing.B) {
			b.ReportAllocs()
			var heap uint64
			for b.Loop() {
				x := Build(in)
				m := x.Matrix(Filter{})
				c := x.Coverage("")
				if len(m.Rows) != people || len(c) == 0 {
					b.Fatalf("%d rows, %d districts", len(m.Rows), len(c))
				}
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				heap = max(heap, ms.HeapInuse)
			}
			b.ReportMetric(float64(heap)/(1<<20), "MB-heap-inuse")
		})
	}
}
