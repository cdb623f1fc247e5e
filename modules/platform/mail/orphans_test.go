package mail_test

import (
	"context"
	"errors"
	"fmt"
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
	for i := 0; i < n; i++ {
		e.enqueue(t, invitation(fmt.Sprintf("invite:s10:%02d", i)))
	}
	ctxA, kill := context.WithCancel(e.ctx)
	defer kill()
	crash := &crashSender{inner: e.sender, n: 3, kill: kill}
	a := mail.NewWorker(e.box, crash, e.clk, mail.WorkerOptions{Concurrency: 1, Batch: n, Logger: quiet})
	if err := a.RunOnce(ctxA); !errors.Is(err, context.Canceled) {
		t.Fatalf("the killed worker returned %v", err)
	}

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
