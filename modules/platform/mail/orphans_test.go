package mail_test

import (
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/mail"
	"github.com/ctvacademy/academy/modules/platform/storetest"
)

// A restarted process on the embedded store (this process its only
// client) gives the dead worker's leases back at once: every message is
// delivered without waiting DefaultLease for them to lapse. On a shared
// store another process may hold them: nothing is released, and they are
// delivered once their lease lapses.
func TestRestartReleasesTheDeadWorkersLeasesOnlyOnTheOnlyClient(t *testing.T) {
	t.Parallel()
	for _, mode := range storetest.Modes {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			e := newEnvIn(t, storetest.NewIn(t, mode))
			const n = 10
			e.crashWhileSending(t, "s10", n, 3)

			// The next process on the same store: a new outbox, its leases released.
			restarted := mail.NewOutbox(e.db, e.clk)
			released, err := restarted.ReleaseOrphans(e.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if only := mode != storetest.Shared; (released > 0) != only {
				t.Fatalf("released %d leases (this process the store's only client: %v)", released, only)
			}
			b := mail.NewWorker(restarted, e.sender, e.clk, mail.WorkerOptions{Logger: quiet})
			if released == 0 {
				e.clk.Advance(mail.DefaultLease + time.Second)
			}
			e.runOnce(t, b)
			if got := len(e.srv.CountByID()); got != n {
				t.Fatalf("%d distinct messages delivered, want %d", got, n)
			}
			if live := e.count(t, mail.OutboxCollection); live != 0 {
				t.Fatalf("%d messages still live", live)
			}
		})
	}
}
