package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
)

// A PATCH of a contract that moves ends_on later is a renewal too. On the
// demo loaded on 4 December 2026 (the 2026-Q4 review lists one person
// eligible and one not): for the one not eligible it is refused with 422
// and the reasons on contract.ends_on, the contract unchanged and nothing
// audited; with override_reason it is applied and audited as
// contract.renewal_override with the reason; for the eligible one it is
// applied without a reason and no override is audited; moving ends_on
// earlier is no renewal.
func TestContractPatchMovingEndsOnLaterIsARenewal(t *testing.T) {
	t.Parallel()
	s, coord := startReconciled(t, clock.NewManual(time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)))
	ctx := context.Background()

	review := contractReview(t, s, coord, "2026-Q4")
	var eligible, ineligible string
	reasons := map[string]bool{} // the ineligible person's reason codes
	for _, it := range review.Items {
		switch {
		case it.RenewalEligible && eligible == "":
			eligible = it.CollaboratorID
		case !it.RenewalEligible && ineligible == "":
			ineligible = it.CollaboratorID
			for _, r := range it.Reasons {
				reasons[r.Code] = true
			}
		}
	}
	if eligible == "" || ineligible == "" {
		t.Fatalf("the 2026-Q4 review has no eligible or no ineligible person: %+v", review.Items)
	}

	stored := func(id string) collaborators.Contract {
		t.Helper()
		c, err := s.App.Collaborators.Get(ctx, authz.All, id)
		if err != nil {
			t.Fatal(err)
		}
		return c.Contract
	}
	overrides := func(id string) []map[string]any {
		t.Helper()
		es, err := s.App.Audit.For(ctx, "collaborator", id)
		if err != nil {
			t.Fatal(err)
		}
		var out []map[string]any
		for _, e := range es {
			if e.Action == "contract.renewal_override" {
				out = append(out, e.Changes)
			}
		}
		return out
	}
	later := func(c collaborators.Contract, years int) string {
		t.Helper()
		d, err := time.Parse(time.DateOnly, c.EndsOn)
		if err != nil {
			t.Fatal(err)
		}
		return d.AddDate(years, 0, 0).Format(time.DateOnly)
	}
	patch := func(id string, body map[string]any) apptest.Response {
		t.Helper()
		return s.Do(t, "PATCH", "/api/v1/collaborators/"+id, coord, body)
	}

	// Not eligible, no reason: 422 with each reason on contract.ends_on.
	before := stored(ineligible)
	r := patch(ineligible, map[string]any{"contract": map[string]any{"ends_on": later(before, 1)}})
	if r.Status != 422 {
		t.Fatalf("moving an ineligible person's ends_on later: %d %s", r.Status, r.Body)
	}
	p := r.Problem(t)
	if len(p.Errors) == 0 {
		t.Fatalf("the refusal gives no reason: %s", r.Body)
	}
	for _, e := range p.Errors {
		code, _, _ := strings.Cut(e.Message, ":")
		if e.Field != "contract.ends_on" || !reasons[code] {
			t.Errorf("problem %s %q: want contract.ends_on and a reason of the review %v", e.Field, e.Message, reasons)
		}
	}
	if after := stored(ineligible); after != before || len(overrides(ineligible)) != 0 {
		t.Fatalf("the refused renewal changed the contract %+v → %+v or audited an override", before, after)
	}
	// A date that is not one is a bad request, not a renewal to refuse.
	for _, bad := range []string{"garbage", "31/12/2099", "2099-02-30"} {
		r := patch(ineligible, map[string]any{"contract": map[string]any{"ends_on": bad}})
		if p := r.Problem(t); r.Status != 400 || len(p.Errors) != 1 || p.Errors[0].Field != "contract.ends_on" {
			t.Errorf("ends_on %q: %d %s, want 400 naming contract.ends_on", bad, r.Status, r.Body)
		}
	}
	// A blank reason is no reason.
	if r := patch(ineligible, map[string]any{"contract": map[string]any{"ends_on": later(before, 1)}, "override_reason": "  "}); r.Status != 422 || !r.Problem(t).HasField("override_reason") {
		t.Fatalf("a blank override_reason: %d %s", r.Status, r.Body)
	}
	// Moving the end earlier is no renewal.
	earlier := before
	if r := patch(ineligible, map[string]any{"contract": map[string]any{"ends_on": later(before, 0)[:8] + "01"}}); r.Status != 200 {
		t.Fatalf("moving ends_on earlier: %d %s", r.Status, r.Body)
	}
	earlier.EndsOn = later(before, 0)[:8] + "01"
	if got := stored(ineligible); got != earlier || len(overrides(ineligible)) != 0 {
		t.Fatalf("after moving the end earlier: %+v, overrides %v", got, overrides(ineligible))
	}

	// With override_reason: applied and audited with the reason.
	const why = "Trung tâm đồng ý gia hạn: đang học bù KC-101"
	r = patch(ineligible, map[string]any{"contract": map[string]any{"ends_on": later(before, 1)}, "override_reason": why})
	if r.Status != 200 {
		t.Fatalf("an override: %d %s", r.Status, r.Body)
	}
	if got := stored(ineligible); got.EndsOn != later(before, 1) {
		t.Fatalf("after the override the contract ends %s, want %s", got.EndsOn, later(before, 1))
	}
	if got := overrides(ineligible); len(got) != 1 || got[0]["override_reason"] != why {
		t.Fatalf("the override's audit: %+v", got)
	}

	// Eligible: applied without a reason, no override audited.
	ebefore := stored(eligible)
	if r := patch(eligible, map[string]any{"contract": map[string]any{"ends_on": later(ebefore, 1)}}); r.Status != 200 {
		t.Fatalf("moving an eligible person's ends_on later: %d %s", r.Status, r.Body)
	}
	if got := stored(eligible); got.EndsOn != later(ebefore, 1) || len(overrides(eligible)) != 0 {
		t.Fatalf("the eligible renewal: %+v, overrides %v", got, overrides(eligible))
	}
}

// reviewRows is the contract review as these tests read it.
type reviewRows struct {
	Items []struct {
		CollaboratorID  string `json:"collaborator_id"`
		Code            string `json:"code"`
		RenewalEligible bool   `json:"renewal_eligible"`
		Reasons         []struct {
			Code string `json:"code"`
		} `json:"reasons"`
	} `json:"items"`
}

// contractReview reads the contract review of quarter as token sees it.
func contractReview(t *testing.T, s *apptest.Server, token, quarter string) reviewRows {
	t.Helper()
	var r reviewRows
	getJSON(t, s, "/api/v1/contracts/review?quarter="+quarter, token, &r)
	return r
}
