package srcpos

import "fmt"

// Problem is one thing wrong with a content file: the file, the line (0
// when the problem is the whole file) and what is wrong.
type Problem struct {
	File    string
	Line    int
	Message string
}

// String writes the problem as "file:line: message".
func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Message)
}
