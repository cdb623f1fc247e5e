package certification

import (
	"fmt"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
)

// The reminder mails of a cycle, in the order they usually fall.
const (
	ReminderWindowOpen = "window_open" // the renewal window opened
	ReminderWeekBefore = "week_before" // 7 days before the expiry day ends
	ReminderExpired    = "expired"     // the certificate expired
)

// Reminder is a reminder mail due for a certificate's current cycle.
type Reminder struct {
	Kind string
	Key  string    // the outbox key: the certificate, the cycle and the kind, so each is sent once
	At   time.Time // when it became due
}

// Reminders are the reminder mails due at now for the certificate's
// current cycle: each is due from its moment (WindowOpens; ExpiresAt less
// 7 days, at midnight in Vietnam; ExpiresAt) until the next one's, the last
// for ever, so a job that missed a day sends the latest news, not stale
// ones. Of two at the same moment only the later kind is due. A revoked
// certificate, or a cycle renewed meanwhile, gets none of the old cycle's.
func Reminders(cert Certificate, rule Rule, now time.Time) []Reminder {
	if cert.Revoked != nil || len(cert.Cycles) == 0 {
		return nil
	}
	cur := cert.Current()
	stages := []struct {
		kind string
		at   time.Time
	}{
		{ReminderWindowOpen, WindowOpens(cert, rule)},
		{ReminderWeekBefore, cur.ExpiresAt.In(clock.VN).AddDate(0, 0, -7)},
		{ReminderExpired, cur.ExpiresAt},
	}
	if stages[1].at.Before(stages[0].at) { // a window shorter than a week
		stages[0], stages[1] = stages[1], stages[0]
	}
	var due []Reminder
	for i, s := range stages {
		if now.Before(s.at) || (i+1 < len(stages) && !now.Before(stages[i+1].at)) {
			continue
		}
		due = append(due, Reminder{Kind: s.kind, Key: fmt.Sprintf("certification:%s:c%d:%s", cert.ID, cur.N, s.kind), At: s.at})
	}
	return due
}
