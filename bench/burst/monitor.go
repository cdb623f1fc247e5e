package burst

import (
	"context"
	"sort"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"
)

// Monitor adds up the store commands the driver sends, by command and
// collection: with one connection to the embedded store, their durations
// are where a phase's time goes.
type Monitor struct {
	mu      sync.Mutex
	pending map[int64]CommandKey
	stats   map[CommandKey]*CommandStats
}

// CommandKey names a command on a collection.
type CommandKey struct {
	Command, Collection string
}

// CommandStats are the figures of one command on one collection.
type CommandStats struct {
	CommandKey
	N, Failed  int
	Total, Max time.Duration
}

// NewMonitor returns an empty monitor.
func NewMonitor() *Monitor {
	return &Monitor{pending: map[int64]CommandKey{}, stats: map[CommandKey]*CommandStats{}}
}

// CommandMonitor is the driver hook (options.Client().SetMonitor).
func (m *Monitor) CommandMonitor() *event.CommandMonitor {
	return &event.CommandMonitor{
		Started: func(_ context.Context, e *event.CommandStartedEvent) {
			k := CommandKey{Command: e.CommandName}
			if v, err := e.Command.LookupErr(e.CommandName); err == nil {
				if s, ok := v.StringValueOK(); ok {
					k.Collection = s
				}
			}
			m.mu.Lock()
			m.pending[e.RequestID] = k
			m.mu.Unlock()
		},
		Succeeded: func(_ context.Context, e *event.CommandSucceededEvent) { m.done(e.RequestID, e.Duration, false) },
		Failed:    func(_ context.Context, e *event.CommandFailedEvent) { m.done(e.RequestID, e.Duration, true) },
	}
}

func (m *Monitor) done(id int64, d time.Duration, failed bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := m.pending[id]
	if !ok {
		return
	}
	delete(m.pending, id)
	s := m.stats[k]
	if s == nil {
		s = &CommandStats{CommandKey: k}
		m.stats[k] = s
	}
	s.N++
	if failed {
		s.Failed++
	}
	s.Total += d
	s.Max = max(s.Max, d)
}

// Take returns the figures gathered since the last Take, largest total
// first, and starts afresh.
func (m *Monitor) Take() []CommandStats {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]CommandStats, 0, len(m.stats))
	for _, s := range m.stats {
		out = append(out, *s)
	}
	m.stats = map[CommandKey]*CommandStats{}
	sort.Slice(out, func(i, j int) bool { return out[i].Total > out[j].Total })
	return out
}

// WaitIdle waits until no store command has been sent for quiet (the
// start-up jobs — books' backfills, caches' warm-ups, mails queued at
// start — done), at most within, and returns how long it waited and
// whether the store did go quiet. It takes the monitor's figures.
func (m *Monitor) WaitIdle(quiet, within time.Duration) (time.Duration, bool) {
	began := time.Now()
	for time.Since(began) < within {
		m.Take()
		time.Sleep(quiet)
		n := 0
		for _, st := range m.Take() {
			n += st.N
		}
		if n == 0 {
			return time.Since(began), true
		}
	}
	return time.Since(began), false
}
