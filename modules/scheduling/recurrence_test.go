package scheduling

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestOccurrencesRefusesLargeExpansions(t *testing.T) {
	t.Parallel()
	yearLater := t0.AddDate(1, 0, 0).Format("20060102T150405Z")
	for _, tc := range []struct{ rule, want string }{
		{"FREQ=SECONDLY;UNTIL=" + yearLater, "FREQ must be"},
		{"FREQ=MINUTELY;COUNT=10", "FREQ must be"},
		{"FREQ=HOURLY;COUNT=3", "FREQ must be"},
		{"FREQ=DAILY;BYSECOND=0,1,2;COUNT=5", "BYSECOND"},
		{"FREQ=YEARLY;BYMINUTE=0,1;COUNT=5", "BYMINUTE"},
		{"FREQ=DAILY;UNTIL=" + yearLater, "at most 52"},
		{"FREQ=DAILY;COUNT=-1", "COUNT must be positive"},
		{"FREQ=YEARLY;BYEASTER=0;COUNT=2", "BYEASTER"},
		{"FREQ=DAILY;INTERVAL=100000;COUNT=2", "INTERVAL"},
		{"FREQ=WEEKLY;INTERVAL=0;COUNT=3", "INTERVAL must be a whole number from 1"},
		{"FREQ=WEEKLY;interval=0;COUNT=3", "INTERVAL must be a whole number from 1"},
		{"FREQ=WEEKLY;INTERVAL=-2;COUNT=3", "INTERVAL must be a whole number from 1"},
		{"FREQ=WEEKLY;INTERVAL=two;COUNT=3", "INTERVAL must be a whole number from 1"},
		{"FREQ=WEEKLY;INTERVAL=;COUNT=3", "INTERVAL must be a whole number from 1"},
		{"FREQ=WEEKLY;INTERVAL=1.5;COUNT=3", "INTERVAL must be a whole number from 1"},
		{"FREQ=WEEKLY;UNTIL=99991231T000000Z", "at most 10 years"},
		{"FREQ=YEARLY;COUNT=12", "within 10 years"},
		{"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;COUNT=3", "makes no session"},
		{"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=52", "makes no session"},
		{"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;COUNT=4", "within 10 years"}, // leap days: 2028, 2032, 2036, 2040
		{"FREQ=WEEKLY;BYDAY=MO;BYMONTH=2;BYMONTHDAY=30;COUNT=2", "makes no session"},
		{"DTSTART:20000101T000000Z\nRRULE:FREQ=DAILY;COUNT=2", "control characters"},
		{"FREQ=WEEKLY;COUNT=2;" + strings.Repeat("BYDAY=MO;", 100), "at most 500"},
	} {
		_, err := Occurrences(tc.rule, t0)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want an error saying %q", tc.rule, err, tc.want)
		}
	}
	// What a class series needs still works.
	for rule, n := range map[string]int{
		"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;COUNT=2":    2, // 2028-02-29, 2032-02-29
		"FREQ=WEEKLY;BYDAY=FR;BYMONTHDAY=13;COUNT=3":    3,
		"FREQ=WEEKLY;COUNT=52":                          52,
		"FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;COUNT=10":   10,
		"FREQ=WEEKLY;INTERVAL=1;COUNT=3":                3,
		"FREQ=MONTHLY;BYDAY=1MO;UNTIL=20271231T000000Z": 13,
		"FREQ=DAILY;BYHOUR=1,6;COUNT=4":                 4,
		"FREQ=YEARLY;COUNT=10":                          10,
	} {
		if times, err := Occurrences(rule, t0); err != nil || len(times) != n {
			t.Errorf("%q: %d sessions, %v; want %d", rule, len(times), err, n)
		}
	}
}

// Occurrences computes 400-year cycles later and shifts back: the dates
// are the rule's own, weekdays and leap days included.
func TestOccurrencesKeepTheirDates(t *testing.T) {
	t.Parallel()
	for rule, want := range map[string][]string{
		"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;COUNT=2": {"2028-02-29T01:00:00Z", "2032-02-29T01:00:00Z"},
		"FREQ=MONTHLY;BYDAY=1MO;COUNT=3":             {"2026-12-07T01:00:00Z", "2027-01-04T01:00:00Z", "2027-02-01T01:00:00Z"},
		"FREQ=WEEKLY;BYDAY=FR;BYMONTHDAY=13;COUNT=2": {"2027-08-13T01:00:00Z", "2028-10-13T01:00:00Z"},
	} {
		times, err := Occurrences(rule, t0)
		var got []string
		for _, x := range times {
			got = append(got, x.UTC().Format(time.RFC3339))
		}
		if err != nil || strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%q: %v, %v; want %v", rule, got, err, want)
		}
	}
	vn := time.FixedZone("ICT", 7*3600)
	if times, err := Occurrences("FREQ=WEEKLY;COUNT=2", time.Date(2026, 12, 7, 8, 0, 0, 0, vn)); err != nil ||
		!times[1].Equal(time.Date(2026, 12, 14, 8, 0, 0, 0, vn)) || times[1].Location() != vn {
		t.Errorf("in Vietnam's time: %v, %v", times, err)
	}
}

