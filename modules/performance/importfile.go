package performance

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
)

// ImportColumns is the layout of a quarter's import: the Vietnamese header
// each column carries and the field it fills (the field names are accepted
// as headers too, matched as the registry import matches them). A person
// is named by code or collaborator_id; the target columns are optional and
// only a coordinator or admin may fill them.
var ImportColumns = []struct{ Header, Field string }{
	{"Mã CTV", "code"},
	{"ID CTV", "collaborator_id"},
	{"Hồ sơ cơ sở", "profiles"},
	{"Khảo sát nhu cầu", "surveys"},
	{"Giới thiệu vào chương trình", "referrals"},
	{"Báo cáo đúng hạn", "report_on_time"},
	{"Chỉ tiêu hồ sơ", "targets.profiles"},
	{"Chỉ tiêu khảo sát", "targets.surveys"},
	{"Chỉ tiêu giới thiệu", "targets.referrals"},
}

// ImportResult answers a successful import.
type ImportResult struct {
	Imported int      `json:"imported"`
	Items    []Record `json:"items"`
}

// importRow is one data row: its line in the file (header = 1) and cells
// by field.
type importRow struct {
	line  int
	cells map[string]string
}

// parseImport reads the file's rows. Errors: errs.Invalid naming the file
// or its header.
func parseImport(name string, data []byte) ([]importRow, error) {
	records, err := collaborators.ReadTable(name, data)
	if err != nil {
		return nil, err
	}
	if len(records) == 0 {
		return nil, errs.Field("file", "is empty")
	}
	// Row numbers and names are for the reader.
	cols, seen, err := collaborators.MatchHeader(records[0], ImportColumns, "stt", "ho va ten", "full name")
	if err != nil {
		return nil, err
	}
	if !seen["code"] && !seen["collaborator_id"] {
		return nil, errs.Field("file.header", "missing column: Mã CTV (or collaborator_id)")
	}
	var missing []string
	for _, f := range []string{"profiles", "surveys", "referrals", "report_on_time"} {
		if !seen[f] {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return nil, errs.Field("file.header", "missing columns: %s", strings.Join(missing, ", "))
	}
	var rows []importRow
	for li, rec := range records[1:] {
		if collaborators.IsBlank(rec) {
			continue
		}
		row := importRow{line: li + 2, cells: map[string]string{}}
		for i, cell := range rec {
			if f, ok := cols[i]; ok {
				row.cells[f] = strings.TrimSpace(cell)
			}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, errs.Field("file", "has no data rows")
	}
	return rows, nil
}

// count reads a non-negative whole number ("" is 0).
func count(v string) (int, bool) {
	if v == "" {
		return 0, true
	}
	n, err := strconv.Atoi(strings.ReplaceAll(v, " ", ""))
	return n, err == nil && n >= 0 && n <= MaxCount
}

// yesNo reads the report-on-time cell: 1/0, có/không, x, true/false.
func yesNo(v string) (bool, bool) {
	switch collaborators.Fold(strings.TrimSpace(v)) {
	case "1", "x", "co", "dung han", "yes", "true":
		return true, true
	case "", "0", "khong", "tre", "tre han", "no", "false":
		return false, true
	}
	return false, false
}

// Import writes a quarter's rows: every row, or none when any row has a
// problem (errs.Unprocessable listing rows[<line>].<field>). Rows name
// people in the caller's scope; an approved record cannot change.
func (s *Service) Import(ctx context.Context, scope authz.Scope, quarter, name string, data []byte) (ImportResult, error) {
	q, err := ParseQuarter("quarter", quarter)
	if err != nil {
		return ImportResult{}, err
	}
	rows, err := parseImport(name, data)
	if err != nil {
		return ImportResult{}, err
	}
	people, err := s.d.People.List(ctx, scope, collaborators.Filter{})
	if err != nil {
		return ImportResult{}, err
	}
	byCode, byID := map[string]collaborators.Collaborator{}, map[string]collaborators.Collaborator{}
	for _, p := range people {
		byCode[collaborators.Fold(p.Code)], byID[p.ID] = p, p
	}
	qd, err := s.quarter(ctx, q.String())
	if err != nil {
		return ImportResult{}, err
	}
	listed := map[string]bool{}
	for _, id := range qd.Records {
		listed[id] = true
	}
	type change struct {
		p collaborators.Collaborator
		c Change
	}
	var changes []change
	var problems []errs.FieldError
	taken := map[string]int{}
	for _, row := range rows {
		bad := func(field, format string, args ...any) {
			problems = append(problems, errs.FieldError{Field: fmt.Sprintf("rows[%d].%s", row.line, field), Message: fmt.Sprintf(format, args...)})
		}
		var p collaborators.Collaborator
		var ok bool
		if id := row.cells["collaborator_id"]; id != "" {
			if p, ok = byID[id]; !ok {
				bad("collaborator_id", "no collaborator with this id in your scope")
			}
		} else if code := row.cells["code"]; code != "" {
			if p, ok = byCode[collaborators.Fold(code)]; !ok {
				bad("code", "no collaborator with this code in your scope")
			}
		} else {
			bad("code", "is required")
		}
		if ok {
			if first, dup := taken[p.ID]; dup {
				bad("code", "the same person as row %d", first)
				ok = false
			} else {
				taken[p.ID] = row.line
			}
		}
		var a Actuals
		for _, f := range []struct {
			name string
			dst  *int
		}{{"profiles", &a.Profiles}, {"surveys", &a.Surveys}, {"referrals", &a.Referrals}} {
			n, good := count(row.cells[f.name])
			if !good {
				bad(f.name, "must be a whole number from 0 to 10000")
			}
			*f.dst = n
		}
		rep, good := yesNo(row.cells["report_on_time"])
		if !good {
			bad("report_on_time", "must be 1 or 0 (có or không)")
		}
		a.ReportOnTime = rep
		c := Change{Actuals: &a}
		var t Targets
		anyTarget := false
		for _, f := range []struct {
			name string
			dst  *int
		}{{"targets.profiles", &t.Profiles}, {"targets.surveys", &t.Surveys}, {"targets.referrals", &t.Referrals}} {
			v := row.cells[f.name]
			if v == "" {
				continue
			}
			anyTarget = true
			n, good := count(v)
			if !good {
				bad(f.name, "must be a whole number from 0 to 10000")
			}
			*f.dst = n
		}
		if anyTarget {
			if !staff(authz.PrincipalFrom(ctx)) {
				bad("targets", "only a coordinator sets a person's targets")
			}
			c.Targets = &t
		}
		if ok && listed[recordID(p.ID, q.String())] {
			r, err := s.d.Store.records.Get(ctx, recordID(p.ID, q.String()))
			if err != nil && !errs.Is(err, errs.NotFound) {
				return ImportResult{}, err
			}
			if err == nil && r.Status == Approved {
				bad("code", "this person's %s record is approved and can no longer change", q)
			}
		}
		changes = append(changes, change{p, c})
	}
	if len(problems) > 0 {
		return ImportResult{}, errs.Fields(errs.Unprocessable, "the file has problems; nothing was imported", problems)
	}
	var ids []string
	for _, ch := range changes {
		if id := recordID(ch.p.ID, q.String()); !listed[id] {
			ids = append(ids, id)
		}
	}
	if len(ids) > 0 {
		if _, err := s.d.Store.quarters.Apply(ctx, q.String(), func(d *quarterDoc, _ bool) error {
			for _, id := range ids {
				if !slices.Contains(d.Records, id) {
					d.Records = append(d.Records, id)
				}
			}
			return nil
		}); err != nil {
			return ImportResult{}, err
		}
	}
	// The quarter's summary is kept once for the file: every row's id is
	// marked pending first, and their copies are put after the last.
	all := make([]string, len(changes))
	for i, ch := range changes {
		all[i] = recordID(ch.p.ID, q.String())
	}
	if err := s.d.Store.markPending(ctx, q.String(), all...); err != nil {
		return ImportResult{}, err
	}
	defer s.changed(q.String())
	out := ImportResult{Items: make([]Record, 0, len(changes))}
	for _, ch := range changes {
		r, err := s.put(ctx, authz.All, ch.p.ID, q.String(), ch.c, false)
		if err != nil {
			// The rows written so far keep their pending marks: lists read
			// them by _id until they are written again.
			return out, fmt.Errorf("performance import: %s after %d of %d rows: %w", ch.p.ID, len(out.Items), len(changes), err)
		}
		out.Items = append(out.Items, r)
	}
	if err := s.d.Store.summarize(ctx, q.String(), out.Items...); err != nil {
		return out, err
	}
	out.Imported = len(out.Items)
	return out, nil
}
