package app_test

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/performance"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/xuri/excelize/v2"
)

// TestPerformancePages: the quarter's pages without JavaScript, role by
// role. A CTV drafts their own quarter by the form (a bad number: the form
// again with the message, nothing stored) and sees neither the list, the
// stipend sheet nor another's record; their team leader lists the
// district (not another's) and submits; a coordinator approves, after
// which nobody is offered the form; leadership reads everything and
// posts nothing; the stipend sheet shows the approved person paid and
// links its XLSX. Vietnamese by default, English on request.
func TestPerformancePages(t *testing.T) {
	t.Parallel()
	clk := clock.NewManual(time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC))
	s := apptest.Start(t, apptest.Options{Clock: clk})
	ctv := stipended(t, s, "NT")
	other := s.Find(t, "ctv", "LT")
	const q = "2026-Q3"
	page := "/performance/" + ctv.ID + "/" + q
	record := func(what string) performance.Record {
		t.Helper()
		var r performance.Record
		res := s.Do(t, "GET", "/api/v1/performance/"+ctv.ID+"/"+q, s.LoginDemo(t, apptest.Coordinator), nil)
		if res.Status != 200 {
			t.Fatalf("%s: %d %s", what, res.Status, res.Body)
		}
		res.JSON(t, &r)
		return r
	}
	hasNot := func(what string, sh apptest.Shown, unwanted ...string) {
		t.Helper()
		for _, u := range unwanted {
			if strings.Contains(sh.Body, u) {
				t.Fatalf("%s shows %q", what, u)
			}
		}
	}

	// The CTV drafts their own.
	me := s.Forms(t, s.LoginDemo(t, ctv.Email))
	form := me.Get(page)
	shows(t, "the CTV's record page", form, 200, ctv.FullName+" · quý "+q, `<html lang="vi"`, `id="status">Chưa có báo cáo</span>`, `id="record-form"`, `name="profiles"`)
	hasNot("the CTV's record page", form, `id="submit"`, `id="approve"`, `name="target_profiles"`, "/performance?quarter=")
	bad := me.Post(page, url.Values{"profiles": {"nhiều"}, "surveys": {"3"}, "referrals": {"-1"}})
	shows(t, "a bad number", bad, 400, `id="err-profiles"`, `id="err-referrals"`, "Nhập một số nguyên từ 0 đến 10000.", `value="nhiều"`)
	hasNot("a bad number", bad, `id="err-surveys"`)
	if r := record("after a bad form"); r.Stored {
		t.Fatalf("a refused form stored %+v", r)
	}
	saved := me.Post(page, url.Values{"profiles": {"11"}, "surveys": {"6"}, "referrals": {"1"}, "report_on_time": {"1"}})
	if saved.Status != 303 || saved.Location != page+"?done=saved" {
		t.Fatalf("save: %d → %q %s", saved.Status, saved.Location, saved.Body)
	}
	shows(t, "after saving", me.Get(saved.Location), 200, `id="done"`, "Đã lưu kết quả.", `value="11"`, "checked", `id="status">Bản nháp</span>`)
	if r := record("after saving"); !r.Stored || r.Actuals != (performance.Actuals{Profiles: 11, Surveys: 6, Referrals: 1, ReportOnTime: true}) || r.Status != "draft" {
		t.Fatalf("after saving: %+v", r)
	}
	shows(t, "the list, for a CTV", me.Get("/performance?quarter="+q), 403)
	shows(t, "the stipend sheet, for a CTV", me.Get("/performance/stipends/"+q), 403)
	shows(t, "another's record, for a CTV", me.Get("/performance/"+other.ID+"/"+q), 404)
	shows(t, "submitting, by a CTV", me.Post(page+"/submit", nil), 403)

	// The district's team leader lists and submits; another's does not see it.
	leader := s.Forms(t, s.LoginDemo(t, s.Find(t, "team_leader", "NT").Email))
	list := leader.Get("/performance?quarter=" + q)
	shows(t, "the team leader's list", list, 200, `data-id="`+ctv.ID+`" data-status="draft"`, `href="`+page+`"`, "11 / ", `href="/performance/stipends/`+q+`"`,
		"Chưa có báo cáo ") // the district's others, who wrote nothing this quarter, are counted as such, not as drafts
	hasNot("the team leader's list", list, `data-id="`+other.ID+`"`, `id="area_code"`)
	shows(t, "another district's team leader", s.Forms(t, s.LoginDemo(t, s.Find(t, "team_leader", "LT").Email)).Get(page), 404)
	shows(t, "the team leader's record page", leader.Get(page), 200, `id="record-form"`, `id="submit"`)
	sub := leader.Post(page+"/submit", nil)
	if sub.Status != 303 || sub.Location != page+"?done=submitted" {
		t.Fatalf("submit: %d → %q %s", sub.Status, sub.Location, sub.Body)
	}
	shows(t, "after submitting", leader.Get(sub.Location), 200, "Đã gửi báo cáo để duyệt.", "Đã gửi duyệt")
	shows(t, "approving, by a team leader", leader.Post(page+"/approve", nil), 403)
	if r := record("after submitting"); r.Status != "submitted" {
		t.Fatalf("after submitting: %+v", r)
	}
	shows(t, "the CTV's page once submitted", me.Get(page), 200, "Đã gửi duyệt")
	hasNot("the CTV's page once submitted", me.Get(page), `id="record-form"`)

	// Leadership reads and changes nothing.
	lead := s.Forms(t, s.LoginDemo(t, apptest.Leadership))
	leadPage := lead.Get(page)
	shows(t, "leadership's record page", leadPage, 200, "Đã gửi duyệt")
	hasNot("leadership's record page", leadPage, `id="record-form"`, `id="approve"`, `id="submit"`)
	shows(t, "a form posted by leadership", lead.Post(page, url.Values{"profiles": {"1"}, "surveys": {"1"}, "referrals": {"1"}}), 403)
	shows(t, "leadership's list of NT", lead.Get("/performance?quarter="+q+"&area_code=NT"), 200, `id="area_code"`, `data-id="`+ctv.ID+`"`)

	// A coordinator approves; then nobody is offered the form.
	coord := s.Forms(t, s.LoginDemo(t, apptest.Coordinator))
	shows(t, "the coordinator's record page", coord.Get(page), 200, `id="approve"`, `name="target_profiles"`)
	ok := coord.Post(page+"/approve", nil)
	if ok.Status != 303 || ok.Location != page+"?done=approved" {
		t.Fatalf("approve: %d → %q %s", ok.Status, ok.Location, ok.Body)
	}
	approved := coord.Get(ok.Location)
	shows(t, "after approving", approved, 200, "Đã duyệt báo cáo.", "Báo cáo đã được duyệt và không thể sửa nữa.")
	hasNot("after approving", approved, `id="record-form"`, `id="approve"`)
	if r := record("after approving"); r.Status != "approved" {
		t.Fatalf("after approving: %+v", r)
	}
	shows(t, "a form posted after approval", coord.Post(page, url.Values{"profiles": {"1"}, "surveys": {"1"}, "referrals": {"1"}}), 409)
	shows(t, "approving twice", coord.Post(page+"/approve", nil), 409)

	// The stipend sheet: the approved person paid, the XLSX linked.
	sheet := lead.Get("/performance/stipends/" + q)
	shows(t, "the stipend sheet", sheet, 200, "Bảng phụ cấp quý "+q, `data-id="`+ctv.ID+`" data-reason="paid"`, "Chi đủ",
		`href="/api/v1/performance/stipends/`+q+`.xlsx"`, `href="/performance/stipends/2026-Q2"`)
	x := s.Do(t, "GET", "/api/v1/performance/stipends/"+q+".xlsx", s.LoginDemo(t, apptest.Leadership), nil)
	if x.Status != 200 || !strings.HasPrefix(string(x.Body), "PK") {
		t.Fatalf("the sheet's XLSX: %d", x.Status)
	}
	// The workbook in Vietnamese words: its sheet's name, and the paid
	// person's role, contract status, record status and reason.
	wb, err := excelize.OpenReader(bytes.NewReader(x.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	if name := wb.GetSheetName(0); name != "Phụ cấp "+q {
		t.Errorf("the XLSX's sheet is %q, want %q", name, "Phụ cấp "+q)
	}
	rows, err := wb.GetRows(wb.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	var paid []string
	for _, r := range rows {
		if len(r) > 14 && r[0] == ctv.Code {
			paid = r
		}
	}
	if paid == nil || paid[3] != "Cộng tác viên" || paid[5] != "Đang hiệu lực" || paid[11] != "Đã duyệt" || paid[14] != "Chi đủ" {
		t.Errorf("the paid person's row in the XLSX: %q", paid)
	}
	shows(t, "the NT leader's sheet", leader.Get("/performance/stipends/"+q), 200, `data-id="`+ctv.ID+`"`)
	hasNot("the NT leader's sheet", leader.Get("/performance/stipends/"+q), `data-id="`+other.ID+`"`)
	shows(t, "a bad quarter", coord.Get("/performance/stipends/2026-Q7"), 400)

	// English on request.
	shows(t, "the list in English", coord.Get("/performance?quarter="+q+"&lang=en"), 200, "Quarterly performance", `<html lang="en"`)
}

// TestStipendsByTheContractsNames: GET /api/v1/reports/stipends?quarter=
// and its .xlsx (the names DESIGN gives) answer what
// /api/v1/performance/stipends/{quarter} answers, to the same people: the
// Center all, a team leader their district, a CTV nothing. Without a
// quarter, or with a bad one, a problem naming quarter.
func TestStipendsByTheContractsNames(t *testing.T) {
	t.Parallel()
	clk := clock.NewManual(time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC))
	s := apptest.Start(t, apptest.Options{Clock: clk})
	const q = "2026-Q3"
	lead := s.LoginDemo(t, apptest.Leadership)
	// One person's quarter approved, so that the sheet pays someone.
	paidCTV := stipended(t, s, "NT")
	coord := s.LoginDemo(t, apptest.Coordinator)
	record := "/api/v1/performance/" + paidCTV.ID + "/" + q
	for _, step := range []struct {
		method, path string
		body         any
	}{
		{"PUT", record, map[string]any{"actuals": map[string]any{"profiles": 14, "surveys": 7, "referrals": 1, "report_on_time": true}}},
		{"POST", record + "/submit", nil}, {"POST", record + "/approve", nil},
	} {
		if r := s.Do(t, step.method, step.path, coord, step.body); r.Status != 200 {
			t.Fatalf("%s %s: %d %s", step.method, step.path, r.Status, r.Body)
		}
	}
	type sheet struct {
		Items []performance.Stipend `json:"items"`
		Total int                   `json:"total"`
	}
	get := func(what, path, token string) sheet {
		t.Helper()
		r := s.Do(t, "GET", path, token, nil)
		if r.Status != 200 {
			t.Fatalf("%s: %d %s", what, r.Status, r.Body)
		}
		var sh sheet
		r.JSON(t, &sh)
		return sh
	}
	byPath := get("by the path", "/api/v1/performance/stipends/"+q+"?limit=1000", lead)
	byQuery := get("by the query", "/api/v1/reports/stipends?quarter="+q+"&limit=1000", lead)
	if len(byQuery.Items) == 0 || len(byQuery.Items) != byPath.Total || byQuery.Total != byPath.Total {
		t.Fatalf("by the query: %d items of %d, by the path %d", len(byQuery.Items), byQuery.Total, byPath.Total)
	}
	for i, it := range byQuery.Items {
		if p := byPath.Items[i]; it.CollaboratorID != p.CollaboratorID || it.Due != p.Due || it.Reason != p.Reason {
			t.Errorf("row %d: %+v by the query, %+v by the path", i, it, p)
		}
		if paid := it.CollaboratorID == paidCTV.ID; paid != (it.Reason == "paid") || paid && it.Due != paidCTV.Contract.QuarterlyStipend {
			t.Errorf("row %d: %+v (the approved person is %s)", i, it, paidCTV.ID)
		}
	}
	if page := get("a page", "/api/v1/reports/stipends?quarter="+q+"&limit=5&offset=5", lead); len(page.Items) != 5 || page.Items[0].CollaboratorID != byPath.Items[5].CollaboratorID {
		t.Errorf("limit 5 offset 5: %d items, first %+v", len(page.Items), page.Items)
	}

	// The workbook: the same file as by the path, named for the quarter.
	x := s.Do(t, "GET", "/api/v1/reports/stipends.xlsx?quarter="+q, lead, nil)
	if x.Status != 200 || !strings.Contains(x.Header.Get("Content-Disposition"), "phu-cap-"+q+".xlsx") {
		t.Fatalf("the XLSX: %d %q", x.Status, x.Header.Get("Content-Disposition"))
	}
	wb, err := excelize.OpenReader(bytes.NewReader(x.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	rows, err := wb.GetRows(wb.GetSheetName(0))
	if err != nil || wb.GetSheetName(0) != "Phụ cấp "+q || len(rows) != byPath.Total+2 {
		t.Fatalf("the XLSX: sheet %q, %d rows (want %d), %v", wb.GetSheetName(0), len(rows), byPath.Total+2, err)
	}

	// A team leader: their district only. A CTV: refused.
	nt := s.Find(t, "team_leader", "NT")
	mine := get("the NT leader", "/api/v1/reports/stipends?quarter="+q+"&limit=1000", s.LoginDemo(t, nt.Email))
	if len(mine.Items) == 0 || len(mine.Items) >= byPath.Total {
		t.Fatalf("the NT leader sees %d of %d", len(mine.Items), byPath.Total)
	}
	for _, it := range mine.Items {
		if it.AreaCode != "NT" {
			t.Errorf("the NT leader sees %+v", it)
		}
	}
	ctv := s.LoginDemo(t, s.Find(t, "ctv", "NT").Email)
	for _, path := range []string{"/api/v1/reports/stipends?quarter=" + q, "/api/v1/reports/stipends.xlsx?quarter=" + q} {
		if r := s.Do(t, "GET", path, ctv, nil); r.Status != 403 {
			t.Errorf("a CTV, %s: %d", path, r.Status)
		}
	}

	// The served document says so: quarter is required on both routes
	// (and on the import), and a client building requests from it knows.
	doc := apiDocument(t, s)
	for _, op := range []struct{ path, method string }{{"/api/v1/reports/stipends", "get"}, {"/api/v1/reports/stipends.xlsx", "get"}, {"/api/v1/performance/import", "post"}} {
		required := false
		for _, p := range doc.Paths[op.path][op.method].Parameters {
			required = required || p.Name == "quarter" && p.In == "query" && p.Required
		}
		if !required {
			t.Errorf("the OpenAPI document does not require quarter on %s %s: %+v", op.method, op.path, doc.Paths[op.path][op.method].Parameters)
		}
	}

	// Bad input: no quarter, an empty one, one that is no quarter.
	for _, path := range []string{"/api/v1/reports/stipends", "/api/v1/reports/stipends.xlsx", "/api/v1/reports/stipends?quarter=",
		"/api/v1/reports/stipends?quarter=2026-Q7", "/api/v1/reports/stipends.xlsx?quarter=Q3-2026"} {
		r := s.Do(t, "GET", path, lead, nil)
		if r.Status != 400 || !r.Problem(t).HasField("quarter") {
			t.Errorf("%s: %d %s, want 400 naming quarter", path, r.Status, r.Body)
		}
	}
}

// TestStipendSheetByDistrict: the stipend sheet's page offers the Center
// a district (a GET form, no JavaScript); chosen, the sheet, its
// neighbours' links, its pages and its XLSX are that district's, and the
// API answers the same filter. An unknown district is a 400 naming
// area_code. A team leader's sheet stays their district's whatever the
// address asks.
func TestStipendSheetByDistrict(t *testing.T) {
	t.Parallel()
	clk := clock.NewManual(time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC))
	s := apptest.Start(t, apptest.Options{Clock: clk})
	const q = "2026-Q3"
	nt, lt := s.Find(t, "ctv", "NT"), s.Find(t, "ctv", "LT")
	coordTok := s.LoginDemo(t, apptest.Coordinator)
	coord := s.Forms(t, coordTok)
	hasNot := func(what string, sh apptest.Shown, unwanted ...string) {
		t.Helper()
		for _, u := range unwanted {
			if strings.Contains(sh.Body, u) {
				t.Errorf("%s shows %q", what, u)
			}
		}
	}
	all := coord.Get("/performance/stipends/" + q)
	shows(t, "the whole sheet", all, 200, `<form method="get" action="/performance/stipends/`+q+`"`, `<select id="area_code" name="area_code">`,
		`<option value="">`, `<option value="LT">`, `data-id="`+nt.ID+`"`, `data-id="`+lt.ID+`"`, `href="/api/v1/performance/stipends/`+q+`.xlsx"`)
	sheet := coord.Get("/performance/stipends/" + q + "?area_code=lt")
	shows(t, "the LT sheet", sheet, 200, `<option value="LT" selected>`, `data-id="`+lt.ID+`"`,
		`href="/api/v1/performance/stipends/`+q+`.xlsx?area_code=LT"`, `href="/performance/stipends/2026-Q2?area_code=LT"`, `href="/performance/stipends/2026-Q4?area_code=LT"`)
	hasNot("the LT sheet", sheet, `data-id="`+nt.ID+`"`, `<span class="muted">`+nt.Code+` · NT</span>`)
	shows(t, "the LT sheet in English", coord.Get("/performance/stipends/"+q+"?area_code=LT&lang=en"), 200, `<select id="area_code" name="area_code">`, `<html lang="en"`)

	// The API and its workbook follow the filter.
	var ltSheet struct {
		Items []performance.Stipend `json:"items"`
		Total int                   `json:"total"`
	}
	r := s.Do(t, "GET", "/api/v1/performance/stipends/"+q+"?area_code=LT&limit=1000", coordTok, nil)
	if r.Status != 200 {
		t.Fatalf("the API's LT sheet: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &ltSheet)
	if ltSheet.Total == 0 {
		t.Fatal("the API's LT sheet is empty")
	}
	for _, it := range ltSheet.Items {
		if it.AreaCode != "LT" {
			t.Errorf("the API's LT sheet lists %+v", it)
		}
	}
	for _, path := range []string{"/api/v1/performance/stipends/" + q + ".xlsx?area_code=LT", "/api/v1/reports/stipends.xlsx?quarter=" + q + "&area_code=LT"} {
		x := s.Do(t, "GET", path, coordTok, nil)
		if x.Status != 200 || !strings.Contains(x.Header.Get("Content-Disposition"), "phu-cap-"+q+"-LT.xlsx") {
			t.Fatalf("%s: %d %q", path, x.Status, x.Header.Get("Content-Disposition"))
		}
		wb, err := excelize.OpenReader(bytes.NewReader(x.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := wb.GetRows(wb.GetSheetName(0))
		wb.Close()
		if err != nil || len(rows) != ltSheet.Total+2 {
			t.Fatalf("%s: %d rows, want %d (%v)", path, len(rows), ltSheet.Total+2, err)
		}
		for _, row := range rows[1 : len(rows)-1] {
			if len(row) < 3 || row[2] != "LT" {
				t.Errorf("%s has the row %q", path, row)
			}
		}
	}

	// An unknown district: a problem naming area_code, on the page too.
	for _, path := range []string{"/api/v1/performance/stipends/" + q + "?area_code=ZZ", "/api/v1/performance/stipends/" + q + ".xlsx?area_code=ZZ",
		"/api/v1/reports/stipends?quarter=" + q + "&area_code=ZZ", "/api/v1/reports/stipends.xlsx?quarter=" + q + "&area_code=ZZ"} {
		if r := s.Do(t, "GET", path, coordTok, nil); r.Status != 400 || !r.Problem(t).HasField("area_code") {
			t.Errorf("%s: %d %s, want 400 naming area_code", path, r.Status, r.Body)
		}
	}
	shows(t, "the page of an unknown district", coord.Get("/performance/stipends/"+q+"?area_code=ZZ"), 400, "<b>area_code</b>")

	// A team leader: their district, no choice, whatever the address asks.
	leaderTok := s.LoginDemo(t, s.Find(t, "team_leader", "NT").Email)
	mine := s.Forms(t, leaderTok).Get("/performance/stipends/" + q + "?area_code=LT")
	shows(t, "the NT leader's sheet asked for LT", mine, 200, `data-id="`+nt.ID+`"`, `href="/api/v1/performance/stipends/`+q+`.xlsx"`)
	hasNot("the NT leader's sheet asked for LT", mine, `data-id="`+lt.ID+`"`, `name="area_code"`)
	var theirs struct {
		Items []performance.Stipend `json:"items"`
	}
	r = s.Do(t, "GET", "/api/v1/performance/stipends/"+q+"?area_code=LT", leaderTok, nil)
	if r.JSON(t, &theirs); r.Status != 200 || len(theirs.Items) != 0 {
		t.Errorf("the NT leader's API sheet asked for LT: %d %d items", r.Status, len(theirs.Items))
	}
}

// stipended is a CTV of area under an active contract with a quarterly
// stipend: one the stipend sheet pays once their quarter is approved.
func stipended(t *testing.T, s *apptest.Server, area string) collaborators.Collaborator {
	t.Helper()
	for _, p := range s.FindAll(t, "ctv", area, 1) {
		if p.Contract.Status == "active" && p.Contract.QuarterlyStipend > 0 {
			return p
		}
	}
	t.Fatalf("no CTV of %s has an active contract with a stipend", area)
	return collaborators.Collaborator{}
}

// shows fails the test unless the page answered status and holds each of
// want (what names the page in the failure).
func shows(t *testing.T, what string, sh apptest.Shown, status int, want ...string) {
	t.Helper()
	if sh.Status != status {
		t.Fatalf("%s: %d (want %d) %s", what, sh.Status, status, sh.Body)
	}
	for _, w := range want {
		if !strings.Contains(sh.Body, w) {
			t.Fatalf("%s lacks %q: %s", what, w, sh.Body)
		}
	}
}
