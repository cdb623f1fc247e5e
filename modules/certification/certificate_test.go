package certification

import (
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
)

// at reads "2006-01-02 15:04" (or a bare date, at midnight) in Vietnam.
func at(s string) time.Time {
	layout := "2006-01-02 15:04"
	if len(s) == len("2006-01-02") {
		layout = "2006-01-02"
	}
	t, err := time.ParseInLocation(layout, s, clock.VN)
	if err != nil {
		panic(err)
	}
	return t
}

var (
	quizOnly   = Rule{ValidityMonths: 12, RenewalWindowDays: 30}
	withMarks  = Rule{ValidityMonths: 12, RenewalWindowDays: 30, RequiresAttendance: true}
	issued0315 = Cycle{N: 1, IssuedAt: at("2026-03-15 10:00"), CompletedAt: at("2026-03-15 10:00"),
		ExpiresAt: at("2027-03-16"), Pass: "a1", Attendance: "s1"} // window opens 2027-02-14
)

// cert0 is certificate id0 with the cycles given (issued0315 if none).
func cert0(cycles ...Cycle) Certificate {
	if len(cycles) == 0 {
		cycles = []Cycle{issued0315}
	}
	return Certificate{ID: "id0", Code: "CODE0", Collaborator: "p1", Course: "KC-101", Cycles: cycles}
}

func revoked(c Certificate, when string) Certificate {
	c.Revoked = &Revocation{At: at(when), By: "coord", Reason: "fraud"}
	return c
}

func TestExpiresAt(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		from       time.Time
		months     int
		validUntil string
	}{
		{at("2026-03-15 10:00"), 12, "2027-03-15"},
		{at("2026-03-15 00:00"), 12, "2027-03-15"},
		{at("2026-03-15 23:59"), 12, "2027-03-15"},
		{time.Date(2026, 3, 14, 17, 30, 0, 0, time.UTC), 12, "2027-03-15"}, // already the 15th in Vietnam
		{at("2026-01-31 09:00"), 1, "2026-02-28"},
		{at("2024-02-29 09:00"), 12, "2025-02-28"},
		{at("2026-12-31 09:00"), 2, "2027-02-28"},
		{at("2026-11-30 09:00"), 24, "2028-11-30"},
	} {
		got := expiresAt(tc.from, tc.months)
		if want := at(tc.validUntil).AddDate(0, 0, 1); !got.Equal(want) {
			t.Errorf("expiresAt(%v, %d) = %v, want %v", tc.from, tc.months, got, want)
		}
		if got := (Cycle{ExpiresAt: got}).ValidUntil(); !got.Equal(at(tc.validUntil)) {
			t.Errorf("ValidUntil of %v +%d months = %v, want %s", tc.from, tc.months, got, tc.validUntil)
		}
	}
}

func TestStatusAt(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cert Certificate
		rule Rule
		now  time.Time
		want Status
	}{
		{"just issued", cert0(), quizOnly, at("2026-03-15 10:00"), StatusValid},
		{"the day before the window", cert0(), quizOnly, at("2027-02-13 23:59"), StatusValid},
		{"the window opens at midnight", cert0(), quizOnly, at("2027-02-14 00:00"), StatusExpiring},
		{"a longer window", cert0(), Rule{ValidityMonths: 12, RenewalWindowDays: 60}, at("2027-01-15 00:00"), StatusExpiring},
		{"the expiry day", cert0(), quizOnly, at("2027-03-15 23:59"), StatusExpiring},
		{"the day after", cert0(), quizOnly, at("2027-03-16 00:00"), StatusExpired},
		{"the expiry day's end in UTC", cert0(), quizOnly, time.Date(2027, 3, 15, 16, 59, 0, 0, time.UTC), StatusExpiring},
		{"the day after in UTC", cert0(), quizOnly, time.Date(2027, 3, 15, 17, 0, 0, 0, time.UTC), StatusExpired},
		{"renewed: the latest cycle counts", cert0(issued0315, Cycle{N: 2, CompletedAt: at("2027-03-01 09:00"), ExpiresAt: at("2028-03-16")}), quizOnly, at("2027-04-01 00:00"), StatusValid},
		{"revoked while valid", revoked(cert0(), "2026-06-01 09:00"), quizOnly, at("2026-06-02 00:00"), StatusRevoked},
		{"revoked stays revoked", revoked(cert0(), "2026-06-01 09:00"), quizOnly, at("2031-01-01 00:00"), StatusRevoked},
		{"no cycle", Certificate{ID: "id0"}, quizOnly, at("2026-06-01 00:00"), StatusExpired},
	} {
		if got := StatusAt(tc.cert, tc.rule, tc.now); got != tc.want {
			t.Errorf("%s: StatusAt(%v) = %s, want %s", tc.name, tc.now, got, tc.want)
		}
	}
}

func TestWindowOpens(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, want string // want "": never
		cert       Certificate
		rule       Rule
	}{
		{"30 days before the end of the expiry day", "2027-02-14", cert0(), quizOnly},
		{"a week", "2027-03-09", cert0(), Rule{ValidityMonths: 12, RenewalWindowDays: 7}},
		{"of the latest cycle", "2028-02-15", cert0(issued0315, Cycle{N: 2, ExpiresAt: at("2028-03-16")}), quizOnly},
		{"revoked: from the revocation", "2026-06-01 09:00", revoked(cert0(), "2026-06-01 09:00"), quizOnly},
		{"no cycle: never", "", Certificate{ID: "id0"}, quizOnly},
	} {
		want := time.Time{}
		if tc.want != "" {
			want = at(tc.want)
		}
		if got := WindowOpens(tc.cert, tc.rule); !got.Equal(want) {
			t.Errorf("%s: WindowOpens = %v, want %v", tc.name, got, want)
		}
	}
}
