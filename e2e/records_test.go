package e2e

import (
	"context"
	"testing"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/quizzes"
	"github.com/ctvacademy/academy/modules/scheduling"
)

// session reads the session id as the store holds it, for what a test
// checks behind the pages.
func session(t *testing.T, srv *apptest.Server, id string) scheduling.Session {
	t.Helper()
	x, err := srv.App.Scheduling.Get(context.Background(), authz.All, id)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// attempt reads the attempt id as the store holds it.
func attempt(t *testing.T, srv *apptest.Server, id string) quizzes.Attempt {
	t.Helper()
	a, err := srv.App.Quizzes.Get(context.Background(), authz.All, id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
