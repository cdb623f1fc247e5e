package ical

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// event writes the object scheduling writes, with text in every place a
// user's words can reach.
func event(text string) string {
	var w Writer
	w.Begin("VCALENDAR")
	w.Value("VERSION", "2.0")
	w.Value("METHOD", "REQUEST")
	w.Begin("VEVENT")
	w.Value("UID", "s1@ctv-academy")
	w.Text("SUMMARY", text)
	w.Text("LOCATION", text)
	w.Text("DESCRIPTION", "Kính gửi "+text+"\nDòng hai")
	w.Value("ORGANIZER", "mailto:academy@example.vn", Param{"CN", text})
	w.Value("ATTENDEE", "mailto:"+text, Param{"CUTYPE", "INDIVIDUAL"}, Param{"CN", text}, Param{"RSVP", "TRUE"})
	w.End("VEVENT")
	w.End("VCALENDAR")
	return w.String()
}

var eventNames = []string{"BEGIN", "VERSION", "METHOD", "BEGIN", "UID", "SUMMARY", "LOCATION", "DESCRIPTION", "ORGANIZER", "ATTENDEE", "END", "END"}

func TestInjectionStaysInItsProperty(t *testing.T) {
	t.Parallel()
	for _, evil := range []string{
		"Hall\rATTENDEE:mailto:evil@example\rX-INJ:1",
		"Hall\nATTENDEE:mailto:evil@example\nX-INJ:1",
		"Hall\r\nATTENDEE:mailto:evil@example",
		`Nguyễn "Văn" An";ROLE=CHAIR:mailto:evil@example`,
		"A\u2028X-INJ:1\u0085X-INJ:2\x00\x1b",
		strings.Repeat("Hội trường UBND; tầng 2, phòng \\ ", 20),
	} {
		props, err := readBack(evil)
		if err != nil {
			t.Errorf("%q: %v", evil, err)
			continue
		}
		for _, p := range props {
			if p.Name == "ATTENDEE" && (p.Params["ROLE"] != "" || len(p.Params) != 3) {
				t.Errorf("ATTENDEE parameters %v", p.Params)
			}
		}
	}
}

// readBack parses the event written with text and returns its
// properties, or what is wrong: the properties are other than those
// written, a text does not read back as cleanText(text), or a CN is not
// CleanParam(text).
func readBack(text string) ([]Property, error) {
	out := event(text)
	props, err := Parse(out)
	if err != nil {
		return nil, fmt.Errorf("%w\n%q", err, out)
	}
	var names []string
	for _, p := range props {
		names = append(names, p.Name)
	}
	if !slices.Equal(names, eventNames) {
		return nil, fmt.Errorf("the properties %v", names)
	}
	for _, p := range props {
		switch p.Name {
		case "SUMMARY", "LOCATION":
			if got, want := UnescapeText(p.Value), cleanText(text); got != want {
				return nil, fmt.Errorf("%s reads back %q, want %q", p.Name, got, want)
			}
		case "ORGANIZER", "ATTENDEE":
			if p.Params["CN"] != CleanParam(text) {
				return nil, fmt.Errorf("%s CN %q, want %q", p.Name, p.Params["CN"], CleanParam(text))
			}
		}
	}
	return props, nil
}

// cleanText is what a TEXT value keeps of s: line breaks as LF, other
// control characters as spaces.
func cleanText(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	return strings.Map(func(r rune) rune {
		if r != '\n' && control(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

func TestFoldKeepsUTF8AndWidth(t *testing.T) {
	t.Parallel()
	long := "SUMMARY:" + strings.Repeat("Tập huấn khuyến công ", 12)
	out := Fold(long)
	for _, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(l) > 75 || !strings.HasPrefix(l, "SUMMARY") && !strings.HasPrefix(l, " ") {
			t.Errorf("line %q", l)
		}
	}
	if strings.ReplaceAll(strings.TrimSuffix(out, "\r\n"), "\r\n ", "") != long {
		t.Error("unfolding does not give the line back")
	}
}

func TestEscapeText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`a\b;c,d`:   `a\\b\;c\,d`,
		"a\r\nb\rc": `a\nb\nc`,
		"a\tb\x01c": "a\tb c",
		"\xff":      "\uFFFD",
	} {
		if got := EscapeText(in); got != want {
			t.Errorf("EscapeText(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzWriter: whatever text reaches the writer, the object is only
// CRLF-terminated lines of at most 75 octets, the properties are exactly
// those written, and each text reads back as the text given (line breaks
// as LF, other control characters as spaces).
func FuzzWriter(f *testing.F) {
	for _, seed := range []string{"", "Hội trường UBND huyện Nhơn Trạch", "Hall\rATTENDEE:mailto:evil@example\rX-INJ:1",
		"a\r\n b", "\"quoted\";x=y:z", "\\n", "\xff\xfe", "\u2028\u2029\u0085", strings.Repeat("ễ", 40)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if _, err := readBack(text); err != nil {
			t.Fatalf("%q: %v", text, err)
		}
	})
}
