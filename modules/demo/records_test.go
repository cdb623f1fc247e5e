package demo_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/demo"
	"github.com/ctvacademy/academy/modules/performance"
	"github.com/ctvacademy/academy/modules/standing"
)

// The demo's quarterly records are the same for the same people, clock and
// seed, and keep the performance module's rules: the last four closed
// quarters and the one under way, each with default targets for every role
// and district; statuses draft, submitted or approved (none but drafts in
// the quarter under way, none approved by the person themselves or by
// anyone but the coordinator, stamps before now); attainment as
// performance.Score gives it; a spread that ranks and withholds: approved
// records of at least four people per closed quarter above 0.8 and below
// 0.6, some submitted and some people without a record in the last closed
// quarter.
func TestSampleRecordsAreDeterministicAndKeepTheRules(t *testing.T) {
	t.Parallel()
	n, people := network(t)
	rules, err := standing.Load(content.FS, standing.File)
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]string{}
	for i, p := range people {
		users[p.ID] = fmt.Sprintf("u%03d", i)
	}
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	w := rules.Performance.Weights
	qs := demo.SampleRecords(people, users, "u-coord", w, now, demo.Seed)
	if again := demo.SampleRecords(people, users, "u-coord", w, now, demo.Seed); !reflect.DeepEqual(qs, again) {
		t.Error("two samples with the same seed differ")
	}
	if other := demo.SampleRecords(people, users, "u-coord", w, now, demo.Seed+1); reflect.DeepEqual(qs, other) {
		t.Error("another seed gives the same records")
	}
	want := []string{"2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"}
	if len(qs) != len(want) {
		t.Fatalf("%d quarters, want %v", len(qs), want)
	}
	own := map[string]string{} // account → collaborator
	for id, u := range users {
		own[u] = id
	}
	for i, q := range qs {
		if q.Quarter != want[i] {
			t.Errorf("quarter %d is %s, want %s", i, q.Quarter, want[i])
		}
		if len(q.Defaults) != 2*len(n.Areas) {
			t.Errorf("%s: %d default targets, want one per role and district (%d)", q.Quarter, len(q.Defaults), 2*len(n.Areas))
		}
		status := map[string]int{}
		high, low := 0, 0
		seen := map[string]bool{}
		for _, r := range q.Records {
			where := q.Quarter + " " + r.CollaboratorID
			if seen[r.CollaboratorID] {
				t.Errorf("%s: two records", where)
			}
			seen[r.CollaboratorID] = true
			status[r.Status]++
			if got := performance.Score(r.Targets, r.Actuals, w); r.Attainment != got || got < 0 || got > 1 {
				t.Errorf("%s: attainment %v, performance.Score %v", where, r.Attainment, got)
			}
			if r.Targets.Profiles == 0 || r.TargetsSource != performance.FromDefault {
				t.Errorf("%s: targets %+v from %s", where, r.Targets, r.TargetsSource)
			}
			switch r.Status {
			case performance.Approved:
				if r.ApprovedBy != "u-coord" || own[r.ApprovedBy] == r.CollaboratorID || r.ApprovedAt == nil || !r.ApprovedAt.Before(now) ||
					r.SubmittedAt == nil || r.ApprovedAt.Before(*r.SubmittedAt) {
					t.Errorf("%s: approved by %s at %v, submitted %v", where, r.ApprovedBy, r.ApprovedAt, r.SubmittedAt)
				}
				if r.Attainment >= 0.8 {
					high++
				}
				if r.Attainment < 0.6 {
					low++
				}
			case performance.Submitted:
				if r.SubmittedBy == "" || r.SubmittedAt == nil || !r.SubmittedAt.Before(now) || r.ApprovedBy != "" {
					t.Errorf("%s: submitted by %s at %v, approved by %s", where, r.SubmittedBy, r.SubmittedAt, r.ApprovedBy)
				}
			case performance.Draft:
				if i < len(qs)-1 || r.SubmittedBy != "" || r.UpdatedBy != users[r.CollaboratorID] || r.UpdatedAt.After(now) {
					t.Errorf("%s: a draft by %s at %v", where, r.UpdatedBy, r.UpdatedAt)
				}
			default:
				t.Errorf("%s: status %q", where, r.Status)
			}
		}
		switch {
		case i == len(qs)-1:
			if status[performance.Draft] < 20 || len(q.Records) != status[performance.Draft] || len(q.Records) == len(people) {
				t.Errorf("%s (under way): %v of %d people", q.Quarter, status, len(people))
			}
		case i == len(qs)-2:
			if status[performance.Submitted] == 0 || len(q.Records) >= len(people) {
				t.Errorf("%s (last closed): %v, %d records of %d people: want some submitted and some missing", q.Quarter, status, len(q.Records), len(people))
			}
			fallthrough
		default:
			if status[performance.Approved] < len(people)/2 || high < 4 || low < 4 {
				t.Errorf("%s: %v; %d approved at 80%% or more, %d below 60%%", q.Quarter, status, high, low)
			}
		}
	}
	// The contracts under review in 2026-Q4 (LK-03 and TN-04): the first is
	// a strong person's, the second a weak one's.
	last := qs[len(qs)-2]
	byCode := map[string]performance.Record{}
	for _, r := range last.Records {
		for _, p := range people {
			if p.ID == r.CollaboratorID {
				byCode[p.Code] = r
			}
		}
	}
	if r := byCode["LK-03"]; r.Status != performance.Approved || r.Attainment < 0.6 {
		t.Errorf("LK-03 in %s: %s, %.2f", last.Quarter, r.Status, r.Attainment)
	}
	if r, ok := byCode["TN-04"]; ok && r.Status == performance.Approved && r.Attainment >= 0.6 {
		t.Errorf("TN-04 in %s: %s, %.2f", last.Quarter, r.Status, r.Attainment)
	}
}
