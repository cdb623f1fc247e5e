package contentcheck_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/contentcheck"
)

// contentCopy writes the product's content into a temporary folder, with
// the file named by file (under content/) changed by edit (nil: deleted).
func contentCopy(t *testing.T, file string, edit func(string) string) fs.FS {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(content.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := content.FS.ReadFile(p)
		if err != nil {
			return err
		}
		if p == file {
			if edit == nil {
				return nil
			}
			b = []byte(edit(string(b)))
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, p), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return os.DirFS(dir)
}

// lineOf is the 1-based line of text that contains s, or fails.
func lineOf(t *testing.T, text, s string) int {
	t.Helper()
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("no line contains %q", s)
	return 0
}

func TestShippedContentIsClean(t *testing.T) {
	if ps := contentcheck.Check(content.FS); len(ps) > 0 {
		t.Fatalf("content problems: %v", ps)
	}
}

// Each case breaks one line of one file of a copy of the content; the check
// must name that file and line (line 0: the whole file).
func TestBrokenContentIsFoundAtItsLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		file     string
		old, new string // the first line containing old becomes new
		delete   bool
		line     int // when the problem is not on the edited line
		contains string
	}{
		{name: "vietnamese mail templates deleted", file: "mail/vi.yaml", delete: true, contains: "missing"},
		{name: "an unknown field in a mail template", file: "mail/vi.yaml", old: "Vui lòng xác nhận tham dự hoặc báo vắng tại",
			new: "    Vui lòng xác nhận tại: {{ .Nope }}", contains: "can't evaluate field Nope"},
		{name: "a mail template that does not parse", file: "mail/en.yaml", old: "subject:", new: `  subject: "Invitation: {{.Title"`, contains: "invite.subject"},
		{name: "invalid UTF-8 in a mail template", file: "mail/en.yaml", old: "html:", new: "  html: caf\xe9", contains: "not valid UTF-8"},
		{name: "invalid UTF-8 in a lesson", file: "courses/KC-101/course.md", old: "# Chính sách khuyến công", new: "# Ch\xednh s\xe1ch", contains: "not valid UTF-8"},
		{name: "invalid UTF-8 in an English lesson", file: "courses/KC-102/course.en.md", old: "#", new: "# Less\xf6n", contains: "not valid UTF-8"},
		{name: "invalid UTF-8 in the translations", file: "i18n/en.yaml", old: "nav.login:", new: "nav.login: \"Sign \xe0n\"", contains: "not valid UTF-8"},
		{name: "invalid UTF-8 in the demo network", file: "demo/network.yaml", old: "full_name: Nguyễn Văn An", new: "    full_name: Nguy\xe1n V\xe3n An", contains: "not valid UTF-8"},
		{name: "YAML error in the translations", file: "i18n/en.yaml", old: "nav.login:", new: "nav.login: [Sign in", contains: "invalid YAML"},
		{name: "YAML error in a quiz", file: "courses/KC-102/quiz.yaml", old: "kind: single", new: "    kind: [single", contains: "invalid YAML"},
		{name: "YAML error in a quiz: a list item in a mapping", file: "courses/KC-102/quiz.yaml", old: "questions_per_attempt:", new: "- questions_per_attempt: 10", contains: "invalid YAML"},
		{name: "YAML error in the front matter", file: "courses/KC-101/course.md", old: "required_for:", new: "required_for: [ctv, team_leader", contains: "invalid YAML"},
		{name: "YAML error in the demo network", file: "demo/network.yaml", old: "code: BH-01", new: "  - code: [BH-01", contains: "invalid YAML"},
		{name: "an unknown key in the demo network", file: "demo/network.yaml", old: "email: an.nguyenvan@example.vn", new: "    emial: an.nguyenvan@example.vn", contains: "emial"},
		{name: "an unknown area in the demo network", file: "demo/network.yaml", old: "area_code: BH", new: "    area_code: ZZ", contains: "collaborators[0] (BH-01): area_code"},
		{name: "a bad phone in the demo network", file: "demo/network.yaml", old: `phone: "0844482246"`, new: `    phone: "12345"`, contains: "collaborators[0] (BH-01): phone"},
		{name: "a contract ending before it starts", file: "demo/network.yaml", old: `ends_on: "2027-12-31"`, new: `      ends_on: "2023-12-31"`, contains: "contract.ends_on: must be after"},
		{name: "an email used twice in the demo network", file: "demo/network.yaml", old: "email: an.nguyenvan@example.vn", new: "    email: dieuphoi@example.vn", contains: "email appears twice"},
		{name: "the standing rules deleted", file: "standing.yaml", delete: true, contains: "cannot read"},
		{name: "an unknown course for a weak KPI", file: "standing.yaml", old: "referrals: [KC-104, KC-101]", new: "    referrals: [KC-104, KC-901]", contains: `performance.courses.referrals[1]: "KC-901" is not a course`},
		{name: "a standing threshold out of 0–1", file: "standing.yaml", old: "attention_below:", new: "  attention_below: 60", contains: "performance.attention_below: must be from 0 to 1"},
		{name: "an unknown contract status in the stipend rules", file: "standing.yaml", old: "paid_statuses: [active, probation]", new: "  paid_statuses: [active, trial]", contains: `stipend.paid_statuses[1]: "trial" is not a contract status`},
		{name: "a KPI weight above 1", file: "standing.yaml", old: "surveys: 0.30", new: "    surveys: 1.30", contains: "performance.weights.surveys: must be from 0 to 1"},
		{name: "invalid UTF-8 in the standing rules", file: "standing.yaml", old: "ended: at_risk", new: "  ended: at_r\xecsk", contains: "not valid UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want := tc.line
			var edit func(string) string
			if !tc.delete {
				edit = func(text string) string {
					want = lineOf(t, text, tc.old)
					lines := strings.Split(text, "\n")
					lines[want-1] = tc.new
					return strings.Join(lines, "\n")
				}
			}
			ps := contentcheck.Check(contentCopy(t, tc.file, edit))
			for _, p := range ps {
				if p.File == "content/"+tc.file && p.Line == want && strings.Contains(p.Message, tc.contains) {
					return
				}
			}
			t.Errorf("want content/%s:%d: …%s…; got %d problem(s):\n%v", tc.file, want, tc.contains, len(ps), ps)
		})
	}
}

