// Package examload holds what the exam load benchmark (bench/cmd/examload)
// adds to the fixture: a bench-only 30-minute course, served beside the
// product's catalog, and a bench area of collaborators with accounts.
package examload

import (
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"testing/fstest"

	"github.com/ctvacademy/academy/content"
)

// CourseCode is the bench-only course: 30 minutes, 20 questions an attempt
// drawn from a bank of 40, enough attempts for repeated runs.
const CourseCode = "BENCH-30"

// courseFiles returns the files of the bench course, under courses/.
func courseFiles() fstest.MapFS {
	md := `---
code: ` + CourseCode + `
title:
  vi: "Bài kiểm tra tải (chỉ dùng cho benchmark)"
  en: "Load test exam (benchmark only)"
summary:
  vi: "Khóa học dùng riêng cho phép đo tải: 30 phút, 20 câu mỗi lượt."
  en: "A course for the load benchmark only: 30 minutes, 20 questions an attempt."
required_for: []
certification:
  validity_months: 12
  renewal_window_days: 30
  requires_attendance: false
---
# Bài kiểm tra tải

Nội dung chỉ dùng cho phép đo tải.
`
	var q strings.Builder
	q.WriteString("pass_mark: 0.7\ntime_limit_minutes: 30\nquestions_per_attempt: 20\nmax_attempts: 50\nreview: score_only\nquestions:\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&q, "  - id: q%02d\n    kind: single\n    text:\n      vi: \"Câu hỏi đo tải số %d: chọn phương án đúng.\"\n      en: \"Load test question %d: pick the right option.\"\n    options:\n", i, i, i)
		for k, id := range []string{"a", "b", "c", "d"} {
			fmt.Fprintf(&q, "      - id: %s\n        text: {vi: \"Phương án %s\", en: \"Option %s\"}\n        correct: %v\n", id, id, id, k == i%4)
		}
	}
	return fstest.MapFS{
		"courses/" + CourseCode + "/course.md":    {Data: []byte(md)},
		"courses/" + CourseCode + "/course.en.md": {Data: []byte("# Load test exam\n\nContent for the load benchmark only.\n")},
		"courses/" + CourseCode + "/quiz.yaml":    {Data: []byte(q.String())},
	}
}

// Courses is the product's content with the bench course added: pass it
// as app.Options.Courses (burst.StackConfig.Courses).
func Courses() fs.FS { return overlay{top: courseFiles(), base: content.FS} }

// overlay reads a file from top, else from base; a directory lists both.
type overlay struct {
	top  fstest.MapFS
	base fs.FS
}

func (o overlay) Open(name string) (fs.File, error) {
	if f, err := o.top.Open(name); err == nil {
		if st, err := f.Stat(); err == nil && !st.IsDir() {
			return f, nil
		}
		_ = f.Close()
	}
	return o.base.Open(name)
}

func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	base, baseErr := fs.ReadDir(o.base, name)
	top, topErr := fs.ReadDir(o.top, name)
	if baseErr != nil && topErr != nil {
		return nil, baseErr
	}
	seen := map[string]bool{}
	var out []fs.DirEntry
	for _, e := range append(base, top...) {
		if !seen[e.Name()] {
			seen[e.Name()] = true
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}
