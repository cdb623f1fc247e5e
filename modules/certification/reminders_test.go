package certification

import (
	"strings"
	"testing"
	"time"
)

func TestReminders(t *testing.T) {
	t.Parallel()
	renewed := cert0(issued0315, Cycle{N: 2, CompletedAt: at("2027-03-01 10:00"), ExpiresAt: at("2028-03-16"), Pass: "a2"})
	week := Rule{ValidityMonths: 12, RenewalWindowDays: 7}
	fiveDays := Rule{ValidityMonths: 12, RenewalWindowDays: 5}
	for _, tc := range []struct {
		name string
		cert Certificate
		rule Rule
		now  time.Time
		want string // the keys due, space-separated
	}{
		{"valid", cert0(), quizOnly, at("2027-02-13 23:59"), ""},
		{"the window opens", cert0(), quizOnly, at("2027-02-14 00:00"), "certification:id0:c1:window_open"},
		{"the day before the last week", cert0(), quizOnly, at("2027-03-08 23:59"), "certification:id0:c1:window_open"},
		{"7 days before the expiry day ends", cert0(), quizOnly, at("2027-03-09 00:00"), "certification:id0:c1:week_before"},
		{"the expiry day", cert0(), quizOnly, at("2027-03-15 23:59"), "certification:id0:c1:week_before"},
		{"expired", cert0(), quizOnly, at("2027-03-16 00:00"), "certification:id0:c1:expired"},
		{"expired long ago", cert0(), quizOnly, at("2030-01-01 00:00"), "certification:id0:c1:expired"},
		{"a week's window: the week's mail", cert0(), week, at("2027-03-09 00:00"), "certification:id0:c1:week_before"},
		{"a shorter window: the week first", cert0(), fiveDays, at("2027-03-09 00:00"), "certification:id0:c1:week_before"},
		{"a shorter window: then its opening", cert0(), fiveDays, at("2027-03-11 00:00"), "certification:id0:c1:window_open"},
		{"renewed in the window: the old cycle's are over", renewed, quizOnly, at("2027-03-16 00:00"), ""},
		{"the renewed cycle's window", renewed, quizOnly, at("2028-02-15 00:00"), "certification:id0:c2:window_open"},
		{"revoked", revoked(cert0(), "2027-02-20 09:00"), quizOnly, at("2027-03-16 00:00"), ""},
		{"no cycle", Certificate{ID: "id0"}, quizOnly, at("2027-03-16 00:00"), ""},
	} {
		var keys []string
		for _, r := range Reminders(tc.cert, tc.rule, tc.now) {
			if !strings.HasSuffix(r.Key, ":"+r.Kind) {
				t.Errorf("%s: key %q does not name kind %q", tc.name, r.Key, r.Kind)
			}
			keys = append(keys, r.Key)
		}
		if got := strings.Join(keys, " "); got != tc.want {
			t.Errorf("%s: Reminders at %v = %q, want %q", tc.name, tc.now, got, tc.want)
		}
	}
}
