package scheduling

import (
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/humantext"
)

// EarliestSession is the earliest day a session may be scheduled for
// through the API and the forms. Loaders of history (the benchmark
// fixture) write older sessions through the store, not through Create.
var EarliestSession = time.Date(2000, 1, 1, 0, 0, 0, 0, vn)

// LatestSessionYears is how far ahead a session may be scheduled.
const LatestSessionYears = 10

// sessionWindow is the span a scheduled session must lie in: from
// EarliestSession to LatestSessionYears after now.
func sessionWindow(now time.Time) (from, to time.Time) {
	return EarliestSession, now.AddDate(LatestSessionYears, 0, 0)
}

// outOfWindow reports whether t, when set, lies outside the window.
func outOfWindow(t, now time.Time) bool {
	from, to := sessionWindow(now)
	return !t.IsZero() && (t.Before(from) || t.After(to))
}

// checkWindow names starts_at and ends_at when they lie outside the window
// of now (year 0001 and 9999 are typing mistakes, not classes).
func checkWindow(starts, ends *time.Time, now time.Time) []errs.FieldError {
	from, to := sessionWindow(now)
	msg := "must be between " + from.Format("2006-01-02") + " and " + to.In(vn).Format("2006-01-02")
	var fe []errs.FieldError
	if starts != nil && outOfWindow(*starts, now) {
		fe = append(fe, errs.FieldError{Field: "starts_at", Message: msg})
	}
	if ends != nil && outOfWindow(*ends, now) {
		fe = append(fe, errs.FieldError{Field: "ends_at", Message: msg})
	}
	return fe
}

// normalize puts the human text of an input in one Unicode form (NFC)
// without invisible characters, trimmed, and the area code in capitals.
func (in *Input) normalize() {
	in.Title, in.Location, in.Trainer = humantext.Line(in.Title), humantext.Line(in.Location), humantext.Line(in.Trainer)
	in.AreaCode = strings.ToUpper(strings.TrimSpace(in.AreaCode))
}
