package app

import (
	"context"
	"slices"
	"sync"
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
// certification's in-process copies, performance's copy of every
// quarter's records, and the catalog; each person's standing is computed
// from them with standing's rules. What is computed from those copies
// (every person, certificate and record of the network, and each
// person's standing on the local day) is kept in process and in the store
// (reports_snapshots), by the versions the copies stand for, the day and
// the standing rules, so a report costs three reads by _id (the three
// version documents) plus its grouping, and a fresh process's first one
// or two more (the stored snapshot) instead of reading the registry,
// every certificate and every summary whole; a changed certificate,
// attendance mark (it moves a certificate), record or contract, from this
// process or another sharing the store, or a new day, builds it again
// (content/standing.yaml is read at start-up; its fingerprint is in the
// stored key). The sessions are read only for the reports that need them.
type reportsSource struct {
	reg      *collaborators.Service
	certs    *certification.Service
	records  *performance.Everyone
	standing *standing.Service
	sched    *scheduling.Service
	cat      *courses.Catalog
	clock    clock.Clock
	cache    *reportsCache
}

// reportsCache is the network's inputs computed at key, and where they
// are kept in the store for the next process (snaps; nil: not kept).
type reportsCache struct {
	mu    sync.Mutex
	key   reportsKey
	in    *reports.Inputs // People, Certificates and Records of everyone
	snaps *snapshots
}

// reportsKey is what the cached inputs were computed from: the versions
// of the registry's, certification's and performance's copies (-1 for
// performance while a record is pending: never kept) and the local day.
type reportsKey struct {
	reg, certs, records int64
	day                 string
}

func (s reportsSource) Inputs(ctx context.Context, scope authz.Scope, need reports.Need) (reports.Inputs, error) {
	now := s.clock.Now()
	all, err := s.network(ctx, now)
	if err != nil {
		return reports.Inputs{}, err
	}
	in := reports.Inputs{Now: now, Required: map[string][]string{}}
	// The district units' names, as /collaborators shows them (the
	// registry's in-process copy).
	areas, err := s.reg.Areas(ctx)
	if err != nil {
		return reports.Inputs{}, err
	}
	in.Areas = make(map[string]string, len(areas))
	for _, a := range areas {
		in.Areas[a.Code] = a.Name
	}

	for _, c := range s.cat.Courses() {
		in.Courses = append(in.Courses, reports.Course{Code: c.Code, Rule: certification.Rule(c.Certification)})
		for _, role := range c.RequiredFor {
			in.Required[role] = append(in.Required[role], c.Code)
		}
	}
	if need.Sessions {
		if in.Sessions, err = s.sessions(ctx, now); err != nil {
			return reports.Inputs{}, err
		}
	}
	// The network's inputs narrowed to scope; standing and the records
	// only for the reports that read them.
	in.People, in.Certificates = all.People, all.Certificates
	if need.Records {
		in.Records = all.Records
	}
	if scope.Kind == authz.ScopeAll && need.Records {
		return in, nil
	}
	in.People = make([]reports.Person, 0, len(all.People))
	inside := make(map[string]bool, len(all.People))
	for _, p := range all.People {
		if !scope.Allows(p.Area, p.ID) {
			continue
		}
		if !need.Records {
			p.Standing, p.RenewalEligible = "", false
		}
		in.People = append(in.People, p)
		inside[p.ID] = true
	}
	if scope.Kind != authz.ScopeAll {
		in.Certificates = slices.DeleteFunc(slices.Clone(all.Certificates), func(c certification.Certificate) bool { return !inside[c.Collaborator] })
		in.Records = slices.DeleteFunc(slices.Clone(in.Records), func(r reports.Record) bool { return !inside[r.Person] || !scope.Allows(r.Area, r.Person) })
	}
	return in, nil
}

// AreaExists asks the registry (directory.AreaExists).
func (s reportsSource) AreaExists(ctx context.Context, code string) (bool, error) {
	return directory{reg: s.reg}.AreaExists(ctx, code)
}

// Warm computes the network's inputs when the version documents moved
// since they were last computed, in this process or the store, and keeps
// them in both (reports.Warmer): the reports.snapshot job calls it, so a
// process started after a change answers its first report from the store.
// With nothing changed it costs the three version reads (and, in a fresh
// process, the stored snapshot's).
func (s reportsSource) Warm(ctx context.Context) error {
	_, err := s.network(ctx, s.clock.Now())
	return err
}

// network is every person, certificate and record of the network with
// each person's standing at now. The three version documents are read by
// _id (the current key); the copy kept in process, else the one kept in
// the store, answers when computed at that key; otherwise the inputs are
// computed again from the copies and kept at the key those stood for.
func (s reportsSource) network(ctx context.Context, now time.Time) (*reports.Inputs, error) {
	day := now.In(clock.VN).Format(time.DateOnly)
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	cur := reportsKey{day: day}
	var err error
	if cur.reg, err = s.reg.StoredVersion(ctx); err != nil {
		return nil, err
	}
	if cur.certs, err = s.certs.StoredVersion(ctx); err != nil {
		return nil, err
	}
	if cur.records, err = s.records.StoredVersion(ctx); err != nil {
		return nil, err
	}
	if s.cache.in != nil && s.cache.key == cur {
		return s.cache.in, nil
	}
	if s.cache.snaps != nil {
		// The stored copy only saves work: when it cannot be read, the
		// inputs are computed as if there were none.
		in, err := s.cache.snaps.load(ctx, cur)
		if err != nil {
			s.cache.snaps.log.Warn("reports snapshot: read failed, computing", "err", err)
		}
		if err == nil && in != nil {
			s.cache.in, s.cache.key = in, cur
			return in, nil
		}
	}
	// The copies stand for versions at most Fresh old (equal to cur, or
	// older while a change by another process is not yet seen): what is
	// computed from them is kept at theirs, never at cur.
	k := reportsKey{day: day}
	if k.reg, err = s.reg.Version(ctx); err != nil {
		return nil, err
	}
	if k.certs, err = s.certs.Version(ctx); err != nil {
		return nil, err
	}
	records, v, err := s.records.Records(ctx)
	if err != nil {
		return nil, err
	}
	k.records = v
	in, err := s.compute(ctx, records, now)
	if err != nil {
		return nil, err
	}
	// The copies read after the versions are as new or newer: kept under
	// the older key, the next call only computes again. A pending record
	// (-1) is never kept.
	s.cache.in, s.cache.key = in, k
	if k.records < 0 {
		s.cache.in = nil
		return in, nil
	}
	if s.cache.snaps != nil {
		if err := s.cache.snaps.save(ctx, k, in); err != nil {
			s.cache.snaps.log.Warn("reports snapshot: not stored (the next fresh process computes again)", "err", err)
		}
	}
	return in, nil
}

// compute joins the copies: every person with their standing at now,
// every certificate, every record.
func (s reportsSource) compute(ctx context.Context, records []performance.Record, now time.Time) (*reports.Inputs, error) {
	people, err := s.reg.List(ctx, authz.All, collaborators.Filter{})
	if err != nil {
		return nil, err
	}
	views, err := s.certs.List(ctx, authz.All, certification.Filter{})
	if err != nil {
		return nil, err
	}
	in := &reports.Inputs{}
	many := make([]standing.Many, len(people))
	at := make(map[string]int, len(people))
	for i, p := range people {
		many[i].Holder = standingHolder(p, nil)
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
	// The records of the people in the registry, each in the district its
	// person is in now: every view of the quarters (reports, performance's
	// lists, their pages) scopes and filters a record by its person's
	// current district, so a person who moved counts in their new
	// district's quarters, past ones included, and in no other.
	for _, r := range records {
		i, ok := at[r.CollaboratorID]
		if !ok {
			continue
		}
		qr := quarterRecord(r)
		many[i].Records = append(many[i].Records, qr)
		in.Records = append(in.Records, reports.Record{Person: r.CollaboratorID, Area: people[i].AreaCode, Quarter: qr.Quarter,
			Status: r.Status, Targets: qr.Targets, Actuals: qr.Actual, Attainment: r.Attainment})
	}
	results := s.standing.StandingOf(many, now)
	in.People = make([]reports.Person, len(people))
	for i, p := range people {
		rp := reports.Person{ID: p.ID, Code: p.Code, Name: p.FullName, Role: p.Role, Area: p.AreaCode,
			ContractNumber: p.Contract.Number, ContractStatus: p.Contract.Status,
			Standing: results[i].Standing, RenewalEligible: results[i].RenewalEligible}
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
