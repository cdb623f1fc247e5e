// Package csvx writes CSV files that a spreadsheet program opens safely:
// every CSV export goes through it, so that a cell a user typed can never
// run as a formula (CSV injection).
package csvx

import (
	"bytes"
	"encoding/csv"
	"io"
)

// Cell returns s as a spreadsheet will show it and never evaluate it: a
// value starting with =, +, -, @, a tab or a carriage return is prefixed
// with an apostrophe, which spreadsheet programs read as "text follows".
func Cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// Writer is an encoding/csv Writer whose every cell goes through Cell.
type Writer struct {
	w *csv.Writer
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: csv.NewWriter(w)} }

// Write writes one record, each cell neutralised.
func (w *Writer) Write(record []string) error {
	safe := make([]string, len(record))
	for i, s := range record {
		safe[i] = Cell(s)
	}
	return w.w.Write(safe)
}

// Encode is records as a CSV file: UTF-8 with a BOM (so that spreadsheet
// programs read Vietnamese), every cell through Cell.
func Encode(records [][]string) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\xef\xbb\xbf")
	w := NewWriter(&buf)
	for _, r := range records {
		if err := w.Write(r); err != nil {
			return nil, err
		}
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Flush writes any buffered data and returns the first write error.
func (w *Writer) Flush() error {
	w.w.Flush()
	return w.w.Error()
}
