package collaborators_test

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"github.com/ctvacademy/academy/modules/platform/web"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type list = web.List[collaborators.Collaborator]

// cast is who acts on a CTV's record in a test: the CTV, their team
// leader, and the coordinator, each signed in.
type cast struct {
	ctv, leader              collaborators.Collaborator
	ctvTok, leaderTok, coord string
}

// castIn starts a server and signs in a CTV of area, its team leader and
// the coordinator.
func castIn(t *testing.T, area string) (*apptest.Server, cast) {
	t.Helper()
	s := apptest.Start(t)
	c := cast{ctv: s.Find(t, "ctv", area), leader: s.Find(t, "team_leader", area), coord: s.LoginDemo(t, apptest.Coordinator)}
	c.ctvTok, c.leaderTok = s.LoginDemo(t, c.ctv.Email), s.LoginDemo(t, c.leader.Email)
	return s, c
}

func newInput(code, email string) map[string]any {
	return map[string]any{
		"code": code, "full_name": "Trần Văn Bình", "email": email, "phone": "0912345678", "role": "ctv",
		"area_code": "NT", "commune": "Xã Long Tân", "position": "Công chức Kinh tế",
		"contract": map[string]any{"number": "99/2026/HĐ-TTKC", "starts_on": "2026-01-01", "ends_on": "2027-12-31", "status": "active", "quarterly_stipend": 1500000},
	}
}

func TestListFiltersAndSearch(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	tok := s.LoginDemo(t, apptest.Coordinator)

	var all list
	s.Do(t, "GET", "/api/v1/collaborators", tok, nil).JSON(t, &all)
	if all.Total != 65 || len(all.Items) != 65 {
		t.Fatalf("total = %d items = %d, want 65", all.Total, len(all.Items))
	}
	var nt list
	s.Do(t, "GET", "/api/v1/collaborators?area_code=NT", tok, nil).JSON(t, &nt)
	if nt.Total == 0 {
		t.Fatal("no one in NT")
	}
	for _, c := range nt.Items {
		if c.AreaCode != "NT" {
			t.Errorf("area filter returned %s of %s", c.Code, c.AreaCode)
		}
	}
	var leaders list
	s.Do(t, "GET", "/api/v1/collaborators?role=team_leader", tok, nil).JSON(t, &leaders)
	if leaders.Total != 10 {
		t.Errorf("team leaders = %d, want 10", leaders.Total)
	}
	var found list
	s.Do(t, "GET", "/api/v1/collaborators?q=nguyen", tok, nil).JSON(t, &found)
	if found.Total == 0 {
		t.Fatal("q=nguyen found nobody")
	}
	for _, c := range found.Items {
		if !strings.Contains(collaborators.Fold(c.FullName+" "+c.Email+" "+c.Commune), "nguyen") {
			t.Errorf("q=nguyen returned %s", c.FullName)
		}
	}
	var page list
	s.Do(t, "GET", "/api/v1/collaborators?limit=10&offset=60", tok, nil).JSON(t, &page)
	if page.Total != 65 || len(page.Items) != 5 || page.Items[0].ID != all.Items[60].ID {
		t.Errorf("page limit=10 offset=60: total %d, %d items", page.Total, len(page.Items))
	}
	var areas struct {
		Items []collaborators.Area `json:"items"`
	}
	s.Do(t, "GET", "/api/v1/areas", tok, nil).JSON(t, &areas)
	if len(areas.Items) != 11 || areas.Items[0].Name != "Thành phố Biên Hòa" {
		t.Errorf("areas = %+v", areas.Items)
	}
}

// registryState is what a bad request must leave unchanged.
func registryState(t *testing.T, s *apptest.Server) string {
	t.Helper()
	var b strings.Builder
	for _, c := range s.Collaborators(t) {
		fmt.Fprintf(&b, "%+v\n", c)
	}
	return b.String()
}

