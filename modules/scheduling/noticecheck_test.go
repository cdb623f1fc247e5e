package scheduling_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/scheduling"
)

// mailCopy writes the product's mail templates into a temporary folder,
// with edit applied to each file's text, and returns the folder.
func mailCopy(t *testing.T, edit func(lang, text string) string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "mail"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"vi", "en"} {
		b, err := content.FS.ReadFile("mail/" + lang + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		text := edit(lang, string(b))
		if text == "" {
			continue // deleted
		}
		if err := os.WriteFile(filepath.Join(dir, "mail", lang+".yaml"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// replaceLine replaces the first line of text containing old with repl
// and returns the new text and the 1-based number of that line.
func replaceLine(t *testing.T, text, old, repl string) (string, int) {
	t.Helper()
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.Contains(l, old) {
			lines[i] = repl
			return strings.Join(lines, "\n"), i + 1
		}
	}
	t.Fatalf("no line contains %q", old)
	return "", 0
}

func TestCheckNoticesFindsBrokenTemplatesWithTheirLine(t *testing.T) {
	t.Parallel()
	if ps := scheduling.CheckNotices(content.FS); len(ps) > 0 {
		t.Fatalf("the product's mail templates have problems: %v", ps)
	}
	for _, tc := range []struct {
		name     string
		lang     string
		old, new string // a line containing old becomes new; the problem is on it
		delete   bool
		line     int // when the problem is not on the edited line (-1: any)
		contains string
	}{
		{name: "vi.yaml deleted", lang: "vi", delete: true, line: 0, contains: "missing"},
		{name: "en.yaml deleted", lang: "en", delete: true, line: 0, contains: "missing"},
		{name: "an unknown field in a text body", lang: "vi", old: "Vui lòng xác nhận tham dự hoặc báo vắng tại", new: "    Vui lòng xác nhận tại: {{ .Nope }}",
			contains: "invite.text: executing"},
		{name: "an unknown field in a subject", lang: "en", old: "subject:", new: `  subject: "Invitation: {{.Titel}}"`, contains: "can't evaluate field Titel"},
		{name: "an unknown field in html", lang: "vi", old: "<p>Lý do: {{.Reason}}</p>", new: "    <p>Lý do: {{.Nope}}</p>", contains: "cancel.html"},
		{name: "an unclosed action", lang: "vi", old: "Giảng viên: {{.Trainer}}{{end}}</p>", new: "    Địa điểm: {{.Location}}{{if .Trainer}}<br>Giảng viên: {{.Trainer}}</p>",
			line: -1, contains: "invite.html"},
		{name: "a template that does not parse", lang: "en", old: "{{.RSVPURL}}", new: "    Answer here: {{.RSVPURL}", contains: "invite.text: bad character"},
		{name: "a subject on two lines", lang: "vi", old: `subject: "Hủy buổi tập huấn`, new: `  subject: "Hủy buổi tập huấn:\n{{.Title}}"`, contains: "one line"},
		{name: "an unknown notice", lang: "vi", old: "promoted:", new: "promotd:", contains: `unknown notice "promotd"`},
		{name: "a missing notice", lang: "vi", old: "promoted:", new: "promotd:", line: -1, contains: "missing notice(s): promoted"},
		{name: "invalid UTF-8", lang: "en", old: "{{.Name}}", new: "    Dear {{.Name}}, caf\xe9", contains: "not valid UTF-8"},
		{name: "invalid YAML", lang: "vi", old: "update:", new: "- update:", contains: "invalid YAML"},
		{name: "an attachment name with accents", lang: "vi", old: `attachment: "huy-tap-huan.ics"`, new: `  attachment: "hủy-tập-huấn.ics"`, contains: "cancel: attachment"},
		{name: "a calendar without its attachment name", lang: "en", old: `attachment: "training-cancelled.ics"`, new: "", line: -1, contains: "cancel: missing attachment"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			edited := 0
			dir := mailCopy(t, func(lang, text string) string {
				if lang != tc.lang {
					return text
				}
				if tc.delete {
					return ""
				}
				text, edited = replaceLine(t, text, tc.old, tc.new)
				return text
			})
			want := edited
			if tc.line != 0 || tc.delete {
				want = tc.line
			}
			file := "mail/" + tc.lang + ".yaml"
			ps := scheduling.CheckNotices(os.DirFS(dir))
			for _, p := range ps {
				if p.File == file && (want < 0 || p.Line == want) && strings.Contains(p.Message, tc.contains) {
					return
				}
			}
			t.Errorf("want %s:%d: …%s…; got %v", file, want, tc.contains, ps)
		})
	}
}
