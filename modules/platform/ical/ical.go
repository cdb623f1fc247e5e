// Package ical writes iCalendar objects (RFC 5545) whose text cannot
// change their structure: every content line ends in CRLF and is folded at
// 75 octets, TEXT values are escaped (backslash, semicolon, comma, line
// breaks), parameter values are always DQUOTE-quoted, and no value, whatever
// it holds, can end a line early or start a parameter. A location of
// "Hall\rATTENDEE:mailto:evil@example" stays one LOCATION property.
//
// Parse reads content lines back, strictly, for tests and checks.
package ical

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Param is one property parameter, such as CN="Nguyễn Văn An".
type Param struct {
	Name  string
	Value string
}

// Writer builds an iCalendar object line by line. Property and parameter
// names come from the program, never from users: an invalid one panics.
type Writer struct {
	b strings.Builder
}

// Begin opens a component (VCALENDAR, VEVENT…).
func (w *Writer) Begin(component string) { w.line("BEGIN", nil, checkName(component)) }

// End closes a component.
func (w *Writer) End(component string) { w.line("END", nil, checkName(component)) }

// Text writes a property of type TEXT (SUMMARY, LOCATION, DESCRIPTION…):
// the value is escaped, line breaks become \n, other control characters
// become spaces.
func (w *Writer) Text(name, value string, params ...Param) {
	w.line(checkName(name), params, EscapeText(value))
}

// Value writes a property whose value is already in its type's syntax
// (DATE-TIME, INTEGER, a CAL-ADDRESS such as mailto:a@b, a method name):
// control characters become spaces, so it stays one line.
func (w *Writer) Value(name, value string, params ...Param) {
	w.line(checkName(name), params, clean(value, ' '))
}

// String returns the object written so far.
func (w *Writer) String() string { return w.b.String() }

func (w *Writer) line(name string, params []Param, value string) {
	var l strings.Builder
	l.WriteString(name)
	for _, p := range params {
		l.WriteByte(';')
		l.WriteString(checkName(p.Name))
		l.WriteByte('=')
		l.WriteString(QuoteParam(p.Value))
	}
	l.WriteByte(':')
	l.WriteString(value)
	w.b.WriteString(Fold(l.String()))
}

