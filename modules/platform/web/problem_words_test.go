package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/i18n"
)

func catalog(t *testing.T) *i18n.Translator {
	t.Helper()
	tr, err := i18n.LoadDir(content.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// The service's English words are said in Vietnamese through the
// catalog, values included; words it lacks are replaced by a Vietnamese
// sentence, never shown in English on a Vietnamese page; an English page
// keeps them as they are.
func TestProblemWords(t *testing.T) {
	t.Parallel()
	w := newProblemWords(catalog(t))
	for _, tc := range []struct{ msg, vi string }{
		{"no such collaborator", "Không có cộng tác viên này."},
		{`no collaborator with code "NT-07"`, `Không có cộng tác viên mang mã "NT-07".`},
		{"no attempt left: 3 of 3 used", "Anh/chị đã dùng hết lượt làm bài (3 trên 3 lượt)."},
		{"Cannot GET /nowhere", "Không có trang nào ở địa chỉ /nowhere."},
		{"is not valid percent-encoding: write % as %25", "không đúng cách mã hóa phần trăm (viết dấu phần trăm thành %25)"},
		{"only a failed message can be retried; this one is sent", "Chỉ gửi lại được thư bị lỗi; thư này đang ở trạng thái sent."},
		{"no such course", "Không có khóa học này."},
		{"no such ledger", "Không tìm thấy mục này."}, // a store's own words, its document's name left out
		{"the session is busy; try again", "Dữ liệu này đang được cập nhật; hãy thử lại sau giây lát."},
		{"must be a JSON object, not null", "phải là đối tượng JSON, không được là null"},
		{"nobody writes these words", ""},
	} {
		got := w.detail("vi", tc.msg)
		if tc.vi == "" {
			if got != w.tr.T("vi", "error.detail_untranslated") {
				t.Errorf("%q untranslated: %q", tc.msg, got)
			}
		} else if got != tc.vi {
			t.Errorf("%q in Vietnamese: %q, want %q", tc.msg, got, tc.vi)
		}
		if got := w.detail("en", tc.msg); got != tc.msg {
			t.Errorf("%q in English: %q", tc.msg, got)
		}
	}
	fields := w.fields("vi", []errs.FieldError{{Field: "phone", Message: "must be a Vietnamese phone number of 10 digits starting with 0"},
		{Field: "x", Message: "wants something else"}})
	if fields[0].Message != "phải là số điện thoại Việt Nam gồm 10 chữ số, bắt đầu bằng 0" || fields[1].Message != w.tr.T("vi", "error.field_untranslated") || fields[1].Field != "x" {
		t.Errorf("fields in Vietnamese: %+v", fields)
	}
}

// Every English problem.* entry is words the code writes: its fixed text
// (up to its first value) is in a Go string of modules/ (a store's
// "no such %s": its document's name is), so that a message
// reworded in the code is not left untranslated without a failing test.
func TestProblemWordsAreTheCodes(t *testing.T) {
	t.Parallel()
	var src strings.Builder
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		src.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	code := src.String()
	msgs, _ := codeProblems(t, root)
	read := map[string]bool{} // the messages TestCodesProblemsHaveWords reads, a type's name in words written in
	for _, m := range msgs {
		read[m.format] = true
	}
	for key, en := range catalog(t).Prefixed("en", "problem.") {
		fixed := problemVerb.Split(en, -1)[0]
		if key == "problem.no_route" || read[en] { // Fiber's own words for a path no route has; a message read from the code
			continue
		}
		if what, ok := strings.CutPrefix(en, "no such "); ok && strings.Contains(code, strconv.Quote(what)) {
			continue // the store's "no such %s" of a collection's document
		}
		if !strings.Contains(code, strings.TrimSuffix(strconv.Quote(fixed), `"`)) {
			t.Errorf("%s: %q is in no Go string of modules/", key, fixed)
		}
	}
}
