package store

import (
	"context"
	"sync"
	"time"

	"github.com/ctvacademy/academy/modules/platform/loop"
)

// idIndexer keeps the `_id` lookup indexes of one embedded database: a pass
// when asked (after the modules created their collections) and one every
// interval for collections created later by a first insert.
type idIndexer struct {
	index func(context.Context) (int, error) // one pass: Embedded.IndexIDs
	mu    sync.Mutex
	loop  *loop.Loop
}

func startIDIndexer(index func(context.Context) (int, error), every time.Duration, onErr func(error)) *idIndexer {
	ix := &idIndexer{index: index}
	ix.loop = loop.New(func(ctx context.Context, _ <-chan struct{}) {
		if _, err := ix.pass(ctx); err != nil && onErr != nil {
			onErr(err)
		}
	}, loop.Options{Every: every, Later: true})
	ix.loop.Start(context.Background())
	return ix
}

func (ix *idIndexer) pass(ctx context.Context) (int, error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.index(ctx)
}

func (ix *idIndexer) close() { ix.loop.Stop() }
