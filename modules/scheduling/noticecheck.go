package scheduling

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/ctvacademy/academy/modules/platform/srcpos"
	"go.yaml.in/yaml/v3"
)

// noticeLanguages are the languages every notice is written in.
var noticeLanguages = []string{"vi", "en"}

// noticeParts are the parts of one notice, each a Go template.
var noticeParts = []string{"subject", "text", "html"}

// sampleNotices are the data CheckNotices renders every template with:
// every field set, and the optional ones (course, trainer) empty.
var sampleNotices = []noticeData{
	{Name: "Nguyễn Văn An", Title: "Tập huấn chính sách khuyến công", Course: "Chính sách khuyến công", Date: "07/12/2026",
		Start: "08:00", End: "11:00", Location: "Hội trường UBND huyện Nhơn Trạch", Trainer: "ThS. Lê Văn Hùng",
		Area: "Huyện Nhơn Trạch", RSVPURL: "http://127.0.0.1:8080/rsvp/0123456789abcdef0123456789abcdef", Reason: "Giảng viên bận đột xuất",
		Response: ResponseAccepted},
	{Name: "Lê Thị Hoa", Title: "Kỹ năng tư vấn", Date: "31/12/2026", Start: "13:30", End: "16:30", Location: "Xã Phước An",
		RSVPURL: "http://127.0.0.1:8080/rsvp/fedcba9876543210fedcba9876543210", Response: ResponsePending},
	{Name: "Trần Văn Bình", Title: "Kỹ năng tư vấn", Date: "31/12/2026", Start: "13:30", End: "16:30", Location: "Xã Phước An",
		RSVPURL: "http://127.0.0.1:8080/rsvp/00112233445566778899aabbccddeeff", Response: ResponseWaitlisted},
}

// tplPosRe finds the line of a text/template or html/template error:
// "template: t:5:3: executing …" or "template: t:5: unexpected …".
var tplPosRe = regexp.MustCompile(`^(?:html/)?template: [^:]*:(\d+):(?:\d+:)? ?(.*)$`)

// CheckNotices reads the mail templates of fsys (mail/<lang>.yaml for
// every language) and renders each one with sample data as Compose does,
// so that a template that would fail at the first invitation fails here:
// a missing file, notice or part, text that is not UTF-8, invalid YAML, a
// template that does not parse, a field the data does not have
// ({{.Nope}}), a subject that renders on more than one line. Each problem
// has the line of the file it is on. Then it composes every notice with
// LoadNotices and Compose themselves, in case they fail where the checks
// above saw nothing.
func CheckNotices(fsys fs.FS) []srcpos.Problem {
	var out []srcpos.Problem
	for _, lang := range noticeLanguages {
		out = append(out, checkNoticeFile(fsys, lang)...)
	}
	if len(out) > 0 {
		return out
	}
	n, err := LoadNotices(fsys, "academy@example.vn", "Trung tâm Khuyến công", func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) },
		func(code, lang string) string { return "Khóa " + code })
	if err != nil {
		return []srcpos.Problem{{File: "mail", Message: err.Error()}}
	}
	start := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	s := Session{ID: "0123456789abcdef", CourseCode: "KC-101", Title: sampleNotices[0].Title, StartsAt: start, EndsAt: start.Add(3 * time.Hour),
		Location: sampleNotices[0].Location, Trainer: sampleNotices[0].Trainer, Status: StatusScheduled, CancelReason: sampleNotices[0].Reason}
	for _, lang := range noticeLanguages {
		p := Person{ID: "c1", Code: "NT-01", Name: sampleNotices[0].Name, Email: "an.nguyen@example.vn", AreaCode: "NT", AreaName: sampleNotices[0].Area,
			Role: "ctv", Language: lang}
		for _, kind := range Kinds {
			if _, err := n.Compose(kind, s, p, sampleNotices[0].RSVPURL); err != nil {
				out = append(out, srcpos.Problem{File: "mail/" + lang + ".yaml", Message: fmt.Sprintf("%s: composing a sample mail: %v", kind, err)})
			}
		}
	}
	return out
}

