package quizzes

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/storetest"
)

// t0 is when a rig's clock starts.
var t0 = time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)

// allRight answers each question of testCourse rightly.
func allRight() map[string][]string {
	return map[string][]string{"q1": {"a"}, "q2": {"b", "c"}, "q3": {"false"}, "q4": {"d"}, "q5": {"b"}, "q6": {"a", "d"}}
}

// rig is what a store test of the service stands on: a database, the
// store on it, a one-course catalog (KC-900, perAttempt questions an
// attempt; 0 keeps testCourse's) and a manual clock at t0.
type rig struct {
	db  *mongo.Database
	st  *Store
	cat *swapCatalog
	clk *clock.Manual
}

func newRig(db *mongo.Database, perAttempt int) *rig {
	cat := &swapCatalog{c: testCourse()}
	if perAttempt > 0 {
		cat.c.Quiz.QuestionsPerAttempt = perAttempt
	}
	return &rig{db: db, st: NewStore(db), cat: cat, clk: clock.NewManual(t0)}
}

// service is a process on the rig's store; seed draws its questions (0:
// no Rand, as a process that starts no attempt).
func (r *rig) service(seed uint64) *Service {
	d := Deps{Store: r.st, Catalog: r.cat, Clock: r.clk}
	if seed != 0 {
		d.Rand = rand.New(rand.NewPCG(seed, seed+1))
	}
	return NewService(d)
}

// overdue moves the clock an hour past the time limit of an attempt started now.
func (r *rig) overdue() {
	r.clk.Advance(time.Duration(r.cat.c.Quiz.TimeLimitMinutes)*time.Minute + time.Hour)
}

// ctv is collaborator c of unit area, signed in.
func ctv(c, area string) authz.Principal {
	return authz.Principal{UserID: "u-" + c, Role: "ctv", CollaboratorID: c, AreaCode: area}
}

// own is the scope of collaborator c's own attempts.
func own(c string) authz.Scope { return authz.Scope{Kind: authz.ScopeOwn, CollaboratorID: c} }

// eachMode runs a store test, in parallel with the others, on each store
// path (storetest.EachMode).
func eachMode(t *testing.T, test func(t *testing.T, db *mongo.Database)) {
	t.Parallel()
	storetest.EachMode(t, test)
}

// eachRig is eachMode on a rig (newRig(db, perAttempt)).
func eachRig(t *testing.T, perAttempt int, test func(t *testing.T, ctx context.Context, r *rig)) {
	eachMode(t, func(t *testing.T, db *mongo.Database) { test(t, context.Background(), newRig(db, perAttempt)) })
}
