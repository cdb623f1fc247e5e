package certification_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/certification"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/store"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// records is the attempts and attendance books of a test.
type records struct {
	mu     sync.Mutex
	passes map[string]map[string][]certification.Pass
	marks  map[string]map[string][]certification.Attendance
	reads  int
	fail   map[string]bool // people whose records cannot be read
}

func newRecords() *records {
	return &records{passes: map[string]map[string][]certification.Pass{}, marks: map[string]map[string][]certification.Attendance{}, fail: map[string]bool{}}
}

func (r *records) pass(who, course, attempt string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.passes[who] == nil {
		r.passes[who] = map[string][]certification.Pass{}
	}
	r.passes[who][course] = append(r.passes[who][course], certification.Pass{Attempt: attempt, At: at})
}

func (r *records) mark(who, course, session string, at time.Time) {
	r.markAs(who, course, session, "present", at)
}

// markAs records a mark of status (present, late, excused or absent).
func (r *records) markAs(who, course, session, status string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.marks[who] == nil {
		r.marks[who] = map[string][]certification.Attendance{}
	}
	r.marks[who][course] = append(r.marks[who][course], certification.Attendance{Session: session, At: at, Status: status})
}

func (r *records) Passes(_ context.Context, who string) (map[string][]certification.Pass, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reads++
	if r.fail[who] {
		return nil, errors.New("the attempts book is unreachable")
	}
	return r.passes[who], nil
}

func (r *records) failing(who string, fail bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail[who] = fail
}

func (r *records) Attendance(_ context.Context, who string) (map[string][]certification.Attendance, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.marks[who], nil
}

type catalog map[string]certification.Course

func (c catalog) Course(code string) (certification.Course, bool) { x, ok := c[code]; return x, ok }

type people []certification.Holder

func (p people) Everyone(context.Context) ([]certification.Holder, error) { return p, nil }

func (p people) Holder(_ context.Context, id string) (certification.Holder, bool, error) {
	for _, h := range p {
		if h.ID == id {
			return h, true, nil
		}
	}
	return certification.Holder{}, false, nil
}

type auditLog struct {
	mu      sync.Mutex
	entries []string
}

func (a *auditLog) Record(_ context.Context, action, _, id string, _ map[string]any) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.entries = append(a.entries, action+" "+id)
	return nil
}

var (
	t0      = time.Date(2026, 3, 2, 9, 0, 0, 0, clock.VN)
	courses = catalog{
		"AT": {Code: "AT", Title: "An toàn", Rule: certification.Rule{ValidityMonths: 12, RenewalWindowDays: 30}},
		"KN": {Code: "KN", Title: "Kỹ năng", Rule: certification.Rule{ValidityMonths: 24, RenewalWindowDays: 60, RequiresAttendance: true}},
	}
	registry = people{
		{ID: "p1", FullName: "Nguyễn Văn An", AreaCode: "NT"},
		{ID: "p2", FullName: "Trần Thị Bình", AreaCode: "NT"},
		{ID: "p3", FullName: "Lê Văn Cường", AreaCode: "LT"},
	}
)

type rig struct {
	svc   *certification.Service
	rec   *records
	clk   *clock.Manual
	audit *auditLog
	db    *mongo.Database
}

// issueFromAPass records person's pass of AT an hour before t0 and
// reconciles them, failing the test unless that issues one certificate.
func (r rig) issueFromAPass(t *testing.T, person string) []certification.Certificate {
	t.Helper()
	r.rec.pass(person, "AT", "a1", t0.Add(-time.Hour))
	issued, err := r.svc.Reconcile(context.Background(), person)
	if err != nil || len(issued) != 1 {
		t.Fatalf("Reconcile(%s) = %+v, %v, want one certificate issued", person, issued, err)
	}
	return issued
}

func newRig(t *testing.T, db *mongo.Database) rig {
	r := rig{rec: newRecords(), clk: clock.NewManual(t0), audit: &auditLog{}, db: db}
	r.svc = certification.NewService(certification.Deps{Store: certification.NewStore(db), Records: r.rec, Courses: courses,
		People: registry, Audit: r.audit, Clock: r.clk, Fresh: time.Nanosecond})
	return r
}

