package app

import (
	"context"
	"time"

	"github.com/ctvacademy/academy/modules/certification"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/reports"
)

// reportsSource gathers the leadership reports' inputs from the
// registry's and certification's in-process copies (each a version check,
// not a read of every document) and the catalog. Standing and quarterly
// records are not joined yet: the standing and performance modules have
// no bulk read of them that stays within the reports' round-trip budget,
// so the matrix shows no standing or attainment until they do.
type reportsSource struct {
	reg   *collaborators.Service
	certs *certification.Service
	cat   *courses.Catalog
	clock clock.Clock
}

func (s reportsSource) Inputs(ctx context.Context, scope authz.Scope) (reports.Inputs, error) {
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
	in.People = make([]reports.Person, 0, len(people))
	for _, p := range people {
		rp := reports.Person{ID: p.ID, Code: p.Code, Name: p.FullName, Role: p.Role, Area: p.AreaCode, ContractStatus: p.Contract.Status}
		if end, err := time.ParseInLocation(time.DateOnly, p.Contract.EndsOn, clock.VN); err == nil {
			rp.ContractEnd = end
		}
		in.People = append(in.People, rp)
	}
	views, err := s.certs.List(ctx, scope, certification.Filter{})
	if err != nil {
		return reports.Inputs{}, err
	}
	in.Certificates = make([]certification.Certificate, 0, len(views))
	for _, v := range views {
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
	return in, nil
}
