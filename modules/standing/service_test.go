package standing_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/platform/audit"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"github.com/ctvacademy/academy/modules/standing"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// fakeSource is the other modules as the service reads them: people with
// contracts ending 2026-12-31, KC-101 required, approved records.
type fakeSource struct {
	people  map[string]*standing.Holder
	certs   map[string][]standing.CertView
	records map[clock.Quarter]map[string]standing.QuarterRecord
}

func (f *fakeSource) Person(_ context.Context, scope authz.Scope, id string) (standing.Holder, error) {
	h, ok := f.people[id]
	if !ok || !scope.Allows(h.Area, h.ID) {
		return standing.Holder{}, errs.E(errs.NotFound, "no such collaborator")
	}
	return *h, nil
}
func (f *fakeSource) People(_ context.Context, scope authz.Scope) ([]standing.Holder, error) {
	var out []standing.Holder
	for _, id := range []string{"good", "bad", "gone"} {
		if h := f.people[id]; scope.Allows(h.Area, h.ID) {
			out = append(out, *h)
		}
	}
	return out, nil
}
func (f *fakeSource) Required(string) []string { return []string{"KC-101"} }
func (f *fakeSource) Certificates(_ context.Context, id string) ([]standing.CertView, error) {
	return f.certs[id], nil
}
func (f *fakeSource) AllCertificates(context.Context) (map[string][]standing.CertView, error) {
	return f.certs, nil
}
func (f *fakeSource) Records(_ context.Context, id string, qs []clock.Quarter) ([]standing.QuarterRecord, error) {
	var out []standing.QuarterRecord
	for _, q := range qs {
		if r, ok := f.records[q][id]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}
func (f *fakeSource) QuarterRecords(_ context.Context, q clock.Quarter) (map[string]standing.QuarterRecord, error) {
	return f.records[q], nil
}
func (f *fakeSource) NextSessions(context.Context, string) (map[string]standing.Session, error) {
	return map[string]standing.Session{"KC-101": {ID: "s1", StartsAt: time.Date(2026, 11, 20, 1, 0, 0, 0, time.UTC)}}, nil
}
func (f *fakeSource) KnownArea(_ context.Context, code string) (bool, error) {
	for _, h := range f.people {
		if h.Area == code {
			return true, nil
		}
	}
	return false, nil
}
func (f *fakeSource) SetContract(_ context.Context, id string, c standing.ContractView, _ string) error {
	f.people[id].Contract = c
	return nil
}

var now = time.Date(2026, 11, 10, 3, 0, 0, 0, time.UTC)

func newService(t *testing.T) (*standing.Service, *fakeSource) {
	t.Helper()
	cfg, err := standing.Load(content.FS, standing.File)
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.Indexed(t, storetest.New(t), standing.Indexes())
	contract := func(n string) standing.ContractView {
		return standing.ContractView{Number: n, StartsOn: "2026-01-01", EndsOn: "2026-12-31", Status: "active", QuarterlyStipend: 3000000}
	}
	f := &fakeSource{people: map[string]*standing.Holder{
		"good": {ID: "good", FullName: "An", Role: "ctv", Area: "NT", AreaName: "Nhơn Trạch", Contract: contract("HD-1")},
		"bad":  {ID: "bad", FullName: "Bình", Role: "ctv", Area: "NT", AreaName: "Nhơn Trạch", Contract: contract("HD-2-R1")},
		"gone": {ID: "gone", FullName: "Chi", Role: "ctv", Area: "LT", AreaName: "Long Thành", Contract: contract("HD-3")},
	}, certs: map[string][]standing.CertView{
		"good": {{ID: "c1", CourseCode: "KC-101", Status: standing.CertValid, ExpiresAt: now.AddDate(1, 0, 0)}},
		"gone": {{ID: "c3", CourseCode: "KC-101", Status: standing.CertValid, ExpiresAt: now.AddDate(1, 0, 0)}},
	}, records: map[clock.Quarter]map[string]standing.QuarterRecord{}}
	for _, q := range []clock.Quarter{{Year: 2026, Q: 3}, {Year: 2026, Q: 2}} {
		f.records[q] = map[string]standing.QuarterRecord{}
		for id, a := range map[string]float64{"good": 0.9, "bad": 0.8, "gone": 0.7} {
			f.records[q][id] = standing.QuarterRecord{Quarter: q, Status: standing.RecordApproved, Attainment: a}
		}
	}
	clk := clock.NewManual(now)
	return standing.NewService(f, cfg, clk, audit.New(db, clk.Now), standing.NewStore(db)), f
}

func TestStandingOfAndScope(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t)
	ctx := context.Background()
	v, err := svc.Of(ctx, authz.Scope{Kind: authz.ScopeOwn, CollaboratorID: "good"}, "good")
	if err != nil {
		t.Fatal(err)
	}
	if v.Standing != standing.Good || !v.RenewalEligible || len(v.Performance) != 4 || v.Recognition == nil || v.Recognition.Rank != 1 || v.Recognition.Of != 1 {
		t.Fatalf("good: %+v", v)
	}
	if _, err := svc.Of(ctx, authz.Scope{Kind: authz.ScopeOwn, CollaboratorID: "good"}, "bad"); !errs.Is(err, errs.NotFound) {
		t.Fatalf("another's standing: %v, want not found", err)
	}
	if _, err := svc.Of(ctx, authz.Scope{Kind: authz.ScopeArea, AreaCode: "NT"}, "gone"); !errs.Is(err, errs.NotFound) {
		t.Fatalf("another district's: %v, want not found", err)
	}
	bad, err := svc.Of(ctx, authz.All, "bad")
	if err != nil {
		t.Fatal(err)
	}
	if bad.RenewalEligible || len(bad.RecommendedCourses) == 0 || bad.RecommendedCourses[0].CourseCode != "KC-101" || bad.RecommendedCourses[0].NextSession == nil {
		t.Fatalf("bad: %+v", bad)
	}
}

