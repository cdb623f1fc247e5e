package clock

import (
	"bytes"
	"fmt"
	"time"
)

// Day is a calendar day in Vietnam (a last valid day, a contract's end),
// kept as the moment it starts there. In JSON it is written YYYY-MM-DD, as
// the API writes every day, not a date-time read as the instant before it.
type Day struct{ time.Time }

// DayOf is the Vietnam day t falls on.
func DayOf(t time.Time) Day {
	y, m, d := t.In(VN).Date()
	return Day{time.Date(y, m, d, 0, 0, 0, 0, VN)}
}

// String is the day as YYYY-MM-DD ("" for the zero Day).
func (d Day) String() string {
	if d.IsZero() {
		return ""
	}
	return d.In(VN).Format(time.DateOnly)
}

// MarshalJSON writes the day as "YYYY-MM-DD".
func (d Day) MarshalJSON() ([]byte, error) {
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reads "YYYY-MM-DD" ("" is the zero Day).
func (d *Day) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	if s == "" {
		*d = Day{}
		return nil
	}
	t, err := time.ParseInLocation(time.DateOnly, s, VN)
	if err != nil {
		return fmt.Errorf("clock.Day: %w", err)
	}
	*d = Day{t}
	return nil
}
