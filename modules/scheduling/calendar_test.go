package scheduling

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/ical"
)

var calendarNames = []string{"BEGIN", "VERSION", "PRODID", "CALSCALE", "METHOD", "BEGIN", "UID", "DTSTAMP", "SEQUENCE",
	"DTSTART", "DTEND", "SUMMARY", "LOCATION", "DESCRIPTION", "ORGANIZER", "ATTENDEE", "STATUS", "END", "END"}

// checkCalendar parses a session's iCalendar object strictly and fails
// unless it holds exactly the properties the writer means to write, with
// the session's title and place as its SUMMARY and LOCATION.
func checkCalendar(t *testing.T, out string, s Session, p Person) {
	t.Helper()
	props, err := ical.Parse(out)
	if err != nil {
		t.Fatalf("%v\n%q", err, out)
	}
	var names []string
	for _, x := range props {
		names = append(names, x.Name)
	}
	if !slices.Equal(names, calendarNames) {
		t.Fatalf("properties %v\n%q", names, out)
	}
	for _, x := range props {
		var want string
		switch x.Name {
		case "SUMMARY":
			want = ical.UnescapeText(ical.EscapeText(s.Title))
		case "LOCATION":
			want = ical.UnescapeText(ical.EscapeText(s.Location))
		case "ATTENDEE":
			if x.Params["CN"] != ical.CleanParam(p.Name) || len(x.Params) != 5 {
				t.Fatalf("ATTENDEE parameters %q for the name %q", x.Params, p.Name)
			}
			continue
		default:
			continue
		}
		if got := ical.UnescapeText(x.Value); got != want || strings.ContainsAny(got, "\r") {
			t.Fatalf("%s reads back %q, want %q", x.Name, got, want)
		}
	}
}

// FuzzCalendar: whatever a session's title, place and description and an
// invitee's name and address hold, the invitation's iCalendar part is only
// CRLF-terminated lines of at most 75 octets holding exactly the intended
// properties.
func FuzzCalendar(f *testing.F) {
	f.Add("Tập huấn chính sách khuyến công", "Hội trường UBND huyện Nhơn Trạch", "Nguyễn Văn An", "an@example.vn", "Kính gửi\nanh")
	f.Add("Title", "Hall\rATTENDEE:mailto:evil@example\rX-INJ:1", `Evil" ;ROLE=CHAIR`, "evil@example\r\nX-INJ:1", "a\r\nEND:VEVENT")
	f.Add("a,b;c\\d", "\u2028\u0085\x00", "\"\"", ";:", strings.Repeat("ễ", 100))
	n := &Notices{from: "academy@example.vn", fromName: "Trung tâm Khuyến công", now: func() time.Time { return t0 }}
	f.Fuzz(func(t *testing.T, title, location, name, email, description string) {
		s := Session{ID: "s1", Title: title, Location: location, StartsAt: t0, EndsAt: t0.Add(time.Hour), Sequence: 2}
		p := Person{Name: name, Email: email}
		for _, method := range []string{"REQUEST", "CANCEL"} {
			checkCalendar(t, n.calendar(s, p, method, description), s, p)
		}
	})
}
