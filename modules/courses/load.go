package courses

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/ctvacademy/academy/modules/platform/srcpos"
	"go.yaml.in/yaml/v3"
)

// Dir is where the courses live in the content file system: one folder per
// course code, each holding course.md, course.en.md and quiz.yaml.
const Dir = "courses"

// Problem is one thing wrong with the course content: a file of the file
// system handed to Load, the line (0 when the problem is the whole file)
// and what is wrong.
type Problem = srcpos.Problem

// Load reads every course under courses/ in fsys and validates it. It
// reports every problem it finds, not just the first, and always returns a
// catalog of what it could read; a caller must not serve a catalog that
// came with problems.
func Load(fsys fs.FS) (*Catalog, []Problem) {
	var probs []Problem
	entries, err := fs.ReadDir(fsys, Dir)
	if err != nil {
		return NewCatalog(nil), []Problem{{File: Dir, Message: "cannot read the course folder: " + err.Error()}}
	}
	var out []Course
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		c, ps := loadCourse(fsys, e.Name())
		probs = append(probs, ps...)
		out = append(out, c)
	}
	if len(out) == 0 {
		probs = append(probs, Problem{File: Dir, Message: "no courses: each course is a folder courses/<CODE>/"})
	}
	return NewCatalog(out), probs
}

var (
	codeRe = regexp.MustCompile(`^[A-Z0-9]+(-[A-Z0-9]+)*$`)
	idRe   = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

// loadCourse reads the three files of one course folder.
func loadCourse(fsys fs.FS, folder string) (Course, []Problem) {
	var probs []Problem
	base := path.Join(Dir, folder)
	c := Course{Code: folder}

	probs = append(probs, readText(fsys, path.Join(base, "course.md"), "every course needs course.md: front matter and the Vietnamese lesson",
		func(file string, b []byte) []Problem { return readCourseMD(&c, file, folder, b) })...)
	probs = append(probs, readText(fsys, path.Join(base, "course.en.md"), "missing translation: the English lesson course.en.md does not exist",
		func(file string, b []byte) []Problem {
			text := normalize(b)
			c.Lesson.EN = text
			switch {
			case strings.HasPrefix(text, "---\n"):
				return []Problem{{File: file, Line: 1, Message: "course.en.md holds only the English lesson: the front matter belongs in course.md"}}
			case strings.TrimSpace(text) == "":
				return []Problem{{File: file, Line: 1, Message: "missing translation: the English lesson is empty"}}
			}
			return nil
		})...)
	probs = append(probs, readText(fsys, path.Join(base, "quiz.yaml"), "every course needs a quiz bank quiz.yaml",
		func(file string, b []byte) []Problem {
			sum := sha256.Sum256(b)
			c.Quiz.Version = hex.EncodeToString(sum[:6])
			return readQuiz(&c.Quiz, file, b)
		})...)
	return c, probs
}

// readText reads file and hands its bytes to read, which returns their
// problems; a missing file is the problem ifMissing, a file that is not
// UTF-8 is not read.
func readText(fsys fs.FS, file, ifMissing string, read func(file string, b []byte) []Problem) []Problem {
	b, err := fs.ReadFile(fsys, file)
	if err != nil {
		return []Problem{missing(file, err, ifMissing)}
	}
	if p, bad := NotUTF8(file, b); bad {
		return []Problem{p}
	}
	return byLine(read(file, b))
}

// NotUTF8 reports a file that is not valid UTF-8, at the line of its first
// bad byte: read as it is, the bytes would show as U+FFFD (�) to learners.
func NotUTF8(file string, b []byte) (Problem, bool) {
	line, col, bad := srcpos.InvalidUTF8(b)
	if !bad {
		return Problem{}, false
	}
	return Problem{File: file, Line: line, Message: fmt.Sprintf("is not valid UTF-8 (column %d): save the file as UTF-8", col)}, true
}

// byLine orders one file's problems by line.
func byLine(ps []Problem) []Problem {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Line < ps[j].Line })
	return ps
}

