// Package standing joins a collaborator's certificates, quarterly records
// and contract into one standing (good, attention or at_risk) with its
// reasons, whether the contract may be renewed, and the courses that close
// the gaps. Compute is a pure function of its inputs and the clock; the
// thresholds come from content/standing.yaml (Config).
package standing

import (
	"slices"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
)

// Standing is how a collaborator stands: good, attention or at_risk.
type Standing string

// The standings, from best to worst.
const (
	Good      Standing = "good"
	Attention Standing = "attention"
	AtRisk    Standing = "at_risk"
)

// rankOf orders the standings: good 0, attention 1, at_risk 2.
func rankOf(s Standing) int {
	switch s {
	case AtRisk:
		return 2
	case Attention:
		return 1
	}
	return 0
}

// worse is the worse of two standings.
func worse(a, b Standing) Standing {
	if rankOf(b) > rankOf(a) {
		return b
	}
	return a
}

// Certificate statuses.
const (
	CertValid    = "valid"
	CertExpiring = "expiring" // valid, inside the course's renewal window
	CertExpired  = "expired"
	CertRevoked  = "revoked"
	CertMissing  = "missing"
)

// Quarterly record statuses.
const (
	RecordDraft     = "draft"
	RecordSubmitted = "submitted"
	RecordApproved  = "approved"
)

// Contract statuses.
const (
	ContractActive    = "active"
	ContractProbation = "probation"
	ContractSuspended = "suspended"
	ContractEnded     = "ended"
)

// Person is whose standing it is.
type Person struct {
	ID, Role, Area string
}

// CourseCert is the certificate of one course required for the person's
// role; Status is CertMissing when they never earned one.
type CourseCert struct {
	Course    string
	Status    string
	ExpiresAt time.Time // zero when missing
}

// QuarterRecord is one quarter's targets and results.
type QuarterRecord struct {
	Quarter         clock.Quarter
	Status          string // RecordDraft, RecordSubmitted or RecordApproved
	Targets, Actual KPIs
	Attainment      float64 // 0–1, from Attainment with the configured weights
}

// Contract is the collaborator's contract with the Center. End is its last
// day.
type Contract struct {
	Number     string
	Start, End time.Time
	// ServiceStart is the first day of the continuous service the current
	// term continues (earlier terms renewed into it); zero: Start.
	ServiceStart time.Time
	Status       string
	Stipend      int64 // VND a quarter
	// NotRenewed: the review decided to end it at End.
	NotRenewed bool
}

// serviceStart is the first day of the person's continuous service.
func (c Contract) serviceStart() time.Time {
	if !c.ServiceStart.IsZero() && (c.Start.IsZero() || c.ServiceStart.Before(c.Start)) {
		return c.ServiceStart
	}
	return c.Start
}

// Session is a scheduled session of a course.
type Session struct {
	ID       string
	StartsAt time.Time
}

// Inputs is everything a standing is computed from.
type Inputs struct {
	Person   Person
	Required []CourseCert    // one per course required for the role, in catalog order
	Quarters []QuarterRecord // the last four quarters that have a record
	Contract Contract
	// Held is the person's best certificate of each course they hold one
	// of, required for their role or not (a required course's is in both
	// lists): a course recommended for a weak KPI whose certificate is
	// valid is one to review, not a quiz to take.
	Held []CourseCert
	// NextSessions is the next scheduled session of each course that has one.
	NextSessions map[string]Session
	Config       Config
	Now          time.Time
}

// Result is a collaborator's standing.
type Result struct {
	Standing Standing
	// Reasons explain the standing and a refused renewal, in the order
	// certificates, performance, contract.
	Reasons            []Reason
	RenewalEligible    bool
	RecommendedCourses []Recommendation
}

// Recommendation is a course that closes a gap, with its next session.
type Recommendation struct {
	Course string
	Why    Reason
	// Action is what to do with the course: ActionQuiz when its
	// certificate is missing, expired, revoked or expiring; ActionReview
	// when it is valid (re-read the lesson: a quiz would spend an attempt
	// on a certificate already held).
	Action      string
	NextSession *Session // nil when none is scheduled
}