func TestBadInputIsRefusedAndChangesNothing(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	tok := s.LoginDemo(t, apptest.Coordinator)
	target := s.Find(t, "ctv", "NT")
	before := registryState(t, s)

	big := `{"full_name":"` + strings.Repeat("a", 2<<20) + `"}`
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		field                    string
	}{
		{"malformed JSON", "POST", "/api/v1/collaborators", `{"code":`, 400, "body"},
		{"two values", "POST", "/api/v1/collaborators", `{} {}`, 400, "body"},
		{"wrong type", "PATCH", "/api/v1/collaborators/" + target.ID, `{"phone": 912345678}`, 400, "phone"},
		{"wrong nested type", "PATCH", "/api/v1/collaborators/" + target.ID, `{"contract":{"quarterly_stipend":"lots"}}`, 400, "contract.quarterly_stipend"},
		{"unknown field", "PATCH", "/api/v1/collaborators/" + target.ID, `{"nickname":"x"}`, 400, "nickname"},
		{"operator in body", "PATCH", "/api/v1/collaborators/" + target.ID, `{"email":{"$gt":""}}`, 400, "email.$gt"},
		{"operator at top", "POST", "/api/v1/collaborators", `{"$where":"1"}`, 400, "$where"},
		{"operator in query", "GET", "/api/v1/collaborators?area_code[$ne]=x", ``, 400, "area_code[$ne]"},
		{"unknown area filter", "GET", "/api/v1/collaborators?area_code=ZZ", ``, 400, "area_code"},
		{"bad limit", "GET", "/api/v1/collaborators?limit=5000", ``, 400, "limit"},
		{"invalid field values", "POST", "/api/v1/collaborators", `{"code":"x","full_name":"","email":"no","phone":"1","role":"boss","area_code":"ZZ","commune":"","contract":{"number":"","starts_on":"2026-02-30","ends_on":"x","status":"maybe","quarterly_stipend":-5}}`, 400, "contract.starts_on"},
		{"invalid patch value", "PATCH", "/api/v1/collaborators/" + target.ID, `{"contract":{"status":"retired"}}`, 400, "contract.status"},
		{"invalid id", "GET", "/api/v1/collaborators/does-not-exist", ``, 404, ""},
		{"invalid id patch", "PATCH", "/api/v1/collaborators/does-not-exist", `{"phone":"0912345678"}`, 404, ""},
		{"too large", "PATCH", "/api/v1/collaborators/" + target.ID, big, 413, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body any
			if tc.body != "" {
				body = tc.body
			}
			r := s.Do(t, tc.method, tc.path, tok, body)
			if r.Status != tc.status {
				t.Fatalf("status = %d, want %d: %s", r.Status, tc.status, r.Body)
			}
			p := r.Problem(t)
			if p.Status != tc.status || p.Title == "" {
				t.Errorf("problem = %+v", p)
			}
			if tc.field != "" && !p.HasField(tc.field) {
				t.Errorf("problem does not name %q: %s", tc.field, r.Body)
			}
		})
	}
	r := s.Do(t, "POST", "/api/v1/collaborators", tok, "code=x", "application/x-www-form-urlencoded")
	if r.Status != http.StatusUnsupportedMediaType {
		t.Errorf("form body to JSON API: %d", r.Status)
	}
	if after := registryState(t, s); after != before {
		t.Error("a refused request changed the registry")
	}
}

