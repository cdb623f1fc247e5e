package mail

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// lapsingSender makes the first message it is given outlast its lease:
// it moves the clock past the lease and returns (delivered) only once a
// new lease has taken that message, i.e. once the worker's next batch
// could send it again. Every other message waits for the clock to move,
// so that the worker's leases go on after it.
type lapsingSender struct {
	clk   *clock.Manual
	box   *Outbox
	lease time.Duration

	mu      sync.Mutex
	first   string
	sends   map[string]int
	moved   chan struct{}
	retaken chan error
}

func (s *lapsingSender) Send(ctx context.Context, m Message) error {
	s.mu.Lock()
	s.sends[m.ID]++
	first := s.first == ""
	if first {
		s.first = m.ID
	}
	s.mu.Unlock()
	if !first {
		<-s.moved
		return nil
	}
	token := func() string {
		raw, err := s.box.leases.Get(ctx, m.ID)
		if err != nil {
			return "gone"
		}
		tok, _ := raw.Lookup("lease_token").StringValueOK()
		return tok
	}
	held := token()
	s.clk.Advance(s.lease + time.Second)
	close(s.moved)
	for deadline := time.Now().Add(10 * time.Second); token() == held; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			s.retaken <- fmt.Errorf("no new lease took %s", m.ID)
			return nil
		}
	}
	s.retaken <- nil
	return nil
}

// A message delivered whose record comes after its lease lapsed is leased
// again by the same worker's next batch; the worker remembers it is
// sending it and does not send it again (the record then archives it under
// the newer lease). The store is the real embedded one.
func TestAMessageRetakenWhileSendingIsNotSentTwice(t *testing.T) {
	t.Parallel()
	const n = 6
	ctx := context.Background()
	clk := clock.NewManual(t0)
	box := queued(t, storetest.New(t), clk, n)
	snd := &lapsingSender{clk: clk, box: box, lease: 2 * time.Minute, sends: map[string]int{},
		moved: make(chan struct{}), retaken: make(chan error, 1)}
	w := NewWorker(box, snd, clk, WorkerOptions{Concurrency: 2, Batch: 1, Lease: snd.lease, SendTimeout: time.Minute})
	if err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-snd.retaken; err != nil {
		t.Fatalf("the test did not happen: %v", err)
	}
	for id, k := range snd.sends {
		if k != 1 {
			t.Errorf("%s was sent %d times", id, k)
		}
	}
	if len(snd.sends) != n {
		t.Errorf("%d messages sent, want %d", len(snd.sends), n)
	}
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("k%d", i)
	}
	st, err := box.Statuses(ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if st[k] != Sent {
			t.Errorf("%s is %q, want sent", k, st[k])
		}
	}
	if live, err := box.live.Count(ctx, bson.D{}); err != nil || live != 0 {
		t.Errorf("%d messages still live (%v)", live, err)
	}
	if len(w.held) != 0 {
		t.Errorf("the worker still holds %v", w.held)
	}
}