// What a recommendation asks the person to do.
const (
	ActionQuiz   = "quiz"
	ActionReview = "review"
)

// Actions lists the recommendations' actions, for the API document.
var Actions = []string{ActionQuiz, ActionReview}

// Compute works out a collaborator's standing at in.Now.
//
// The contract may be renewed only while every required certificate is
// valid and the recent performance meets the threshold. An expiring
// certificate counts as valid: it is valid in law until its expiry date,
// and the renewal window exists so that the person can renew it in time;
// it still makes the standing attention and its course is recommended.
// The contract's own status does not decide eligibility (the contract
// review does), but it is a reason for the standing. A certificate still
// marked valid or expiring once its ExpiresAt has passed counts as expired
// (the clock is ahead of the expiry job); an unknown status as missing.
func Compute(in Inputs) Result {
	r := Result{Standing: Good}
	add := func(reason Reason) {
		r.Reasons = append(r.Reasons, reason)
		r.Standing = worse(r.Standing, reason.Level)
	}

	certsOK, certRecs := certificates(in, add)
	perfOK, weak := performance(in, add)
	contract(in, add)

	r.RenewalEligible = certsOK && perfOK
	r.RecommendedCourses = recommend(in, certRecs, weak)
	return r
}

// certificates adds a reason for each required certificate that is not
// plainly valid, and tells whether all are valid (expiring included). It
// returns the recommendations for the certificates, worst first.
func certificates(in Inputs, add func(Reason)) (bool, []Recommendation) {
	ok := true
	var recs []Recommendation
	levels := in.Config.Certification
	for _, c := range in.Required {
		status := c.Status
		if (status == CertValid || status == CertExpiring) && !c.ExpiresAt.IsZero() && !in.Now.Before(c.ExpiresAt) {
			status = CertExpired
		}
		var reason Reason
		switch status {
		case CertValid:
			continue
		case CertExpiring:
			// ExpiresAt is the first day not covered.
			last := c.ExpiresAt.In(clock.VN).AddDate(0, 0, -1)
			reason = certExpiring(c.Course, last, daysBetween(in.Now, last), levels.Expiring)
		case CertExpired:
			reason, ok = certExpired(c.Course, c.ExpiresAt, levels.Expired), false
		case CertRevoked:
			reason, ok = certRevoked(c.Course, levels.Revoked), false
		default:
			reason, ok = certMissing(c.Course, levels.Missing), false
		}
		add(reason)
		recs = append(recs, Recommendation{Course: c.Course, Why: reason, Action: ActionQuiz})
	}
	slices.SortStableFunc(recs, func(a, b Recommendation) int {
		return rankOf(b.Why.Level) - rankOf(a.Why.Level)
	})
	return ok, recs
}

// weakKPI is a KPI below its threshold over the recent approved quarters.
type weakKPI struct {
	kpi   KPI
	ratio float64
}

// performance adds the reasons of the recent closed quarters and tells
// whether they allow a renewal; it returns the weak KPIs, weakest first.
//
// The recent quarters are the last RecentQuarters closed ones (those that
// ended before the person's continuous service started do not count: a
// renewal continues the service, it does not start it again). An approved record
// counts with its attainment; a quarter without one is pending until
// ReportDueDays after it ended, and then a reason that blocks a renewal.
// A renewal needs at least one approved quarter and their mean attainment
// at RenewalMinAttainment or above.
func performance(in Inputs, add func(Reason)) (bool, []weakKPI) {
	p := in.Config.Performance
	byQuarter := map[clock.Quarter]QuarterRecord{}
	for _, q := range in.Quarters {
		byQuarter[q.Quarter] = q
	}
	var approved []QuarterRecord
	missing := false
	q := clock.QuarterOf(in.Now)
	for range p.RecentQuarters {
		q = q.Prev()
		if start := in.Contract.serviceStart(); !start.IsZero() && !q.End().After(start) {
			break
		}
		rec, ok := byQuarter[q]
		if ok && rec.Status == RecordApproved {
			approved = append(approved, rec)
			if rec.Attainment < p.AtRiskBelow {
				add(attainmentLow(q, rec.Attainment, p.AtRiskBelow, AtRisk))
			} else if rec.Attainment < p.AttentionBelow {
				add(attainmentLow(q, rec.Attainment, p.AttentionBelow, Attention))
			}
			continue
		}
		if !in.Now.Before(q.End().AddDate(0, 0, p.ReportDueDays)) {
			add(reportMissing(q))
			missing = true
		}
	}
	if len(approved) == 0 {
		if !missing {
			add(unrated())
		}
		return false, nil
	}
	mean := 0.0
	for _, rec := range approved {
		mean += rec.Attainment
	}
	mean /= float64(len(approved))
	if mean < p.RenewalMinAttainment {
		add(belowRenewal(mean, p.RenewalMinAttainment))
	}
	return !missing && mean >= p.RenewalMinAttainment, weakKPIs(approved, p.WeakKPIBelow)
}

