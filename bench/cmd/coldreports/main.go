// Command coldreports measures the competency matrix of issue 12 cold and
// warm on a copy of the benchmark fixture:
//
//	go build -o /tmp/bin/ ./bench/cmd/coldreports
//	/tmp/bin/coldreports -from /path/to/fixture-data   # made by bench/cmd/fixture
//	/tmp/bin/coldreports -data DIR -from /path/to/fixture-data; /tmp/bin/coldreports -data DIR
//
// The second form runs in place: the first run leaves what the service
// stores (the reports' snapshot of the network's inputs, the books'
// backfills) for the next, whose cold request is a fresh process's first
// on a store a previous process has served, as after a restart.
//
// It starts the whole service in-process on a fresh copy of the store (a
// fresh process: nothing in memory; what the store keeps, e.g.
// performance's summaries, is there), signs the fixture's leadership user
// in, and requests /api/v1/reports/competency once (cold: the first
// request, which loads the registry's, certification's and performance's
// copies and computes every standing), then -n times (warm), then the
// XLSX of the whole matrix -n times. For each it prints the wall time, the
// process's CPU time (user+system, the embedded store's included) and
// the store commands per request, with the load average, and PASS/FAIL
// against the goals (cold ≤ 300 ms, warm ≤ 30 ms p99 and p50, XLSX ≤ 1 s).
// The wall times on a loaded machine are noise: the CPU times are the
// steadier figure.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"slices"
	"syscall"
	"time"

	"github.com/ctvacademy/academy/bench/burst"
	"github.com/ctvacademy/academy/bench/cli"
	"github.com/ctvacademy/academy/bench/fixture"
)

// Goals of issue 12 on the fixture.
const (
	goalCold = 300 * time.Millisecond
	goalWarm = 30 * time.Millisecond
	goalXLSX = time.Second
)

func main() {
	var f cli.Flags
	f.Register("the cold request (the whole process: start-up jobs beside it included)")
	n := flag.Int("n", 20, "warm requests measured (matrix, and XLSX)")
	warmProfile := flag.String("warmprofile", "", "write a CPU profile of the warm matrix requests to this file")
	showCommands := flag.Bool("commands", false, "list the store commands of the warm matrix requests by kind")
	flag.Parse()
	if f.From == "" && f.Data == "" {
		flag.Usage()
		return
	}
	f.Main("coldreports", func(ctx context.Context, rn cli.Run) error {
		return run(ctx, rn, *n, f.CPUProfile, *warmProfile, *showCommands)
	})
}

// cpu is the process's CPU time so far (user and system).
func cpu() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type sample struct{ wall, cpu time.Duration }

func run(ctx context.Context, rn cli.Run, n int, profile, warmProfile string, showCommands bool) error {
	s, err := burst.StartStack(ctx, burst.StackConfig{Dir: rn.Dir, Monitor: rn.Monitor, Log: rn.Log, IDIndex: true})
	if err != nil {
		return err
	}
	defer s.Close()
	c := burst.NewClient(2, time.Minute)
	token, err := burst.Login(ctx, c, s.Base, fixture.LeadershipEmail, fixture.Password)
	if err != nil {
		return fmt.Errorf("leadership sign-in: %w", err)
	}
	get := func(path string) (sample, error) {
		req, err := http.NewRequestWithContext(ctx, "GET", s.Base+path, nil)
		if err != nil {
			return sample{}, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		c0, t0 := cpu(), time.Now()
		resp, err := c.Do(req)
		if err != nil {
			return sample{}, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		d := sample{wall: time.Since(t0), cpu: cpu() - c0}
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET %s: %d", path, resp.StatusCode)
		}
		return d, err
	}
	var kinds []burst.CommandStats // the last Take's, by kind
	commands := func() int {
		k := 0
		kinds = rn.Monitor.Take()
		for _, st := range kinds {
			k += st.N
		}
		return k
	}
	const matrix = "/api/v1/reports/competency"
	fmt.Printf("load average %s\n", burst.LoadAvg())
	commands()
	stop, err := cli.Profile(profile)
	if err != nil {
		return err
	}
	cold, err := get(matrix)
	stop()
	if err != nil {
		return err
	}
	fmt.Printf("cold  %s: %s wall, %s CPU, %d store commands (background jobs' included)\n", matrix, burst.Ms(cold.wall), burst.Ms(cold.cpu), commands())
	series := func(path string) (p50, p99, cpu50 time.Duration, err error) {
		var walls, cpus []time.Duration
		for range n {
			d, err := get(path)
			if err != nil {
				return 0, 0, 0, err
			}
			walls, cpus = append(walls, d.wall), append(cpus, d.cpu)
		}
		slices.Sort(walls)
		slices.Sort(cpus)
		return burst.Percentile(walls, 0.5), burst.Percentile(walls, 0.99), burst.Percentile(cpus, 0.5), nil
	}
	// Warm is the steady state: the start-up jobs (the books' backfills,
	// the quiz results' warm-up) run beside the cold request and for some
	// seconds after; the warm series waits until the store has been idle
	// for 500 ms (at most a minute) so it measures requests, not them.
	waited, _ := rn.Monitor.WaitIdle(500*time.Millisecond, time.Minute)
	commands()
	fmt.Printf("start-up jobs: the store was idle %s after the cold request\n", burst.Ms(waited))
	stop, err = cli.Profile(warmProfile)
	if err != nil {
		return err
	}
	w50, w99, wc, err := series(matrix)
	stop()
	if err != nil {
		return err
	}
	fmt.Printf("warm  %s: p50 %s p99 %s wall, p50 %s CPU, %.1f store commands/request\n", matrix, burst.Ms(w50), burst.Ms(w99), burst.Ms(wc), float64(commands())/float64(n))
	if showCommands {
		for _, st := range kinds {
			fmt.Printf("      %-60v n %d total %s max %s\n", st.CommandKey, st.N, burst.Ms(st.Total), burst.Ms(st.Max))
		}
	}
	x50, x99, xc, err := series(matrix + ".xlsx")
	if err != nil {
		return err
	}
	fmt.Printf("xlsx  %s.xlsx: p50 %s p99 %s wall, p50 %s CPU, %.1f store commands/request\n", matrix, burst.Ms(x50), burst.Ms(x99), burst.Ms(xc), float64(commands())/float64(n))
	fmt.Printf("load average %s\n\n", burst.LoadAvg())
	burst.Goal("matrix cold ≤ 300 ms", cold.wall <= goalCold, burst.Ms(cold.wall))
	burst.Goal("matrix warm ≤ 30 ms (p99)", w99 <= goalWarm, fmt.Sprintf("p50 %s, p99 %s", burst.Ms(w50), burst.Ms(w99)))
	burst.Goal("XLSX of the whole matrix ≤ 1 s (p99)", x99 <= goalXLSX, burst.Ms(x99))
	return nil
}
