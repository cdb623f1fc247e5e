package embedded

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	_ "modernc.org/sqlite" // FerretDB's SQLite driver, already in the binary
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// The embedded store answers an `{_id: …}` filter — finds, updates and
// deletes alike — with `WHERE _ferretdb_sjson->'$._id' = ?`, but the unique
// `_id` index FerretDB v1.24.2 creates is on `_ferretdb_sjson->"_id"`: the
// expressions differ, so SQLite never uses it and every `_id` lookup parses
// every document of the collection (NOTES.md has the figures).
//
// IndexIDs adds, to every collection of a database, the index the query can
// use: `CREATE INDEX … ON <table> (_ferretdb_sjson->'$._id')`, on the same
// SQLite file, through SQLite itself (FerretDB's metadata and its own
// indexes are untouched; dropping the collection drops the table and this
// index with it). An `_id` lookup then costs a B-tree search whatever the
// collection's size. Filters on other fields are still evaluated in Go over
// the whole collection: the data model must still address hot records by
// `_id` (DESIGN.md, "Store").

// idIndexSuffix names the added index: <table>_academy_id.
const idIndexSuffix = "_academy_id"

// IndexIDs creates the missing `_id` lookup indexes in the embedded
// database file dir/<database>.sqlite and reports how many it created. A
// database that does not exist yet has nothing to index.
func IndexIDs(ctx context.Context, dir, database string) (int, error) {
	file := filepath.Join(dir, database+".sqlite")
	if _, err := os.Stat(file); errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return 0, err
	}
	// mode=rw: never create a database FerretDB does not have.
	u := "file:" + (&url.URL{Path: abs}).EscapedPath() + "?mode=rw&_pragma=busy_timeout(10000)"
	db, err := sql.Open("sqlite", u)
	if err != nil {
		return 0, fmt.Errorf("store: open %s: %w", file, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	tables, err := stringsOf(ctx, db, `SELECT table_name FROM "_ferretdb_collections"`)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return 0, nil
		}
		return 0, fmt.Errorf("store: list collections of %s: %w", database, err)
	}
	existing, err := stringsOf(ctx, db, `SELECT name FROM sqlite_master WHERE type = 'index'`)
	if err != nil {
		return 0, fmt.Errorf("store: list indexes of %s: %w", database, err)
	}
	have := make(map[string]bool, len(existing))
	for _, n := range existing {
		have[n] = true
	}
	created := 0
	for _, t := range tables {
		name := t + idIndexSuffix
		if have[name] {
			continue
		}
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, name, t)
		if _, err := db.ExecContext(ctx, q); err != nil {
			if strings.Contains(err.Error(), "no such table") {
				continue // dropped meanwhile
			}
			return created, fmt.Errorf("store: index %s: %w", t, err)
		}
		created++
	}
	return created, nil
}

func stringsOf(ctx context.Context, db *sql.DB, q string) ([]string, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