func missing(file string, err error, msg string) Problem {
	if errors.Is(err, fs.ErrNotExist) {
		return Problem{File: file, Message: msg}
	}
	return Problem{File: file, Message: "cannot read: " + err.Error()}
}

// normalize drops a byte-order mark and turns CRLF line ends into LF.
func normalize(b []byte) string {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

// splitFrontMatter cuts "---\n<yaml>---\n<markdown>" into the YAML, the line
// the YAML starts on, the Markdown and the line the Markdown starts on.
func splitFrontMatter(text string) (front string, frontLine int, body string, bodyLine int, err error) {
	if !strings.HasPrefix(text, "---\n") {
		return "", 0, "", 0, errors.New("must start with YAML front matter between two --- lines")
	}
	lines := strings.SplitAfter(text, "\n")
	for i := 1; i < len(lines); i++ {
		if strings.TrimRight(lines[i], " \t\n") == "---" {
			return strings.Join(lines[1:i], ""), 2, strings.Join(lines[i+1:], ""), i + 2, nil
		}
	}
	return "", 0, "", 0, errors.New("the front matter is not closed by a --- line")
}

// readCourseMD reads the front matter and the Vietnamese lesson.
func readCourseMD(c *Course, file, folder string, b []byte) []Problem {
	r := &reader{file: file}
	front, frontLine, body, bodyLine, err := splitFrontMatter(normalize(b))
	if err != nil {
		r.add(1, "%s", err.Error())
		return r.probs
	}
	r.offset = frontLine - 1
	c.Lesson.VI = body
	if strings.TrimSpace(body) == "" {
		r.add(bodyLine, "the lesson is empty: write it in Markdown after the front matter")
	}
	root, ok := r.parse(front)
	if !ok {
		return r.probs
	}
	f := r.mapping(root, "the front matter", []string{"code", "title", "summary", "required_for", "certification"},
		"code", "title", "summary", "required_for", "certification")
	if n := f.val["code"]; n != nil {
		code := r.str(n, "code")
		switch {
		case code != folder:
			r.at(n, "code %q does not match its folder %q", code, folder)
		case !codeRe.MatchString(code):
			r.at(n, "code %q must be capital letters and digits joined by -, like KC-101", code)
		}
	}
	if n := f.val["title"]; n != nil {
		c.Title = r.text(n, "title")
	}
	if n := f.val["summary"]; n != nil {
		c.Summary = r.text(n, "summary")
	}
	if n := f.val["required_for"]; n != nil {
		c.RequiredFor = r.roles(n)
	}
	if n := f.val["certification"]; n != nil {
		c.Certification = r.certification(n)
	}
	return r.probs
}

func (r *reader) roles(n *yaml.Node) []string {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		r.at(n, "required_for must be a list of roles (ctv, team_leader), or [] for none")
		return nil
	}
	out := []string{}
	seen := map[string]bool{}
	for _, item := range n.Content {
		role := r.str(item, "a role")
		switch {
		case role != RoleCTV && role != RoleTeamLeader:
			r.at(item, "unknown role %q in required_for: use ctv or team_leader", role)
		case seen[role]:
			r.at(item, "role %q appears twice in required_for", role)
		default:
			seen[role] = true
			out = append(out, role)
		}
	}
	return out
}

