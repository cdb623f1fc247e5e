// Command perflist times the quarterly records' reads on a copy of the
// fixture (made with bench/cmd/fixture, which adds the records): a
// quarter's whole list, one district's list and one record, each -n times
// after one warm-up, printing p50, p99 and the slowest.
//
//	cp -r /work/benchdata/booked /tmp/copy && go run ./bench/cmd/fixture -data /tmp/copy
//	go run ./bench/cmd/perflist -data /tmp/copy -quarter 2026-Q3
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"time"

	"github.com/ctvacademy/academy/bench/cli"
	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/performance"
	"github.com/ctvacademy/academy/modules/platform/audit"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/i18n"
	"github.com/ctvacademy/academy/modules/platform/store"
	"github.com/ctvacademy/academy/modules/platform/store/embedded"
)

func main() {
	data := flag.String("data", "", "data directory of a copy of the fixture (never the original: the store locks it)")
	quarter := flag.String("quarter", "2026-Q3", "quarter to list")
	n := flag.Int("n", 50, "timed runs of each read")
	sheet := flag.String("stipends", "", "also write the quarter's stipend sheet (XLSX) to this file, timing it")
	prof := flag.String("cpuprofile", "", "write a CPU profile of the timed runs to this file")
	flag.Parse()
	cli.Main("perflist", func() error {
		stop, err := cli.Profile(*prof)
		if err != nil {
			return err
		}
		defer stop()
		return run(*data, *quarter, *n, *sheet)
	})
}

func run(data, quarter string, n int, sheet string) error {
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{DataDir: data, Database: "academy", Logger: slog.New(slog.DiscardHandler), Embedded: embedded.Start})
	if err != nil {
		return err
	}
	defer func() { _ = st.Close(context.Background()) }()
	clk := clock.System{}
	log := audit.New(st.DB, clk.Now)
	reg := collaborators.NewService(collaborators.Deps{Store: collaborators.NewStore(st.DB), Audit: log, Clock: clk, Fresh: time.Hour})
	svc, err := performance.NewService(performance.Deps{Store: performance.NewStore(st.DB), People: reg, Audit: log, Clock: clk, Content: content.FS})
	if err != nil {
		return err
	}
	pr := authz.Principal{UserID: "perflist", Role: authz.RoleCoordinator}
	cctx := authz.WithPrincipal(ctx, pr)
	all, err := svc.List(cctx, authz.All, quarter, performance.Filter{})
	if err != nil {
		return err
	}
	if len(all) == 0 {
		return fmt.Errorf("no people")
	}
	area, id := all[0].AreaCode, all[len(all)/2].CollaboratorID
	stored := 0
	for _, r := range all {
		if r.Stored {
			stored++
		}
	}
	fmt.Printf("quarter %s: %d people listed, %d records stored\n", quarter, len(all), stored)
	timeIt := func(what string, fn func() error) error {
		var ds []time.Duration
		for i := 0; i < n; i++ {
			t := time.Now()
			if err := fn(); err != nil {
				return err
			}
			ds = append(ds, time.Since(t))
		}
		slices.Sort(ds)
		fmt.Printf("%-28s n=%d p50 %v p99 %v max %v\n", what, n, ds[n/2].Round(10*time.Microsecond), ds[(n*99+99)/100-1].Round(10*time.Microsecond), ds[n-1].Round(10*time.Microsecond))
		return nil
	}
	if err := timeIt("quarter list (all)", func() error {
		_, err := svc.List(cctx, authz.All, quarter, performance.Filter{})
		return err
	}); err != nil {
		return err
	}
	if err := timeIt("district list ("+area+")", func() error {
		_, err := svc.List(cctx, authz.All, quarter, performance.Filter{AreaCode: area})
		return err
	}); err != nil {
		return err
	}
	if err := timeIt("one record", func() error {
		_, err := svc.Get(cctx, authz.All, id, quarter)
		return err
	}); err != nil {
		return err
	}
	if sheet == "" {
		return nil
	}
	t := time.Now()
	items, err := svc.Stipends(cctx, authz.All, quarter, "")
	if err != nil {
		return err
	}
	tr, err := i18n.LoadDir(content.FS, "i18n")
	if err != nil {
		return err
	}
	b, err := performance.StipendsXLSX(quarter, items, tr)
	if err != nil {
		return err
	}
	fmt.Printf("stipend sheet: %d rows, %d bytes in %v\n", len(items), len(b), time.Since(t).Round(time.Millisecond))
	return os.WriteFile(sheet, b, 0o644)
}
