package app_test

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/clock"
)

// TestDemoHoldsQuarterlyRecords loads the demo as `academy` does at first
// start on 4 December 2026 (the quarter under way is 2026-Q4, in which the
// demo network's contracts LK-03 and TN-04 end) and reconciles the
// certificates as the nightly job does: the quarterly side is not empty.
// Recognition of 2026-Q3 ranks at least two people in a district; the
// contract review of 2026-Q4 lists someone eligible and someone not; the
// leadership's quarters hold approved records in four quarters; a CTV's
// standing (API and "my standing" page) shows quarters with attainment;
// the collaborators' standings are good, attention and at_risk; a second
// load adds no record.
func TestDemoHoldsQuarterlyRecords(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	s, coord := startReconciled(t, clock.NewManual(now))
	ctx := context.Background()
	act := s.App.DemoActivity
	if act == nil || act.Quarters != 5 || act.Approved == 0 || act.Records <= act.Approved {
		t.Fatalf("demo activity %+v: want records in five quarters, some approved, some not", act)
	}

	// Recognition of the last closed quarter, district by district.
	var ranked struct {
		Items []struct {
			Rank       int     `json:"rank"`
			AreaCode   string  `json:"area_code"`
			Attainment float64 `json:"attainment"`
		} `json:"items"`
	}
	getJSON(t, s, "/api/v1/recognition?quarter=2026-Q3", coord, &ranked)
	perArea := map[string]int{}
	for _, x := range ranked.Items {
		perArea[x.AreaCode]++
	}
	best := ""
	for a, n := range perArea {
		if n > perArea[best] || (n == perArea[best] && a < best) {
			best = a
		}
	}
	if perArea[best] < 2 || len(perArea) < 3 {
		t.Fatalf("recognition of 2026-Q3 ranks %v by district, want two or more in a district and three districts", perArea)
	}
	ranked.Items = nil
	getJSON(t, s, "/api/v1/recognition?quarter=2026-Q3&area_code="+best, coord, &ranked)
	if len(ranked.Items) != perArea[best] || ranked.Items[1].Rank != 2 || ranked.Items[0].Attainment < ranked.Items[1].Attainment {
		t.Errorf("recognition of %s: %+v", best, ranked.Items)
	}

	// The contract review of the quarter under way.
	review := contractReview(t, s, coord, "2026-Q4")
	eligible := map[bool][]string{}
	for _, it := range review.Items {
		eligible[it.RenewalEligible] = append(eligible[it.RenewalEligible], it.Code)
	}
	if len(eligible[true]) == 0 || len(eligible[false]) == 0 {
		t.Errorf("contract review of 2026-Q4: eligible %v, not eligible %v: want some of each (%+v)", eligible[true], eligible[false], review.Items)
	}

	// The leadership's quarters.
	var quarters struct {
		Items []struct {
			Quarter        string   `json:"quarter"`
			Records        int      `json:"records"`
			Approved       int      `json:"approved"`
			MeanAttainment *float64 `json:"mean_attainment"`
		} `json:"items"`
	}
	lead := s.LoginDemo(t, apptest.Leadership)
	getJSON(t, s, "/api/v1/reports/quarters", lead, &quarters)
	withApproved, noneApproved := 0, 0
	for _, q := range quarters.Items {
		switch {
		case q.Approved > 0 && q.MeanAttainment != nil && *q.MeanAttainment > 0:
			withApproved++
		case q.Approved == 0 && q.MeanAttainment == nil:
			noneApproved++ // no data: null, not 0
		default:
			t.Errorf("reports/quarters %s: %d approved, mean_attainment %v: want a mean exactly when a record is approved", q.Quarter, q.Approved, q.MeanAttainment)
		}
	}
	if noneApproved == 0 {
		t.Errorf("reports/quarters: no quarter under way without an approved record (the demo's current quarter): %+v", quarters.Items)
	}
	if withApproved < 4 {
		t.Errorf("reports/quarters: %d quarters with approved records, want 4: %+v", withApproved, quarters.Items)
	}

	// Standings of everyone: good, attention and at_risk; a CTV in the
	// recognition list sees their quarters with attainment.
	standings := map[string]int{}
	var ctvEmail string
	for _, p := range s.Collaborators(t) {
		var st struct {
			Standing    string `json:"standing"`
			Performance []struct {
				Quarter    string  `json:"quarter"`
				Status     string  `json:"status"`
				Attainment float64 `json:"attainment"`
			} `json:"performance"`
		}
		getJSON(t, s, "/api/v1/collaborators/"+p.ID+"/standing", coord, &st)
		standings[st.Standing]++
		approved := 0
		for _, q := range st.Performance {
			if q.Status == "approved" && q.Attainment > 0 {
				approved++
			}
		}
		if st.Standing == "good" && p.Role == "ctv" && approved >= 2 && ctvEmail == "" {
			ctvEmail = p.Email
		}
	}
	if standings["good"] < 5 || standings["attention"] == 0 || standings["at_risk"] == 0 {
		t.Errorf("standings %v: want good (5 or more), attention and at_risk", standings)
	}
	if ctvEmail == "" {
		t.Fatal("no CTV in good standing with approved quarters")
	}
	page := s.Forms(t, s.LoginDemo(t, ctvEmail)).Get("/me/standing")
	body := html.UnescapeString(page.Body)
	quartersCard := body[strings.Index(body, `id="quarters"`):]
	if page.Status != 200 || !strings.Contains(quartersCard, "2026-Q3") || len(regexp.MustCompile(`<td>\d+ ?%</td>`).FindAllString(quartersCard, -1)) < 2 {
		t.Errorf("my standing of %s: %d, quarters card %.600s", ctvEmail, page.Status, quartersCard)
	}

	// A second start adds nothing.
	s.App.DemoActivity = nil
	if err := s.App.LoadDemo(ctx); err != nil || s.App.DemoActivity != nil {
		t.Errorf("second load: err %v, activity %+v", err, s.App.DemoActivity)
	}
	var again struct {
		Items []struct {
			Records int `json:"records"`
		} `json:"items"`
	}
	getJSON(t, s, "/api/v1/reports/quarters", lead, &again)
	for i := range again.Items {
		if i < len(quarters.Items) && again.Items[i].Records != quarters.Items[i].Records {
			t.Errorf("quarter %s after a second load: %d records, want %d", quarters.Items[i].Quarter, again.Items[i].Records, quarters.Items[i].Records)
		}
	}
}

// getJSON reads path as token into v, failing the test unless it answers
// 200.
func getJSON(t *testing.T, s *apptest.Server, path, token string, v any) {
	t.Helper()
	r := s.Do(t, "GET", path, token, nil)
	if r.Status != 200 {
		t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
	}
	r.JSON(t, v)
}
