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
			// CUTYPE, ROLE, PARTSTAT, RSVP and CN; a CANCEL to someone who
			// has not answered has neither PARTSTAT nor RSVP.
			want := 5
			if method(props) == "CANCEL" {
				want = 3
			}
			if x.Params["CN"] != ical.CleanParam(p.Name) || len(x.Params) != want {
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

// method is the calendar's METHOD.
func method(props []ical.Property) string {
	for _, x := range props {
		if x.Name == "METHOD" {
			return x.Value
		}
	}
	return ""
}

// A cancellation asks for no reply (RFC 5546 §3.2.5): its ATTENDEE has no
// RSVP, and no PARTSTAT NEEDS-ACTION for someone who had not answered; an
// answer given (accepted, declined, waitlisted) is kept. An invitation or
// an update to the same people carries their PARTSTAT with RSVP=FALSE: an
// answer is given through the mail's link, and nothing reads a reply a
// calendar app mails to the organizer.
func TestCancelAsksForNoReply(t *testing.T) {
	n := &Notices{from: "academy@example.vn", fromName: "Trung tâm Khuyến công", now: func() time.Time { return t0 }}
	p := Person{ID: "p1", Name: "Nguyễn Văn An", Email: "an@example.vn"}
	for _, c := range []struct{ response, cancel, request string }{
		{ResponsePending, "", "NEEDS-ACTION/FALSE"},
		{ResponseAccepted, "ACCEPTED", "ACCEPTED/FALSE"},
		{ResponseDeclined, "DECLINED", "DECLINED/FALSE"},
		{ResponseWaitlisted, "TENTATIVE", "TENTATIVE/FALSE"},
	} {
		s := Session{ID: "s1", Title: "Tập huấn", Location: "Hội trường", StartsAt: t0, EndsAt: t0.Add(time.Hour), Sequence: 2,
			Invitations: []Invitation{{CollaboratorID: "p1", Response: c.response}}}
		for _, m := range []string{"CANCEL", "REQUEST"} {
			props, err := ical.Parse(n.calendar(s, p, m, "x"))
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range props {
				if x.Name != "ATTENDEE" {
					continue
				}
				rsvp, hasRSVP := x.Params["RSVP"]
				ps := x.Params["PARTSTAT"]
				if m == "CANCEL" && (hasRSVP || ps != c.cancel) {
					t.Errorf("%s to someone %s: ATTENDEE %q, want no RSVP and PARTSTAT %q", m, c.response, x.Params, c.cancel)
				}
				if m == "REQUEST" && ps+"/"+rsvp != c.request {
					t.Errorf("%s to someone %s: ATTENDEE %q, want PARTSTAT/RSVP %s", m, c.response, x.Params, c.request)
				}
			}
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