func TestDecisions(t *testing.T) {
	t.Parallel()
	svc, f := newService(t)
	ctx := context.Background()
	coord := authz.Principal{UserID: "u-coord", Role: authz.RoleCoordinator}
	items, err := svc.Review(ctx, authz.All, "2026-Q4")
	if err != nil || len(items) != 3 {
		t.Fatalf("review: %v %+v", err, items)
	}
	// An ineligible renewal without a reason: 422 naming the item, nothing applied.
	_, err = svc.Decide(ctx, coord, "2026-Q4", []standing.DecisionInput{{CollaboratorID: "good", Decision: "renew"}, {CollaboratorID: "bad", Decision: "renew"}})
	var e *errs.Error
	if !errs.Is(err, errs.Unprocessable) || !asErr(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "[1].reason" {
		t.Fatalf("ineligible without reason: %v", err)
	}
	if f.people["good"].Contract.EndsOn != "2026-12-31" {
		t.Fatal("a refused request renewed someone")
	}
	// An end without a reason: 400.
	if _, err := svc.Decide(ctx, coord, "2026-Q4", []standing.DecisionInput{{CollaboratorID: "gone", Decision: "end"}}); !errs.Is(err, errs.Invalid) {
		t.Fatalf("end without reason: %v", err)
	}
	in := []standing.DecisionInput{{CollaboratorID: "good", Decision: "renew"}, {CollaboratorID: "bad", Decision: "renew", Reason: "Đã đăng ký khóa KC-101 tháng 11"},
		{CollaboratorID: "gone", Decision: "end", Reason: "Chuyển công tác"}}
	res, err := svc.Decide(ctx, coord, "2026-Q4", in)
	if err != nil {
		t.Fatal(err)
	}
	// An end before the contract's last day marks it not renewed: it runs to its end.
	want := standing.ContractView{Number: "HD-1-R1", StartsOn: "2027-01-01", EndsOn: "2027-12-31", Status: "active", QuarterlyStipend: 3000000}
	if f.people["good"].Contract != want || f.people["bad"].Contract.Number != "HD-2-R2" || f.people["gone"].Contract.Status != "active" || !f.people["gone"].Contract.NotRenewed {
		t.Fatalf("contracts after: %+v %+v %+v", f.people["good"].Contract, f.people["bad"].Contract, f.people["gone"].Contract)
	}
	for _, it := range res.Items {
		if !it.Applied {
			t.Fatalf("not applied: %+v", it)
		}
	}
	// Posting again changes nothing.
	again, err := svc.Decide(ctx, coord, "2026-Q4", in)
	if err != nil || again.Items[0].Applied || f.people["good"].Contract != want {
		t.Fatalf("re-post: %v %+v %+v", err, again, f.people["good"].Contract)
	}
	// The review still lists the decided, with their decision (the override marked).
	items, err = svc.Review(ctx, authz.All, "2026-Q4")
	if err != nil || len(items) != 3 {
		t.Fatalf("review after: %v %d", err, len(items))
	}
	for _, it := range items {
		if it.Decision == nil || (it.CollaboratorID == "bad") != it.Decision.Override {
			t.Fatalf("decision of %s: %+v", it.CollaboratorID, it.Decision)
		}
	}
}

func TestRecognition(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t)
	got, err := svc.Recognize(context.Background(), authz.All, "2026-Q3", "")
	if err != nil {
		t.Fatal(err)
	}
	// "bad" has no KC-101: not in good standing, not ranked.
	if len(got) != 2 || got[0].CollaboratorID != "gone" || got[0].Rank != 1 || got[1].CollaboratorID != "good" || got[1].Rank != 1 {
		t.Fatalf("recognition: %+v", got)
	}
	if _, err := svc.Recognize(context.Background(), authz.All, "2026-Q9", ""); !errs.Is(err, errs.Invalid) {
		t.Fatalf("bad quarter: %v", err)
	}
}

func TestNextTerm(t *testing.T) {
	t.Parallel()
	got := standing.NextTerm(standing.ContractView{Number: "012/2024/HĐ", EndsOn: "2026-02-28", Status: "probation"}, 12)
	if got.Number != "012/2024/HĐ-R1" || got.StartsOn != "2026-03-01" || got.EndsOn != "2027-02-28" || got.Status != "active" {
		t.Fatalf("%+v", got)
	}
}

func asErr(err error, e **errs.Error) bool {
	return errors.As(err, e)
}
