package e2e

import (
	"context"
	"testing"

	"github.com/ctvacademy/academy/modules/platform/authz"
)

// stored reads the record id with get (a service's Get) as the store
// holds it, for what a test checks behind the pages:
// stored(t, srv.App.Scheduling.Get, id).
func stored[T any](t *testing.T, get func(context.Context, authz.Scope, string) (T, error), id string) T {
	t.Helper()
	x, err := get(context.Background(), authz.All, id)
	if err != nil {
		t.Fatal(err)
	}
	return x
}
