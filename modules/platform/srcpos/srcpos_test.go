package srcpos

import (
	"errors"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// Each document is broken on line 3 (or, for the block scalar, on line 4,
// the line that leaves its indentation): the reported line is that one.
func TestYAMLPointsAtTheBrokenLine(t *testing.T) {
	for _, tc := range []struct {
		src  string
		line int
	}{
		{"a: 1\nb: 2\nc: [1, 2\nd: 4\n", 3},  // parser: unclosed flow sequence
		{"a: 1\nb: 2\nc: {x: 1\nd: 4\n", 3},  // parser: unclosed flow mapping
		{"a: 1\nb: 2\n- c\nd: 4\n", 3},       // parser: a list item in a mapping
		{"a: 1\nb: |\n  x\n y\nd: 4\n", 4},   // parser: a block scalar left early
		{"a: 1\nb: 2\n  c: 3\nd: 4\n", 3},    // scanner: mapping value in a scalar
		{"a: 1\nb: 2\nc: @x\nd: 4\n", 3},     // scanner: reserved character
		{"a: 1\nb: 2\nc: \"open\nd: 4\n", 3}, // scanner: unclosed quote
		{"a: 1\nb: x\n\tc: 3\nd: 4\n", 3},    // scanner: a tab for indentation
	} {
		var n yaml.Node
		err := yaml.Unmarshal([]byte(tc.src), &n)
		if err == nil {
			t.Errorf("%q parsed", tc.src)
			continue
		}
		if line, msg := YAML(err); line != tc.line {
			t.Errorf("%q: line %d (%s), want %d", tc.src, line, msg, tc.line)
		}
		if line, msg := YAMLIn([]byte(tc.src), err); line != tc.line {
			t.Errorf("YAMLIn %q: line %d (%s), want %d", tc.src, line, msg, tc.line)
		}
	}
	// Inside a nested mapping yaml.v3 names the mapping's first line.
	nested := "root:\n  a: 1\n  b: 2\n  - c\n  d: 4\n"
	err := yaml.Unmarshal([]byte(nested), new(yaml.Node))
	if line, msg := YAMLIn([]byte(nested), err); line != 4 {
		t.Errorf("nested: line %d (%s), want 4", line, msg)
	}
	var m map[string]int
	err = yaml.Unmarshal([]byte("a: 1\nb: 2\nc: x\n"), &m)
	if line, msg := YAML(err); line != 3 || msg == "" {
		t.Errorf("type error: line %d %q", line, msg)
	}
}

func TestInvalidUTF8(t *testing.T) {
	if _, _, found := InvalidUTF8([]byte("Tiếng Việt\nhai dòng\n")); found {
		t.Error("valid text reported")
	}
	line, col, found := InvalidUTF8([]byte("một\nhai\nb\xe1 n\n"))
	if !found || line != 3 || col != 2 {
		t.Errorf("line %d col %d found %v, want 3 2 true", line, col, found)
	}
}

func TestStrict(t *testing.T) {
	type doc struct {
		Name string `yaml:"name"`
		Age  int    `yaml:"age"`
	}
	for _, tc := range []struct {
		src, msg string
		line     int
		tree     bool
	}{
		{src: "name: An\nage: 30\n", tree: true},
		{src: "name: An\nage: 30\nemial: x\n", line: 3, msg: "field emial not found in type srcpos.doc", tree: true},
		{src: "name: An\nage: thirty\n", line: 2, msg: "cannot unmarshal", tree: true},
		{src: "name: [An\nage: 30\n", line: 1, msg: "invalid YAML: "},
		{src: "name: An\nage: 3\xe90\n", line: 2, msg: "is not valid UTF-8 (column 7)"},
	} {
		var d doc
		root, err := Strict([]byte(tc.src), &d)
		var e *Error
		if tc.msg == "" && err != nil || tc.msg != "" && (!errors.As(err, &e) || e.Line != tc.line || !strings.Contains(e.Msg, tc.msg)) {
			t.Errorf("Strict(%q) = %v; want line %d: …%s…", tc.src, err, tc.line, tc.msg)
		}
		if (root != nil) != tc.tree {
			t.Errorf("Strict(%q): tree %v, want one: %v", tc.src, root, tc.tree)
		}
	}
}