// EscapeText escapes a TEXT value (RFC 5545, 3.3.11): backslash, semicolon
// and comma are escaped, a line break (CRLF, LF or a bare CR) becomes \n,
// any other control character a space, invalid UTF-8 U+FFFD.
func EscapeText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\\', r == ';', r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\r':
			b.WriteString(`\n`)
			if i+1 < len(s) && s[i+1] == '\n' {
				size++
			}
		case r == '\n':
			b.WriteString(`\n`)
		case control(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// UnescapeText reverses EscapeText (\n and \N are a line feed).
func UnescapeText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// QuoteParam writes a parameter value: a token (letters, digits, '-', as
// the enumerated values PARTSTAT=NEEDS-ACTION or RSVP=TRUE must be) as it
// is, anything else (a CN) as a quoted-string, which may hold anything but
// DQUOTE and control characters: a DQUOTE becomes an apostrophe, a control
// character a space.
func QuoteParam(s string) string {
	if s != "" && validName(s) == nil {
		return s
	}
	return `"` + CleanParam(s) + `"`
}

// CleanParam is the value QuoteParam keeps of s, unquoted.
func CleanParam(s string) string {
	return strings.ReplaceAll(clean(s, ' '), `"`, "'")
}

// clean makes s valid UTF-8 and replaces its control characters.
func clean(s string, with rune) string {
	return strings.Map(func(r rune) rune {
		if control(r) {
			return with
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// control reports whether r may not appear in a content line's value: C0
// but HTAB, DEL, C1, and the Unicode line and paragraph separators that
// some readers take for line ends.
func control(r rune) bool {
	return (r < 0x20 && r != '\t') || (r >= 0x7f && r <= 0x9f) || r == '\u2028' || r == '\u2029'
}

// Fold ends a content line with CRLF and folds it into lines of at most 75
// octets, continuation lines starting with a space, never inside a UTF-8
// sequence.
func Fold(line string) string {
	const max = 75
	var b strings.Builder
	width := max
	for len(line) > width {
		cut := width
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		b.WriteString(line[:cut])
		b.WriteString("\r\n ")
		line = line[cut:]
		width = max - 1 // the leading space counts
	}
	b.WriteString(line)
	b.WriteString("\r\n")
	return b.String()
}

// checkName panics unless name is an iana-token or x-name (letters, digits
// and '-'): names are the program's, and a wrong one is a bug.
func checkName(name string) string {
	if name == "" {
		panic("ical: empty name")
	}
	for _, r := range name {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			panic(fmt.Sprintf("ical: invalid name %q", name))
		}
	}
	return strings.ToUpper(name)
}

// Property is one content line read back by Parse.
type Property struct {
	Name   string
	Params map[string]string // names in capitals, values unquoted
	Value  string            // as written (TEXT still escaped: UnescapeText)
}

// Parse reads an iCalendar object's content lines strictly: each physical
// line must end in CRLF, hold no other CR or LF and no control character
// but HTAB, and be at most 75 octets; continuation lines are unfolded;
// each logical line must be name *(";" param) ":" value. Errors name the
// line.
func Parse(s string) ([]Property, error) {
	if !strings.HasSuffix(s, "\r\n") {
		return nil, errors.New("the object does not end in CRLF")
	}
	phys := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	var logical []string
	for i, l := range phys {
		if len(l) > 75 {
			return nil, fmt.Errorf("line %d is %d octets long", i+1, len(l))
		}
		if !utf8.ValidString(l) {
			return nil, fmt.Errorf("line %d is not UTF-8", i+1)
		}
		for _, r := range l {
			if control(r) {
				return nil, fmt.Errorf("line %d holds the control character %U", i+1, r)
			}
		}
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			if len(logical) == 0 {
				return nil, fmt.Errorf("line %d continues nothing", i+1)
			}
			logical[len(logical)-1] += l[1:]
			continue
		}
		logical = append(logical, l)
	}
	out := make([]Property, 0, len(logical))
	for i, l := range logical {
		p, err := parseLine(l)
		if err != nil {
			return nil, fmt.Errorf("content line %d (%.40q): %w", i+1, l, err)
		}
		out = append(out, p)
	}
	return out, nil
}

func parseLine(l string) (Property, error) {
	p := Property{Params: map[string]string{}}
	i := strings.IndexAny(l, ";:")
	if i <= 0 {
		return p, errors.New("no name")
	}
	p.Name = l[:i]
	if err := validName(p.Name); err != nil {
		return p, err
	}
	for l[i] == ';' {
		l = l[i+1:]
		eq := strings.IndexByte(l, '=')
		if eq <= 0 {
			return p, errors.New("a parameter without a value")
		}
		name := l[:eq]
		if err := validName(name); err != nil {
			return p, err
		}
		l = l[eq+1:]
		var value string
		if strings.HasPrefix(l, `"`) {
			end := strings.IndexByte(l[1:], '"')
			if end < 0 {
				return p, errors.New("an unterminated quoted parameter")
			}
			value, l = l[1:1+end], l[end+2:]
		} else {
			end := strings.IndexAny(l, ";:")
			if end < 0 {
				return p, errors.New("no value")
			}
			value, l = l[:end], l[end:]
		}
		p.Params[strings.ToUpper(name)] = value
		if l == "" {
			return p, errors.New("no value")
		}
		i = 0
		if l[0] != ';' && l[0] != ':' {
			return p, errors.New("text after a quoted parameter")
		}
	}
	p.Name = strings.ToUpper(p.Name)
	p.Value = l[i+1:]
	return p, nil
}

func validName(name string) error {
	for _, r := range name {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return fmt.Errorf("invalid name %q", name)
		}
	}
	return nil
}
