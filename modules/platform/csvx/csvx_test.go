package csvx

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestCellsAreNeverFormulas(t *testing.T) {
	cases := []struct{ in, want string }{
		{`=HYPERLINK("http://evil.example","bấm")`, `'=HYPERLINK("http://evil.example","bấm")`},
		{"+84912345678", "'+84912345678"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A2)", "'@SUM(A1:A2)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"Nguyễn Văn An", "Nguyễn Văn An"},
		{"1.50", "1.50"},
		{"", ""},
		{"a=b", "a=b"},
	}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, c := range cases {
		if err := w.Write([]string{"x", c.in}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(cases) {
		t.Fatalf("%d rows, want %d", len(rows), len(cases))
	}
	for i, c := range cases {
		if got := rows[i][1]; got != c.want {
			t.Errorf("cell %q read back as %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzCell: whatever a user typed, the cell a spreadsheet reads back from
// the file never starts a formula, and only a leading apostrophe is added.
func FuzzCell(f *testing.F) {
	for _, s := range []string{"=1+1", "+84", "-", "@x", "\t=1", "\r=1", "Nguyễn", "", "'=x", "a,b\"c\nd"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		w := NewWriter(&buf)
		if err := w.Write([]string{"x", s}); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil || len(rows) != 1 || len(rows[0]) != 2 {
			return // encoding/csv's own limits (e.g. a lone \r), not ours
		}
		got := rows[0][1]
		if got != "" && (got[0] == '=' || got[0] == '+' || got[0] == '-' || got[0] == '@' || got[0] == '\t' || got[0] == '\r') {
			t.Fatalf("%q reads back as %q, a formula", s, got)
		}
	})
}
