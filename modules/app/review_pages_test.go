package app_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/audit"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
)

// The contract review page on the demo network in 2026-Q4, when two
// contracts end (neither person eligible: no certificates, no approved
// quarter). A coordinator sees them with the reasons and decides from
// the page: a renewal without a reason is refused at that person's form
// and changes nothing; with a reason it is an audited override that gives
// the next term; an end needs a reason too. Leadership and the district's
// team leader read the page without forms, another district's team
// leader sees nobody, a CTV is refused.
func TestContractReviewPage(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{Clock: clock.NewManual(time.Date(2026, 11, 10, 3, 0, 0, 0, time.UTC))})
	var ending []collaborators.Collaborator
	for _, c := range s.Collaborators(t) {
		if strings.HasPrefix(c.Contract.EndsOn, "2026-12") {
			ending = append(ending, c)
		}
	}
	if len(ending) != 2 {
		t.Fatalf("the demo network has %d contracts ending in 2026-Q4, want 2", len(ending))
	}
	renewed, ended := ending[0], ending[1]
	stored := func(id string) collaborators.Contract {
		t.Helper()
		c, err := s.App.Collaborators.Get(context.Background(), authz.All, id)
		if err != nil {
			t.Fatal(err)
		}
		return c.Contract
	}
	actions := func(id string) []audit.Entry {
		t.Helper()
		es, err := s.App.Audit.For(context.Background(), "collaborator", id)
		if err != nil {
			t.Fatal(err)
		}
		var out []audit.Entry
		for _, e := range es {
			if strings.HasPrefix(e.Action, "contract.review.") {
				out = append(out, e)
			}
		}
		return out
	}

	coord := s.Forms(t, s.LoginDemo(t, apptest.Coordinator))
	page := coord.Get("/contracts/review")
	for _, want := range []string{"<h1>Xét gia hạn hợp đồng 2026-Q4</h1>", `<option value="2026-Q4" selected>`,
		`<h2 id="ineligible-title">Chưa đủ điều kiện gia hạn (2)</h2>`, `data-id="` + renewed.ID + `" data-eligible="false"`,
		`data-id="` + ended.ID + `" data-eligible="false"`, `<li data-code="certificate_missing">Chưa có chứng nhận KC-101</li>`,
		`name="collaborator_id" value="` + renewed.ID + `"`, `<button type="submit" name="decision" value="renew">Gia hạn ngoại lệ</button>`,
		`<button type="submit" name="decision" value="end" class="secondary">Kết thúc hợp đồng</button>`} {
		if page.Status != 200 || !strings.Contains(page.Body, want) {
			t.Fatalf("the coordinator's review page lacks %s: %d %s", want, page.Status, page.Body)
		}
	}
	if strings.Contains(page.Body, `id="renew-all"`) {
		t.Error("renew-all is offered with nobody eligible")
	}
	if en := coord.Get("/contracts/review?lang=en"); !strings.Contains(en.Body, "<h1>Contract review 2026-Q4</h1>") ||
		!strings.Contains(en.Body, `<li data-code="certificate_missing">No KC-101 certificate</li>`) {
		t.Errorf("the English page: %s", en.Body)
	}
	coord.Get("/contracts/review?lang=vi")

	// A renewal of someone not eligible, without a reason: the page again
	// with the message at the reason, and nothing changed.
	before := stored(renewed.ID)
	r := coord.Post("/contracts/review/2026-Q4/decisions", url.Values{"collaborator_id": {renewed.ID}, "decision": {"renew"}, "reason": {"  "}})
	if r.Status != 422 || !strings.Contains(r.Body, `<p class="alert" role="alert" id="error-`+renewed.ID+`">Người này chưa đủ điều kiện gia hạn: hãy ghi lý do gia hạn ngoại lệ.</p>`) ||
		!strings.Contains(r.Body, `id="reason-`+renewed.ID+`" name="reason" rows="2" maxlength="500" aria-describedby="hint-`+renewed.ID+` error-`+renewed.ID+`" aria-invalid="true"`) {
		t.Fatalf("a renewal without a reason: %d %s", r.Status, r.Body)
	}
	if after := stored(renewed.ID); after != before || len(actions(renewed.ID)) != 0 {
		t.Fatalf("the refused renewal changed the contract %+v → %+v or was audited", before, after)
	}

	// With a reason: an override, the next term, audited.
	r = coord.Post("/contracts/review/2026-Q4/decisions", url.Values{"collaborator_id": {renewed.ID}, "decision": {"renew"},
		"reason": {"Đang học bù KC-101, Trung tâm đồng ý gia hạn"}})
	if r.Status != 303 || r.Location != "/contracts/review?quarter=2026-Q4&renewed=1" {
		t.Fatalf("an override renewal: %d → %q %s", r.Status, r.Location, r.Body)
	}
	term := stored(renewed.ID)
	if term.EndsOn <= before.EndsOn || term.Status != "active" || term.Number == before.Number {
		t.Fatalf("the renewed contract: %+v (was %+v)", term, before)
	}
	if as := actions(renewed.ID); len(as) != 1 || as[0].Action != "contract.review.renew_override" ||
		as[0].Changes["reason"] != "Đang học bù KC-101, Trung tâm đồng ý gia hạn" {
		t.Fatalf("the override's audit: %+v", as)
	}
	shown := coord.Get(r.Location)
	ends, _ := time.Parse(time.DateOnly, term.EndsOn)
	for _, want := range []string{`<p class="notice" role="status" id="done">Đã gia hạn 1 hợp đồng.</p>`,
		`<p class="decision" data-decision="renew"><strong>Đã gia hạn đến hết ngày ` + ends.Format("02/01/2006") + `</strong> · gia hạn ngoại lệ · Đang học bù KC-101`} {
		if !strings.Contains(shown.Body, want) {
			t.Errorf("after the renewal the page lacks %s: %s", want, shown.Body)
		}
	}
	if strings.Contains(shown.Body, `name="collaborator_id" value="`+renewed.ID+`"`) {
		t.Error("a decided contract still has a form")
	}

	// An end needs a reason too.
	if r := coord.Post("/contracts/review/2026-Q4/decisions", url.Values{"collaborator_id": {ended.ID}, "decision": {"end"}}); r.Status != 400 ||
		!strings.Contains(r.Body, `id="error-`+ended.ID+`">Hãy ghi lý do kết thúc hợp đồng.</p>`) || stored(ended.ID).Status != "active" {
		t.Fatalf("an end without a reason: %d %s", r.Status, r.Body)
	}
	r = coord.Post("/contracts/review/2026-Q4/decisions", url.Values{"collaborator_id": {ended.ID}, "decision": {"end"}, "reason": {"Chuyển công tác"}})
	if r.Status != 303 || r.Location != "/contracts/review?quarter=2026-Q4&ended=1" ||
		stored(ended.ID).Status != "active" || !stored(ended.ID).NotRenewed { // it runs to its last day, not renewed
		t.Fatalf("an end: %d → %q, contract %+v", r.Status, r.Location, stored(ended.ID))
	}
	if as := actions(ended.ID); len(as) != 1 || as[0].Action != "contract.review.end" || as[0].Changes["reason"] != "Chuyển công tác" {
		t.Fatalf("the end's audit: %+v", as)
	}

	// Readers: no forms; the district's team leader sees their own only.
	lead := s.Forms(t, s.LoginDemo(t, apptest.Leadership))
	if p := lead.Get("/contracts/review"); p.Status != 200 || !strings.Contains(p.Body, `data-id="`+ended.ID+`"`) ||
		strings.Contains(p.Body, `method="post" action="/contracts`) {
		t.Errorf("leadership's page: %d %s", p.Status, p.Body)
	}
	if p := lead.Post("/contracts/review/2026-Q4/decisions", url.Values{"action": {"renew_eligible"}}); p.Status != 403 {
		t.Errorf("leadership decides: %d", p.Status)
	}
	own := s.Forms(t, s.LoginDemo(t, s.Find(t, "team_leader", renewed.AreaCode).Email)).Get("/contracts/review")
	if own.Status != 200 || !strings.Contains(own.Body, `data-id="`+renewed.ID+`"`) || strings.Contains(own.Body, `name="decision"`) {
		t.Errorf("the district's team leader: %d %s", own.Status, own.Body)
	}
	for _, area := range []string{"NT", "LT"} {
		if area == renewed.AreaCode || area == ended.AreaCode {
			continue
		}
		p := s.Forms(t, s.LoginDemo(t, s.Find(t, "team_leader", area).Email)).Get("/contracts/review")
		if p.Status != 200 || strings.Contains(p.Body, renewed.ID) || strings.Contains(p.Body, ended.ID) {
			t.Errorf("team leader of %s: %d sees another district's contracts", area, p.Status)
		}
		break
	}
	ctv := s.Forms(t, s.LoginDemo(t, s.Find(t, "ctv", "NT").Email))
	if p := ctv.Get("/contracts/review"); p.Status != 403 {
		t.Errorf("a CTV opens the review: %d", p.Status)
	}
	if p := coord.Get("/contracts/review?quarter=2026-Q9"); p.Status != 400 || !strings.Contains(p.Body, "quarter") {
		t.Errorf("a bad quarter: %d %s", p.Status, p.Body)
	}
}