// The certificate reminders are checked too: a missing file, and a
// template that does not render, are named with the mail they break.
func TestCertificationMailsAreChecked(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file, mail string
		edit             func(string) string
		contains         string
	}{
		{name: "English reminders deleted", file: "mail/certification.en.yaml", contains: "no such file"},
		{name: "an unknown field in the expiry reminder", file: "mail/certification.vi.yaml", mail: "expired:",
			edit: func(s string) string {
				i := strings.Index(s, "expired:")
				return s[:i] + strings.Replace(s[i:], "{{.ValidUntil}}", "{{.Nope}}", 1)
			}, contains: "can't evaluate field Nope"},
		{name: "a reminder missing", file: "mail/certification.vi.yaml",
			edit: func(s string) string { return s[:strings.Index(s, "week_before:")] }, contains: `missing mail "week_before"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fsys := contentCopy(t, tc.file, tc.edit)
			want := 0
			if tc.mail != "" {
				b, _ := fs.ReadFile(fsys, tc.file)
				want = lineOf(t, string(b), tc.mail)
			}
			ps := contentcheck.Check(fsys)
			for _, p := range ps {
				if p.File == "content/"+tc.file && p.Line == want && strings.Contains(p.Message, tc.contains) {
					return
				}
			}
			t.Errorf("want content/%s:%d: …%s…; got %v", tc.file, want, tc.contains, ps)
		})
	}
}

// The account mails are checked too: a missing file, and a template that
// does not render, are named with the mail they break.
func TestAccountMailsAreChecked(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file string
		edit       func(string) string
		line       int
		contains   string
	}{
		{name: "English account mails deleted", file: "mail/accounts.en.yaml", contains: "no such file"},
		{name: "an unknown field in the activation mail", file: "mail/accounts.vi.yaml",
			edit: func(s string) string { return strings.Replace(s, "{{.URL}}", "{{.Nope}}", -1) }, contains: "can't evaluate field Nope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fsys := contentCopy(t, tc.file, tc.edit)
			want := 0
			if tc.edit != nil {
				b, _ := fs.ReadFile(fsys, tc.file)
				want = lineOf(t, string(b), "activate:")
			}
			ps := contentcheck.Check(fsys)
			for _, p := range ps {
				if p.File == "content/"+tc.file && p.Line == want && strings.Contains(p.Message, tc.contains) {
					return
				}
			}
			t.Errorf("want content/%s:%d: …%s…; got %v", tc.file, want, tc.contains, ps)
		})
	}
}
