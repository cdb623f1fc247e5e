package collaborators_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/clock"
)

func TestLapsed(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		status, ends, today string
		want                bool
	}{
		{"active", "2026-12-15", "2026-12-16", true},
		{"active", "2026-12-15", "2026-12-15", false}, // its last day
		{"probation", "2026-12-15", "2027-01-01", true},
		{"suspended", "2026-12-15", "2027-01-01", true},
		{"ended", "2026-12-15", "2027-01-01", false},
		{"active", "", "2027-01-01", false},
	} {
		if got := collaborators.Lapsed(collaborators.Contract{Status: c.status, EndsOn: c.ends}, c.today); got != c.want {
			t.Errorf("Lapsed(%s to %s) on %s = %v, want %v", c.status, c.ends, c.today, got, c.want)
		}
	}
}

// ids lists the ids of the collaborators the query lists.
func ids(t *testing.T, s *apptest.Server, tok, query string) []string {
	t.Helper()
	var l list
	s.Do(t, "GET", "/api/v1/collaborators?limit=200&"+query, tok, nil).JSON(t, &l)
	out := []string{}
	for _, c := range l.Items {
		out = append(out, c.ID)
	}
	return out
}

// A contract whose last day has passed is recorded ended by the running
// service: the list's status filter, the record and its history say so,
// the change is audited, and a renewal makes it run again.
func TestContractsPastTheirLastDayAreEnded(t *testing.T) {
	t.Parallel()
	// The demo's contracts ending on 2026-12-15 and 2026-12-20 are over on
	// 2027-01-10; the job ends them when the service starts.
	clk := clock.NewManual(time.Date(2027, 1, 10, 9, 0, 0, 0, clock.VN))
	s := apptest.Start(t, apptest.Options{Clock: clk})
	tok := s.LoginDemo(t, apptest.Coordinator)
	var over []collaborators.Collaborator
	var all list
	s.Do(t, "GET", "/api/v1/collaborators?limit=200", tok, nil).JSON(t, &all)
	for _, c := range all.Items {
		if c.Contract.EndsOn < "2027-01-10" {
			over = append(over, c)
		}
	}
	if len(over) < 2 {
		t.Fatalf("the demo has %d contracts over by 2027-01-10, want at least 2", len(over))
	}
	apptest.Await(t, 30*time.Second, "contracts past their last day not ended", func() (int, error) {
		n := 0
		for _, c := range over {
			if !slices.Contains(ids(t, s, tok, "contract_status=ended"), c.ID) {
				n++
			}
		}
		return n, nil
	})
	active := ids(t, s, tok, "contract_status=active")
	for _, c := range over {
		if slices.Contains(active, c.ID) {
			t.Errorf("%s (ended %s) still listed active", c.Code, c.Contract.EndsOn)
		}
		var got collaborators.Collaborator
		s.Do(t, "GET", "/api/v1/collaborators/"+c.ID, tok, nil).JSON(t, &got)
		h := got.ContractHistory
		if got.Contract.Status != "ended" || got.Contract.EndsOn != c.Contract.EndsOn || len(h) == 0 ||
			h[len(h)-1].Status == "ended" || h[len(h)-1].ReplacedOn != "2027-01-10" {
			t.Errorf("%s after its last day: %+v, history %+v", c.Code, got.Contract, h)
		}
		entries, err := s.App.Audit.For(context.Background(), "collaborator", c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if last := entries[len(entries)-1]; last.Action != "contract.lapsed" || last.ActorID != "system" {
			t.Errorf("%s: last audit entry %+v, want contract.lapsed by system", c.Code, last)
		}
	}

	// A contract ending today runs to the end of the day.
	in := newInput("CTV-LAPSE-1", "lapse.one@example.vn")
	in["contract"].(map[string]any)["ends_on"] = "2027-01-10"
	var today collaborators.Collaborator
	if r := s.Do(t, "POST", "/api/v1/collaborators", tok, in); r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	} else {
		r.JSON(t, &today)
	}
	if n, err := s.App.Collaborators.Lapse(context.Background()); err != nil || n != 0 {
		t.Fatalf("Lapse on the last day = %d, %v; want 0", n, err)
	}
	clk.Set(time.Date(2027, 1, 11, 0, 5, 0, 0, clock.VN))
	if n, err := s.App.Collaborators.Lapse(context.Background()); err != nil || n != 1 {
		t.Fatalf("Lapse the day after = %d, %v; want 1", n, err)
	}
	if !slices.Contains(ids(t, s, tok, "contract_status=ended"), today.ID) {
		t.Error("a contract is not ended the day after its last day")
	}

	// Moving the end later is a renewal: the contract runs again.
	r := s.Do(t, "PATCH", "/api/v1/collaborators/"+today.ID, tok, map[string]any{
		"contract": map[string]any{"ends_on": "2027-12-31"}, "override_reason": "Gia hạn sau khi hợp đồng hết hạn"})
	var renewed collaborators.Collaborator
	r.JSON(t, &renewed)
	if r.Status != 200 || renewed.Contract.Status != "active" || renewed.Contract.EndsOn != "2027-12-31" {
		t.Errorf("renewal after the end: %d %+v", r.Status, renewed.Contract)
	}
}
