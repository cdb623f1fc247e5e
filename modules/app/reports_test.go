package app_test

import (
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/reports"
	"github.com/ctvacademy/academy/modules/standing"
)

func competency(t *testing.T, s *apptest.Server, token, query string) reports.Competency {
	t.Helper()
	r := s.Do(t, "GET", "/api/v1/reports/competency?limit=500&"+query, token, nil)
	if r.Status != 200 {
		t.Fatalf("GET competency?%s: %d %s", query, r.Status, r.Body)
	}
	var c reports.Competency
	r.JSON(t, &c)
	return c
}

func rowOf(c reports.Competency, id string) (reports.Row, bool) {
	for _, r := range c.Rows {
		if r.ID == id {
			return r, true
		}
	}
	return reports.Row{}, false
}

// approveQuarter writes a person's quarter (profiles of 10, the other
// targets met), submits and approves it as the coordinator: its
// attainment.
func approveQuarter(t *testing.T, s *apptest.Server, coord, id, q string, profiles int) (attainment float64) {
	t.Helper()
	return approveRecord(t, s, coord, id, q, map[string]any{"profiles": profiles, "surveys": 10, "referrals": 2, "report_on_time": true})
}

// approveRecord writes a person's quarter (targets 10 profiles, 10
// surveys, 2 referrals; actuals as given), submits and approves it as the
// coordinator: its attainment.
func approveRecord(t *testing.T, s *apptest.Server, coord, id, q string, actuals map[string]any) (attainment float64) {
	t.Helper()
	body := map[string]any{"targets": map[string]int{"profiles": 10, "surveys": 10, "referrals": 2}, "actuals": actuals}
	for _, step := range []struct{ method, path string }{
		{"PUT", ""}, {"POST", "/submit"}, {"POST", "/approve"},
	} {
		var b any
		if step.method == "PUT" {
			b = body
		}
		r := s.Do(t, step.method, "/api/v1/performance/"+id+"/"+q+step.path, coord, b)
		if r.Status != 200 {
			t.Fatalf("%s %s%s: %d %s", step.method, q, step.path, r.Status, r.Body)
		}
		var rec struct {
			Attainment float64 `json:"attainment"`
		}
		r.JSON(t, &rec)
		attainment = rec.Attainment
	}
	return attainment
}

// TestCompetencyMatrixShowsStandingAndLastAttainment: on the real store,
// a person's approved quarter shows in the matrix as their last
// attainment, their standing is the one standing's own route answers, the
// standing filter keeps them in their standing and out of the others, and
// a record approved later (another write of performance's summary) and a
// new day both show in the next report.
func TestCompetencyMatrixShowsStandingAndLastAttainment(t *testing.T) {
	t.Parallel()
	s, clk, coord, lead, ctv := reportsDemo(t)

	before := competency(t, s, lead, "area_code=NT")
	row, ok := rowOf(before, ctv.ID)
	if !ok || row.LastAttainment != nil || row.Standing == "" {
		t.Fatalf("before any record: %+v (found %v), want a standing and no attainment", row, ok)
	}

	approveQuarter(t, s, coord, ctv.ID, "2026-Q2", 10)
	wantQ3 := approveQuarter(t, s, coord, ctv.ID, "2026-Q3", 5)

	standingOf := func(token string) standing.View {
		t.Helper()
		var st standing.View
		r := s.Do(t, "GET", "/api/v1/collaborators/"+ctv.ID+"/standing", token, nil)
		if r.Status != 200 {
			t.Fatalf("standing: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &st)
		return st
	}
	st := standingOf(coord)
	after := competency(t, s, lead, "area_code=NT")
	row, _ = rowOf(after, ctv.ID)
	// Q3 (profiles 5 of 10, the rest met) is the later of the two.
	if wantQ3 <= 0 || wantQ3 >= 1 || row.LastAttainment == nil || row.LastAttainment.Quarter != "2026-Q3" || row.LastAttainment.Value != wantQ3 {
		t.Fatalf("last attainment %+v, want 2026-Q3 %.3f", row.LastAttainment, wantQ3)
	}
	if row.Standing != st.Standing {
		t.Fatalf("the matrix says %q, standing's route %q (%+v)", row.Standing, st.Standing, st.Reasons)
	}

	// The standing filter: in their own, out of the others.
	for _, want := range reports.Standings {
		c := competency(t, s, lead, "area_code=NT&standing="+want)
		_, in := rowOf(c, ctv.ID)
		if in != (want == string(st.Standing)) {
			t.Errorf("standing=%s: person listed %v, their standing is %s", want, in, st.Standing)
		}
		for _, r := range c.Rows {
			if string(r.Standing) != want {
				t.Errorf("standing=%s lists %s who is %s", want, r.Code, r.Standing)
			}
		}
	}

	// A new day moves what depends on the clock: a year on, these
	// quarters no longer count and the standing is computed anew.
	clk.Set(time.Date(2027, 11, 20, 3, 0, 0, 0, time.UTC))
	coord, lead = s.LoginDemo(t, apptest.Coordinator), s.LoginDemo(t, apptest.Leadership)
	st = standingOf(coord)
	later := competency(t, s, lead, "area_code=NT")
	row, _ = rowOf(later, ctv.ID)
	if row.Standing != st.Standing || !later.At.Equal(clk.Now()) {
		t.Fatalf("a year on: the matrix says %q at %v, standing's route %q", row.Standing, later.At, st.Standing)
	}
}
