package collaborators

import (
	"bytes"
	"strings"
)

// ReadTable reads the rows of a CSV or XLSX file (told apart by name or
// content) as the registry import does: UTF-8 CSV with ',' or ';', the
// first sheet of a workbook, at most MaxImportRows data rows. Other
// imports use it with HeaderKey for their own columns. Errors:
// errs.Invalid naming the file.
func ReadTable(name string, data []byte) ([][]string, error) {
	if strings.HasSuffix(strings.ToLower(name), ".xlsx") || bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return readXLSX(data)
	}
	return readCSV(data)
}

// HeaderKey is how a column header is matched: without regard to case,
// accents, spacing, '/', '_' or '.'.
func HeaderKey(s string) string { return headerKey(s) }

// IsBlank reports whether a row has only empty cells.
func IsBlank(rec []string) bool { return blank(rec) }