func (r *reader) certification(n *yaml.Node) Certification {
	var cert Certification
	f := r.mapping(n, "certification", []string{"validity_months", "renewal_window_days", "requires_attendance"},
		"validity_months", "renewal_window_days", "requires_attendance")
	if v := f.val["validity_months"]; v != nil {
		cert.ValidityMonths = r.positive(v, "certification.validity_months")
	}
	if v := f.val["renewal_window_days"]; v != nil {
		cert.RenewalWindowDays = r.positive(v, "certification.renewal_window_days")
		if cert.ValidityMonths > 0 && cert.RenewalWindowDays >= cert.ValidityMonths*28 {
			r.at(v, "certification.renewal_window_days (%d) must be shorter than the certificate's validity (validity_months: %d)",
				cert.RenewalWindowDays, cert.ValidityMonths)
		}
	}
	if v := f.val["requires_attendance"]; v != nil {
		cert.RequiresAttendance = r.boolean(v, "certification.requires_attendance")
	}
	return cert
}

// readQuiz reads and checks a quiz bank.
func readQuiz(q *Quiz, file string, b []byte) []Problem {
	r := &reader{file: file}
	root, ok := r.parse(normalize(b))
	if !ok {
		return r.probs
	}
	f := r.mapping(root, "the quiz", []string{"pass_mark", "time_limit_minutes", "questions_per_attempt", "max_attempts", "review", "retake_after_minutes", "questions"},
		"pass_mark", "time_limit_minutes", "questions_per_attempt", "max_attempts", "questions")
	if n := f.val["pass_mark"]; n != nil {
		if v, ok := r.number(n, "pass_mark"); ok {
			if v <= 0 || v > 1 {
				r.at(n, "pass_mark must be more than 0 and at most 1 (a share: 0.7 is 70%%), not %v", v)
			}
			q.PassMark = v
		}
	}
	if n := f.val["time_limit_minutes"]; n != nil {
		q.TimeLimitMinutes = r.positive(n, "time_limit_minutes")
	}
	if n := f.val["max_attempts"]; n != nil {
		q.MaxAttempts = r.positive(n, "max_attempts")
	}
	q.Review = ReviewAnswersAfterPass
	if n := f.val["review"]; n != nil {
		switch v := r.str(n, "review"); v {
		case ReviewAnswersAfterPass, ReviewAnswers, ReviewScoreOnly:
			q.Review = v
		default:
			r.at(n, "unknown review %q: use answers_after_pass (the right answers once passed), answers (always) or score_only", v)
		}
	}
	if n := f.val["retake_after_minutes"]; n != nil {
		q.RetakeAfterMinutes = r.minutes(n, "retake_after_minutes")
	}
	if n := f.val["questions"]; n != nil {
		q.Questions = r.questions(n, f.key["questions"])
	}
	if n := f.val["questions_per_attempt"]; n != nil {
		q.QuestionsPerAttempt = r.positive(n, "questions_per_attempt")
		if f.val["questions"] != nil && q.QuestionsPerAttempt > len(q.Questions) {
			r.at(n, "questions_per_attempt (%d) is more than the %d questions of the bank", q.QuestionsPerAttempt, len(q.Questions))
		}
	}
	return r.probs
}

func (r *reader) questions(n, key *yaml.Node) []Question {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		r.at(key, "questions must be a list")
		return nil
	}
	if len(n.Content) == 0 {
		r.at(key, "the quiz has no questions")
	}
	var out []Question
	firstLine := map[string]int{}
	for i, item := range n.Content {
		q := r.question(item, i+1)
		if q.ID != "" {
			if line, dup := firstLine[q.ID]; dup {
				r.at(item, "question id %q is used twice (first at line %d)", q.ID, line)
			} else {
				firstLine[q.ID] = r.line(item)
			}
		}
		out = append(out, q)
	}
	return out
}