func TestCreateAndDuplicates(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	tok := s.LoginDemo(t, apptest.Coordinator)
	r := s.Do(t, "POST", "/api/v1/collaborators", tok, newInput("NT-09", "Binh.Tran@Example.vn"))
	if r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var c collaborators.Collaborator
	r.JSON(t, &c)
	if c.ID == "" || c.Email != "binh.tran@example.vn" || c.Contract.QuarterlyStipend != 1500000 {
		t.Errorf("created %+v", c)
	}
	var got collaborators.Collaborator
	s.Do(t, "GET", "/api/v1/collaborators/"+c.ID, tok, nil).JSON(t, &got)
	if !reflect.DeepEqual(got, c) {
		t.Errorf("stored %+v, want %+v", got, c)
	}
	r = s.Do(t, "POST", "/api/v1/collaborators", tok, newInput("NT-10", "binh.tran@example.vn"))
	if r.Status != http.StatusConflict || !r.Problem(t).HasField("email") {
		t.Fatalf("duplicate email: %d %s", r.Status, r.Body)
	}
	r = s.Do(t, "POST", "/api/v1/collaborators", tok, newInput("nt-09", "other@example.vn"))
	if r.Status != http.StatusConflict || !r.Problem(t).HasField("code") {
		t.Fatalf("duplicate code: %d %s", r.Status, r.Body)
	}
	// A contract number is one person's (helper-66 registered LK-01's twice).
	dup := newInput("NT-11", "third@example.vn")
	r = s.Do(t, "POST", "/api/v1/collaborators", tok, dup)
	if p := r.Problem(t); r.Status != http.StatusConflict || !p.HasField("contract.number") || p.HasField("code") || p.HasField("email") {
		t.Fatalf("duplicate contract number: %d %s", r.Status, r.Body)
	}
	// Changing an email to one already registered is a conflict too, and
	// so is a contract number.
	other := s.Find(t, "ctv", "LT")
	r = s.Do(t, "PATCH", "/api/v1/collaborators/"+other.ID, tok, map[string]any{"contract": map[string]any{"number": "99/2026/HĐ-TTKC"}})
	if r.Status != http.StatusConflict || !r.Problem(t).HasField("contract.number") {
		t.Fatalf("patch to a taken contract number: %d %s", r.Status, r.Body)
	}
	r = s.Do(t, "PATCH", "/api/v1/collaborators/"+other.ID, tok, map[string]any{"email": "binh.tran@example.vn"})
	if r.Status != http.StatusConflict {
		t.Fatalf("patch to a taken email: %d %s", r.Status, r.Body)
	}
	if len(s.Collaborators(t)) != 66 {
		t.Errorf("registry has %d records, want 66", len(s.Collaborators(t)))
	}
}

// TestContractNumberUniqueIgnoresCaseAndSpacing: a contract number that
// differs from a registered one only in letter case (Đ/đ included) or in
// spacing is the same contract, refused at create, patch and import; the
// number is stored as typed, trimmed.
func TestContractNumberUniqueIgnoresCaseAndSpacing(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	tok := s.LoginDemo(t, apptest.Coordinator)
	in := newInput("NT-09", "binh.tran@example.vn")
	in["contract"].(map[string]any)["number"] = "  HĐ-2026/NT 01 "
	r := s.Do(t, "POST", "/api/v1/collaborators", tok, in)
	if r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var c collaborators.Collaborator
	r.JSON(t, &c)
	if c.Contract.Number != "HĐ-2026/NT 01" {
		t.Errorf("stored number %q, want it as typed, trimmed", c.Contract.Number)
	}
	before := registryState(t, s)
	for i, number := range []string{"hđ-2026/nt 01", " HĐ-2026/NT 01 ", "HĐ-2026/NT   01", "Hđ-2026/Nt\u00a001"} {
		in := newInput(fmt.Sprintf("NT-2%d", i), fmt.Sprintf("p%d@example.vn", i))
		in["contract"].(map[string]any)["number"] = number
		r := s.Do(t, "POST", "/api/v1/collaborators", tok, in)
		if p := r.Problem(t); r.Status != http.StatusConflict || !p.HasField("contract.number") || len(p.Errors) != 1 {
			t.Errorf("create with %q: %d %s", number, r.Status, r.Body)
		}
	}
	other := s.Find(t, "ctv", "LT")
	r = s.Do(t, "PATCH", "/api/v1/collaborators/"+other.ID, tok, map[string]any{"contract": map[string]any{"number": "hđ-2026/nt  01"}})
	if r.Status != http.StatusConflict || !r.Problem(t).HasField("contract.number") {
		t.Errorf("patch to a taken number in other case: %d %s", r.Status, r.Body)
	}
	if registryState(t, s) != before {
		t.Fatal("a refused number changed the registry")
	}
	// The holder may retype their own number in another case.
	r = s.Do(t, "PATCH", "/api/v1/collaborators/"+c.ID, tok, map[string]any{"contract": map[string]any{"number": "hđ-2026/nt 01"}})
	if r.JSON(t, &c); r.Status != http.StatusOK || c.Contract.Number != "hđ-2026/nt 01" {
		t.Errorf("retyping one's own number: %d %s", r.Status, r.Body)
	}

	// Import: a row with a registered number in other case, and two rows
	// of one file that differ only in case and spacing.
	file := header +
		"1,CM-07,Phạm Thị Lan,lan.pham@example.vn,0911000001,CTV,CM,Xã Xuân Đông,Công chức, HĐ-2026/NT 01 ,01/01/2026,31/12/2027,Đang hiệu lực,1.500.000\n" +
		"2,CM-08,Võ Văn Tâm,tam.vo@example.vn,0911000002,CTV,CM,Xã Xuân Tây,Công chức,202/2026/hđ,01/01/2026,31/12/2027,Đang hiệu lực,1.500.000\n" +
		"3,CM-09,Lý Thị Mai,mai.ly@example.vn,0911000003,CTV,CM,Xã Sông Ray,Công chức,202/2026/HĐ ,01/01/2026,31/12/2027,Đang hiệu lực,1.500.000\n"
	before = registryState(t, s)
	r = upload(t, s, tok, "ctv.csv", []byte(file))
	p := r.Problem(t)
	if r.Status != 400 || !p.HasField("rows[2].contract.number") || !p.HasField("rows[4].contract.number") || p.HasField("rows[3].contract.number") {
		t.Errorf("import with numbers differing in case: %d %s", r.Status, r.Body)
	}
	if registryState(t, s) != before {
		t.Error("a refused import changed the registry")
	}
}

