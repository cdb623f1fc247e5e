// Command reports measures the leadership reports' computation alone at
// national scale (issue 12): a synthetic network held in memory
// (reports.Synthetic: -people collaborators × -courses courses, about two
// certificate cycles per certificate and four quarterly records a person),
// then -runs times the matrix and the coverage of the whole network
// (reports.Build, Matrix, Coverage). Run it under /usr/bin/time -v for the
// process's peak memory:
//
//	go build -o /tmp/reports-bench ./bench/cmd/reports
//	/usr/bin/time -v /tmp/reports-bench -people 10000
//	/usr/bin/time -v /tmp/reports-bench -people 20000
//
// It prints the data set, each run's time, the median and the fastest, the
// heap in use after the last run and the bytes one run allocates, and
// PASS/FAIL against the goals (150 ms, 256 MB: the exit status does not
// depend on them).
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/reports"
)

func main() {
	people := flag.Int("people", 10_000, "collaborators")
	courses := flag.Int("courses", 20, "courses")
	runs := flag.Int("runs", 15, "computations measured")
	flag.Parse()
	now := time.Date(2026, 6, 15, 10, 0, 0, 0, clock.VN)
	in := reports.Synthetic(*people, *courses, now)
	fmt.Printf("people %d, courses %d, certificates %d, cycles %d, quarterly records %d\n",
		len(in.People), len(in.Courses), len(in.Certificates), in.Cycles(), len(in.Records))
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	times := make([]time.Duration, 0, *runs)
	var alloc uint64
	for range *runs {
		var a, b runtime.MemStats
		runtime.ReadMemStats(&a)
		start := time.Now()
		x := reports.Build(in)
		m := x.Matrix(reports.Filter{})
		c := x.Coverage("")
		times = append(times, time.Since(start))
		runtime.ReadMemStats(&b)
		alloc = b.TotalAlloc - a.TotalAlloc
		if len(m.Rows) != len(in.People) || len(c) == 0 {
			fmt.Fprintln(os.Stderr, "reports: wrong answer")
			os.Exit(1)
		}
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	sorted := slices.Clone(times)
	slices.Sort(sorted)
	median := sorted[len(sorted)/2]
	fmt.Printf("runs %v\n", times)
	fmt.Printf("matrix+coverage: median %v, fastest %v; allocated %.1f MB a run; heap in use %.1f MB with the inputs (%.1f MB before)\n",
		median.Round(time.Microsecond), sorted[0].Round(time.Microsecond), float64(alloc)/(1<<20),
		float64(after.HeapInuse)/(1<<20), float64(before.HeapInuse)/(1<<20))
	verdict := func(ok bool) string {
		if ok {
			return "PASS"
		}
		return "FAIL"
	}
	fmt.Printf("goal median <= 150ms: %s\n", verdict(median <= 150*time.Millisecond))
	fmt.Printf("goal heap in use <= 256 MB: %s (peak RSS: run under /usr/bin/time -v)\n", verdict(after.HeapInuse <= 256<<20))
}