func TestStore(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		ctx := context.Background()
		s := certification.NewStore(db)
		p, err := s.Of(ctx, "p1")
		if err != nil || len(p.Certs) != 0 {
			t.Fatalf("Of before any write = %+v, %v", p, err)
		}
		id, code := certification.NewID()
		cert := certification.Certificate{ID: id, Code: code, Collaborator: "p1", Course: "AT", Cycles: []certification.Cycle{{N: 1, IssuedAt: t0, ExpiresAt: t0.AddDate(1, 0, 0)}}}
		_, wrote, err := s.Change(ctx, "p1", func(certs []certification.Certificate) ([]certification.Certificate, error) {
			return append(certs, cert), nil
		})
		if err != nil || !wrote {
			t.Fatalf("Change = %v, %v", wrote, err)
		}
		_, wrote, err = s.Change(ctx, "p1", func([]certification.Certificate) ([]certification.Certificate, error) { return nil, store.ErrUnchanged })
		if err != nil || wrote {
			t.Fatalf("unchanged Change = %v, %v", wrote, err)
		}
		if p, err := s.Of(ctx, "p1"); err != nil || len(p.Certs) != 1 || p.Certs[0].Code != code || !p.Certs[0].Cycles[0].IssuedAt.Equal(t0) {
			t.Fatalf("Of = %+v, %v", p, err)
		}
		if err := s.PutCode(ctx, code, "p1", id); err != nil {
			t.Fatal(err)
		}
		if who, c, err := s.Code(ctx, code); err != nil || who != "p1" || c != id {
			t.Fatalf("Code = %s %s %v", who, c, err)
		}
		if _, _, err := s.Code(ctx, certification.NewCode()); !errs.Is(err, errs.NotFound) {
			t.Fatalf("unknown code: %v", err)
		}
		v0, _ := s.Version(ctx)
		bumped, err := s.Bump(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v1, err := s.Version(ctx); err != nil || v1 != v0+1 || bumped != v1 {
			t.Fatalf("version %d → %d (Bump said %d), %v", v0, v1, bumped, err)
		}
		for i, want := range []bool{true, false} {
			if ok, err := s.ClaimDay(ctx, "job", "2026-03-02"); err != nil || ok != want {
				t.Fatalf("claim %d = %v, %v", i, ok, err)
			}
		}
		if ok, err := s.ClaimDay(ctx, "job", "2026-03-03"); err != nil || !ok {
			t.Fatalf("next day's claim = %v, %v", ok, err)
		}
	})
}

func TestReconcileIssuesOnceFromAPass(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t, storetest.New(t))
	issued := r.issueFromAPass(t, "p1")
	again, err := r.svc.Reconcile(ctx, "p1")
	if err != nil || len(again) != 0 {
		t.Fatalf("second Reconcile = %+v, %v", again, err)
	}
	vs, err := r.svc.List(ctx, authz.All, certification.Filter{})
	if err != nil || len(vs) != 1 {
		t.Fatalf("List = %+v, %v", vs, err)
	}
	v := vs[0]
	if passed := t0.Add(-time.Hour); !v.IssuedAt.Equal(passed) || !v.RenewedAt.Equal(passed) || !v.Cycles[0].IssuedAt.Equal(passed) {
		t.Errorf("issued %v, renewed %v, cycle issued %v: want the pass, %v", v.IssuedAt, v.RenewedAt, v.Cycles[0].IssuedAt, passed)
	}
	if v.CollaboratorID != "p1" || v.CourseCode != "AT" || v.Status != certification.StatusValid || v.FullName != "Nguyễn Văn An" ||
		v.ValidUntil != "2027-03-02" || v.VerificationCode != issued[0].Code {
		t.Fatalf("view = %+v", v)
	}
	got, err := r.svc.Verify(ctx, string(v.VerificationCode))
	if err != nil || got.ID != v.ID || got.CourseTitle != "An toàn" {
		t.Fatalf("Verify = %+v, %v", got, err)
	}
	if _, err := r.svc.Verify(ctx, "nope"); !errs.Is(err, errs.Invalid) {
		t.Fatalf("Verify(bad code) = %v", err)
	}
	// The status moves with the clock: the window opens 30 days before.
	r.clk.Set(time.Date(2027, 2, 10, 0, 0, 0, 0, clock.VN))
	if vs, _ := r.svc.List(ctx, authz.All, certification.Filter{Status: certification.StatusExpiring}); len(vs) != 1 {
		t.Fatalf("expiring = %+v", vs)
	}
	if at, err := r.svc.RenewalOpens(ctx, "p1", "AT"); err != nil || !at.Equal(time.Date(2027, 2, 1, 0, 0, 0, 0, clock.VN)) {
		t.Fatalf("RenewalOpens = %v, %v", at, err)
	}
	r.clk.Set(time.Date(2027, 3, 3, 0, 0, 0, 0, clock.VN))
	if vs, _ := r.svc.List(ctx, authz.All, certification.Filter{}); vs[0].Status != certification.StatusExpired {
		t.Fatalf("after expiry = %+v", vs[0])
	}
}

func TestConcurrentReconcilesIssueOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t, storetest.New(t))
	r.rec.pass("p2", "AT", "a1", t0.Add(-time.Hour))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := r.svc.Reconcile(ctx, "p2"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if vs, err := r.svc.List(ctx, authz.All, certification.Filter{CollaboratorID: "p2"}); err != nil || len(vs) != 1 {
		t.Fatalf("List after 8 concurrent reconciles = %d certificates, %v", len(vs), err)
	}
}

func TestAttendanceRule(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t, storetest.New(t))
	r.rec.pass("p1", "KN", "a1", t0.Add(-48*time.Hour))
	if issued, err := r.svc.Reconcile(ctx, "p1"); err != nil || len(issued) != 0 {
		t.Fatalf("without attendance = %+v, %v", issued, err)
	}
	// Attendance after the pass completes the rule at the session.
	r.rec.mark("p1", "KN", "s1", t0.Add(-24*time.Hour))
	issued, err := r.svc.Reconcile(ctx, "p1")
	if err != nil || len(issued) != 1 || !issued[0].Cycles[0].CompletedAt.Equal(t0.Add(-24*time.Hour)) || issued[0].Cycles[0].Attendance != "s1" {
		t.Fatalf("with attendance after the pass = %+v, %v", issued, err)
	}
	// Attendance before the pass: completed at the pass.
	r.rec.mark("p2", "KN", "s0", t0.Add(-72*time.Hour))
	r.rec.pass("p2", "KN", "a2", t0.Add(-2*time.Hour))
	issued, err = r.svc.Reconcile(ctx, "p2")
	if err != nil || len(issued) != 1 || !issued[0].Cycles[0].CompletedAt.Equal(t0.Add(-2*time.Hour)) {
		t.Fatalf("with attendance before the pass = %+v, %v", issued, err)
	}
}

// A mark counts for one cycle only, also when it is read with more
// precision than the store keeps (an instant within a millisecond): the
// cycle it completed is read back from the store, and a pass in the
// renewal window without a later mark renews nothing.
func TestAMarkCountsForOneCycleOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t, storetest.New(t))
	mark := t0.Add(-time.Hour + 123456789*time.Nanosecond)
	r.rec.pass("p1", "KN", "a1", t0.Add(-2*time.Hour))
	r.rec.mark("p1", "KN", "s1", mark)
	if issued, err := r.svc.Reconcile(ctx, "p1"); err != nil || len(issued) != 1 {
		t.Fatalf("the first cycle: %+v, %v", issued, err)
	}
	cycles := func() int {
		t.Helper()
		vs, err := r.svc.List(ctx, authz.All, certification.Filter{CollaboratorID: "p1"})
		if err != nil || len(vs) != 1 {
			t.Fatalf("p1's certificates: %+v, %v", vs, err)
		}
		return len(vs[0].Cycles)
	}
	// Inside the renewal window (KN: 24 months, 60 days), a pass alone.
	r.clk.Set(t0.AddDate(2, 0, -10))
	r.rec.pass("p1", "KN", "a2", r.clk.Now().Add(-time.Minute))
	if _, err := r.svc.Reconcile(ctx, "p1"); err != nil || cycles() != 1 {
		t.Fatalf("a pass in the window with only the first cycle's mark: %d cycles, %v", cycles(), err)
	}
	// A new mark completes the renewal.
	r.rec.mark("p1", "KN", "s2", r.clk.Now())
	r.clk.Advance(time.Hour)
	if _, err := r.svc.Reconcile(ctx, "p1"); err != nil || cycles() != 2 {
		t.Fatalf("with a new mark: %d cycles, %v", cycles(), err)
	}
}

