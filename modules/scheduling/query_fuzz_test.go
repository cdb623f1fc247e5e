package scheduling

import (
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
)

// invalidNaming fails t unless err is an errs.Invalid naming field.
func invalidNaming(t *testing.T, err error, field, input string) {
	t.Helper()
	if !errs.OnField(err, errs.Invalid, field) {
		t.Fatalf("%q: %v, want errs.Invalid naming %s", input, err, field)
	}
}

// FuzzWeekRange: a week is a Monday-to-Monday range in Vietnam between
// 2000 and 2100, or refused naming week.
func FuzzWeekRange(f *testing.F) {
	for _, s := range []string{"2026-W48", "2026-W01", "2026-W53", "2026-W54", "2026-W00", "2026-W99", "0001-W01", "9999-W01",
		"2026W48", "-W1", "2026-W-1", "2026-W+1", "２０２６-W48", "2026-W48\x00", "", "2026-W4８", "99999999999999999999-W1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, week string) {
		from, to, err := WeekRange(week)
		if err != nil {
			invalidNaming(t, err, "week", week)
			return
		}
		local := from.In(vn)
		if local.Weekday() != time.Monday || local.Hour() != 0 || local.Minute() != 0 || to.Sub(from) != 7*24*time.Hour {
			t.Fatalf("WeekRange(%q) = %v – %v: not Monday to Monday", week, from, to)
		}
		if local.Year() < 1999 || local.Year() > 2101 {
			t.Fatalf("WeekRange(%q) = %v: outside 2000–2100", week, from)
		}
	})
}

// FuzzParseTime: the from/to of a list is an RFC 3339 time or a date, or
// refused naming the parameter.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-12-07", "2026-12-07T08:00:00+07:00", "2026-12-07T08:00:00Z", "2026-02-30", "2026-13-01",
		"2026-12-07T08:00:00", "0001-01-01", "9999-12-31", "now", "", "1765090800", "2026-12-07T25:00:00Z", "2026-12-07\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got, err := parseTime("from", v)
		if err != nil {
			invalidNaming(t, err, "from", v)
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("parseTime(%q) = %v, not in UTC", v, got)
		}
	})
}