func TestPatchRulesArchiveAndAudit(t *testing.T) {
	t.Parallel()
	s, c := castIn(t, "XL")
	ctv, ctvTok, leaderTok, coord := c.ctv, c.ctvTok, c.leaderTok, c.coord

	// A CTV may change their own phone, not their district.
	r := s.Do(t, "PATCH", "/api/v1/collaborators/"+ctv.ID, ctvTok, map[string]any{"phone": "0987 000 111"})
	if r.Status != 200 {
		t.Fatalf("own phone: %d %s", r.Status, r.Body)
	}
	r = s.Do(t, "PATCH", "/api/v1/collaborators/"+ctv.ID, ctvTok, map[string]any{"area_code": "LT"})
	if r.Status != 403 || !r.Problem(t).HasField("area_code") {
		t.Fatalf("own area change: %d %s", r.Status, r.Body)
	}
	// A team leader may not change roles or contracts in their district.
	r = s.Do(t, "PATCH", "/api/v1/collaborators/"+ctv.ID, leaderTok, map[string]any{"role": "team_leader"})
	if r.Status != 403 || !r.Problem(t).HasField("role") {
		t.Fatalf("leader role change: %d %s", r.Status, r.Body)
	}
	r = s.Do(t, "PATCH", "/api/v1/collaborators/"+ctv.ID, leaderTok, map[string]any{"contract": map[string]any{"status": "ended"}})
	if r.Status != 403 {
		t.Fatalf("leader contract change: %d %s", r.Status, r.Body)
	}
	// Ending a contract at its term ("not renewed") is the contract
	// review's decision, with its reason: the PATCH refuses the field and
	// changes nothing, for the coordinator and the admin alike.
	for _, tok := range []string{coord, s.LoginDemo(t, apptest.Admin)} {
		r = s.Do(t, "PATCH", "/api/v1/collaborators/"+ctv.ID, tok, map[string]any{"contract": map[string]any{"not_renewed": true}})
		if r.Status != 400 || !r.Problem(t).HasField("contract.not_renewed") {
			t.Fatalf("not_renewed by PATCH: %d %s", r.Status, r.Body)
		}
	}
	var unchanged collaborators.Collaborator
	s.Do(t, "GET", "/api/v1/collaborators/"+ctv.ID, coord, nil).JSON(t, &unchanged)
	if unchanged.Contract.NotRenewed {
		t.Fatalf("a refused PATCH marked the contract not renewed: %+v", unchanged.Contract)
	}
	// The coordinator moves them, changes the contract, and archives them.
	r = s.Do(t, "PATCH", "/api/v1/collaborators/"+ctv.ID, coord, map[string]any{"area_code": "LT", "contract": map[string]any{"status": "suspended"}})
	if r.Status != 200 {
		t.Fatalf("coordinator change: %d %s", r.Status, r.Body)
	}
	var moved collaborators.Collaborator
	r.JSON(t, &moved)
	if moved.AreaCode != "LT" || moved.Contract.Status != "suspended" || moved.Phone != "0987000111" || moved.Contract.Number != ctv.Contract.Number {
		t.Errorf("after change: %+v", moved)
	}
	// The XL team leader no longer reaches them.
	if r := s.Do(t, "GET", "/api/v1/collaborators/"+ctv.ID, leaderTok, nil); r.Status != 404 {
		t.Errorf("leader of the old district still reaches the record: %d", r.Status)
	}
	r = s.Do(t, "PATCH", "/api/v1/collaborators/"+ctv.ID, coord, map[string]any{"archived": true})
	if r.Status != 200 {
		t.Fatalf("archive: %d %s", r.Status, r.Body)
	}
	var l list
	s.Do(t, "GET", "/api/v1/collaborators?area_code=LT", coord, nil).JSON(t, &l)
	for _, c := range l.Items {
		if c.ID == ctv.ID {
			t.Error("archived record still listed")
		}
	}
	s.Do(t, "GET", "/api/v1/collaborators?area_code=LT&include_archived=true", coord, nil).JSON(t, &l)
	foundArchived := false
	for _, c := range l.Items {
		foundArchived = foundArchived || (c.ID == ctv.ID && c.Archived)
	}
	if !foundArchived {
		t.Error("archived record missing with include_archived=true")
	}
	if r := s.Do(t, "GET", "/api/v1/collaborators/"+ctv.ID, coord, nil); r.Status != 200 {
		t.Errorf("archived record not readable: %d", r.Status)
	}

	entries, err := s.App.Audit.For(context.Background(), "collaborator", ctv.ID)
	if err != nil {
		t.Fatal(err)
	}
	// create (demo), own phone, coordinator move, archive.
	if len(entries) != 4 {
		t.Fatalf("audit entries = %d, want 4: %+v", len(entries), entries)
	}
	move := entries[2]
	if move.Action != "collaborator.update" || move.ActorRole != "coordinator" || move.RequestID == "" || move.ActorID == "" {
		t.Errorf("audit entry %+v", move)
	}
	if _, ok := move.Changes["area_code"]; !ok {
		t.Errorf("audit entry does not record the area change: %+v", move.Changes)
	}
	if entries[1].ActorRole != "ctv" {
		t.Errorf("phone change recorded as %+v", entries[1])
	}
}

