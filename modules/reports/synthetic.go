package reports

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/ctvacademy/academy/modules/certification"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/standing"
)

// Synthetic makes a national-scale data set in memory for the benchmarks:
// people collaborators in about one district per 14 of them, courses
// courses (a team leader requires all but a few, a collaborator three
// quarters of them), about ten certificates a person with two cycles on
// average (some expired, some revoked, some inside their renewal window),
// and four quarterly records a person. The same arguments give the same
// data.
func Synthetic(people, courses int, now time.Time) Inputs {
	rng := rand.New(rand.NewPCG(uint64(people), uint64(courses)))
	in := Inputs{Now: now, Required: map[string][]string{}}
	rule := certification.Rule{ValidityMonths: 24, RenewalWindowDays: 60}
	for c := range courses {
		code := fmt.Sprintf("KC-%03d", 101+c)
		in.Courses = append(in.Courses, Course{Code: code, Rule: rule})
		if c < courses-2 {
			in.Required["team_leader"] = append(in.Required["team_leader"], code)
		}
		if c%4 != 3 {
			in.Required["ctv"] = append(in.Required["ctv"], code)
		}
	}
	districts := max(1, people/14)
	standings := []standing.Standing{standing.Good, standing.Good, standing.Attention, standing.AtRisk}
	q := clock.QuarterOf(now)
	quarters := []clock.Quarter{q.Prev().Prev().Prev().Prev(), q.Prev().Prev().Prev(), q.Prev().Prev(), q.Prev()}
	in.People = make([]Person, people)
	in.Certificates = make([]certification.Certificate, 0, people*10)
	in.Records = make([]Record, 0, people*4)
	for p := range people {
		role := "ctv"
		if p%12 == 0 {
			role = "team_leader"
		}
		person := Person{ID: fmt.Sprintf("c%06d", p), Code: fmt.Sprintf("CTV-%05d", p), Name: fmt.Sprintf("Cộng tác viên %d", p),
			Role: role, Area: fmt.Sprintf("D%03d", p%districts), ContractEnd: now.AddDate(0, rng.IntN(24)-6, 0),
			ContractStatus: "active", Standing: standings[rng.IntN(len(standings))]}
		in.People[p] = person
		for c := range courses {
			if rng.IntN(2) == 0 { // about ten of twenty courses
				continue
			}
			cycles := 1 + rng.IntN(3) // 1–3: two on average
			// The current cycle ends from 9 months ago to 2 years ahead.
			end := now.AddDate(0, 0, rng.IntN(1000)-270)
			cert := certification.Certificate{ID: fmt.Sprintf("%s/%d", person.ID, c), Collaborator: person.ID,
				Course: in.Courses[c].Code, Cycles: make([]certification.Cycle, cycles)}
			for n := range cycles {
				exp := end.AddDate(-2*(cycles-1-n), 0, 0)
				cert.Cycles[n] = certification.Cycle{N: n + 1, IssuedAt: exp.AddDate(-2, 0, 0), ExpiresAt: exp}
			}
			if rng.IntN(50) == 0 {
				cert.Revoked = &certification.Revocation{At: now.AddDate(0, -1, 0), By: "coordinator", Reason: "synthetic"}
			}
			in.Certificates = append(in.Certificates, cert)
		}
		for _, quarter := range quarters {
			target := standing.KPIs{standing.Profiles: 12, standing.Surveys: 6, standing.Referrals: 1, standing.ReportOnTime: 1}
			actual := standing.KPIs{standing.Profiles: float64(rng.IntN(16)), standing.Surveys: float64(rng.IntN(9)),
				standing.Referrals: float64(rng.IntN(2)), standing.ReportOnTime: float64(rng.IntN(2))}
			status := standing.RecordApproved
			if rng.IntN(8) == 0 {
				status = standing.RecordSubmitted
			}
			in.Records = append(in.Records, Record{Person: person.ID, Area: person.Area, Quarter: quarter, Status: status,
				Targets: target, Actuals: actual, Attainment: standing.Attainment(target, actual, syntheticWeights)})
		}
	}
	return in
}

var syntheticWeights = map[standing.KPI]float64{standing.Profiles: 0.3, standing.Surveys: 0.3, standing.Referrals: 0.15, standing.ReportOnTime: 0.25}

// Cycles counts the certificate cycles of in.
func (in Inputs) Cycles() int {
	n := 0
	for i := range in.Certificates {
		n += len(in.Certificates[i].Cycles)
	}
	return n
}
