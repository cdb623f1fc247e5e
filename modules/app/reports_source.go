package app

import (
	"context"
	"time"

	"github.com/ctvacademy/academy/modules/certification"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/performance"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/reports"
	"github.com/ctvacademy/academy/modules/scheduling"
	"github.com/ctvacademy/academy/modules/standing"
)

// reportsSource gathers the leadership reports' inputs: the registry's and
// certification's in-process copies (each a version check, not a read of
// every document), performance's copy of every quarter's records (a read
// of the summaries' revs, and of those that moved), and the catalog; each
// person's standing is computed from them with standing's rules at the
// request's moment. So a report costs at most five store round trips
// whatever the number of people, and nothing computed is kept past the
// request: a changed certificate, record or contract, or a new day, is in
// the next report (content/standing.yaml is read at start-up). The
// records and the sessions are read only for the reports that need them.
type reportsSource struct {
	reg      *collaborators.Service
	certs    *certification.Service
	records  *performance.Everyone
	standing *standing.Service
	sched    *scheduling.Service
	cat      *courses.Catalog
	clock    clock.Clock
}

func (s reportsSource) Inputs(ctx context.Context, scope authz.Scope, need reports.Need) (reports.Inputs, error) {
	in := reports.Inputs{Now: s.clock.Now(), Required: map[string][]string{}}
	for _, c := range s.cat.Courses() {
		in.Courses = append(in.Courses, reports.Course{Code: c.Code, Rule: certification.Rule(c.Certification)})
		for _, role := range c.RequiredFor {
			in.Required[role] = append(in.Required[role], c.Code)
		}
	}
	people, err := s.reg.List(ctx, scope, collaborators.Filter{})
	if err != nil {
		return reports.Inputs{}, err
	}
	views, err := s.certs.List(ctx, scope, certification.Filter{})
	if err != nil {
		return reports.Inputs{}, err
	}
	var records []performance.Record
	if need.Records {
		if records, err = s.records.Records(ctx); err != nil {
			return reports.Inputs{}, err
		}
	}
	if need.Sessions {
		if in.Sessions, err = s.sessions(ctx, in.Now); err != nil {
			return reports.Inputs{}, err
		}
	}
	many := make([]standing.Many, len(people))
	at := make(map[string]int, len(people))
	for i, p := range people {
		c := p.Contract
		many[i].Holder = standing.Holder{ID: p.ID, Code: p.Code, FullName: p.FullName, Role: p.Role, Area: p.AreaCode,
			Contract: standing.ContractView{Number: c.Number, StartsOn: c.StartsOn, EndsOn: c.EndsOn, Status: c.Status, QuarterlyStipend: c.QuarterlyStipend}}
		at[p.ID] = i
	}
	in.Certificates = make([]certification.Certificate, 0, len(views))
	for _, v := range views {
		if i, ok := at[v.CollaboratorID]; ok {
			many[i].Certificates = append(many[i].Certificates, certView(v))
		}
		c := certification.Certificate{ID: v.ID, Code: v.VerificationCode, Collaborator: v.CollaboratorID, Course: v.CourseCode,
			Cycles: make([]certification.Cycle, len(v.Cycles))}
		for i, cy := range v.Cycles {
			c.Cycles[i] = certification.Cycle{N: cy.N, IssuedAt: cy.IssuedAt, CompletedAt: cy.CompletedAt, ExpiresAt: cy.ExpiresAt}
		}
		if v.RevokedAt != nil {
			c.Revoked = &certification.Revocation{At: *v.RevokedAt, Reason: v.RevokeReason}
		}
		in.Certificates = append(in.Certificates, c)
	}
	// The records of the people in scope, kept where they were kept.
	for _, r := range records {
		i, ok := at[r.CollaboratorID]
		if !ok || !scope.Allows(r.AreaCode, r.CollaboratorID) {
			continue
		}
		qr := quarterRecord(r)
		many[i].Records = append(many[i].Records, qr)
		in.Records = append(in.Records, reports.Record{Person: r.CollaboratorID, Area: r.AreaCode, Quarter: qr.Quarter,
			Status: r.Status, Targets: qr.Targets, Actuals: qr.Actual, Attainment: r.Attainment})
	}
	var results []standing.Result
	if need.Records {
		results = s.standing.StandingOf(many, in.Now)
	}
	in.People = make([]reports.Person, len(people))
	for i, p := range people {
		rp := reports.Person{ID: p.ID, Code: p.Code, Name: p.FullName, Role: p.Role, Area: p.AreaCode,
			ContractNumber: p.Contract.Number, ContractStatus: p.Contract.Status}
		if results != nil {
			rp.Standing, rp.RenewalEligible = results[i].Standing, results[i].RenewalEligible
		}
		if end, err := time.ParseInLocation(time.DateOnly, p.Contract.EndsOn, clock.VN); err == nil {
			rp.ContractEnd = end
		}
		in.People[i] = rp
	}
	return in, nil
}

// sessions are the live sessions of the coming 120 days, not cancelled
// (one read of scheduling's live collection).
func (s reportsSource) sessions(ctx context.Context, now time.Time) ([]reports.Session, error) {
	xs, err := s.sched.List(ctx, authz.All, scheduling.Query{From: now, To: now.AddDate(0, 0, 120)})
	if err != nil {
		return nil, err
	}
	out := make([]reports.Session, 0, len(xs))
	for _, x := range xs {
		if x.Status != scheduling.StatusCancelled && x.CourseCode != "" {
			out = append(out, reports.Session{ID: x.ID, Course: x.CourseCode, Area: x.AreaCode, StartsAt: x.StartsAt})
		}
	}
	return out, nil
}