func upload(t *testing.T, s *apptest.Server, tok, name string, data []byte) apptest.Response {
	t.Helper()
	return s.Upload(t, "/api/v1/collaborators/import", tok, name, data)
}

const header = collaborators.ImportHeader

func TestImportCSVAllOrNothing(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	tok := s.LoginDemo(t, apptest.Coordinator)
	before := registryState(t, s)
	bad := header +
		"1,CM-07,Phạm Thị Lan,lan.pham@example.vn,0911000001,CTV,CM,Xã Xuân Đông,Công chức,201/2026,01/01/2026,31/12/2027,Đang hiệu lực,1.500.000\n" +
		"2,CM-08,Võ Văn Tâm,tam.vo@example.vn,0911000002,CTV,ZZ,Xã Xuân Tây,Công chức,202/2026,01/01/2026,31/12/2027,Đang hiệu lực,1.500.000\n" +
		"3,CM-09,Lý Thị Mai,lan.pham@example.vn,0911000003,CTV,CM,Xã Sông Ray,Công chức,203/2026,31/02/2026,31/12/2027,Đang hiệu lực,1.500.000\n"
	r := upload(t, s, tok, "ctv.csv", []byte(bad))
	if r.Status != 400 {
		t.Fatalf("bad import: %d %s", r.Status, r.Body)
	}
	p := r.Problem(t)
	for _, f := range []string{"rows[3].area_code", "rows[4].email", "rows[4].contract.starts_on"} {
		if !p.HasField(f) {
			t.Errorf("problem does not name %s: %s", f, r.Body)
		}
	}
	if p.HasField("rows[2].email") {
		t.Errorf("the good row was blamed: %s", r.Body)
	}
	// Listed in the file's order, row by row.
	for i := 1; i < len(p.Errors); i++ {
		if a, b := p.Errors[i-1].Field[:8], p.Errors[i].Field[:8]; a > b {
			t.Errorf("problems out of the file's order: %s before %s", p.Errors[i-1].Field, p.Errors[i].Field)
		}
	}
	if registryState(t, s) != before {
		t.Fatal("a failed import changed the registry")
	}
	// A stipend with a fraction is refused, not read as ten times more.
	fraction := header + "1,CM-07,Phạm Thị Lan,lan.pham@example.vn,0911000001,CTV,CM,Xã Xuân Đông,Công chức,201/2026,01/01/2026,31/12/2027,Đang hiệu lực,\"1500000,5\"\n"
	if r := upload(t, s, tok, "ctv.csv", []byte(fraction)); r.Status != 400 || !r.Problem(t).HasField("rows[2].contract.quarterly_stipend") {
		t.Errorf("a stipend with a fraction: %d %s", r.Status, r.Body)
	}

	good := header +
		"1,CM-07,Phạm Thị Lan,lan.pham@example.vn,0911000001,CTV,CM,Xã Xuân Đông,Công chức,201/2026,01/01/2026,31/12/2027,Đang hiệu lực,1.500.000\n" +
		"2,CM-08,Võ Văn Tâm,tam.vo@example.vn,0911000002,Tổ trưởng,CM,Xã Xuân Tây,Phó trưởng phòng,202/2026,2026-01-01,2027-12-31,active,2000000\n"
	r = upload(t, s, tok, "ctv.csv", []byte(good))
	if r.Status != 201 {
		t.Fatalf("good import: %d %s", r.Status, r.Body)
	}
	var res collaborators.ImportResult
	r.JSON(t, &res)
	if res.Imported != 2 || res.Items[1].Role != "team_leader" || res.Items[0].Contract.StartsOn != "2026-01-01" {
		t.Errorf("import result %+v", res)
	}
	if n := len(s.Collaborators(t)); n != 67 {
		t.Errorf("registry has %d, want 67", n)
	}
	// The same file again: every row is already registered, nothing changes.
	r = upload(t, s, tok, "ctv.csv", []byte(good))
	if r.Status != 400 || !r.Problem(t).HasField("rows[2].code") {
		t.Fatalf("re-import: %d %s", r.Status, r.Body)
	}
	if n := len(s.Collaborators(t)); n != 67 {
		t.Errorf("re-import changed the registry: %d records", n)
	}
}

