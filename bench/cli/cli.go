// Package cli is what the benchmark commands on a fixture copy share: the
// end of their main, and a run's directory, monitor and service log.
package cli

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/ctvacademy/academy/bench/burst"
)

// Main runs run and ends the process: status 1, with "name: error" on
// stderr, when it fails.
func Main(name string, run func() error) {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}

// Run is what a benchmark's run stands on.
type Run struct {
	// Dir is the data directory (burst.RunDir), Cleanup removes it when
	// it is a fresh copy.
	Dir     string
	Cleanup func()
	// Monitor samples the process; Log is the service's log: its warnings
	// and errors on stderr.
	Monitor *burst.Monitor
	Log     *slog.Logger
}

// Start makes the run named name on the data directory data, or on a fresh
// copy of from (burst.RunDir).
func Start(name, data, from string) (Run, error) {
	dir, cleanup, err := burst.RunDir(name, data, from)
	if err != nil {
		return Run{}, err
	}
	return Run{Dir: dir, Cleanup: cleanup, Monitor: burst.NewMonitor(),
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}, nil
}