// TestOccurrencesAllocationIsBounded: the rules that generated millions of
// times before the count was checked now cost a few hundred kilobytes at
// most, whether refused before expansion or cut at MaxOccurrences+1.
func TestOccurrencesAllocationIsBounded(t *testing.T) {
	yearLater := t0.AddDate(1, 0, 0).Format("20060102T150405Z")
	tenYears := t0.AddDate(10, 0, 0).Add(-time.Hour).Format("20060102T150405Z")
	for _, rule := range []string{
		"FREQ=SECONDLY;UNTIL=" + yearLater,
		"FREQ=DAILY;UNTIL=" + tenYears,
		"FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;UNTIL=" + tenYears,
		"FREQ=YEARLY;BYYEARDAY=1,2,3,4,5,6,7,8,9,10;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;UNTIL=" + tenYears,
		"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=52", // never matches: walks ten years of days, keeps nothing
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		times, err := Occurrences(rule, t0)
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Errorf("%q accepted with %d sessions", rule, len(times))
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 4<<20 {
			t.Errorf("%q allocated %d bytes", rule, got)
		}
	}
}

// FuzzOccurrences: for any rule and first session, Occurrences never
// panics, and what it accepts is 1 to MaxOccurrences sessions in order,
// from the first session on, within MaxSeriesYears of it.
func FuzzOccurrences(f *testing.F) {
	for _, seed := range []string{
		"FREQ=WEEKLY;COUNT=4", "RRULE:FREQ=MONTHLY;UNTIL=20270401T000000Z", "FREQ=SECONDLY;UNTIL=20271207T000000Z",
		"FREQ=DAILY;BYHOUR=0,23;COUNT=52", "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO;COUNT=3", "FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU;COUNT=5",
		"FREQ=YEARLY;BYEASTER=0;COUNT=2", "FREQ=WEEKLY;WKST=SU;INTERVAL=1000;COUNT=2", "FREQ=DAILY;COUNT=0", "FREQ=;COUNT=1",
		"FREQ=DAILY;UNTIL=20261207", "FREQ=WEEKLY;COUNT=2;BYDAY=+53MO", "FREQ=MONTHLY;BYMONTHDAY=-31;COUNT=3",
		"FREQ=DAILY;COUNT=9223372036854775807", "FREQ=YEARLY;INTERVAL=9223372036854775807;COUNT=2",
	} {
		f.Add(seed, t0.Unix())
	}
	f.Add("FREQ=WEEKLY;COUNT=2", int64(-62135596800)) // year 1
	f.Add("FREQ=WEEKLY;COUNT=2", int64(253402300799)) // 9999-12-31
	f.Fuzz(func(t *testing.T, rule string, startUnix int64) {
		start := time.Unix(startUnix%(400*365*86400), 0).UTC()
		times, err := Occurrences(rule, start)
		if err != nil {
			if times != nil {
				t.Fatalf("%q: error %v with %d sessions", rule, err, len(times))
			}
			return
		}
		if len(times) == 0 || len(times) > MaxOccurrences {
			t.Fatalf("%q: %d sessions accepted", rule, len(times))
		}
		horizon := start.AddDate(MaxSeriesYears, 0, 0)
		for i, x := range times {
			if x.Before(start.Truncate(time.Second)) || x.After(horizon) || (i > 0 && !x.After(times[i-1])) {
				t.Fatalf("%q from %v: session %d at %v", rule, start, i, x)
			}
		}
	})
}

// BenchmarkOccurrences: the cost of the rules a series is made from, and
// of the largest rules still accepted or refused only after expansion
// (allocations per rule are bounded by MaxOccurrences+1 sessions and one
// period of the rule, whatever its UNTIL; time by about 400 years of
// periods when nothing matches).
func BenchmarkOccurrences(b *testing.B) {
	tenYears := t0.AddDate(10, 0, 0).Add(-time.Hour).Format("20060102T150405Z")
	for name, rule := range map[string]string{
		"weekly-12":              "FREQ=WEEKLY;COUNT=12",
		"daily-ten-years":        "FREQ=DAILY;UNTIL=" + tenYears,
		"daily-never-matching":   "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=52",
		"daily-leap-days":        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;COUNT=3",
		"secondly-refused":       "FREQ=SECONDLY;UNTIL=" + tenYears,
		"yearly-every-hour-days": "FREQ=YEARLY;BYYEARDAY=1,2,3,4,5,6,7,8,9,10;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;UNTIL=" + tenYears,
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = Occurrences(rule, t0)
			}
		})
	}
}
