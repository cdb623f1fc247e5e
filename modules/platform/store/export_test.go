package store

import (
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
)

// GateWaiting is how many background operations wait at db's gate.
func GateWaiting(db *mongo.Database) int {
	g := gateOf(db)
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.waiting
}

// SetYieldMax changes how long a background operation waits at db's gate.
func SetYieldMax(db *mongo.Database, d time.Duration) {
	g := gateOf(db)
	g.mu.Lock()
	defer g.mu.Unlock()
	g.max = d
}