func TestImportXLSX(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	tok := s.LoginDemo(t, apptest.Coordinator)
	var head []any
	for _, h := range strings.Split(strings.TrimSpace(header), ",") {
		head = append(head, h)
	}
	xlsx := collaborators.XlsxOf(t, [][]any{
		head,
		{1, "TP-07", "Hồ Thị Thu", "thu.ho@example.vn", "0911000009", "CTV", "TP", "Xã Phú Lâm", "Công chức", "301/2026", "15/03/2026", "14/03/2028", "Thử việc", 1400000},
	})
	r := upload(t, s, tok, "danh-sach.xlsx", xlsx)
	if r.Status != 201 {
		t.Fatalf("xlsx import: %d %s", r.Status, r.Body)
	}
	var res collaborators.ImportResult
	r.JSON(t, &res)
	c := res.Items[0]
	if c.FullName != "Hồ Thị Thu" || c.Contract.Status != "probation" || c.Contract.StartsOn != "2026-03-15" || c.Contract.QuarterlyStipend != 1400000 {
		t.Errorf("imported %+v", c)
	}
	r = upload(t, s, tok, "broken.xlsx", []byte("PK\x03\x04 not really a workbook"))
	if r.Status != 400 || !r.Problem(t).HasField("file") {
		t.Errorf("broken xlsx: %d %s", r.Status, r.Body)
	}
}
