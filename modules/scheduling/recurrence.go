package scheduling

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/teambition/rrule-go"
)

// MaxOccurrences bounds a series.
const MaxOccurrences = 52

// Bounds of a recurrence rule. A series of classes repeats at most daily,
// at the time of its first session, within MaxSeriesYears of it: a rule
// outside these bounds is refused before anything is expanded, and the
// expansion itself stops after MaxOccurrences+1 sessions, so no rule can
// make the service generate more than that (FREQ=SECONDLY for a year made
// 31 million times, 2.2 GB, before the count was checked).
const (
	MaxSeriesYears  = 10
	MaxRuleLength   = 500
	MaxRuleInterval = 1000
)

// Occurrences returns the start times of a series: the RRULE applied from
// start (its DTSTART), at most MaxOccurrences, and it must end (COUNT or
// UNTIL) within MaxSeriesYears of start. Its error says what is wrong with
// the rule, for the field recurrence.
func Occurrences(rule string, start time.Time) (times []time.Time, err error) {
	defer func() {
		// The rule library is not ours: whatever input made it panic is
		// an invalid rule, not a server error.
		if p := recover(); p != nil {
			times, err = nil, fmt.Errorf("is not a valid RRULE")
		}
	}()
	opt, err := parseRule(rule)
	if err != nil {
		return nil, err
	}
	horizon := start.AddDate(MaxSeriesYears, 0, 0)
	if !opt.Until.IsZero() && opt.Until.After(horizon) {
		return nil, fmt.Errorf("UNTIL must be at most %d years after the first session", MaxSeriesYears)
	}
	untilGiven := !opt.Until.IsZero()
	if !untilGiven {
		opt.Until = horizon // COUNT alone: stop looking at the horizon
	}
	// rrule-go checks UNTIL only against the times it finds, so a rule
	// whose filters never match (BYMONTH=2;BYMONTHDAY=30) walks on to its
	// last year, 9999: 8,000 years of days. Computing 400-year Gregorian
	// cycles later — the calendar and the weekdays repeat exactly — puts
	// the horizon just before 9999, so such a rule stops within ~400 years.
	shift := max(0, (9989-horizon.Year())/400) * 400
	opt.Dtstart, opt.Until = start.AddDate(shift, 0, 0), opt.Until.AddDate(shift, 0, 0)
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, fmt.Errorf("is not a valid RRULE: %v", err)
	}
	next := r.Iterator()
	for len(times) <= MaxOccurrences {
		t, ok := next()
		if !ok {
			break
		}
		t = t.AddDate(-shift, 0, 0)
		if n := len(times); n > 0 && !t.After(times[n-1]) {
			continue // BYHOUR=8,8 names one time twice: one session
		}
		times = append(times, t)
	}
	switch {
	case len(times) > MaxOccurrences:
		return nil, fmt.Errorf("may make at most %d sessions", MaxOccurrences)
	case len(times) == 0:
		return nil, errors.New("makes no session")
	case opt.Count > 0 && !untilGiven && len(times) < opt.Count:
		return nil, fmt.Errorf("its sessions must all fall within %d years of the first one", MaxSeriesYears)
	}
	return times, nil
}

// parseRule reads a rule and refuses, before any expansion, what a series
// of classes has no use for and what would make the expansion large:
// frequencies finer than daily, BYMINUTE and BYSECOND (the time of day is
// the first session's), BYEASTER (not RFC 5545's, and Easter does not
// repeat every 400 years as Occurrences needs), a rule without an end,
// COUNT above MaxOccurrences, an INTERVAL above MaxRuleInterval, a DTSTART
// of its own.
func parseRule(rule string) (*rrule.ROption, error) {
	rule = strings.TrimPrefix(strings.TrimSpace(rule), "RRULE:")
	if len(rule) > MaxRuleLength {
		return nil, fmt.Errorf("must be at most %d characters", MaxRuleLength)
	}
	for _, r := range rule {
		if r < 0x20 || r == 0x7f {
			return nil, errors.New("must be one line without control characters")
		}
	}
	// RFC 5545: INTERVAL is a positive integer. The library reads
	// INTERVAL=0 as absent (every week), so it is checked here.
	for part := range strings.SplitSeq(rule, ";") {
		k, v, _ := strings.Cut(part, "=")
		if strings.EqualFold(strings.TrimSpace(k), "INTERVAL") {
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err != nil || n < 1 || n > MaxRuleInterval {
				return nil, fmt.Errorf("INTERVAL must be a whole number from 1 to %d (RFC 5545: a positive integer)", MaxRuleInterval)
			}
		}
	}
	opt, err := rrule.StrToROption(rule)
	if err != nil {
		return nil, fmt.Errorf("is not a valid RRULE: %v", err)
	}
	switch {
	case !opt.Dtstart.IsZero():
		return nil, errors.New("must not hold DTSTART: the series starts at starts_at")
	case opt.Freq > rrule.DAILY:
		return nil, errors.New("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY")
	case len(opt.Byminute) > 0 || len(opt.Bysecond) > 0:
		return nil, errors.New("BYMINUTE and BYSECOND are not supported: the time of day is starts_at's")
	case len(opt.Byeaster) > 0:
		return nil, errors.New("BYEASTER is not part of RFC 5545")
	case opt.Count < 0 || opt.Interval < 0 || opt.Interval > MaxRuleInterval:
		return nil, fmt.Errorf("COUNT must be positive and INTERVAL from 1 to %d", MaxRuleInterval)
	case opt.Count == 0 && opt.Until.IsZero():
		return nil, errors.New("must end: give COUNT or UNTIL")
	case opt.Count > MaxOccurrences:
		return nil, fmt.Errorf("may make at most %d sessions", MaxOccurrences)
	}
	return opt, nil
}
