package collaborators

import (
	"bytes"
	"slices"
	"strings"

	"github.com/ctvacademy/academy/modules/platform/errs"
)

// ReadTable reads the rows of a CSV or XLSX file (told apart by name or
// content) as the registry import does: UTF-8 CSV with ',' or ';', the
// first sheet of a workbook, at most MaxImportRows data rows. Other
// imports use it with MatchHeader for their own columns. Errors:
// errs.Invalid naming the file.
func ReadTable(name string, data []byte) ([][]string, error) {
	if strings.HasSuffix(strings.ToLower(name), ".xlsx") || bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return readXLSX(data)
	}
	return readCSV(data)
}

// IsBlank reports whether a row has only empty cells.
func IsBlank(rec []string) bool { return blank(rec) }

// MatchHeader matches a file's header row to the fields of columns: a
// cell matches a column by its header or its field name, without regard
// to case, accents, spacing, '/', '_' or '.'. Empty cells and those in
// ignore (written folded: "stt", "ho va ten") are skipped. It returns the field of each matched column index
// and the fields found. Errors: errs.Invalid (field file.header) naming an
// unknown or repeated column.
func MatchHeader(header []string, columns []struct{ Header, Field string }, ignore ...string) (cols map[int]string, seen map[string]bool, err error) {
	lookup := map[string]string{}
	for _, c := range columns {
		lookup[headerKey(c.Header)] = c.Field
		lookup[headerKey(c.Field)] = c.Field
	}
	cols, seen = map[int]string{}, map[string]bool{}
	for i, h := range header {
		k := headerKey(h)
		if k == "" || slices.Contains(ignore, k) {
			continue
		}
		field, ok := lookup[k]
		if !ok {
			return nil, nil, errs.Field("file.header", "unknown column %q", strings.TrimSpace(h))
		}
		if seen[field] {
			return nil, nil, errs.Field("file.header", "column %q appears twice", strings.TrimSpace(h))
		}
		seen[field] = true
		cols[i] = field
	}
	return cols, seen, nil
}