// question reads the pos-th question (1-based, for messages when the id is missing).
func (r *reader) question(n *yaml.Node, pos int) Question {
	var q Question
	name := fmt.Sprintf("question #%d", pos)
	f := r.mapping(n, name, []string{"id", "kind", "text", "options"}, "id", "kind", "text", "options")
	if v := f.val["id"]; v != nil {
		q.ID = r.str(v, "id")
		if idRe.MatchString(q.ID) {
			name = "question " + q.ID
		} else {
			r.at(v, "%s: id %q must be 1 to 64 letters, digits, _ or -", name, q.ID)
		}
	}
	if v := f.val["kind"]; v != nil {
		switch k := r.str(v, "kind"); k {
		case KindSingle, KindMultiple, KindTrueFalse:
			q.Kind = k
		default:
			r.at(v, "%s: unknown kind %q: use single, multiple or true_false", name, k)
		}
	}
	if v := f.val["text"]; v != nil {
		q.Text = r.text(v, name+": text")
	}
	opts, optsKey := f.val["options"], f.key["options"]
	if opts == nil {
		return q
	}
	opts = resolve(opts)
	if opts.Kind != yaml.SequenceNode {
		r.at(optsKey, "%s: options must be a list", name)
		return q
	}
	firstLine := map[string]int{}
	for _, item := range opts.Content {
		o := r.option(item, name)
		if o.ID != "" {
			if line, dup := firstLine[o.ID]; dup {
				r.at(item, "%s: option id %q is used twice (first at line %d)", name, o.ID, line)
			} else {
				firstLine[o.ID] = r.line(item)
			}
		}
		q.Options = append(q.Options, o)
	}
	correct := len(q.CorrectIDs())
	switch q.Kind {
	case KindSingle:
		if len(q.Options) < 2 {
			r.at(optsKey, "%s: a single-choice question needs at least two options", name)
		}
		if correct != 1 {
			r.at(n, "%s: a single-choice question must have exactly one correct option, not %d", name, correct)
		}
	case KindMultiple:
		if len(q.Options) < 3 {
			r.at(optsKey, "%s: a multiple-choice question needs at least three options", name)
		}
		if correct < 2 {
			r.at(n, "%s: a multiple-choice question must have at least two correct options, not %d (use kind single for one)", name, correct)
		}
	case KindTrueFalse:
		if len(q.Options) != 2 || len(firstLine) != 2 || firstLine["true"] == 0 || firstLine["false"] == 0 {
			r.at(optsKey, "%s: a true_false question has exactly two options, with ids \"true\" and \"false\"", name)
		}
		if correct != 1 {
			r.at(n, "%s: a true_false question must have exactly one correct option, not %d", name, correct)
		}
	}
	return q
}

func (r *reader) option(n *yaml.Node, question string) Option {
	var o Option
	name := question + ": an option"
	f := r.mapping(n, name, []string{"id", "text", "correct"}, "id", "text")
	if v := f.val["id"]; v != nil {
		o.ID = r.str(v, "id")
		if idRe.MatchString(o.ID) {
			name = question + ": option " + o.ID
		} else {
			r.at(v, "%s: id %q must be 1 to 64 letters, digits, _ or -", name, o.ID)
		}
	}
	if v := f.val["text"]; v != nil {
		o.Text = r.text(v, name+": text")
	}
	if v := f.val["correct"]; v != nil {
		o.Correct = r.boolean(v, name+": correct")
	}
	return o
}

// reader turns YAML nodes into values and collects problems with the line
// numbers of the file (offset is added to the node's line, for front matter).
type reader struct {
	file   string
	offset int
	probs  []Problem
}

func (r *reader) add(line int, format string, args ...any) {
	r.probs = append(r.probs, Problem{File: r.file, Line: line, Message: fmt.Sprintf(format, args...)})
}

func (r *reader) line(n *yaml.Node) int { return n.Line + r.offset }

func (r *reader) at(n *yaml.Node, format string, args ...any) { r.add(r.line(n), format, args...) }

// parse reads a YAML document and returns its root node.
func (r *reader) parse(src string) (*yaml.Node, bool) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		line, msg := srcpos.YAMLIn([]byte(src), err)
		if line == 0 {
			line = 1
		}
		r.add(line+r.offset, "invalid YAML: %s", msg)
		return nil, false
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		r.add(1+r.offset, "the YAML is empty")
		return nil, false
	}
	return doc.Content[0], true
}

