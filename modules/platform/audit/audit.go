// Package audit keeps the append-only record of every change: who, what,
// when, and the request that did it. It is written on every change and
// never read on a hot path.
package audit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/store"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

const coll = "audit"

// Entry is one recorded change.
type Entry struct {
	ID        string         `bson:"_id" json:"id"`
	At        time.Time      `bson:"at" json:"at"`
	ActorID   string         `bson:"actor_id" json:"actor_id"` // user id, or "system"
	ActorRole string         `bson:"actor_role,omitempty" json:"actor_role,omitempty"`
	Action    string         `bson:"action" json:"action"` // e.g. collaborator.update
	Entity    string         `bson:"entity" json:"entity"`
	EntityID  string         `bson:"entity_id" json:"entity_id"`
	RequestID string         `bson:"request_id,omitempty" json:"request_id,omitempty"`
	Changes   map[string]any `bson:"changes,omitempty" json:"changes,omitempty"`
}

// Log appends audit entries.
type Log struct {
	entries *store.Coll[Entry]
	now     func() time.Time
}

// New returns the audit log on db.
func New(db *mongo.Database, now func() time.Time) *Log {
	return &Log{entries: store.NewColl[Entry](db, coll, "audit entry"), now: now}
}

// Indexes are the audit log's indexes (for reading it off the hot path).
func Indexes() []store.Index {
	return []store.Index{{Collection: coll, Keys: bson.D{{Key: "entity", Value: 1}, {Key: "entity_id", Value: 1}, {Key: "at", Value: 1}}, Name: "entity_at"}}
}

// Record appends one entry; the actor and request id come from ctx.
func (l *Log) Record(ctx context.Context, action, entity, entityID string, changes map[string]any) error {
	p := authz.PrincipalFrom(ctx)
	actor := p.UserID
	if actor == "" {
		actor = "system"
	}
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return l.entries.Insert(ctx, Entry{
		ID: hex.EncodeToString(b), At: l.now(), ActorID: actor, ActorRole: p.Role, Action: action,
		Entity: entity, EntityID: entityID, RequestID: authz.RequestIDFrom(ctx), Changes: changes,
	})
}

// For lists the entries about one entity, oldest first.
func (l *Log) For(ctx context.Context, entity, entityID string) ([]Entry, error) {
	return l.entries.List(ctx, bson.D{{Key: "entity", Value: entity}, {Key: "entity_id", Value: entityID}},
		store.Find{Sort: bson.D{{Key: "at", Value: 1}}})
}
