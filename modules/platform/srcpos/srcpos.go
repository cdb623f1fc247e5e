// Package srcpos finds where in a content file a problem is, so that
// `academy content check` and start-up can say "file:line: message".
package srcpos

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

var (
	yamlLineRe  = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	yamlFieldRe = regexp.MustCompile(`^\s*line (\d+): (.*)$`)
)

// parserProblems are the messages of go.yaml.in/yaml/v3's parser (as
// opposed to its scanner). For them the library prints a 0-based line (it
// adds 1 to scanner errors only), one line before the edited one: the
// line is corrected here.
var parserProblems = []string{
	"did not find expected ",
	"found duplicate %YAML directive",
	"found duplicate %TAG directive",
	"found incompatible YAML document",
	"found undefined tag handle",
}

// YAML returns the 1-based line a yaml.v3 error points at and its message
// without the "yaml: line N:" prefix; line is 0 when the error names none.
// For an "unmarshal errors" list (type mismatches, unknown or repeated
// keys) it returns the first entry's line.
func YAML(err error) (line int, msg string) {
	s := err.Error()
	if m := yamlLineRe.FindStringSubmatch(s); m != nil {
		line, _ = strconv.Atoi(m[1])
		for _, p := range parserProblems {
			if strings.HasPrefix(m[2], p) {
				line++
				break
			}
		}
		if m[2] == "found a tab character that violates indentation" {
			// The line printed is where the plain scalar before it began;
			// the tab opens the next one.
			line++
		}
		return line, m[2]
	}
	if rest, ok := strings.CutPrefix(s, "yaml: unmarshal errors:\n"); ok {
		first, _, _ := strings.Cut(rest, "\n")
		if m := yamlFieldRe.FindStringSubmatch(first); m != nil {
			line, _ = strconv.Atoi(m[1])
			return line, m[2]
		}
	}
	return 0, strings.TrimPrefix(s, "yaml: ")
}

// YAMLIn is YAML for an error of parsing src, made exact where yaml.v3's
// own line is not: for an error inside a block mapping it names the line
// where the mapping began, for an unclosed flow the line after. The line
// is the first whose document, cut after it, no longer parses, which is
// where a broken file goes wrong; the message is the whole file's.
func YAMLIn(src []byte, err error) (line int, msg string) {
	line, msg = YAML(err)
	if strings.HasPrefix(err.Error(), "yaml: unmarshal errors:") {
		return line, msg // the nodes' own lines: exact
	}
	var n yaml.Node
	end := 0
	for k := 1; end < len(src); k++ {
		next := bytes.IndexByte(src[end:], '\n')
		if next < 0 {
			end = len(src)
		} else {
			end += next + 1
		}
		if yaml.Unmarshal(src[:end], &n) != nil {
			return k, msg
		}
	}
	return line, msg
}

// InvalidUTF8 returns the 1-based line and column (in bytes) of the first
// byte of b that is not valid UTF-8, and false when all of b is valid.
func InvalidUTF8(b []byte) (line, col int, found bool) {
	if utf8.Valid(b) {
		return 0, 0, false
	}
	line, start := 1, 0
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return line, i - start + 1, true
		}
		if b[i] == '\n' {
			line, start = line+1, i+1
		}
		i += n
	}
	return line, 0, true
}

// Error is a problem at a line of a content file (0: the whole file).
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Strict decodes the YAML file src into v, refusing a key v has no field
// for, and returns the file's node tree for the lines of its fields (nil
// when src does not parse). Its error is an *Error: text that is not
// UTF-8, "invalid YAML: …" where the file does not parse, or the decoder's
// message (an unknown key, a type mismatch) at its line.
func Strict(src []byte, v any) (*yaml.Node, error) {
	if line, col, bad := InvalidUTF8(src); bad {
		return nil, &Error{Line: line, Msg: fmt.Sprintf("is not valid UTF-8 (column %d): save the file as UTF-8", col)}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		line, msg := YAMLIn(src, err)
		return nil, &Error{Line: line, Msg: "invalid YAML: " + msg}
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		line, msg := YAMLIn(src, err)
		return &root, &Error{Line: line, Msg: msg}
	}
	return &root, nil
}
