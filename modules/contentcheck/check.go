// Package contentcheck validates everything under content/ and reports each
// problem as "file:line: message", for `academy content check` and start-up.
package contentcheck

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/ctvacademy/academy/modules/accounts"
	"github.com/ctvacademy/academy/modules/certification"
	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/demo"
	"github.com/ctvacademy/academy/modules/platform/i18n"
	"github.com/ctvacademy/academy/modules/platform/srcpos"
	"github.com/ctvacademy/academy/modules/scheduling"
	"github.com/ctvacademy/academy/modules/standing"
	"go.yaml.in/yaml/v3"
)

// Problem is one thing wrong with the content, written "file:line: message".
type Problem = courses.Problem

// Check validates every file's text (UTF-8), the translations, the demo
// network, the mail templates (each rendered with sample data), the
// courses and the standing rules. Files are named from the repository root
// (content/...).
func Check(fsys fs.FS) []Problem {
	out, broken := checkUTF8(fsys)
	out = append(out, checkI18n(fsys, broken)...)
	if !broken[demo.File] {
		n, err := demo.Read(fsys)
		if ps, ok := err.(demo.Problems); ok {
			out = append(out, fromDemo(ps)...)
		} else if err != nil {
			out = append(out, Problem{File: "content/" + demo.File, Message: err.Error()})
		} else {
			out = append(out, fromDemo(demo.Check(n))...)
		}
	}
	for _, p := range scheduling.CheckNotices(fsys) {
		if !broken[p.File] {
			out = append(out, Problem{File: "content/" + p.File, Line: p.Line, Message: p.Message})
		}
	}
	if _, err := accounts.LoadMails(fsys); err != nil {
		out = append(out, fromLoader(fsys, err, broken)...)
	}
	if _, err := certification.LoadMails(fsys); err != nil {
		out = append(out, fromLoader(fsys, err, broken)...)
	}
	catalog, cps := courses.Load(fsys)
	for _, p := range FromCourses(cps) {
		if !broken[strings.TrimPrefix(p.File, "content/")] {
			out = append(out, p)
		}
	}
	if !broken[standing.File] {
		out = append(out, checkStanding(fsys, catalog)...)
	}
	return out
}

// checkStanding reads the standing rules and checks that each course they
// recommend is in the catalog.
func checkStanding(fsys fs.FS, catalog *courses.Catalog) []Problem {
	c, err := standing.Load(fsys, standing.File)
	ps, ok := err.(standing.Problems)
	if err != nil && !ok {
		ps = standing.Problems{{Message: err.Error()}}
	}
	ps = append(ps, c.CheckCourses(func(code string) bool { _, ok := catalog.Course(code); return ok })...)
	out := make([]Problem, len(ps))
	for i, p := range ps {
		msg := p.Message
		if p.Field != "" {
			msg = p.Field + ": " + msg
		}
		out[i] = Problem{File: "content/" + standing.File, Line: p.Line, Message: msg}
	}
	return out
}

// FromCourses turns the course loader's problems into content problems,
// naming each file from the repository root (content/courses/...).
func FromCourses(ps []courses.Problem) []Problem {
	out := make([]Problem, 0, len(ps))
	for _, p := range ps {
		out = append(out, Problem{File: "content/" + p.File, Line: p.Line, Message: p.Message})
	}
	return out
}

// fromLoader turns a template loader's error ("mail/x.yaml: <mail>: …")
// into a problem of that file at the line of that mail, unless the file is
// reported as not UTF-8.
func fromLoader(fsys fs.FS, err error, broken map[string]bool) []Problem {
	file, msg, ok := strings.Cut(err.Error(), ": ")
	if !ok || !strings.HasSuffix(file, ".yaml") {
		return []Problem{{File: "content/mail", Message: err.Error()}}
	}
	if broken[file] {
		return nil
	}
	line := 0
	if name, _, ok := strings.Cut(msg, ": "); ok {
		if b, err := fs.ReadFile(fsys, file); err == nil {
			for i, l := range strings.Split(string(b), "\n") {
				if strings.HasPrefix(l, name+":") {
					line = i + 1
					break
				}
			}
		}
	}
	return []Problem{{File: "content/" + file, Line: line, Message: msg}}
}

func fromDemo(ps demo.Problems) []Problem {
	out := make([]Problem, len(ps))
	for i, p := range ps {
		out[i] = Problem{File: "content/" + demo.File, Line: p.Line, Message: p.Message}
	}
	return out
}

// checkUTF8 reports every file of fsys that is not valid UTF-8, at the
// line of its first bad byte, and returns them so that other checks do not
// report the same fault again.
func checkUTF8(fsys fs.FS) ([]Problem, map[string]bool) {
	var out []Problem
	broken := map[string]bool{}
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) == ".go" {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			out = append(out, Problem{File: "content/" + p, Message: "cannot read: " + err.Error()})
			return nil
		}
		if line, col, bad := srcpos.InvalidUTF8(b); bad {
			broken[p] = true
			out = append(out, Problem{File: "content/" + p, Line: line, Message: fmt.Sprintf("is not valid UTF-8 (column %d): save the file as UTF-8", col)})
		}
		return nil
	})
	return out, broken
}

// checkI18n reads each language's translations: YAML errors at their line,
// then the keys one language has and another lacks.
func checkI18n(fsys fs.FS, broken map[string]bool) []Problem {
	var out []Problem
	for _, lang := range i18n.Languages {
		file := "i18n/" + lang + ".yaml"
		if broken[file] {
			return out // reported as not UTF-8; the rest would repeat it
		}
		b, err := fs.ReadFile(fsys, file)
		if err != nil {
			out = append(out, Problem{File: "content/" + file, Message: "missing: the interface in " + lang + " is written from this file"})
			continue
		}
		var table map[string]string
		if err := yaml.Unmarshal(b, &table); err != nil {
			line, msg := srcpos.YAMLIn(b, err)
			out = append(out, Problem{File: "content/" + file, Line: line, Message: "invalid YAML: " + msg})
		}
	}
	if len(out) > 0 {
		return out
	}
	sub, err := fs.Sub(fsys, "i18n")
	if err == nil {
		_, err = i18n.Load(sub)
	}
	if err != nil {
		out = append(out, Problem{File: "content/i18n", Message: err.Error()})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out
}