// The recognition page: a CTV sees their own district's list (no district
// choice), staff choose the district and quarter; before any approved
// quarter, the page says nobody is recognised yet.
func TestRecognitionPageAccess(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{Clock: clock.NewManual(time.Date(2026, 11, 10, 3, 0, 0, 0, time.UTC))})
	ctv := s.Forms(t, s.LoginDemo(t, s.Find(t, "ctv", "NT").Email))
	p := ctv.Get("/recognition")
	for _, want := range []string{"<h1>Biểu dương 2026-Q3</h1>", `<option value="2026-Q3" selected>`, `<p id="none">`} {
		if p.Status != 200 || !strings.Contains(p.Body, want) {
			t.Fatalf("a CTV's recognition page lacks %s: %d %s", want, p.Status, p.Body)
		}
	}
	if strings.Contains(p.Body, `id="area_code"`) {
		t.Error("a CTV is offered other districts")
	}
	staff := s.Forms(t, s.LoginDemo(t, apptest.Leadership)).Get("/recognition?quarter=2026-Q2&area_code=LT")
	if staff.Status != 200 || !strings.Contains(staff.Body, `id="area_code"`) || !strings.Contains(staff.Body, `<option value="2026-Q2" selected>`) {
		t.Errorf("leadership's recognition page: %d %s", staff.Status, staff.Body)
	}
	if bad := s.Forms(t, s.LoginDemo(t, apptest.Coordinator)).Get("/recognition?quarter=Q3"); bad.Status != 400 || !strings.Contains(bad.Body, "quarter") {
		t.Errorf("a bad quarter: %d %s", bad.Status, bad.Body)
	}
}
