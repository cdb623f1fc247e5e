package store_test

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/platform/store"
	"github.com/ctvacademy/academy/modules/platform/store/embedded"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The embedded engine's own tests (package store/embedded) live here, in
// the store's test binary, which links the engine anyway: a test package
// of their own would be one more binary to link on every go test.

// Opening the embedded store, using it and closing it — what every start,
// stop and CLI command does — logs nothing: the driver's endSessions at
// disconnect, which FerretDB v1 does not know, is known and harmless, and
// its "no such command" warning is not passed on. Another failed command
// still is.
func TestClosingTheEmbeddedStoreLogsNoEndSessionsWarning(t *testing.T) {
	t.Parallel()
	var logs storetest.LogBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx := context.Background()
	s, err := store.Open(ctx, store.Config{DataDir: t.TempDir(), Database: "academy", Logger: logger, Embedded: embedded.Start})
	if err != nil {
		t.Fatal(err)
	}
	coll := s.DB.Collection("things")
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}}); err != nil {
		t.Fatal(err)
	}
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: "a"}}).Err(); err != nil {
		t.Fatal(err)
	}
	if err := s.DB.RunCommand(ctx, bson.D{{Key: "noSuchCommandHere", Value: 1}}).Err(); err == nil {
		t.Fatal("an unknown command was accepted")
	}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	if strings.Contains(out, "endSessions") {
		t.Errorf("closing logged the endSessions warning:\n%s", out)
	}
	if !strings.Contains(out, "noSuchCommandHere") {
		t.Errorf("another unknown command's warning was not logged:\n%s", out)
	}
}

// One process per embedded data directory: a second store on the same
// directory is refused with a message that says why.
func TestEmbeddedStoreLocksItsDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	quiet := slog.New(slog.DiscardHandler)
	first, err := embedded.Start(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := embedded.Start(dir, quiet); err == nil || !strings.Contains(err.Error(), "in use by another process") {
		t.Fatalf("second store on the same directory: %v", err)
	}
	first.Stop()
	again, err := embedded.Start(dir, quiet)
	if err != nil {
		t.Fatalf("after the first stopped: %v", err)
	}
	again.Stop()
}

// Without a MongoDB URI, Open needs a Starter: none is an error that says
// so, not a panic, and it writes nothing.
func TestOpenWithoutAURIOrAnEngineSaysSo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := store.Open(context.Background(), store.Config{DataDir: dir, Database: "academy"})
	if err == nil || s != nil || !strings.Contains(err.Error(), "no MongoDB URI and no embedded server") {
		t.Fatalf("Open without URI or engine = %v, %v", s, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("Open wrote %v", entries)
	}
}
