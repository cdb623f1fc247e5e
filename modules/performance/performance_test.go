package performance_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/performance"
	"github.com/ctvacademy/academy/modules/platform/audit"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/i18n"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"github.com/ctvacademy/academy/modules/standing"
	"github.com/xuri/excelize/v2"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var t0 = time.Date(2026, 10, 5, 8, 0, 0, 0, time.UTC)

// world is a registry of two districts (NT: a team leader and two CTVs;
// LT: one CTV), a coordinator who is also a collaborator of NT, and the
// service over the product's standing.yaml.
type world struct {
	svc                           *performance.Service
	audit                         *audit.Log
	db                            *mongo.Database
	deps                          performance.Deps
	leader, ctv, ctv2, other, cco collaborators.Collaborator
}

func person(id, role, area string) collaborators.Collaborator {
	return collaborators.Collaborator{ID: id, Code: "C-" + id, Email: id + "@example.vn", FullName: "Người " + id, Role: role, AreaCode: area,
		Commune: "Xã A", Contract: collaborators.Contract{Number: "HD-" + id, StartsOn: "2026-01-01", EndsOn: "2026-12-31", Status: "active"}}
}

func newWorld(t *testing.T) *world {
	t.Helper()
	return newWorldOn(t, content.FS)
}

// newWorldOn is newWorld with the content (standing.yaml) of fsys.
// ctvDefaults sets, as the coordinator coord, the quarter's default
// targets of NT's CTVs.
func (w *world) ctvDefaults(t *testing.T, coord context.Context, quarter string, tg performance.Targets) {
	t.Helper()
	if _, err := w.svc.SetDefaults(coord, quarter, []performance.Default{{Role: "ctv", AreaCode: "NT", Targets: tg}}); err != nil {
		t.Fatal(err)
	}
}

