package app_test

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
)

var detailsPart = regexp.MustCompile(`(?s)<details[^>]*>.*?</details>`)

// details is the "Chi tiết"/"Details" part of an error page.
func details(t *testing.T, body string) string {
	t.Helper()
	d := detailsPart.FindString(body)
	if d == "" {
		t.Fatalf("the error page has no details: %s", truncate([]byte(body)))
	}
	return d
}

// An error page's details are in the page's language: a Vietnamese page
// said "no such collaborator", "is not a known district unit" and the
// outbox's "only a failed message can be retried…" in English under
// "Chi tiết" beneath a Vietnamese title and hint. Known words are said
// through the catalog; words it has no translation for are not shown on
// the Vietnamese page, which says so; the English page keeps the
// service's own words.
func TestErrorPageDetailsFollowTheLanguage(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	coord := s.LoginDemo(t, apptest.Coordinator)

	for _, tc := range []struct {
		name, path     string
		status         int
		vi, en         string // the details' words on each page
		notVI          string // English words the Vietnamese page must not hold
		fieldVI, field string // a field's message on each page
	}{
		{name: "unknown collaborator", path: "/collaborators/no-such-person", status: 404,
			vi: "Không có cộng tác viên này.", en: "no such collaborator", notVI: "no such"},
		{name: "bad query parameter", path: "/courses/KC-101/results?area_code=ZZ", status: 400,
			fieldVI: "không phải là đơn vị cấp huyện anh/chị được xem", field: "is not a district unit you may see", notVI: "district unit"},
		{name: "bad quarter", path: "/contracts/review?quarter=2026-Q5", status: 400,
			fieldVI: "phải là một quý, viết như 2026-Q4", field: "must be a quarter like 2026-Q4", notVI: "quarter like"},
	} {
		vi := s.Page(t, tc.path, coord)
		en := s.Page(t, tc.path+sep(tc.path)+"lang=en", coord)
		if vi.Status != tc.status || en.Status != tc.status {
			t.Errorf("%s: %d and %d, want %d", tc.name, vi.Status, en.Status, tc.status)
			continue
		}
		dvi, den := details(t, string(vi.Body)), details(t, string(en.Body))
		if !strings.Contains(dvi, "<summary>Chi tiết</summary>") || !strings.Contains(den, "<summary>Details</summary>") {
			t.Errorf("%s: summaries %q / %q", tc.name, dvi, den)
		}
		if strings.Contains(dvi, tc.notVI) {
			t.Errorf("%s: the Vietnamese page's details hold English: %s", tc.name, dvi)
		}
		if tc.vi != "" && (!strings.Contains(dvi, tc.vi) || !strings.Contains(den, tc.en)) {
			t.Errorf("%s: details\n vi %s\n en %s\nwant %q and %q", tc.name, dvi, den, tc.vi, tc.en)
		}
		if tc.fieldVI != "" && (!strings.Contains(dvi, tc.fieldVI) || !strings.Contains(den, tc.field)) {
			t.Errorf("%s: field\n vi %s\n en %s\nwant %q and %q", tc.name, dvi, den, tc.fieldVI, tc.field)
		}
	}

	// 409 with words the catalog had no entry for until the catalog was
	// checked against the code's messages (TestCodesProblemsHaveWords):
	// the Vietnamese page said only that it had no explanation; it says
	// what is wrong now, the English page keeps the service's words.
	ctv := s.Find(t, "ctv", "NT")
	session := s.CreateSession(t, coord, "KC-101", "NT", "Tập huấn trang lỗi", time.Now().Add(72*time.Hour))
	if r := s.Do(t, "POST", "/api/v1/sessions/"+session+"/invitations", coord, map[string]any{"collaborator_ids": []string{ctv.ID}}); r.Status != 200 {
		t.Fatalf("invite: %d %s", r.Status, r.Body)
	}
	msg := sessionMessage(t, s, coord, session)
	if msg == "" {
		t.Fatalf("no outbox message of the session %s", session)
	}
	for _, lang := range []string{"vi", "en"} {
		f := s.Forms(t, coord)
		f.Get("/outbox?lang=" + lang)
		r := f.Post("/outbox/"+url.PathEscape(msg)+"/retry?lang="+lang, nil)
		if r.Status != 409 {
			t.Errorf("retry of %s (%s): %d, want 409", msg, lang, r.Status)
			continue
		}
		d := details(t, r.Body)
		switch lang {
		case "vi":
			if strings.Contains(d, "only a failed message") || !strings.Contains(d, "Chỉ gửi lại được thư bị lỗi; thư này đang ở trạng thái ") {
				t.Errorf("409 in Vietnamese: %s", d)
			}
		case "en":
			if !strings.Contains(d, "only a failed message can be retried") {
				t.Errorf("409 in English: %s", d)
			}
		}
	}
}

// An upload whose file name is not UTF-8 is refused with the field's
// message in the page's language: the catalog had no entry for it, and
// the Vietnamese page said only "giá trị này chưa đúng".
func TestErrorPageFileNameNotUTF8InVietnamese(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	f := s.Forms(t, s.LoginDemo(t, apptest.Coordinator))
	f.Get("/collaborators/import")
	for _, tc := range []struct{ lang, want, notWant string }{
		{"vi", "tên tệp không phải văn bản UTF-8: hãy gửi văn bản mã hóa UTF-8", "not valid UTF-8"},
		{"en", "the file name is not valid UTF-8: send text in UTF-8", "tên tệp"},
	} {
		body, ctype := apptest.Multipart(t, "file", "danh-s\xe1ch.csv", []byte("code,full_name\n"), nil)
		req := apptest.NewRequest(t, "POST", s.URL+"/collaborators/import?lang="+tc.lang, bytes.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		r := f.Do(req)
		if r.Status != 400 {
			t.Errorf("%s: %d, want 400: %s", tc.lang, r.Status, truncate([]byte(r.Body)))
			continue
		}
		if d := details(t, r.Body); !strings.Contains(d, tc.want) || strings.Contains(d, tc.notWant) {
			t.Errorf("%s: details %s, want %q", tc.lang, d, tc.want)
		}
	}
}

// The registry's new-collaborator form with a bad phone comes back with
// the problem beside the field, in Vietnamese: no English leaks there (it
// is no error page, and was not one before either).
func TestNewCollaboratorFormBadPhoneInVietnamese(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	f := s.Forms(t, s.LoginDemo(t, apptest.Coordinator))
	f.Get("/collaborators/new")
	r := f.Post("/collaborators/new", url.Values{"code": {"NT-92"}, "full_name": {"Lê Thị Hồng Nhung"}, "email": {"nhung.le2@example.vn"},
		"phone": {"12345"}, "role": {"ctv"}, "area_code": {"NT"}, "commune": {"Xã Phước Thiền"},
		"contract_number": {"78/2026/HĐ-TTKC"}, "starts_on": {"01/01/2026"}, "ends_on": {"2027-12-31"}, "status": {"probation"},
		"quarterly_stipend": {"1.500.000"}})
	if r.Status != 400 || !strings.Contains(r.Body, `id="err-phone"`) || !strings.Contains(r.Body, "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0.") {
		t.Fatalf("a bad phone: %d %s", r.Status, truncate([]byte(r.Body)))
	}
	if strings.Contains(r.Body, "phone number") || strings.Contains(r.Body, "must be") {
		t.Errorf("the Vietnamese form shows English: %s", truncate([]byte(r.Body)))
	}
}

// sep is the separator before another query parameter of path.
func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}