func TestRevokeIsFinalAndALaterPassIssuesANewCertificate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t, storetest.New(t))
	issued := r.issueFromAPass(t, "p3")
	id := issued[0].ID
	coord := authz.Principal{UserID: "u-coord", Role: "coordinator"}
	for reason, field := range map[string]string{"": "reason", "  ": "reason", string(make([]rune, 501)): "reason"} {
		if _, err := r.svc.Revoke(ctx, coord, id, reason); !errs.Is(err, errs.Invalid) {
			t.Fatalf("Revoke(%q) = %v, want invalid %s", reason, err, field)
		}
	}
	if _, err := r.svc.Revoke(ctx, coord, "nope", "sai"); !errs.Is(err, errs.NotFound) {
		t.Fatalf("Revoke(unknown) = %v", err)
	}
	r.clk.Advance(time.Hour)
	v, err := r.svc.Revoke(ctx, coord, id, "Gian lận khi làm bài")
	if err != nil || v.Status != certification.StatusRevoked || v.RevokeReason != "Gian lận khi làm bài" {
		t.Fatalf("Revoke = %+v, %v", v, err)
	}
	if _, err := r.svc.Revoke(ctx, coord, id, "again"); !errs.Is(err, errs.Conflict) {
		t.Fatalf("second Revoke = %v", err)
	}
	if len(r.audit.entries) != 1 || r.audit.entries[0] != "certificate.revoke "+id {
		t.Fatalf("audit = %v", r.audit.entries)
	}
	// The old pass does not bring it back; a later one issues a new one.
	if again, err := r.svc.Reconcile(ctx, "p3"); err != nil || len(again) != 0 {
		t.Fatalf("reconcile after revoke = %+v, %v", again, err)
	}
	if at, _ := r.svc.RenewalOpens(ctx, "p3", "AT"); !at.Equal(r.clk.Now()) {
		t.Fatalf("RenewalOpens after revoke = %v", at)
	}
	r.clk.Advance(24 * time.Hour)
	r.rec.pass("p3", "AT", "a2", r.clk.Now().Add(-time.Minute))
	fresh, err := r.svc.Reconcile(ctx, "p3")
	if err != nil || len(fresh) != 1 || fresh[0].ID == id || fresh[0].Code == issued[0].Code {
		t.Fatalf("reconcile after a later pass = %+v, %v", fresh, err)
	}
	old, err := r.svc.Verify(ctx, string(issued[0].Code))
	if err != nil || old.Status != certification.StatusRevoked {
		t.Fatalf("the revoked code verifies as %+v, %v", old, err)
	}
}

