package demo

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/performance"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/standing"
)

// RecordQuarters is how many closed quarters of records the demo holds,
// before the quarter under way.
const RecordQuarters = 4

// SampleRecords plans the demo's quarterly performance records for the
// last RecordQuarters closed quarters and the quarter under way, relative
// to now and deterministic for a seed given the same people (the profiles
// Sample draws its training from): per quarter, default targets per role
// and district, and per person under contract that quarter a record
// scored by performance.Score with weights.
//
// The numbers follow the Center's article (content/standing.yaml's
// comment): about 12 establishment profiles, 6 needs surveys and fewer
// than one referral a person a quarter, against targets a little higher,
// so targets are often missed. The closed quarters are approved (submitted
// by the district's team leader, or by coordinatorID where a district has
// none, and approved by coordinatorID, never by the person themselves),
// except in the last closed quarter, whose reports are sometimes late:
// some are still submitted and a few people have none (their stipend is
// withheld). In the quarter under way most people have a draft so far.
// users maps a collaborator's id to their account's id.
func SampleRecords(people []collaborators.Collaborator, users map[string]string, coordinatorID string, weights map[standing.KPI]float64, now time.Time, seed uint64) []performance.Quarter {
	people = slices.Clone(people)
	sort.SliceStable(people, func(i, j int) bool { return people[i].Code < people[j].Code })
	prof := profiles(people, now, seed)
	r := rand.New(rand.NewPCG(seed, 0x70657266))
	leader := map[string]string{} // district → its team leader's account
	var areas []string
	for _, p := range people {
		if !slices.Contains(areas, p.AreaCode) {
			areas = append(areas, p.AreaCode)
		}
		if p.Role == authz.RoleTeamLeader && leader[p.AreaCode] == "" {
			leader[p.AreaCode] = users[p.ID]
		}
	}
	slices.Sort(areas)
	current := clock.QuarterOf(now)
	first := current
	for range RecordQuarters {
		first = first.Prev()
	}
	var out []performance.Quarter
	for i, q := 0, first; i <= RecordQuarters; i, q = i+1, q.Next() {
		pq := performance.Quarter{Quarter: q.String()}
		defaults := map[[2]string]performance.Targets{}
		for _, a := range areas {
			for _, role := range collaborators.Roles {
				t := performance.Targets{Profiles: 12 + r.IntN(5), Surveys: 6 + r.IntN(3), Referrals: 1}
				if role == authz.RoleTeamLeader {
					t.Profiles, t.Surveys = t.Profiles-4, t.Surveys-2
				}
				defaults[[2]string{role, a}] = t
				pq.Defaults = append(pq.Defaults, performance.Default{Role: role, AreaCode: a, Targets: t})
			}
		}
		closed := q != current
		lastClosed := q == current.Prev()
		// Share of the quarter gone by: a draft holds what was done so far.
		done := 1.0
		if !closed {
			done = float64(now.Sub(q.Start())) / float64(q.End().Sub(q.Start()))
		}
		for _, p := range people {
			if start, err := time.ParseInLocation(time.DateOnly, p.Contract.StartsOn, clock.VN); err != nil || !start.Before(q.End()) {
				continue
			}
			pr := prof[p.ID]
			t := defaults[[2]string{p.Role, p.AreaCode}]
			count := func(target int) int {
				return max(0, int(math.Round(float64(target)*done*pr.level*(0.75+0.5*r.Float64()))))
			}
			a := performance.Actuals{Profiles: count(t.Profiles), Surveys: count(t.Surveys), ReportOnTime: closed && r.Float64() < pr.onTime}
			for range 3 { // referrals are rare: about one a person a year
				if r.Float64() < 0.12*pr.level*done {
					a.Referrals++
				}
			}
			rec := performance.Record{CollaboratorID: p.ID, AreaCode: p.AreaCode, Role: p.Role, Targets: t,
				TargetsSource: performance.FromDefault, Actuals: a, Attainment: performance.Score(t, a, weights)}
			v, pending := r.IntN(100), r.IntN(100) < 12
			if !closed {
				if v >= 70 && !pr.sure { // nothing written yet this quarter
					continue
				}
				at := q.Start().Add(time.Duration(float64(now.Sub(q.Start())) * (0.5 + 0.5*r.Float64()))).Truncate(time.Second)
				rec.Status, rec.UpdatedBy, rec.UpdatedAt, rec.Rev = performance.Draft, users[p.ID], &at, 1
				pq.Records = append(pq.Records, rec)
				continue
			}
			if lastClosed && !pr.sure && v < 4+int(20*(1-pr.onTime)) { // no report: stipend withheld
				continue
			}
			submitter := leader[p.AreaCode]
			if submitter == "" {
				submitter = coordinatorID
			}
			sub := q.End().Add(time.Duration(3+r.IntN(20))*24*time.Hour + 9*time.Hour)
			if !a.ReportOnTime {
				sub = sub.Add(time.Duration(15+r.IntN(15)) * 24 * time.Hour)
			}
			app := sub.Add(time.Duration(2+r.IntN(9)) * 24 * time.Hour)
			rec.Status, rec.SubmittedBy, rec.SubmittedAt, rec.UpdatedBy, rec.UpdatedAt, rec.Rev = performance.Submitted, submitter, &sub, submitter, &sub, 2
			if !pr.sure && (sub.After(now) || (lastClosed && pending)) { // approval still to come
				if sub.After(now) {
					sub = now.Add(-24 * time.Hour).Truncate(time.Second)
					rec.SubmittedAt, rec.UpdatedAt = &sub, &sub
				}
				pq.Records = append(pq.Records, rec)
				continue
			}
			if app.After(now) {
				app = now.Add(-time.Hour).Truncate(time.Second)
			}
			rec.Status, rec.ApprovedBy, rec.ApprovedAt, rec.UpdatedBy, rec.UpdatedAt, rec.Rev = performance.Approved, coordinatorID, &app, coordinatorID, &app, 3
			pq.Records = append(pq.Records, rec)
		}
		out = append(out, pq)
	}
	return out
}
