// Command certs times certification's nightly work on a copy of a fixture:
// the reconcile of everyone (a first run and a run with nothing changed)
// and the nightly job, with the store's commands counted. The service is
// not served and its jobs do not run; the per-person books' backfills are
// run to completion first, as a running service would have.
//
//	go run ./bench/cmd/certs -from /work/benchdata/booked
package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"time"

	"github.com/ctvacademy/academy/bench/burst"
	"github.com/ctvacademy/academy/bench/cli"
	"github.com/ctvacademy/academy/modules/app"
)

func main() {
	from := flag.String("from", "/work/benchdata/booked", "the fixture to copy (never used in place)")
	prof := flag.String("cpuprofile", "", "write a CPU profile of the reconciles to this file")
	flag.IntVar(&sample, "sample", 0, "reconcile only this many people, one by one, and stop (a quick profile)")
	flag.Parse()
	cli.MainOn("certs", "", *from, func(ctx context.Context, rn cli.Run) error { return run(ctx, rn, *prof) })
}

var sample int

func run(ctx context.Context, rn cli.Run, prof string) error {
	emb, client, err := burst.OpenEmbedded(rn.Dir, rn.Monitor, 5*time.Minute)
	if err != nil {
		return err
	}
	defer emb.Stop()
	defer client.Disconnect(ctx)
	mon, dir, db := rn.Monitor, rn.Dir, client.Database("academy")
	a, err := app.New(ctx, app.Config{HTTPAddr: "127.0.0.1:0", BaseURL: "http://localhost", DataDir: dir, MongoDB: "academy",
		MailFrom: "academy@localhost"}, app.Options{DB: db, Logger: rn.Log})
	if err != nil {
		return err
	}
	if err := a.Setup(ctx); err != nil {
		return err
	}
	stop, err := cli.FillBooksThenProfile(ctx, a, db, dir, 1000, prof)
	if err != nil {
		return err
	}
	defer stop()
	measure := func(name string, fn func() (string, error)) error {
		mon.Take()
		t := time.Now()
		what, err := fn()
		took := time.Since(t)
		fmt.Printf("%s: %s in %s (load %s)\n", name, what, took.Round(time.Millisecond), burst.LoadAvg())
		stats := mon.Take()
		slices.SortFunc(stats, func(x, y burst.CommandStats) int { return int(y.Total - x.Total) })
		for i, s := range stats {
			if i == 6 {
				break
			}
			fmt.Printf("    %-40v n=%-6d total %s max %s\n", s.CommandKey, s.N, s.Total.Round(time.Millisecond), s.Max.Round(time.Millisecond))
		}
		return err
	}
	if sample > 0 {
		ids, err := a.Certification.People(ctx)
		if err != nil {
			return err
		}
		return measure(fmt.Sprintf("reconcile %d people", sample), func() (string, error) {
			for _, id := range ids[:min(sample, len(ids))] {
				if _, err := a.Certification.Reconcile(ctx, id); err != nil {
					return "", err
				}
			}
			return "", nil
		})
	}
	for i := 1; i <= 2; i++ {
		if err := measure(fmt.Sprintf("reconcile all, run %d", i), func() (string, error) {
			n, issued, err := a.Certification.ReconcileAll(ctx)
			return fmt.Sprintf("%d people, %d issued", n, issued), err
		}); err != nil {
			return err
		}
	}
	now := time.Now()
	for i, at := range []time.Time{now, now.AddDate(0, 0, 1), now.AddDate(0, 0, 2)} {
		if err := measure(fmt.Sprintf("nightly reconcile, day %d", i+1), func() (string, error) {
			return "done", a.Certification.Nightly(ctx, at)
		}); err != nil {
			return err
		}
		if err := measure(fmt.Sprintf("reminders, day %d", i+1), func() (string, error) {
			return "done", a.Certification.Remind(ctx, at)
		}); err != nil {
			return err
		}
	}
	return nil
}
