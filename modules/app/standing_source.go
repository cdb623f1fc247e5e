package app

import (
	"context"
	"strings"

	"github.com/ctvacademy/academy/modules/certification"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/performance"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/scheduling"
	"github.com/ctvacademy/academy/modules/standing"
)

// standingSource gathers standing's inputs: the registry's and
// certification's in-process copies, the catalog, quarterly records (a
// person's by _id, a quarter's from performance's copy of its summary) and the
// sessions of the coming months from scheduling's live collection.
type standingSource struct {
	reg   *collaborators.Service
	certs *certification.Service
	perf  *performance.Service
	sched *scheduling.Service
	cat   *courses.Catalog
	clock clock.Clock
}

func (s standingSource) holder(ctx context.Context, p collaborators.Collaborator) (standing.Holder, error) {
	names, err := directory{reg: s.reg}.areaNames(ctx)
	return standingHolder(p, names), err
}

// standingHolder is a collaborator as standing reads them: the contract, and
// the start of the service its earlier terms chain into.
func standingHolder(p collaborators.Collaborator, names map[string]string) standing.Holder {
	c := p.Contract
	return standing.Holder{ID: p.ID, Code: p.Code, FullName: p.FullName, Role: p.Role, Area: p.AreaCode, AreaName: names[p.AreaCode],
		Contract: standing.ContractView{Number: c.Number, StartsOn: c.StartsOn, EndsOn: c.EndsOn, Status: c.Status,
			QuarterlyStipend: c.QuarterlyStipend, NotRenewed: c.NotRenewed},
		ServiceStart: collaborators.ServiceStart(p)}
}

func (s standingSource) Person(ctx context.Context, scope authz.Scope, id string) (standing.Holder, error) {
	p, err := s.reg.Get(ctx, scope, id)
	if err != nil {
		return standing.Holder{}, err
	}
	return s.holder(ctx, p)
}

func (s standingSource) People(ctx context.Context, scope authz.Scope) ([]standing.Holder, error) {
	ps, err := s.reg.List(ctx, scope, collaborators.Filter{})
	if err != nil {
		return nil, err
	}
	names, err := directory{reg: s.reg}.areaNames(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]standing.Holder, len(ps))
	for i, p := range ps {
		out[i] = standingHolder(p, names)
	}
	return out, nil
}

func (s standingSource) Required(role string) []string {
	var out []string
	for _, c := range s.cat.RequiredFor(role) {
		out = append(out, c.Code)
	}
	return out
}

func certView(v certification.View) standing.CertView {
	return standing.CertView{ID: v.ID, CourseCode: v.CourseCode, Status: string(v.Status), ExpiresAt: v.ExpiresAt,
		ValidUntil: v.ValidUntil, PDF: "/api/v1/certifications/" + v.ID + "/pdf"}
}

func (s standingSource) Certificates(ctx context.Context, id string) ([]standing.CertView, error) {
	vs, err := s.certs.List(ctx, authz.All, certification.Filter{CollaboratorID: id})
	out := make([]standing.CertView, len(vs))
	for i, v := range vs {
		out[i] = certView(v)
	}
	return out, err
}

func (s standingSource) AllCertificates(ctx context.Context) (map[string][]standing.CertView, error) {
	vs, err := s.certs.List(ctx, authz.All, certification.Filter{})
	out := map[string][]standing.CertView{}
	for _, v := range vs {
		out[v.CollaboratorID] = append(out[v.CollaboratorID], certView(v))
	}
	return out, err
}

func quarterRecord(r performance.Record) standing.QuarterRecord {
	q, _ := clock.ParseQuarter(r.Quarter)
	rep := 0.0
	if r.Actuals.ReportOnTime {
		rep = 1
	}
	return standing.QuarterRecord{Quarter: q, Status: r.Status, Attainment: r.Attainment,
		Targets: standing.KPIs{standing.Profiles: float64(r.Targets.Profiles), standing.Surveys: float64(r.Targets.Surveys), standing.Referrals: float64(r.Targets.Referrals), standing.ReportOnTime: 1},
		Actual:  standing.KPIs{standing.Profiles: float64(r.Actuals.Profiles), standing.Surveys: float64(r.Actuals.Surveys), standing.Referrals: float64(r.Actuals.Referrals), standing.ReportOnTime: rep}}
}

func (s standingSource) Records(ctx context.Context, id string, qs []clock.Quarter) ([]standing.QuarterRecord, error) {
	var out []standing.QuarterRecord
	for _, q := range qs {
		r, err := s.perf.Get(ctx, authz.All, id, q.String())
		if err != nil {
			return nil, err
		}
		if r.Stored {
			out = append(out, quarterRecord(r))
		}
	}
	return out, nil
}

// QuarterRecords are the quarter's stored records from performance's
// in-process copy of its summary (kept by the summary's rev), so that a
// ranking or a review reads no record per person and a person's standing
// does not read their district's records again.
func (s standingSource) QuarterRecords(ctx context.Context, q clock.Quarter) (map[string]standing.QuarterRecord, error) {
	rs, err := s.perf.Stored(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make(map[string]standing.QuarterRecord, len(rs))
	for id, r := range rs {
		out[id] = quarterRecord(r)
	}
	return out, nil
}

// NextSessions reads the live sessions of the next 120 days open to the
// district (its own and the network-wide ones).
func (s standingSource) NextSessions(ctx context.Context, area string) (map[string]standing.Session, error) {
	now := s.clock.Now()
	xs, err := s.sched.List(ctx, authz.All, scheduling.Query{From: now, To: now.AddDate(0, 0, 120), AreaCode: area})
	if err != nil {
		return nil, err
	}
	out := map[string]standing.Session{}
	for _, x := range xs {
		if x.Status == scheduling.StatusCancelled {
			continue
		}
		if cur, ok := out[x.CourseCode]; !ok || x.StartsAt.Before(cur.StartsAt) {
			out[x.CourseCode] = standing.Session{ID: x.ID, StartsAt: x.StartsAt}
		}
	}
	return out, nil
}

func (s standingSource) KnownArea(ctx context.Context, code string) (bool, error) {
	return directory{reg: s.reg}.AreaExists(ctx, code)
}

// SetContract writes the review's contract through the registry (the
// renewal rule then sees the override reason, or finds the person eligible).
func (s standingSource) SetContract(ctx context.Context, id string, c standing.ContractView, override string) error {
	p := collaborators.Patch{Contract: &collaborators.ContractPatch{Number: &c.Number, StartsOn: &c.StartsOn, EndsOn: &c.EndsOn, Status: &c.Status, NotRenewed: &c.NotRenewed}}
	if override != "" {
		p.OverrideReason = &override
	}
	_, err := s.reg.Update(ctx, authz.All, true, id, p)
	return err
}

// renewalGuard is the registry's renewal rule: standing's eligibility,
// each blocking reason a problem on contract.ends_on.
func renewalGuard(svc *standing.Service) collaborators.RenewalGuard {
	return func(ctx context.Context, c collaborators.Collaborator) (bool, []errs.FieldError, error) {
		ok, why, err := svc.Eligible(ctx, c.ID)
		if err != nil || ok {
			return ok, nil, err
		}
		fe := make([]errs.FieldError, len(why))
		for i, r := range why {
			fe[i] = errs.FieldError{Field: "contract.ends_on", Message: r.Code + ": " + strings.TrimSpace(r.Text.EN)}
		}
		return false, fe, nil
	}
}
