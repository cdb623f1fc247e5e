package mail_test

import (
	"testing"

	"github.com/ctvacademy/academy/modules/platform/mail"
)

// On the embedded store (this process its only client), a restarted
// process gives the dead worker's leases back at once: every message is
// delivered without waiting DefaultLease for them to lapse.
func TestRestartOnTheOnlyClientReleasesTheDeadWorkersLeases(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const n = 10
	e.crashWhileSending(t, "s10", n, 3)

	// The next process on the same store: a new outbox, its leases released.
	restarted := mail.NewOutbox(e.db, e.clk)
	released, err := restarted.ReleaseOrphans(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if released == 0 {
		t.Fatal("no lease released: the dead worker held the rest of its batch")
	}
	b := mail.NewWorker(restarted, e.sender, e.clk, mail.WorkerOptions{Logger: quiet})
	if err := b.RunOnce(e.ctx); err != nil {
		t.Fatal(err)
	}
	if got := len(e.srv.CountByID()); got != n {
		t.Fatalf("%d distinct messages delivered without the clock moving, want %d", got, n)
	}
	if live := e.count(t, mail.OutboxCollection); live != 0 {
		t.Fatalf("%d messages still live", live)
	}
}
