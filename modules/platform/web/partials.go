package web

// The values the shared parts of views/parts.tmpl are called with: a page
// builds one in Go and hands it over with PageData.With, so that the part
// translates in the page's language, e.g.
//
//	{{template "filters" .With .Data.Filters}}

// SectionNav is a row of links between the pages of one section (the
// part "section_nav"): LabelKey names the row for screen readers, Current
// is the path of the page shown (marked aria-current).
type SectionNav struct {
	LabelKey string
	Links    []NavLink
	Current  string
}

// NavLink is a page of a SectionNav: its path and its title's key.
type NavLink struct{ Path, Key string }

// At is the row as the page at path shows it.
func (n SectionNav) At(path string) SectionNav {
	n.Current = path
	return n
}

// Option is a label: Label shown as it is or, when Key is set, Key (with
// Args) translated into the page's language. As a select's choice it has
// the Value sent.
type Option struct {
	Value, Label, Key string
	Args              []any
}

// Choices are the options of values, each labelled by the translation of
// prefix+value, or by the value itself when prefix is "".
func Choices[S ~string](values []S, prefix string) []Option {
	out := make([]Option, 0, len(values))
	for _, v := range values {
		o := Option{Value: string(v), Label: string(v)}
		if prefix != "" {
			o.Key = prefix + string(v)
		}
		out = append(out, o)
	}
	return out
}

// Select is a drop-down of a filter form: its query parameter Name (also
// the id its label points at), LabelKey, AllKey the first choice, which
// does not filter ("" for none), and the chosen Value.
type Select struct {
	Name, LabelKey, AllKey, Value string
	Options                       []Option
}

// AreaSelect is a list's choice of district unit (area_code): options
// are the units (value the code), value the one chosen ("" for all).
func AreaSelect(value string, options []Option) Select {
	return Select{Name: "area_code", LabelKey: "collaborators.area", AllKey: "collaborators.all_areas", Value: value, Options: options}
}

// Search is a filter form's text box.
type Search struct{ Name, LabelKey, HintKey, Value string }

// Filters is a list page's filter form: a plain GET to Action (it works
// without JavaScript) with an optional search box, the selects and a submit
// button (SubmitKey); NoPrint leaves it off the printed page.
type Filters struct {
	Action    string
	NoPrint   bool
	Search    *Search
	Selects   []Select
	SubmitKey string
}

// Pager is a list page's links to the previous and the next page (either
// "" when there is none); NoPrint leaves it off the printed page.
type Pager struct {
	Prev, Next string
	NoPrint    bool
}

// Column is a table's column header; Note is translated under the label.
type Column struct {
	Option
	Note string
}

// Columns are headers translated from keys.
func Columns(keys ...string) []Column {
	out := make([]Column, len(keys))
	for i, k := range keys {
		out[i].Key = k
	}
	return out
}

// Table is the start of a data table, up to its body ("table_head"; the page
// writes the rows and closes it with "table_end"): an optional Heading
// (h2, id ID-title), a wrapper that scrolls sideways on a narrow screen,
// an optional Caption (id ID-caption) and the column headers. The wrapper
// is a focusable region named by the heading, or else the caption, so that
// a keyboard can scroll it (axe's scrollable-region-focusable); a table
// scrolls on a phone whatever its width on a wider screen. A Region table's
// caption is shown as a title; otherwise it is muted.
type Table struct {
	ID, Class        string
	Heading, Caption *Option
	Region           bool
	Columns          []Column
}

// With is the page's data for a shared part: the same page (language,
// user, CSRF token) with data as its Data.
func (d PageData) With(data any) PageData {
	d.Data = data
	return d
}

// Label is o in the page's language.
func (d PageData) Label(o Option) string {
	if o.Key == "" {
		return o.Label
	}
	return d.T(o.Key, o.Args...)
}

// ListEnd is the end of a list ("list_end"): the item saying that it is
// empty (None, translated) when Empty, the list's closing tag and, when
// the list has one, its pager.
type ListEnd struct {
	None  string
	Empty bool
	Pager *Pager
}

// End is the page's data for "list_end", e.g.
//
//	{{template "list_end" .End "cert.none" (not .Data.Items) .Data.Pager}}
func (d PageData) End(none string, empty bool, pager ...Pager) PageData {
	e := ListEnd{None: none, Empty: empty}
	if len(pager) > 0 {
		e.Pager = &pager[0]
	}
	return d.With(e)
}

// NoRows is the end of a table's rows ("rows_end"): a row saying that
// there is none (None, translated, across columns) when Empty.
type NoRows struct {
	None    string
	Columns int
	Empty   bool
}

// RowsEnd is the page's data for "rows_end", e.g.
//
//	{{template "rows_end" .RowsEnd "perf.none" 7 (not .Data.Items)}}
func (d PageData) RowsEnd(none string, columns int, empty bool) PageData {
	return d.With(NoRows{None: none, Columns: columns, Empty: empty})
}