func TestScopedLists(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t, storetest.New(t))
	for _, p := range registry {
		r.rec.pass(p.ID, "AT", "a-"+p.ID, t0.Add(-time.Hour))
		if _, err := r.svc.Reconcile(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	for name, c := range map[string]struct {
		scope authz.Scope
		f     certification.Filter
		want  int
	}{
		"all":              {authz.All, certification.Filter{}, 3},
		"district":         {authz.Scope{Kind: authz.ScopeArea, AreaCode: "NT"}, certification.Filter{}, 2},
		"other district":   {authz.Scope{Kind: authz.ScopeArea, AreaCode: "LT"}, certification.Filter{}, 1},
		"own":              {authz.Scope{Kind: authz.ScopeOwn, CollaboratorID: "p2"}, certification.Filter{}, 1},
		"own asks another": {authz.Scope{Kind: authz.ScopeOwn, CollaboratorID: "p2"}, certification.Filter{CollaboratorID: "p1"}, 0},
		"area filter":      {authz.All, certification.Filter{AreaCode: "LT"}, 1},
		"course filter":    {authz.All, certification.Filter{Course: "KN"}, 0},
		"no scope reaches": {authz.Scope{Kind: authz.ScopeArea}, certification.Filter{}, 0},
	} {
		vs, err := r.svc.List(ctx, c.scope, c.f)
		if err != nil || len(vs) != c.want {
			t.Errorf("%s: %d certificates, want %d (%v)", name, len(vs), c.want, err)
		}
	}
	all, _ := r.svc.List(ctx, authz.All, certification.Filter{})
	if _, err := r.svc.Certificate(ctx, authz.Scope{Kind: authz.ScopeArea, AreaCode: "LT"}, all[0].ID); all[0].AreaCode != "LT" && !errs.Is(err, errs.NotFound) {
		t.Fatalf("Certificate outside scope = %v", err)
	}
}

func TestNightlyRepairsOncePerDay(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t, storetest.New(t))
	count := func() int {
		vs, err := r.svc.List(ctx, authz.All, certification.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(vs)
	}
	// Passes whose events were lost: the first run is a full pass.
	r.rec.pass("p1", "AT", "a1", t0.Add(-time.Hour))
	if err := r.svc.Nightly(ctx, r.clk.Now()); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 1 {
		t.Fatalf("after the job: %d certificates", n)
	}
	r.rec.pass("p2", "AT", "a2", t0.Add(-time.Minute))
	r.clk.Advance(2 * time.Hour) // the same Vietnam day: nothing is done
	if err := r.svc.Nightly(ctx, r.clk.Now()); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 1 {
		t.Fatalf("the job ran twice in a day: %d certificates", n)
	}
	// A handler that failed leaves its mark: the next night reconciles it.
	r.rec.pass("p3", "AT", "a3", r.clk.Now())
	r.rec.failing("p3", true)
	if err := r.svc.Changed(ctx, "p3"); err == nil {
		t.Fatal("Changed with unreadable records succeeded")
	}
	r.rec.failing("p3", false)
	r.clk.Advance(24 * time.Hour)
	if err := r.svc.Nightly(ctx, r.clk.Now()); err != nil {
		t.Fatal(err)
	}
	if vs, _ := r.svc.List(ctx, authz.All, certification.Filter{CollaboratorID: "p3"}); len(vs) != 1 {
		t.Fatalf("the marked person: %d certificates", len(vs))
	}
	// p2's event and mark were both lost: the weekly full pass repairs it.
	if n := count(); n != 2 {
		t.Fatalf("a night without the full pass: %d certificates", n)
	}
	r.clk.Advance(certification.FullEvery)
	if err := r.svc.Nightly(ctx, r.clk.Now()); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 3 {
		t.Fatalf("after the weekly pass: %d certificates", n)
	}
}

func TestFullPassGoesOnPastAFailure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t, storetest.New(t))
	r.rec.pass("p1", "AT", "a1", t0.Add(-time.Hour))
	r.rec.pass("p3", "AT", "a3", t0.Add(-time.Hour))
	r.rec.failing("p1", true)
	n, issued, err := r.svc.ReconcileAll(ctx)
	if err == nil || n != 2 || issued != 1 {
		t.Fatalf("ReconcileAll = %d people, %d issued, %v; want 2, 1 and p1's error", n, issued, err)
	}
	r.rec.failing("p1", false)
	// p1 is marked: the next (not full) night issues theirs.
	if err := r.svc.Nightly(ctx, r.clk.Now()); err != nil {
		t.Fatal(err)
	}
	r.clk.Advance(24 * time.Hour)
	if err := r.svc.Nightly(ctx, r.clk.Now()); err != nil {
		t.Fatal(err)
	}
	if vs, _ := r.svc.List(ctx, authz.All, certification.Filter{}); len(vs) != 2 {
		t.Fatalf("after the retry: %d certificates", len(vs))
	}
}

