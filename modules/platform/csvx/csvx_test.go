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
