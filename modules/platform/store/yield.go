package store

import (
	"context"
	"sync"
	"time"

	"github.com/ctvacademy/academy/modules/platform/loop"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// YieldMax bounds how long one operation of a background loop waits for
// the requests in flight to end before it goes anyway (see gate).
const YieldMax = 50 * time.Millisecond

// A gate lets people's requests go first on the embedded store. Its one
// connection serves every command in turn, so while the mail worker sends
// a fan-out or a job catches up, a request's commands would queue behind
// theirs. Requests hold the gate while they run (Interactive); each
// operation of a handle made on behalf of a background loop (a context
// given by package loop) first waits until no request holds it, or for
// YieldMax at most: background work slows while people are served and
// never stops. On MongoDB (a pool of connections) there is no gate.
type gate struct {
	max     time.Duration
	mu      sync.Mutex
	active  int           // requests in flight
	idle    chan struct{} // closed when active falls back to 0
	waiting int           // background operations waiting (tests watch it)
}

func newGate() *gate { return &gate{max: YieldMax} }

// enter counts a request in flight until the returned function is called.
func (g *gate) enter() (leave func()) {
	g.mu.Lock()
	if g.active == 0 {
		g.idle = make(chan struct{})
	}
	g.active++
	g.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			g.mu.Lock()
			g.active--
			if g.active == 0 {
				close(g.idle)
			}
			g.mu.Unlock()
		})
	}
}

// wait returns once no request is in flight, after g.max, or when ctx ends.
func (g *gate) wait(ctx context.Context) {
	g.mu.Lock()
	if g.active == 0 {
		g.mu.Unlock()
		return
	}
	idle, max := g.idle, g.max
	g.waiting++
	g.mu.Unlock()
	t := time.NewTimer(max)
	select {
	case <-idle:
	case <-t.C:
	case <-ctx.Done():
	}
	t.Stop()
	g.mu.Lock()
	g.waiting--
	g.mu.Unlock()
}

// gates holds a gate per database of an embedded store's client: one in a
// service; each test's database has its own, so that one test's requests
// do not slow another's background work.
var gates sync.Map // gateKey → *gate

type gateKey struct {
	c  *mongo.Client
	db string
}

// gateOf is the gate of db when its client is the store's only one (the
// embedded store), else nil.
func gateOf(db *mongo.Database) *gate {
	if !exclusive(db.Client()) {
		return nil
	}
	k := gateKey{db.Client(), db.Name()}
	if g, ok := gates.Load(k); ok {
		return g.(*gate)
	}
	g, _ := gates.LoadOrStore(k, newGate())
	return g.(*gate)
}

// Interactive counts a request in flight on db until the returned
// function is called: meanwhile background loops' operations on db give
// way (see gate). A no-op unless db is on the embedded store.
func Interactive(db *mongo.Database) (done func()) {
	if g := gateOf(db); g != nil {
		return g.enter()
	}
	return func() {}
}

// Interactive is Interactive(s.DB): the web platform holds it around each
// request.
func (s *Store) Interactive() (done func()) { return Interactive(s.DB) }

// yield makes an operation of a background loop wait for the requests in
// flight (see gate); other operations go at once.
func (c *Coll[D]) yield(ctx context.Context) {
	if c.gate != nil && loop.Running(ctx) {
		c.gate.wait(ctx)
	}
}