// A crash between the person's document and the code's: the certificate
// verifies as unknown (404, never a 500) until a reconcile records its
// code.
func TestMissingCodeRepaired(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, full := range []bool{false, true} {
		db := storetest.New(t)
		r := newRig(t, db)
		st := certification.NewStore(db)
		id, code := certification.NewID()
		at := t0.Add(-time.Hour)
		cert := certification.Certificate{ID: id, Code: code, Collaborator: "p1", Course: "AT", Cycles: []certification.Cycle{{
			N: 1, IssuedAt: at, CompletedAt: at, ExpiresAt: at.AddDate(1, 0, 0), Pass: "a1"}}}
		r.rec.pass("p1", "AT", "a1", at)
		if _, _, err := st.Change(ctx, "p1", func([]certification.Certificate) ([]certification.Certificate, error) {
			return []certification.Certificate{cert}, nil
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := r.svc.Verify(ctx, string(code)); !errs.Is(err, errs.NotFound) {
			t.Fatalf("Verify of an unrecorded code = %v, want NotFound", err)
		}
		var err error
		if full {
			_, _, err = r.svc.ReconcileAll(ctx)
		} else {
			_, err = r.svc.Reconcile(ctx, "p1")
		}
		if err != nil {
			t.Fatal(err)
		}
		v, err := r.svc.Verify(ctx, string(code))
		if err != nil || v.ID != id || v.Status != certification.StatusValid {
			t.Fatalf("full %v: Verify after the repair = %+v, %v", full, v, err)
		}
	}
}

// A process's copy of the certificates follows its own writes at once
// (patched, not reread) and still catches a change another process
// counted in between, even when it would not check the version for an
// hour.
func TestCopyFollowsOwnWritesAndAnotherProcesss(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	rec := newRecords()
	clk := clock.NewManual(t0)
	process := func() *certification.Service {
		return certification.NewService(certification.Deps{Store: certification.NewStore(db), Records: rec, Courses: courses,
			People: registry, Audit: &auditLog{}, Clock: clk, Fresh: time.Hour})
	}
	a, b := process(), process()
	count := func(svc *certification.Service) int {
		t.Helper()
		vs, err := svc.List(ctx, authz.All, certification.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(vs)
	}
	if n := count(a); n != 0 {
		t.Fatalf("before any pass: %d certificates", n)
	}
	// Its own writes, several at once: each shows in its next read.
	for _, who := range []string{"p1", "p2"} {
		rec.pass(who, "AT", who+"-a1", t0.Add(-time.Hour))
	}
	var wg sync.WaitGroup
	for _, who := range []string{"p1", "p2", "p1", "p2"} {
		wg.Go(func() {
			if _, err := a.Reconcile(ctx, who); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := count(a); n != 2 {
		t.Fatalf("after its own reconciles: %d certificates, want 2", n)
	}
	coord := authz.Principal{UserID: "u-coord", Role: "coordinator"}
	p1, err := a.List(ctx, authz.All, certification.Filter{CollaboratorID: "p1"})
	if err != nil || len(p1) != 1 {
		t.Fatal(p1, err)
	}
	if _, err := a.Revoke(ctx, coord, p1[0].ID, "Sai sót hồ sơ"); err != nil {
		t.Fatal(err)
	}
	if vs, _ := a.List(ctx, authz.All, certification.Filter{Status: certification.StatusRevoked}); len(vs) != 1 || vs[0].ID != p1[0].ID {
		t.Fatalf("revoked after its own revocation = %+v", vs)
	}
	// Another process issues p3's; this process's next write finds the
	// version moved past its copy and rereads everything.
	rec.pass("p3", "AT", "p3-a1", t0.Add(-time.Hour))
	if _, err := b.Reconcile(ctx, "p3"); err != nil {
		t.Fatal(err)
	}
	clk.Advance(24 * time.Hour)
	rec.pass("p1", "AT", "p1-a2", clk.Now().Add(-time.Minute))
	if got, err := a.Reconcile(ctx, "p1"); err != nil || len(got) != 1 {
		t.Fatalf("p1's new certificate = %+v, %v", got, err)
	}
	if n := count(a); n != 4 {
		t.Fatalf("after another process's write and its own: %d certificates, want 4 (p1 revoked and new, p2, p3)", n)
	}
	if at, err := a.RenewalOpens(ctx, "p3", "AT"); err != nil || at.IsZero() {
		t.Fatalf("RenewalOpens of the other process's certificate = %v, %v", at, err)
	}
}