// checkNoticeFile checks mail/<lang>.yaml.
func checkNoticeFile(fsys fs.FS, lang string) []srcpos.Problem {
	file := "mail/" + lang + ".yaml"
	var out []srcpos.Problem
	add := func(line int, format string, args ...any) {
		out = append(out, srcpos.Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
	}
	b, err := fs.ReadFile(fsys, file)
	if errors.Is(err, fs.ErrNotExist) {
		add(0, "missing: the mails in %s (%s) are written from this file", lang, strings.Join(Kinds, ", "))
		return out
	}
	if err != nil {
		add(0, "cannot read: %v", err)
		return out
	}
	if line, col, bad := srcpos.InvalidUTF8(b); bad {
		add(line, "is not valid UTF-8 (column %d): save the file as UTF-8", col)
		return out
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		line, msg := srcpos.YAMLIn(b, err)
		add(line, "invalid YAML: %s", msg)
		return out
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		add(1, "must map each notice (%s) to its subject, text and html", strings.Join(Kinds, ", "))
		return out
	}
	root := doc.Content[0]
	seen := pairs(root, "notice", Kinds, add, func(k, v *yaml.Node) {
		out = append(out, checkNotice(file, k, v)...)
	})
	var missing []string
	for _, kind := range Kinds {
		if seen[kind] == nil {
			missing = append(missing, kind)
		}
	}
	if len(missing) > 0 {
		add(root.Line, "missing notice(s): %s", strings.Join(missing, ", "))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

// pairs walks a mapping's keys: one not known, or seen twice, is reported
// (add); each other is handed to each with its value. It returns the
// values by key.
func pairs(m *yaml.Node, what string, known []string, add func(line int, format string, args ...any), each func(k, v *yaml.Node)) map[string]*yaml.Node {
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		switch {
		case !listed(known, k.Value):
			add(k.Line, "unknown %s %q (known: %s)", what, k.Value, strings.Join(known, ", "))
		case seen[k.Value] != nil:
			add(k.Line, "%s %q appears twice", what, k.Value)
		default:
			seen[k.Value] = v
			each(k, v)
		}
	}
	return seen
}

// attachmentName is what a notice's attachment may be: the name of its
// calendar file in ASCII (mail.Calendar.Filename).
var attachmentName = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*\.ics$`)

// checkNotice checks one notice's parts: each parses and renders with the
// sample data; a notice with a calendar names its file (attachment), one
// without has none.
func checkNotice(file string, key, v *yaml.Node) []srcpos.Problem {
	var out []srcpos.Problem
	add := func(line int, format string, args ...any) {
		out = append(out, srcpos.Problem{File: file, Line: line, Message: key.Value + ": " + fmt.Sprintf(format, args...)})
	}
	if v.Kind != yaml.MappingNode {
		add(v.Line, "must map subject, text and html to their templates")
		return out
	}
	calendar := calendarMethod(key.Value) != ""
	known := noticeParts
	if calendar {
		known = append(slices.Clip(noticeParts), "attachment")
	}
	parts := pairs(v, "part", known, add, func(k, pv *yaml.Node) {
		if k.Value == "attachment" {
			if pv.Kind != yaml.ScalarNode || !attachmentName.MatchString(pv.Value) {
				add(pv.Line, "attachment %q must be a file name in lower-case ASCII letters, digits and hyphens, ending in .ics (e.g. huy-tap-huan.ics)", pv.Value)
			}
			return
		}
		if pv.Kind != yaml.ScalarNode || strings.TrimSpace(pv.Value) == "" {
			add(pv.Line, "%s must be a non-empty template", k.Value)
		} else {
			out = append(out, checkPart(file, key.Value, k.Value, pv)...)
		}
	})
	for _, part := range known {
		if parts[part] == nil {
			add(key.Line, "missing %s", part)
		}
	}
	return out
}

// checkPart parses one template as LoadNotices does and renders it with
// every sample.
func checkPart(file, kind, part string, v *yaml.Node) []srcpos.Problem {
	at := func(err error) srcpos.Problem {
		line, msg := v.Line, err.Error()
		if m := tplPosRe.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			line, msg = templateLine(v, n), m[2]
		}
		return srcpos.Problem{File: file, Line: line, Message: fmt.Sprintf("%s.%s: %s", kind, part, msg)}
	}
	render := func(d noticeData) (string, error) {
		var buf bytes.Buffer
		var err error
		if part == "html" {
			var t *htmltemplate.Template
			if t, err = htmltemplate.New("h").Option("missingkey=error").Parse(v.Value); err == nil {
				err = t.Execute(&buf, d)
			}
		} else {
			var t *template.Template
			if t, err = template.New(part[:1]).Option("missingkey=error").Parse(v.Value); err == nil {
				err = t.Execute(&buf, d)
			}
		}
		return buf.String(), err
	}
	for _, d := range sampleNotices {
		s, err := render(d)
		if err != nil {
			return []srcpos.Problem{at(err)}
		}
		if part == "subject" && strings.ContainsAny(strings.TrimSpace(s), "\r\n") {
			return []srcpos.Problem{{File: file, Line: v.Line, Message: kind + ".subject: renders on more than one line; a subject is one line"}}
		}
	}
	return nil
}

// templateLine turns a line of a template into a line of its file: a
// block scalar (| or >) starts on the line after its key, any other scalar
// on the key's line.
func templateLine(v *yaml.Node, n int) int {
	if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return v.Line + n
	}
	return v.Line + n - 1
}

// listed reports whether s is one of list.
func listed(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