func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// fields are a mapping's value nodes and key nodes, by key.
type fields struct {
	val, key map[string]*yaml.Node
}

// mapping reads a YAML mapping's values by key: unknown and repeated keys
// and missing required keys are problems.
func (r *reader) mapping(n *yaml.Node, what string, known []string, required ...string) fields {
	n = resolve(n)
	out := fields{val: map[string]*yaml.Node{}, key: map[string]*yaml.Node{}}
	if n.Kind != yaml.MappingNode {
		r.at(n, "%s must be a mapping of keys to values", what)
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case !contains(known, k.Value):
			r.at(k, "unknown key %q in %s (known: %s)", k.Value, what, strings.Join(known, ", "))
		case out.val[k.Value] != nil:
			r.at(k, "key %q appears twice in %s", k.Value, what)
		default:
			out.val[k.Value], out.key[k.Value] = v, k
		}
	}
	for _, key := range required {
		if out.val[key] == nil {
			r.at(n, "%s: missing %s", what, key)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// str reads a scalar as text; null is the empty string.
func (r *reader) str(n *yaml.Node, what string) string {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode {
		r.at(n, "%s must be a single value", what)
		return ""
	}
	if n.ShortTag() == "!!null" {
		return ""
	}
	return strings.TrimSpace(n.Value)
}

// whole reads an integer, reporting "<what> must be <kind>" when the node
// is not one; it returns the node resolved.
func (r *reader) whole(n *yaml.Node, what, kind string) (*yaml.Node, int, bool) {
	n = resolve(n)
	var v int
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&v) != nil {
		r.at(n, "%s must be %s", what, kind)
		return n, 0, false
	}
	return n, v, true
}

// positive reads a whole number ≥ 1.
func (r *reader) positive(n *yaml.Node, what string) int {
	n, v, ok := r.whole(n, what, "a whole number")
	if !ok {
		return 0
	}
	if v < 1 {
		r.at(n, "%s must be at least 1, not %d", what, v)
	}
	return v
}

// maxRetakeMinutes bounds a wait between attempts: 30 days.
const maxRetakeMinutes = 30 * 24 * 60

// minutes reads a wait in whole minutes, 0 to 30 days.
func (r *reader) minutes(n *yaml.Node, what string) int {
	n, v, ok := r.whole(n, what, "a whole number of minutes (0 for no wait)")
	if !ok {
		return 0
	}
	if v < 0 || v > maxRetakeMinutes {
		r.at(n, "%s must be from 0 to %d (30 days), not %d", what, maxRetakeMinutes, v)
		return 0
	}
	return v
}

func (r *reader) number(n *yaml.Node, what string) (float64, bool) {
	n = resolve(n)
	var v float64
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float") || n.Decode(&v) != nil {
		r.at(n, "%s must be a number", what)
		return 0, false
	}
	return v, true
}

func (r *reader) boolean(n *yaml.Node, what string) bool {
	n = resolve(n)
	var v bool
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&v) != nil {
		r.at(n, "%s must be true or false", what)
		return false
	}
	return v
}

// text reads {vi, en}; a missing or empty language is a missing translation.
func (r *reader) text(n *yaml.Node, what string) Text {
	var t Text
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		r.at(n, "%s must give the text in both languages: {vi: ..., en: ...}", what)
		return t
	}
	f := r.mapping(n, what, []string{"vi", "en"})
	for _, lang := range []string{"vi", "en"} {
		v := f.val[lang]
		if v == nil {
			r.at(n, "%s: missing translation: %s", what, lang)
			continue
		}
		s := r.str(v, what+"."+lang)
		if s == "" {
			r.at(v, "%s: missing translation: %s is empty", what, lang)
		}
		if lang == "vi" {
			t.VI = s
		} else {
			t.EN = s
		}
	}
	return t
}

// Problems is a list of problems; as an error it lists them one a line.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}