// weakKPIs are the KPIs whose mean actual/target over the records (those
// with a target) is below the threshold, weakest first.
func weakKPIs(records []QuarterRecord, below float64) []weakKPI {
	var out []weakKPI
	for _, k := range KPIList {
		sum, n := 0.0, 0
		for _, rec := range records {
			if t := rec.Targets[k]; t > 0 {
				sum += ratio(rec.Actual[k], t)
				n++
			}
		}
		if n > 0 && sum/float64(n) < below {
			out = append(out, weakKPI{k, sum / float64(n)})
		}
	}
	slices.SortStableFunc(out, func(a, b weakKPI) int {
		switch {
		case a.ratio < b.ratio:
			return -1
		case a.ratio > b.ratio:
			return 1
		}
		return 0
	})
	return out
}

// contract adds the contract's reasons: its status, its end passed or
// near (or decided: not renewed), or no contract at all.
func contract(in Inputs, add func(Reason)) {
	c, rules := in.Contract, in.Config.Contract
	if c.Number == "" && c.End.IsZero() {
		add(noContract(rules.Ended))
		return
	}
	days := daysBetween(in.Now, c.End)
	switch {
	case c.Status == ContractEnded || days < 0:
		add(contractEnded(c.Number, c.End, rules.Ended))
		return
	case c.Status == ContractSuspended:
		add(contractStatus(reasonContractSuspended, c.Number, rules.Suspended))
	case c.Status == ContractProbation:
		add(contractStatus(reasonContractProbation, c.Number, rules.Probation))
	}
	switch {
	case c.NotRenewed:
		add(contractNotRenewed(c.Number, c.End, days))
	case days <= rules.EndingSoonDays:
		add(contractEnding(c.Number, c.End, days))
	}
}

// recommend lists the certificates' courses first (worst first), then the
// courses mapped to the weak KPIs (weakest first), each course once, with
// its next session; a weak KPI's course whose certificate the person holds
// valid is to review, any other to take the quiz of.
func recommend(in Inputs, recs []Recommendation, weak []weakKPI) []Recommendation {
	valid := map[string]bool{}
	for _, c := range in.Held {
		if c.Status == CertValid && (c.ExpiresAt.IsZero() || in.Now.Before(c.ExpiresAt)) {
			valid[c.Course] = true
		}
	}
	seen := map[string]bool{}
	for _, r := range recs {
		seen[r.Course] = true
	}
	for _, w := range weak {
		for _, course := range in.Config.Performance.Courses[w.kpi] {
			if !seen[course] {
				seen[course] = true
				action := ActionQuiz
				if valid[course] {
					action = ActionReview
				}
				recs = append(recs, Recommendation{Course: course, Why: kpiWeak(w.kpi, w.ratio, in.Config.Performance.WeakKPIBelow), Action: action})
			}
		}
	}
	for i := range recs {
		if s, ok := in.NextSessions[recs[i].Course]; ok {
			recs[i].NextSession = &s
		}
	}
	return recs
}

// daysBetween counts the calendar days in Vietnam from now's date to t's:
// 0 on the same day, negative once t's day has passed.
func daysBetween(now, t time.Time) int {
	day := func(x time.Time) time.Time {
		y, m, d := x.In(clock.VN).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return int(day(t).Sub(day(now)).Hours() / 24)
}
