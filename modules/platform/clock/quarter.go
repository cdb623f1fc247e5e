package clock

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// VN is Vietnam's time zone, the one dates, quarters and shown times are
// in. Vietnam keeps UTC+7 all year (no daylight saving), so a fixed zone is
// exact and needs no time-zone database on the host.
var VN = time.FixedZone("ICT", 7*3600)

// Quarter is a calendar quarter in Vietnam: Q is 1 to 4.
type Quarter struct {
	Year, Q int
}

// FirstYear and LastYear bound the quarters ParseQuarter accepts: the
// product's records, contracts and reports are of this century, and a
// quarter outside it is a typing mistake, not a sheet to compute.
const (
	FirstYear = 2000
	LastYear  = 2099
)

// ParseQuarter reads a quarter written as String writes it: "2026-Q3",
// from FirstYear to LastYear.
func ParseQuarter(s string) (Quarter, error) {
	year, q, ok := strings.Cut(s, "-Q")
	y, yerr := strconv.Atoi(year)
	n, qerr := strconv.Atoi(q)
	if !ok || yerr != nil || qerr != nil || len(year) != 4 || len(q) != 1 || n < 1 || n > 4 {
		return Quarter{}, fmt.Errorf("clock: %q is not a quarter (like 2026-Q3)", s)
	}
	if y < FirstYear || y > LastYear {
		return Quarter{}, fmt.Errorf("clock: %q is not a quarter from %d-Q1 to %d-Q4", s, FirstYear, LastYear)
	}
	return Quarter{Year: y, Q: n}, nil
}

// QuarterOf is the quarter that t falls in, in Vietnam.
func QuarterOf(t time.Time) Quarter {
	t = t.In(VN)
	return Quarter{Year: t.Year(), Q: (int(t.Month())-1)/3 + 1}
}

// String writes the quarter as "2026-Q3".
func (q Quarter) String() string { return fmt.Sprintf("%04d-Q%d", q.Year, q.Q) }

// Start is the quarter's first instant: midnight in Vietnam on its first day.
func (q Quarter) Start() time.Time {
	return time.Date(q.Year, time.Month(3*(q.Q-1)+1), 1, 0, 0, 0, 0, VN)
}

// End is the first instant after the quarter (the next one's Start): the
// quarter is [Start, End).
func (q Quarter) End() time.Time { return q.Next().Start() }

// Contains tells whether t falls in the quarter.
func (q Quarter) Contains(t time.Time) bool { return !t.Before(q.Start()) && t.Before(q.End()) }

// Next is the quarter after q.
func (q Quarter) Next() Quarter {
	if q.Q == 4 {
		return Quarter{Year: q.Year + 1, Q: 1}
	}
	return Quarter{Year: q.Year, Q: q.Q + 1}
}

// Prev is the quarter before q.
func (q Quarter) Prev() Quarter {
	if q.Q == 1 {
		return Quarter{Year: q.Year - 1, Q: 4}
	}
	return Quarter{Year: q.Year, Q: q.Q - 1}
}
