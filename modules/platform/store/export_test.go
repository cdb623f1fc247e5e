package store

import (
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
)

// GateWaiting is how many background operations wait at c's gate.
func GateWaiting(c *mongo.Client) int {
	g := gateOf(c)
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.waiting
}

// SetYieldMax changes how long a background operation waits at c's gate.
func SetYieldMax(c *mongo.Client, d time.Duration) {
	g := gateOf(c)
	g.mu.Lock()
	defer g.mu.Unlock()
	g.max = d
}
