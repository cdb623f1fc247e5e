// Package contentcheck validates everything under content/ and reports each
// problem as "file:line: message", for `academy content check` and start-up.
package contentcheck

import (
	"fmt"
	"io/fs"

	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/demo"
	"github.com/ctvacademy/academy/modules/platform/i18n"
)

// Problem is one thing wrong with the content, written "file:line: message".
type Problem = courses.Problem

// Check validates the translations, the demo network and the courses.
func Check(fsys fs.FS) []Problem {
	var out []Problem
	sub, err := fs.Sub(fsys, "i18n")
	if err == nil {
		_, err = i18n.Load(sub)
	}
	if err != nil {
		out = append(out, Problem{File: "content/i18n", Message: err.Error()})
	}
	n, err := demo.Read(fsys)
	if err != nil {
		out = append(out, Problem{File: "content/demo/network.yaml", Message: err.Error()})
	} else {
		out = append(out, checkNetwork(n)...)
	}
	_, cps := courses.Load(fsys)
	out = append(out, FromCourses(cps)...)
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

func checkNetwork(n demo.Network) []Problem {
	var out []Problem
	add := func(format string, args ...any) {
		out = append(out, Problem{File: "content/demo/network.yaml", Message: fmt.Sprintf(format, args...)})
	}
	areas := map[string]bool{}
	for _, a := range n.Areas {
		if areas[a.Code] {
			add("area %s appears twice", a.Code)
		}
		areas[a.Code] = true
	}
	emails := map[string]bool{}
	for _, s := range n.Staff {
		if emails[s.Email] {
			add("email %s appears twice", s.Email)
		}
		emails[s.Email] = true
	}
	for _, p := range n.Collaborators {
		if !areas[p.AreaCode] {
			add("%s: unknown area %s", p.Code, p.AreaCode)
		}
		if emails[p.Email] {
			add("email %s appears twice", p.Email)
		}
		emails[p.Email] = true
	}
	return out
}