func newWorldOn(t *testing.T, fsys fs.FS) *world {
	t.Helper()
	ctx := context.Background()
	db := storetest.Indexed(t, storetest.New(t), append(collaborators.Indexes(), performance.Indexes()...))
	cst := collaborators.NewStore(db)
	if err := cst.PutAreas(ctx, []collaborators.Area{{Code: "NT", Name: "Nhơn Trạch"}, {Code: "LT", Name: "Long Thành"}}); err != nil {
		t.Fatal(err)
	}
	w := &world{db: db, leader: person("tl", "team_leader", "NT"), ctv: person("c1", "ctv", "NT"), ctv2: person("c2", "ctv", "NT"),
		other: person("o1", "ctv", "LT"), cco: person("k1", "team_leader", "LT")}
	if err := cst.Insert(ctx, []collaborators.Collaborator{w.leader, w.ctv, w.ctv2, w.other, w.cco}, "", t0); err != nil {
		t.Fatal(err)
	}
	clk := clock.NewManual(t0)
	w.audit = audit.New(db, clk.Now)
	reg := collaborators.NewService(collaborators.Deps{Store: cst, Audit: w.audit, Clock: clk})
	var err error
	w.deps = performance.Deps{Store: performance.NewStore(db), People: reg, Audit: w.audit, Clock: clk, Content: fsys}
	w.svc, err = performance.NewService(w.deps)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// another is a second service instance on the world's database: another
// process, or one that starts later.
func (w *world) another(t *testing.T) *performance.Service {
	t.Helper()
	svc, err := performance.NewService(w.deps)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// halfWrite is a write of collaboratorID's record of quarter that stopped
// after its pending mark and its record: the stored record's profiles
// become profiles and the quarter's summary marks it pending, its row
// left as it was.
func (w *world) halfWrite(t *testing.T, collaboratorID, quarter string, profiles int) {
	t.Helper()
	ctx := context.Background()
	rid := collaboratorID + ":" + quarter
	if _, err := w.db.Collection("performance_records").UpdateOne(ctx, bson.D{{Key: "_id", Value: rid}}, bson.D{{Key: "$set", Value: bson.D{{Key: "actuals.profiles", Value: profiles}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.Collection("performance_summaries").UpdateOne(ctx, bson.D{{Key: "_id", Value: quarter}}, bson.D{{Key: "$addToSet", Value: bson.D{{Key: "pending", Value: rid}}}}); err != nil {
		t.Fatal(err)
	}
}

// as is a request context and scope for a caller.
func as(role string, c collaborators.Collaborator) (context.Context, authz.Scope) {
	p := authz.Principal{UserID: "u-" + role + "-" + c.ID, Role: role, CollaboratorID: c.ID, AreaCode: c.AreaCode}
	kind := map[string]authz.ScopeKind{"ctv": authz.ScopeOwn, "team_leader": authz.ScopeArea}[role]
	if kind == "" {
		kind = authz.ScopeAll
	}
	return authz.WithPrincipal(context.Background(), p), authz.ScopeFor(kind, p)
}

// asCoordinator is as for the coordinator: every record in scope.
func asCoordinator() (context.Context, authz.Scope) {
	return as("coordinator", collaborators.Collaborator{})
}

func wantKind(t *testing.T, err error, kind errs.Kind, field, what string) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != kind {
		t.Fatalf("%s: %v, want kind %d", what, err, kind)
	}
	if field == "" {
		return
	}
	for _, f := range e.Fields {
		if f.Field == field {
			return
		}
	}
	t.Fatalf("%s: %v (fields %v), want one naming %s", what, err, e.Fields, field)
}

func weights(t *testing.T) map[standing.KPI]float64 {
	cfg, err := standing.Load(content.FS, standing.File)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Performance.Weights
}

// Draft by the CTV, submit by the team leader, approve by a coordinator;
// then nothing changes it. Default targets apply until the person's own.
func TestDraftSubmitApprove(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	coord, all := asCoordinator()
	w.ctvDefaults(t, coord, "2026-Q3", performance.Targets{Profiles: 12, Surveys: 6, Referrals: 1})
	ctx, own := as("ctv", w.ctv)
	r, err := w.svc.Get(ctx, own, w.ctv.ID, "2026-Q3")
	if err != nil {
		t.Fatal(err)
	}
	if r.Stored || r.Status != "draft" || r.TargetsSource != "default" || r.Targets.Profiles != 12 || r.Attainment != 0 || r.AreaCode != "NT" || r.Role != "ctv" {
		t.Fatalf("an unwritten record: %+v", r)
	}
	r, err = w.svc.Put(ctx, own, w.ctv.ID, "2026-Q3", performance.Change{Actuals: &performance.Actuals{Profiles: 6, Surveys: 6, Referrals: 0, ReportOnTime: true}})
	if err != nil {
		t.Fatal(err)
	}
	wt := weights(t)
	want := wt["profiles"]*0.5 + wt["surveys"] + wt["report_on_time"]
	if !r.Stored || r.Status != "draft" || math.Abs(r.Attainment-want) > 1e-9 {
		t.Fatalf("after the CTV's draft: %+v, want attainment %v", r, want)
	}
	// The CTV may not set their own targets, nor submit (the policy) nor
	// change a submitted record.
	_, err = w.svc.Put(ctx, own, w.ctv.ID, "2026-Q3", performance.Change{Targets: &performance.Targets{Profiles: 1}})
	wantKind(t, err, errs.Forbidden, "targets", "a CTV's targets")
	lctx, area := as("team_leader", w.leader)
	if r, err = w.svc.Submit(lctx, area, w.ctv.ID, "2026-Q3"); err != nil || r.Status != "submitted" || r.SubmittedBy == "" || r.SubmittedAt == nil {
		t.Fatalf("submit: %+v, %v", r, err)
	}
	_, err = w.svc.Put(ctx, own, w.ctv.ID, "2026-Q3", performance.Change{Actuals: &performance.Actuals{Profiles: 12}})
	wantKind(t, err, errs.Conflict, "", "the CTV changing a submitted record")
	_, err = w.svc.Submit(lctx, area, w.ctv.ID, "2026-Q3")
	wantKind(t, err, errs.Conflict, "", "submitting twice")
	// The coordinator gives the person targets of their own, then approves.
	if r, err = w.svc.Put(coord, all, w.ctv.ID, "2026-Q3", performance.Change{Targets: &performance.Targets{Profiles: 6, Surveys: 6, Referrals: 0}}); err != nil || r.TargetsSource != "person" || r.Status != "submitted" {
		t.Fatalf("the coordinator's targets: %+v, %v", r, err)
	}
	if math.Abs(r.Attainment-1) > 1e-9 {
		t.Fatalf("attainment with targets met: %v", r.Attainment)
	}
	if r, err = w.svc.Approve(coord, all, w.ctv.ID, "2026-Q3"); err != nil || r.Status != "approved" || r.ApprovedAt == nil {
		t.Fatalf("approve: %+v, %v", r, err)
	}
	_, err = w.svc.Put(coord, all, w.ctv.ID, "2026-Q3", performance.Change{Actuals: &performance.Actuals{}})
	wantKind(t, err, errs.Conflict, "", "changing an approved record")
	_, err = w.svc.Approve(coord, all, w.ctv.ID, "2026-Q3")
	wantKind(t, err, errs.Conflict, "", "approving twice")
	// Approval keeps the targets: a new default does not reach it.
	w.ctvDefaults(t, coord, "2026-Q3", performance.Targets{Profiles: 50})
	if r, err = w.svc.Get(ctx, own, w.ctv.ID, "2026-Q3"); err != nil || r.Targets.Profiles != 6 || r.Status != "approved" {
		t.Fatalf("the approved record later: %+v, %v", r, err)
	}
	// Another CTV's unwritten record follows the new default.
	if r, err = w.svc.Get(lctx, area, w.ctv2.ID, "2026-Q3"); err != nil || r.Targets.Profiles != 50 || r.TargetsSource != "default" {
		t.Fatalf("a default later: %+v, %v", r, err)
	}
	entries, err := w.audit.For(context.Background(), "performance_record", w.ctv.ID+":2026-Q3")
	if err != nil || len(entries) != 4 {
		t.Fatalf("audit of the record: %d entries, %v (want draft, submit, targets, approve)", len(entries), err)
	}
}

// Nobody approves their own record; a team leader reaches only their
// district (not found outside it); a record of a quarter nobody set
// defaults for has no targets.
func TestSelfApprovalAndScope(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	// k1 is a collaborator signed in as a coordinator.
	self, all := as("coordinator", w.cco)
	if _, err := w.svc.Submit(self, all, w.cco.ID, "2026-Q2"); err != nil {
		t.Fatal(err)
	}
	_, err := w.svc.Approve(self, all, w.cco.ID, "2026-Q2")
	wantKind(t, err, errs.Forbidden, "", "approving one's own record")
	lctx, area := as("team_leader", w.leader)
	_, err = w.svc.Get(lctx, area, w.other.ID, "2026-Q2")
	wantKind(t, err, errs.NotFound, "", "a team leader reading outside their district")
	_, err = w.svc.Put(lctx, area, w.other.ID, "2026-Q2", performance.Change{Actuals: &performance.Actuals{}})
	wantKind(t, err, errs.NotFound, "", "a team leader writing outside their district")
	cctx, own := as("ctv", w.ctv)
	_, err = w.svc.Get(cctx, own, w.ctv2.ID, "2026-Q2")
	wantKind(t, err, errs.NotFound, "", "a CTV reading another's record")
	r, err := w.svc.Get(cctx, own, w.ctv.ID, "2026-Q2")
	if err != nil || r.TargetsSource != "none" || r.Attainment != 0 {
		t.Fatalf("no defaults: %+v, %v", r, err)
	}
	list, err := w.svc.List(lctx, area, "2026-Q2", performance.Filter{})
	if err != nil || len(list) != 3 {
		t.Fatalf("the team leader's list: %d, %v", len(list), err)
	}
	for _, r := range list {
		if r.AreaCode != "NT" {
			t.Fatalf("the team leader's list holds %+v", r)
		}
	}
}

// Bad input names the field: the quarter, negative numbers, defaults.
func TestBadInput(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	coord, all := asCoordinator()
	for _, q := range []string{"2026-Q5", "2026Q3", "26-Q1", ""} {
		_, err := w.svc.Get(coord, all, w.ctv.ID, q)
		wantKind(t, err, errs.Invalid, "quarter", "quarter "+q)
	}
	_, err := w.svc.Put(coord, all, w.ctv.ID, "2026-Q3", performance.Change{Actuals: &performance.Actuals{Profiles: -1}})
	wantKind(t, err, errs.Invalid, "actuals.profiles", "a negative actual")
	_, err = w.svc.Put(coord, all, w.ctv.ID, "2026-Q3", performance.Change{Targets: &performance.Targets{Referrals: -2}})
	wantKind(t, err, errs.Invalid, "targets.referrals", "a negative target")
	_, err = w.svc.Put(coord, all, w.ctv.ID, "2026-Q3", performance.Change{})
	wantKind(t, err, errs.Invalid, "actuals", "an empty change")
	_, err = w.svc.SetDefaults(coord, "2026-Q3", []performance.Default{{Role: "ctv", AreaCode: "NT"}, {Role: "boss", AreaCode: "XX"}, {Role: "ctv", AreaCode: "NT"}})
	wantKind(t, err, errs.Invalid, "[1].role", "a bad default")
	wantKind(t, err, errs.Invalid, "[1].area_code", "a bad default")
	wantKind(t, err, errs.Invalid, "[2].area_code", "a repeated default")
	_, err = w.svc.List(coord, all, "2026-Q3", performance.Filter{AreaCode: "XX"})
	wantKind(t, err, errs.Invalid, "area_code", "an unknown district")
	_, err = w.svc.List(coord, all, "2026-Q3", performance.Filter{Status: "done"})
	wantKind(t, err, errs.Invalid, "status", "an unknown status")
	// Nothing above was stored.
	if r, err := w.svc.Get(coord, all, w.ctv.ID, "2026-Q3"); err != nil || r.Stored {
		t.Fatalf("after refusals: %+v, %v", r, err)
	}
}

// An import writes every row or none; a bad row is named by its line and
// field; a team leader imports only their district, without targets.
func TestImport(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	lctx, area := as("team_leader", w.leader)
	good := "STT,Mã CTV,Họ và tên,Hồ sơ cơ sở,Khảo sát nhu cầu,Giới thiệu vào chương trình,Báo cáo đúng hạn\n" +
		"1,C-c1,Người c1,12,6,1,có\n2,C-c2,Người c2,3,0,0,0\n"
	bad := good + "3,C-o1,Người o1,1,1,1,1\n4,C-tl,Người tl,-4,x,1,maybe\n"
	_, err := w.svc.Import(lctx, area, "2026-Q3", "q3.csv", []byte(bad))
	wantKind(t, err, errs.Unprocessable, "rows[4].code", "a row outside the district")
	wantKind(t, err, errs.Unprocessable, "rows[5].profiles", "a negative count")
	wantKind(t, err, errs.Unprocessable, "rows[5].surveys", "a word for a count")
	wantKind(t, err, errs.Unprocessable, "rows[5].report_on_time", "a bad yes/no")
	if list, err := w.svc.List(lctx, area, "2026-Q3", performance.Filter{}); err != nil || len(list) != 3 {
		t.Fatalf("list after a refused import: %d, %v", len(list), err)
	} else {
		for _, r := range list {
			if r.Stored {
				t.Fatalf("a refused import stored %+v", r)
			}
		}
	}
	withTargets := "Mã CTV,Hồ sơ cơ sở,Khảo sát nhu cầu,Giới thiệu vào chương trình,Báo cáo đúng hạn,Chỉ tiêu hồ sơ\nC-c1,1,1,1,1,10\n"
	_, err = w.svc.Import(lctx, area, "2026-Q3", "q3.csv", []byte(withTargets))
	wantKind(t, err, errs.Unprocessable, "rows[2].targets", "a team leader's targets")
	_, err = w.svc.Import(lctx, area, "2026-Q3", "q3.csv", []byte("Mã CTV,Hồ sơ cơ sở\nC-c1,1\n"))
	wantKind(t, err, errs.Invalid, "file.header", "missing columns")

	res, err := w.svc.Import(lctx, area, "2026-Q3", "q3.csv", []byte(good))
	if err != nil || res.Imported != 2 {
		t.Fatalf("import: %+v, %v", res, err)
	}
	r, err := w.svc.Get(lctx, area, w.ctv.ID, "2026-Q3")
	if err != nil || !r.Stored || r.Actuals != (performance.Actuals{Profiles: 12, Surveys: 6, Referrals: 1, ReportOnTime: true}) {
		t.Fatalf("an imported record: %+v, %v", r, err)
	}
	// The same as XLSX, by a coordinator with a target column.
	f := excelize.NewFile()
	rows := [][]any{{"Mã CTV", "Hồ sơ cơ sở", "Khảo sát nhu cầu", "Giới thiệu vào chương trình", "Báo cáo đúng hạn", "Chỉ tiêu hồ sơ"}, {"C-o1", 4, 2, 0, 1, 8}}
	for i, row := range rows {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &row); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	coord, all := asCoordinator()
	if res, err = w.svc.Import(coord, all, "2026-Q3", "q3.xlsx", buf.Bytes()); err != nil || res.Imported != 1 || res.Items[0].Targets.Profiles != 8 || res.Items[0].TargetsSource != "person" {
		t.Fatalf("xlsx import: %+v, %v", res, err)
	}
}

// A quarter's list is every person in scope, ranked by attainment, and
// pages through web.Slice in the handler; status filters.
func TestListRanked(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	coord, all := asCoordinator()
	w.ctvDefaults(t, coord, "2026-Q1", performance.Targets{Profiles: 10, Surveys: 10, Referrals: 1})
	for id, n := range map[string]int{w.ctv.ID: 5, w.ctv2.ID: 10} {
		if _, err := w.svc.Put(coord, all, id, "2026-Q1", performance.Change{Actuals: &performance.Actuals{Profiles: n, Surveys: n}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.svc.Submit(coord, all, w.ctv2.ID, "2026-Q1"); err != nil {
		t.Fatal(err)
	}
	list, err := w.svc.List(coord, all, "2026-Q1", performance.Filter{AreaCode: "NT"})
	if err != nil || len(list) != 3 || list[0].CollaboratorID != w.ctv2.ID || list[1].CollaboratorID != w.ctv.ID || list[0].FullName != w.ctv2.FullName {
		t.Fatalf("ranked list: %+v, %v", list, err)
	}
	sub, err := w.svc.List(coord, all, "2026-Q1", performance.Filter{Status: "submitted"})
	if err != nil || len(sub) != 1 || sub[0].CollaboratorID != w.ctv2.ID {
		t.Fatalf("submitted: %+v, %v", sub, err)
	}
	d, err := w.svc.Defaults(as2(w.other))
	if err != nil || len(d.Items) != 0 {
		t.Fatalf("an LT team leader's view of NT defaults: %+v, %v", d, err)
	}
	if !strings.HasPrefix(list[2].CollaboratorID, "tl") {
		t.Fatalf("last: %+v", list[2])
	}
}

func as2(c collaborators.Collaborator) (context.Context, authz.Scope, string) {
	ctx, sc := as("team_leader", c)
	return ctx, sc, "2026-Q1"
}

// TestListFromSummary: a quarter's list answers from the quarter's
// summary, trusts no copy of a pending record (a write that stopped half
// way) and reads records the summary has no copy of by _id.
func TestListFromSummary(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	coord, all := asCoordinator()
	for id, n := range map[string]int{w.ctv.ID: 5, w.ctv2.ID: 10, w.other.ID: 7} {
		if _, err := w.svc.Put(coord, all, id, "2026-Q1", performance.Change{Actuals: &performance.Actuals{Profiles: n}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.svc.Submit(coord, all, w.ctv.ID, "2026-Q1"); err != nil {
		t.Fatal(err)
	}
	profiles := func(what string) map[string]int {
		t.Helper()
		list, err := w.svc.List(coord, all, "2026-Q1", performance.Filter{})
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		out := map[string]int{}
		for _, r := range list {
			if r.Stored {
				out[r.CollaboratorID] = r.Actuals.Profiles
			}
			got, err := w.svc.Get(coord, all, r.CollaboratorID, "2026-Q1")
			if err != nil || got.Status != r.Status || got.Actuals != r.Actuals || got.Rev != r.Rev || got.Stored != r.Stored {
				t.Fatalf("%s: listed %+v, read %+v, %v", what, r, got, err)
			}
		}
		return out
	}
	if got := profiles("after writes"); got[w.ctv.ID] != 5 || got[w.ctv2.ID] != 10 || got[w.other.ID] != 7 || len(got) != 3 {
		t.Fatalf("after writes: %v", got)
	}
	var sum struct {
		Data    []byte   `bson:"data"`
		Pending []string `bson:"pending"`
	}
	if err := w.db.Collection("performance_summaries").FindOne(ctx, bson.D{{Key: "_id", Value: "2026-Q1"}}).Decode(&sum); err != nil || len(sum.Data) == 0 || len(sum.Pending) != 0 {
		t.Fatalf("summary: %+v, %v", sum, err)
	}
	// A write that changed the record and stopped before its row: with
	// its pending mark the list reads the record.
	w.halfWrite(t, w.ctv2.ID, "2026-Q1", 12)
	sums := w.db.Collection("performance_summaries")
	if got := profiles("pending"); got[w.ctv2.ID] != 12 {
		t.Fatalf("a pending record: %v", got)
	}
	// The next write repairs the row and clears the mark.
	if _, err := w.svc.Put(coord, all, w.ctv2.ID, "2026-Q1", performance.Change{Actuals: &performance.Actuals{Profiles: 13}}); err != nil {
		t.Fatal(err)
	}
	if err := sums.FindOne(ctx, bson.D{{Key: "_id", Value: "2026-Q1"}}).Decode(&sum); err != nil || len(sum.Pending) != 0 {
		t.Fatalf("after the repairing write: %+v, %v", sum, err)
	}
	if got := profiles("repaired"); got[w.ctv2.ID] != 13 {
		t.Fatalf("repaired: %v", got)
	}
	// Records written before summaries existed: read by _id.
	if _, err := sums.DeleteOne(ctx, bson.D{{Key: "_id", Value: "2026-Q1"}}); err != nil {
		t.Fatal(err)
	}
	if got := profiles("no summary"); got[w.ctv.ID] != 5 || got[w.ctv2.ID] != 13 || got[w.other.ID] != 7 {
		t.Fatalf("without a summary: %v", got)
	}
}

// TestStipends: the sheet's rules (paid, withheld without an approved
// record, prorated, suspended, outside the contract) and its workbook
// read back.
func TestStipends(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	coord, all := asCoordinator()
	// c1: approved, whole quarter. c2: approved, contract from 2026-02-15
	// (45 of Q1's 90 days). o1: submitted only. tl: suspended.
	w.sheetContracts(t, nil)
	twelve := performance.Change{Actuals: &performance.Actuals{Profiles: 12, ReportOnTime: true}}
	w.review(t, "2026-Q1", map[string]performance.Change{w.ctv.ID: twelve, w.ctv2.ID: twelve, w.other.ID: twelve, w.leader.ID: twelve}, w.other.ID)
	got, by := w.sheet(t, "2026-Q1")
	want := map[string]struct {
		due    int64
		reason string
	}{
		w.ctv.ID: {3_000_000, "paid"}, w.ctv2.ID: {1_500_000, "prorated"}, w.other.ID: {0, "no_approved_report"},
		w.leader.ID: {0, "contract_suspended"}, w.cco.ID: {0, "no_approved_report"},
	}
	for id, wt := range want {
		if s := by[id]; s.Due != wt.due || s.Reason != wt.reason || s.ContractNumber != "HD-"+id {
			t.Errorf("%s: %+v, want %d %s", id, s, wt.due, wt.reason)
		}
	}
	// Nobody wrote cco's record: no report, which is not a draft.
	for id, st := range map[string]string{w.cco.ID: "none", w.other.ID: "submitted", w.ctv.ID: "approved"} {
		if by[id].RecordStatus != st {
			t.Errorf("%s: record status %q, want %q", id, by[id].RecordStatus, st)
		}
	}
	if s := by[w.ctv2.ID]; s.ContractDays != 45 || s.QuarterDays != 90 {
		t.Errorf("prorated days: %+v", s)
	}
	if _, err := w.svc.Stipends(coord, all, "2026-Q5", ""); err == nil {
		t.Fatal("a bad quarter was accepted")
	}
	// Before the contracts start: outside the contract.
	early, err := w.svc.Stipends(coord, all, "2025-Q4", "")
	if err != nil || len(early) != 5 || early[0].Reason != "outside_contract" || early[0].Due != 0 {
		t.Fatalf("2025-Q4: %+v, %v", early, err)
	}
	// A team leader's sheet: their district.
	lctx, lscope := as("team_leader", w.leader)
	mine, err := w.svc.Stipends(lctx, lscope, "2026-Q1", "")
	if err != nil || len(mine) != 3 {
		t.Fatalf("NT's sheet: %+v, %v", mine, err)
	}
	tr, err := i18n.LoadDir(content.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	b, err := performance.StipendsXLSX("2026-Q1", got, tr)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	if sheet != "Phụ cấp 2026-Q1" {
		t.Errorf("sheet name %q, want Phụ cấp 2026-Q1", sheet)
	}
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil || len(rows) != len(got)+2 {
		t.Fatalf("rows: %d, %v", len(rows), err)
	}
	if rows[0][0] != "Mã CTV" || rows[0][13] != "Phụ cấp được chi (VND)" {
		t.Fatalf("headers: %q", rows[0])
	}
	// Role, contract status, record status and reason in words, as the
	// stipends page shows them, never the API's codes.
	words := map[string]map[string]bool{
		"role":            {"Cộng tác viên": true, "Tổ trưởng": true},
		"contract status": {"Đang hiệu lực": true, "Thử thách": true, "Tạm dừng": true, "Đã kết thúc": true},
		"record status":   {"Chưa có báo cáo": true, "Bản nháp": true, "Đã gửi duyệt": true, "Đã duyệt": true},
	}
	for i, row := range rows[1 : len(got)+1] {
		s := got[i]
		for col, c := range map[string]int{"role": 3, "contract status": 5, "record status": 11} {
			if !words[col][row[c]] {
				t.Errorf("%s: %s %q is not in words", s.Code, col, row[c])
			}
		}
		if want := tr.T("vi", "perf.reason."+s.Reason); row[14] != want || strings.HasPrefix(want, "perf.") {
			t.Errorf("%s: reason %q, want %q", s.Code, row[14], want)
		}
	}
	typ, err := f.GetCellType(sheet, "N2")
	if err != nil || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Fatalf("the amount is not a number: %v %v", typ, err)
	}
	total, err := f.GetCellValue(sheet, fmt.Sprintf("N%d", len(got)+2), excelize.Options{RawCellValue: true})
	if err != nil || total != "4500000" {
		t.Fatalf("total: %q, %v", total, err)
	}
	start, err := f.GetCellValue(sheet, "G2")
	if err != nil || !strings.Contains(start, "/20") {
		t.Fatalf("a start date shown as %q (%v), want a date", start, err)
	}
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Fatalf("panes: %+v, %v", panes, err)
	}
}

// contracts changes people's contracts in the registry (and bumps its
// version so that the service reads them).
func (w *world) contracts(t *testing.T, set map[string]func(*collaborators.Collaborator) error) {
	t.Helper()
	ctx := context.Background()
	cst := collaborators.NewStore(w.db)
	for id, fn := range set {
		if _, err := cst.Update(ctx, id, t0, fn); err != nil {
			t.Fatal(err)
		}
	}
	if err := cst.Bump(ctx); err != nil {
		t.Fatal(err)
	}
}

// review writes each person's change to the quarter as a coordinator,
// submits it and approves it, except for those left submitted.
func (w *world) review(t *testing.T, quarter string, changes map[string]performance.Change, submittedOnly ...string) {
	t.Helper()
	coord, all := asCoordinator()
	for id, ch := range changes {
		if _, err := w.svc.Put(coord, all, id, quarter, ch); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Submit(coord, all, id, quarter); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(submittedOnly, id) {
			if _, err := w.svc.Approve(coord, all, id, quarter); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// sheetContracts gives the stipend tests' contracts: c1 3,000,000 a
// quarter; c2 the same from 2026-02-15 (45 of Q1's 90 days); o1
// 2,000,000; tl 4,000,000, suspended; and more.
func (w *world) sheetContracts(t *testing.T, more map[string]func(*collaborators.Collaborator) error) {
	t.Helper()
	set := map[string]func(*collaborators.Collaborator) error{
		w.ctv.ID: func(c *collaborators.Collaborator) error { c.Contract.QuarterlyStipend = 3_000_000; return nil },
		w.ctv2.ID: func(c *collaborators.Collaborator) error {
			c.Contract.QuarterlyStipend, c.Contract.StartsOn = 3_000_000, "2026-02-15"
			return nil
		},
		w.other.ID: func(c *collaborators.Collaborator) error { c.Contract.QuarterlyStipend = 2_000_000; return nil },
		w.leader.ID: func(c *collaborators.Collaborator) error {
			c.Contract.QuarterlyStipend, c.Contract.Status = 4_000_000, "suspended"
			return nil
		},
	}
	maps.Copy(set, more)
	w.contracts(t, set)
}

// sheet is a quarter's stipend sheet as a coordinator reads it, and its
// lines by person.
func (w *world) sheet(t *testing.T, quarter string) ([]performance.Stipend, map[string]performance.Stipend) {
	t.Helper()
	coord, all := asCoordinator()
	got, err := w.svc.Stipends(coord, all, quarter, "")
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]performance.Stipend{}
	for _, s := range got {
		by[s.CollaboratorID] = s
	}
	return got, by
}
