package collaborators_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/xuri/excelize/v2"
)

// stored reads a collaborator as the registry holds it (archived too).
func stored(t *testing.T, s *apptest.Server, id string) collaborators.Collaborator {
	t.Helper()
	c, err := s.App.Collaborators.Get(context.Background(), authz.All, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// byEmail finds the stored collaborator with email, if any.
func byEmail(t *testing.T, s *apptest.Server, email string) (collaborators.Collaborator, bool) {
	t.Helper()
	all, err := s.App.Collaborators.List(context.Background(), authz.All, collaborators.Filter{IncludeArchived: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		if c.Email == email {
			return c, true
		}
	}
	return collaborators.Collaborator{}, false
}

// newForm is the new-collaborator form filled as a coordinator would,
// dates and amount written the Vietnamese way.
func newForm(code, email string) url.Values {
	return url.Values{"code": {code}, "full_name": {"Lê Thị Hồng Nhung"}, "email": {email}, "phone": {"0912 345 678"},
		"role": {"ctv"}, "area_code": {"NT"}, "commune": {"Xã Phước Thiền"}, "position": {"Công chức Văn hóa – Xã hội"},
		"contract_number": {"77/2026/HĐ-TTKC"}, "starts_on": {"01/01/2026"}, "ends_on": {"2027-12-31"}, "status": {"probation"},
		"quarterly_stipend": {"1.500.000"}}
}

// besideField reports whether a page shows the problem key's words beside
// field: the field marked invalid and described by its error paragraph.
func besideField(body, field, text string) bool {
	input := regexp.MustCompile(`<(input|select)[^>]*id="` + field + `"[^>]*>`).FindString(body)
	return strings.Contains(input, `aria-invalid="true"`) && strings.Contains(input, "err-"+field) &&
		regexp.MustCompile(`<p class="errors" id="err-`+field+`">[^<]*`+regexp.QuoteMeta(text)).MatchString(body)
}

// A coordinator adds a collaborator with the form: a bad field comes back
// beside the field with the values kept and nothing stored; the right form
// stores the person and shows their page; the same email again is a
// conflict shown beside the email.
func TestNewCollaboratorForm(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	f := s.Forms(t, s.LoginDemo(t, apptest.Coordinator))

	if r := f.Get("/collaborators"); r.Status != 200 || !strings.Contains(r.Body, `href="/collaborators/new"`) || !strings.Contains(r.Body, "Thêm cộng tác viên") ||
		!strings.Contains(r.Body, `href="/collaborators/import"`) || !strings.Contains(r.Body, "Nhập từ tệp") {
		t.Fatalf("the list offers no new-collaborator or import link to the coordinator: %d", r.Status)
	}
	r := f.Get("/collaborators/new")
	if r.Status != 200 || !strings.Contains(r.Body, `action="/collaborators/new"`) || !strings.Contains(r.Body, `name="_csrf"`) ||
		!strings.Contains(r.Body, `<option value="NT">`) {
		t.Fatalf("GET /collaborators/new: %d %s", r.Status, r.Body)
	}

	before := registryState(t, s)
	bad := newForm("NT-91", "nhung.le@example")
	r = f.Post("/collaborators/new", bad)
	if r.Status != 400 || !besideField(r.Body, "email", "Địa chỉ email không hợp lệ") {
		t.Fatalf("a bad email: %d, not shown beside the field: %s", r.Status, r.Body)
	}
	if !strings.Contains(r.Body, `value="Lê Thị Hồng Nhung"`) || !strings.Contains(r.Body, `value="nhung.le@example"`) || strings.Contains(r.Body, `id="err-full_name"`) {
		t.Errorf("the form did not keep the values typed, or blamed another field")
	}
	if registryState(t, s) != before {
		t.Fatal("a refused form changed the registry")
	}

	r = f.Post("/collaborators/new", newForm("NT-91", "nhung.le@example.vn"))
	c, ok := byEmail(t, s, "nhung.le@example.vn")
	if r.Status != 303 || !ok || r.Location != "/collaborators/"+c.ID+"?saved=created" {
		t.Fatalf("a right form: %d → %q (stored: %v)", r.Status, r.Location, ok)
	}
	want := collaborators.Contract{Number: "77/2026/HĐ-TTKC", StartsOn: "2026-01-01", EndsOn: "2027-12-31", Status: "probation", QuarterlyStipend: 1500000}
	if c.Code != "NT-91" || c.FullName != "Lê Thị Hồng Nhung" || c.Phone != "0912345678" || c.Role != "ctv" || c.AreaCode != "NT" ||
		c.Commune != "Xã Phước Thiền" || c.Contract != want {
		t.Errorf("stored %+v", c)
	}
	if p := f.Get(r.Location); p.Status != 200 || !strings.Contains(p.Body, `id="saved"`) || !strings.Contains(p.Body, "Đã thêm cộng tác viên") ||
		!strings.Contains(p.Body, "Lê Thị Hồng Nhung") {
		t.Errorf("the person's page after creating: %d, no message", p.Status)
	}

	// The same email for another code: a conflict beside the email.
	before = registryState(t, s)
	r = f.Post("/collaborators/new", newForm("NT-92", "nhung.le@example.vn"))
	if r.Status != 409 || !besideField(r.Body, "email", "Email này đã được đăng ký") || strings.Contains(r.Body, `id="err-code"`) {
		t.Errorf("a taken email: %d %s", r.Status, r.Body)
	}
	if registryState(t, s) != before {
		t.Error("a conflicting form changed the registry")
	}

	// In English too.
	r = f.Post("/collaborators/new?lang=en", newForm("NT-92", "nhung.le@example.vn"))
	if r.Status != 409 || !besideField(r.Body, "email", "This email is already registered") {
		t.Errorf("a taken email in English: %d", r.Status)
	}
	// Another's contract number, and a stipend with a fraction (helper-71:
	// read as ten times the amount), are each refused beside their field.
	sameNumber := newForm("NT-93", "other.person@example.vn")
	r = f.Post("/collaborators/new?lang=vi", sameNumber)
	if r.Status != 409 || !besideField(r.Body, "contract_number", "Số hợp đồng này đã là hợp đồng của người khác") {
		t.Errorf("a taken contract number: %d %s", r.Status, r.Body)
	}
	sameNumber.Set("contract_number", " 77/2026/hđ-ttkc ")
	if r = f.Post("/collaborators/new", sameNumber); r.Status != 409 || !besideField(r.Body, "contract_number", "Số hợp đồng này đã là hợp đồng của người khác") {
		t.Errorf("a taken contract number in other case: %d %s", r.Status, r.Body)
	}
	fraction := newForm("NT-94", "third.person@example.vn")
	fraction.Set("contract_number", "78/2026/HĐ-TTKC")
	fraction.Set("quarterly_stipend", "1500000.5")
	if r = f.Post("/collaborators/new", fraction); r.Status != 400 || !strings.Contains(r.Body, `id="err-quarterly_stipend"`) {
		t.Errorf("a stipend with a fraction: %d %s", r.Status, r.Body)
	}
	if registryState(t, s) != before {
		t.Error("a refused form changed the registry")
	}
}

var csrfToken = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// importViaForm posts data as the import form's file, with the CSRF token of the
// import page the browser reads first.
func importViaForm(t *testing.T, s *apptest.Server, f *apptest.Forms, name string, data []byte) apptest.Shown {
	t.Helper()
	page := f.Get("/collaborators/import")
	m := csrfToken.FindStringSubmatch(page.Body)
	if page.Status != 200 || m == nil {
		t.Fatalf("GET /collaborators/import: %d, no form", page.Status)
	}
	body, ct := apptest.Multipart(t, "file", name, data, map[string]string{"_csrf": m[1]})
	req := apptest.NewRequest(t, "POST", s.URL+"/collaborators/import", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", ct)
	return f.Do(req)
}

// A coordinator imports a CSV file with the form: the page names the
// columns; a file whose rows are right is imported whole and the page
// says how many; a file with one bad row is refused whole, the row's
// problem listed by line and column.
func TestImportForm(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	f := s.Forms(t, s.LoginDemo(t, apptest.Coordinator))

	page := f.Get("/collaborators/import")
	for _, want := range []string{`enctype="multipart/form-data"`, "Mã CTV", "Số điện thoại", "Thù lao quý", `id="area-codes"`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the import page does not show %q", want)
		}
	}

	header := "STT;Mã CTV;Họ và tên;Email;Số điện thoại;Vai trò;Mã đơn vị;Xã/Phường;Chức vụ;Số hợp đồng;Ngày bắt đầu;Ngày kết thúc;Trạng thái HĐ;Thù lao quý\n"
	good := header +
		"1;NT-81;Phạm Văn Quang;quang.pham@example.vn;0913 111 222;CTV;NT;Xã Long Tân;Công chức Kinh tế;81/2026/HĐ-TTKC;01/01/2026;31/12/2027;Đang hiệu lực;1.500.000\n" +
		"2;NT-82;Đỗ Thị Mai;mai.do@example.vn;0913 111 333;CTV;NT;Xã Phú Hội;;82/2026/HĐ-TTKC;01/01/2026;31/12/2027;Thử việc;1.200.000\n"
	r := importViaForm(t, s, f, "ctv-moi.csv", []byte(good))
	if r.Status != 303 || r.Location != "/collaborators/import?imported=2" {
		t.Fatalf("a right file: %d → %q %s", r.Status, r.Location, r.Body)
	}
	if p := f.Get(r.Location); !strings.Contains(p.Body, `id="imported"`) || !strings.Contains(p.Body, "Đã nhập 2 cộng tác viên") {
		t.Errorf("the page after importing does not say how many: %s", p.Body)
	}
	for _, email := range []string{"quang.pham@example.vn", "mai.do@example.vn"} {
		if c, ok := byEmail(t, s, email); !ok || c.AreaCode != "NT" || c.Contract.EndsOn != "2027-12-31" {
			t.Errorf("%s not stored as imported: %+v", email, c)
		}
	}

	// One bad row (line 3: an email without a domain) keeps both out.
	before := registryState(t, s)
	bad := header +
		"1;NT-83;Ngô Văn Sơn;son.ngo@example.vn;0913 111 444;CTV;NT;Xã Long Tân;;83/2026/HĐ-TTKC;01/01/2026;31/12/2027;Đang hiệu lực;1.500.000\n" +
		"2;NT-84;Vũ Thị Lan;lan.vu@;0913 111 555;CTV;NT;Xã Phú Hội;;84/2026/HĐ-TTKC;01/01/2026;31/12/2027;Đang hiệu lực;1.500.000\n"
	r = importViaForm(t, s, f, "co-loi.csv", []byte(bad))
	if r.Status != 400 || !strings.Contains(r.Body, "chưa có dòng nào được nhập") ||
		!regexp.MustCompile(`<li data-line="3">Dòng 3, Email: Địa chỉ email không hợp lệ`).MatchString(r.Body) {
		t.Fatalf("a file with a bad row: %d %s", r.Status, r.Body)
	}
	if strings.Contains(r.Body, `data-line="2"`) {
		t.Error("the right row is listed as a problem")
	}
	if registryState(t, s) != before {
		t.Fatal("a refused file changed the registry")
	}
	if _, ok := byEmail(t, s, "son.ngo@example.vn"); ok {
		t.Error("the right row of a refused file was imported")
	}

	// A file without the Center's columns: the missing ones are named.
	r = importViaForm(t, s, f, "thieu-cot.csv", []byte("Mã CTV,Email\nNT-85,an@example.vn\n"))
	if r.Status != 400 || !strings.Contains(r.Body, "Tệp thiếu các cột: Họ và tên, Số điện thoại") {
		t.Errorf("a file missing columns: %d %s", r.Status, r.Body)
	}

	// The same layout as a workbook.
	wb := excelize.NewFile()
	for i, row := range [][]any{
		{"Mã CTV", "Họ và tên", "Email", "Số điện thoại", "Vai trò", "Mã đơn vị", "Xã/Phường", "Số hợp đồng", "Ngày bắt đầu", "Ngày kết thúc", "Trạng thái HĐ", "Thù lao quý"},
		{"LT-86", "Trịnh Văn Hải", "hai.trinh@example.vn", "0913111666", "Tổ trưởng", "LT", "Xã An Phước", "86/2026/HĐ-TTKC", "01/02/2026", "31/01/2028", "Đang hiệu lực", 2000000},
	} {
		if err := wb.SetSheetRow("Sheet1", "A"+strconv.Itoa(i+1), &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := wb.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if r := importViaForm(t, s, f, "to-truong.xlsx", buf.Bytes()); r.Status != 303 || r.Location != "/collaborators/import?imported=1" {
		t.Errorf("a right workbook: %d → %q %s", r.Status, r.Location, r.Body)
	}
	if c, ok := byEmail(t, s, "hai.trinh@example.vn"); !ok || c.Role != "team_leader" || c.Contract.StartsOn != "2026-02-01" || c.Contract.QuarterlyStipend != 2000000 {
		t.Errorf("the workbook's row stored as %+v (stored: %v)", c, ok)
	}

	// No file at all.
	if r := f.Post("/collaborators/import", url.Values{}); r.Status != 400 || !strings.Contains(r.Body, "Hãy chọn một tệp CSV hoặc XLSX") {
		t.Errorf("no file: %d", r.Status)
	}
}

// TestImportTemplate: the import page links a template in both formats;
// each has the importer's headers and an example row that the import
// form accepts as it stands (the person then in the registry as the row
// says). A team leader may not download it.
func TestImportTemplate(t *testing.T) {
	t.Parallel()
	wantHeader := []string{"STT"}
	for _, c := range collaborators.ImportColumns {
		wantHeader = append(wantHeader, c.Header)
	}
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			s := apptest.Start(t)
			f := s.Forms(t, s.LoginDemo(t, apptest.Coordinator))
			path := "/collaborators/import/template." + format
			// Vietnamese first: ?lang=en keeps English for the browser.
			if page := f.Get("/collaborators/import"); !strings.Contains(page.Body, "Tải tệp mẫu:") || !strings.Contains(page.Body, `href="`+path+`" download`) {
				t.Errorf("the import page does not link %s in Vietnamese", path)
			}
			if page := f.Get("/collaborators/import?lang=en"); !strings.Contains(page.Body, "Download a template:") || !strings.Contains(page.Body, `href="`+path+`" download`) {
				t.Errorf("the import page does not link %s in English", path)
			}
			tpl := f.Get(path)
			if tpl.Status != 200 || !strings.Contains(tpl.Header.Get("Content-Disposition"), "mau-nhap-ctv."+format) {
				t.Fatalf("GET %s: %d %q", path, tpl.Status, tpl.Header.Get("Content-Disposition"))
			}
			var rows [][]string
			if format == "csv" {
				if ct := tpl.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.HasPrefix(tpl.Body, "\xef\xbb\xbf") {
					t.Errorf("the CSV template: %q, BOM %v", ct, strings.HasPrefix(tpl.Body, "\xef\xbb\xbf"))
				}
				var err error
				if rows, err = csv.NewReader(strings.NewReader(strings.TrimPrefix(tpl.Body, "\xef\xbb\xbf"))).ReadAll(); err != nil {
					t.Fatal(err)
				}
			} else {
				wb, err := excelize.OpenReader(strings.NewReader(tpl.Body))
				if err != nil {
					t.Fatal(err)
				}
				if rows, err = wb.GetRows(wb.GetSheetName(0)); err != nil {
					t.Fatal(err)
				}
				wb.Close()
			}
			if len(rows) != 2 || !slices.Equal(rows[0], wantHeader) {
				t.Fatalf("the template's rows: %q, want the header %q and one example", rows, wantHeader)
			}
			before := len(s.Collaborators(t))
			r := importViaForm(t, s, f, "mau-nhap-ctv."+format, []byte(tpl.Body))
			if r.Status != 303 || r.Location != "/collaborators/import?imported=1" {
				t.Fatalf("importing the template as it stands: %d → %q %s", r.Status, r.Location, r.Body)
			}
			c, ok := byEmail(t, s, "mau.ctv@example.vn")
			year := time.Now().In(clock.VN).Year()
			if !ok || len(s.Collaborators(t)) != before+1 || c.Code != "MAU-01" || c.FullName != "Nguyễn Thị Mẫu" || c.Role != "ctv" ||
				c.Phone != "0912345678" || c.Contract.StartsOn != fmt.Sprintf("%d-01-01", year) || c.Contract.EndsOn != fmt.Sprintf("%d-12-31", year+1) ||
				c.Contract.Status != "active" || c.Contract.QuarterlyStipend != 1500000 {
				t.Errorf("the template's example stored as %+v (stored: %v)", c, ok)
			}
			// A team leader: refused, as the import page.
			leader := s.Forms(t, s.LoginDemo(t, s.Find(t, "team_leader", "NT").Email))
			if r := leader.Get(path); r.Status != 403 {
				t.Errorf("a team leader, %s: %d", path, r.Status)
			}
		})
	}
}

// editForm is the edit form as the page fills it for c.
func editForm(c collaborators.Collaborator) url.Values {
	return url.Values{"action": {"save"}, "code": {c.Code}, "full_name": {c.FullName}, "email": {c.Email}, "phone": {c.Phone},
		"role": {c.Role}, "area_code": {c.AreaCode}, "commune": {c.Commune}, "position": {c.Position},
		"contract_number": {c.Contract.Number}, "starts_on": {c.Contract.StartsOn}, "ends_on": {c.Contract.EndsOn},
		"status": {c.Contract.Status}, "quarterly_stipend": {strconv.FormatInt(c.Contract.QuarterlyStipend, 10)}}
}

// A coordinator suspends a CTV's contract and lowers the stipend with the
// edit form, is refused a bad phone beside the field with nothing changed,
// then archives the record and restores it.
func TestEditForm(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	f := s.Forms(t, s.LoginDemo(t, apptest.Coordinator))
	ctv := s.Find(t, "ctv", "NT")
	page := "/collaborators/" + ctv.ID

	if r := f.Get(page); r.Status != 200 || !strings.Contains(r.Body, `href="`+page+`/edit"`) {
		t.Fatalf("the person's page offers the coordinator no edit link: %d", r.Status)
	}
	r := f.Get(page + "/edit")
	if r.Status != 200 || !strings.Contains(r.Body, `value="`+ctv.Contract.Number+`"`) || !strings.Contains(r.Body, `value="`+ctv.Contract.EndsOn+`"`) ||
		!strings.Contains(r.Body, `action="`+page+`/edit"`) || !strings.Contains(r.Body, `value="archive"`) {
		t.Fatalf("GET the edit page: %d %s", r.Status, r.Body)
	}
	if ctv.Contract.Status == "suspended" {
		t.Fatalf("the demo CTV %s is suspended already", ctv.Code)
	}

	// A bad phone: beside the field, nothing changed.
	form := editForm(ctv)
	form.Set("phone", "12345")
	form.Set("status", "suspended")
	r = f.Post(page+"/edit", form)
	if r.Status != 400 || !besideField(r.Body, "phone", "Số điện thoại gồm 10 chữ số") || !strings.Contains(r.Body, `value="12345"`) {
		t.Fatalf("a bad phone: %d %s", r.Status, r.Body)
	}
	if got := stored(t, s, ctv.ID); got.Phone != ctv.Phone || got.Contract.Status != ctv.Contract.Status {
		t.Fatalf("a refused edit changed the record: %+v", got)
	}

	// Suspend and lower the stipend.
	form = editForm(ctv)
	form.Set("status", "suspended")
	form.Set("quarterly_stipend", "1.000.000")
	r = f.Post(page+"/edit", form)
	if r.Status != 303 || r.Location != page+"?saved=updated" {
		t.Fatalf("suspend: %d → %q %s", r.Status, r.Location, r.Body)
	}
	got := stored(t, s, ctv.ID)
	if got.Contract.Status != "suspended" || got.Contract.QuarterlyStipend != 1000000 || got.Contract.EndsOn != ctv.Contract.EndsOn || got.Phone != ctv.Phone {
		t.Errorf("after suspending: %+v", got.Contract)
	}
	if p := f.Get(r.Location); !strings.Contains(p.Body, "Đã lưu thay đổi") || !strings.Contains(p.Body, "Tạm dừng") || !strings.Contains(p.Body, "1.000.000 ₫") {
		t.Errorf("the person's page after suspending: %s", p.Body)
	}
	// Move to another district.
	form = editForm(got)
	form.Set("area_code", "LT")
	form.Set("commune", "Xã An Phước")
	if r = f.Post(page+"/edit", form); r.Status != 303 || r.Location != page+"?saved=updated" {
		t.Fatalf("move district: %d → %q %s", r.Status, r.Location, r.Body)
	}
	if got = stored(t, s, ctv.ID); got.AreaCode != "LT" || got.Commune != "Xã An Phước" || got.Contract.Status != "suspended" {
		t.Errorf("after the move: %s %s %s", got.AreaCode, got.Commune, got.Contract.Status)
	}
	// The same form again changes nothing.
	if r = f.Post(page+"/edit", editForm(got)); r.Status != 303 || r.Location != page+"?saved=unchanged" {
		t.Errorf("an unchanged form: %d → %q", r.Status, r.Location)
	}

	// Archive, then restore.
	if l := f.Get("/collaborators?area_code=LT"); !strings.Contains(l.Body, `data-code="`+ctv.Code+`"`) {
		t.Fatal("the moved person is not listed in their new district")
	}
	f.Get(page + "/edit")
	if r = f.Post(page+"/edit", url.Values{"action": {"archive"}}); r.Status != 303 || r.Location != page+"?saved=archived" {
		t.Fatalf("archive: %d → %q %s", r.Status, r.Location, r.Body)
	}
	if !stored(t, s, ctv.ID).Archived {
		t.Fatal("not archived")
	}
	if p := f.Get(r.Location); !strings.Contains(p.Body, "Đã lưu trữ hồ sơ") {
		t.Errorf("the person's page after archiving says nothing")
	}
	if l := f.Get("/collaborators?area_code=LT"); l.Status != 200 || strings.Contains(l.Body, `data-code="`+ctv.Code+`"`) {
		t.Error("an archived person is still listed")
	}
	if e := f.Get(page + "/edit"); !strings.Contains(e.Body, `value="unarchive"`) {
		t.Error("the edit page of an archived person offers no restore")
	}
	if r = f.Post(page+"/edit", url.Values{"action": {"unarchive"}}); r.Status != 303 || r.Location != page+"?saved=unarchived" || stored(t, s, ctv.ID).Archived {
		t.Errorf("restore: %d → %q", r.Status, r.Location)
	}
}

// Moving a contract's end later is a renewal: for a person the rule finds
// not eligible (new, without certificates) the form comes back with the
// reasons and an override field, nothing changed; with a reason the
// contract is renewed and the override audited.
func TestRenewalFormNeedsOverrideReason(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	coord := s.LoginDemo(t, apptest.Coordinator)
	r := s.Do(t, "POST", "/api/v1/collaborators", coord, newInput("NT-95", "renew.me@example.vn"))
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var c collaborators.Collaborator
	r.JSON(t, &c)
	page := "/collaborators/" + c.ID
	f := s.Forms(t, coord)
	if e := f.Get(page + "/edit"); e.Status != 200 || strings.Contains(e.Body, `id="override_reason"`) {
		t.Fatalf("the edit page: %d; it asks for an override before any renewal", e.Status)
	}

	form := editForm(c)
	form.Set("ends_on", "2028-12-31")
	shown := f.Post(page+"/edit", form)
	if shown.Status != 422 || !besideField(shown.Body, "ends_on", "chưa đủ điều kiện gia hạn") ||
		!strings.Contains(shown.Body, `id="renewal-reasons"`) || !strings.Contains(shown.Body, `id="override_reason"`) || !strings.Contains(shown.Body, `value="2028-12-31"`) {
		t.Fatalf("a renewal the rule refuses: %d %s", shown.Status, shown.Body)
	}
	reasons := regexp.MustCompile(`(?s)<ul class="reasons" id="renewal-reasons">(.*?)</ul>`).FindStringSubmatch(shown.Body)
	if reasons == nil || !strings.Contains(reasons[1], "<li>") {
		t.Errorf("no reason listed: %s", shown.Body)
	}
	if got := stored(t, s, c.ID); got.Contract.EndsOn != "2027-12-31" {
		t.Fatalf("a refused renewal changed the contract: %+v", got.Contract)
	}

	form.Set("override_reason", "Địa bàn chưa có người thay thế; sẽ học bù KC-101 trong quý I")
	if r := f.Post(page+"/edit", form); r.Status != 303 || r.Location != page+"?saved=updated" {
		t.Fatalf("a renewal with a reason: %d → %q %s", r.Status, r.Location, r.Body)
	}
	if got := stored(t, s, c.ID); got.Contract.EndsOn != "2028-12-31" {
		t.Errorf("renewed contract: %+v", got.Contract)
	}
	es, err := s.App.Audit.For(context.Background(), "collaborator", c.ID)
	if err != nil {
		t.Fatal(err)
	}
	audited := false
	for _, e := range es {
		if e.Action == "contract.renewal_override" && e.Changes["override_reason"] == "Địa bàn chưa có người thay thế; sẽ học bù KC-101 trong quý I" {
			audited = true
		}
	}
	if !audited {
		t.Errorf("the override is not audited with its reason: %+v", es)
	}
}

// The registry's forms are the coordinator's and the admin's: a CTV, a
// team leader and the leadership are refused (403) and shown no link.
func TestRegistryFormsAreStaffOnly(t *testing.T) {
	t.Parallel()
	s, c := castIn(t, "NT")
	lead := s.LoginDemo(t, apptest.Leadership)
	page := "/collaborators/" + c.ctv.ID
	for who, tok := range map[string]string{"ctv": c.ctvTok, "team_leader": c.leaderTok, "leadership": lead} {
		f := s.Forms(t, tok)
		for _, path := range []string{"/collaborators", page} {
			r := f.Get(path)
			if r.Status != 200 || strings.Contains(r.Body, "/collaborators/new") || strings.Contains(r.Body, "/collaborators/import") || strings.Contains(r.Body, page+"/edit") {
				t.Errorf("%s GET %s: %d, or a link to a form it may not use", who, path, r.Status)
			}
		}
		for _, path := range []string{"/collaborators/new", "/collaborators/import", page + "/edit"} {
			if r := f.Get(path); r.Status != 403 {
				t.Errorf("%s GET %s: %d, want 403", who, path, r.Status)
			}
		}
		before := registryState(t, s)
		form := editForm(c.ctv)
		form.Set("phone", "0987000111")
		if r := f.Post(page+"/edit", form); r.Status != 403 {
			t.Errorf("%s POST the edit form: %d, want 403", who, r.Status)
		}
		if r := f.Post("/collaborators/new", newForm("NT-96", "khong.duoc@example.vn")); r.Status != 403 {
			t.Errorf("%s POST the new form: %d, want 403", who, r.Status)
		}
		if registryState(t, s) != before {
			t.Errorf("%s changed the registry through a form", who)
		}
	}
}
